"""Year over year: init, next-year, cross-year checks, narrative bound to figures,
year-on-year sentences, deadlines and safe rebuilds, through the CLI."""

from __future__ import annotations

import re
import shutil

import pytest
from cli_helpers import run
from conftest import DATA, skeleton, with_tables

from reportgen import check_file
from reportgen.checks import narrative
from reportgen.model.names import Names
from reportgen.checks.crossyear import REVIEW_MARK


def drafts(folder):
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def markdown(folder) -> str:
    """The Markdown draft's text as a reader sees it: without refresh's <!-- rg:… --> markers."""
    return re.sub(r"<!-- /?rg:[^>]* -->", "", next(folder.glob("*.md")).read_text(encoding="utf-8"))


@pytest.fixture
def finance(tmp_path):
    """A copy of the finance bureau's 2024 and 2025 files."""
    folder = tmp_path / "finance"
    shutil.copytree(DATA / "qingchuan-finance", folder)
    return folder


def set_text(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ------------------------------------------------------------------ init


def test_init_writes_a_commented_file_with_every_key_and_never_overwrites(tmp_path):
    target = tmp_path / "new" / "2026.toml"
    result = run("init", "--agency", "示例区教育局", "--year", 2026, "-o", target)
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert 'agency = "示例区教育局" # 机关名称' in text
    assert "# 一、总体情况（一）主动公开" in text and "【待填写】" in text
    assert (
        "withheld_security = { natural_person = 0, commercial = 0, research = 0, public_interest = 0, "
        "legal_services = 0, other_org = 0 } # （三）不予公开／3.危及“三安全一稳定”" in text
    )
    assert "licensing = 0 # 第二十条第（五）项／行政许可：本年处理决定数量" in text
    checked = check_file(target)
    assert checked.errors == 0
    assert {f.code for f in checked.findings} == {"missing", "empty-text"}
    target.write_text(text.replace("【待填写】", "全年主动公开政府信息120条。", 1), encoding="utf-8")
    edited = target.read_text(encoding="utf-8")
    again = run("init", "--agency", "示例区教育局", "--year", 2026, "-o", target)
    assert again.exit_code == 1
    assert f"{target} 在本程序写出后被修改过，为免丢失修改，没有覆盖。" in again.output
    assert target.read_text(encoding="utf-8") == edited
    forced = run("init", "--agency", "示例区教育局", "--year", 2026, "-o", target, "--force")
    assert forced.exit_code == 0 and target.with_name("2026.备份-1.toml").read_text(encoding="utf-8") == edited


def test_init_for_a_government_includes_its_extra_part_and_march_deadline(tmp_path):
    target = tmp_path / "gov.toml"
    run("init", "--agency", "示例县人民政府", "--year", 2025, "--kind", "政府", "-o", target)
    text = target.read_text(encoding="utf-8")
    assert "assessment = " in text and "published = 2026-03-31" in text


# ------------------------------------------------------------------ next-year


def test_next_year_carries_figures_keeps_comments_and_zeroes_flows(finance):
    result = run("next-year", finance / "2025.toml")
    assert result.exit_code == 0, result.output
    new = finance / "2026.toml"
    assert f"已生成 2026 年度的数据文件：{new}" in result.output
    assert "requests.carried_over.natural_person（二、上年结转政府信息公开申请数量／自然人）= 1" in result.output
    assert "proactive.normative_documents.in_force（行政规范性文件／现行有效件数）= 41" in result.output
    text = new.read_text(encoding="utf-8")
    assert "# 填写说明：" in text  # the clerk's comments survive
    assert "# 各列：natural_person 自然人、commercial 商业企业、research 科研机构、" in text
    report = check_file(new, previous=None).report
    assert report.year == 2026
    assert report.figure("requests.carried_over.natural_person").value == 1  # last year's 结转下年度
    assert report.figure("requests.carried_over.commercial").value == 1
    assert report.figure("requests.new.natural_person").value == 0
    assert report.figure("proactive.normative_documents.in_force").value == 41
    assert report.figure("proactive.licensing").value == 0
    assert report.text["problems"].startswith(REVIEW_MARK)
    # key order is kept
    keys = re.findall(r"^(\w+) =", text, re.M)
    assert keys.index("carried_over") < keys.index("disclosed") < keys.index("carry_forward")
    # the carried requests are pending until this year's outcomes are written: the file balances
    assert report.figure("requests.carry_forward.natural_person").value == 1
    # and it agrees with its source across the years: check passes (warnings allowed)
    assert check_file(new).errors == 0


def test_next_year_never_overwrites(finance):
    result = run("next-year", finance / "2024.toml")
    assert result.exit_code == 1
    assert (
        f"{finance / '2025.toml'} 已经存在，不是本程序写出的（或写出记录已丢失），为免丢失内容，没有覆盖。"
        in result.output
    )


def test_across_the_2021_format_change_dropped_fields_are_named(tmp_path):
    source = tmp_path / "2020.toml"
    source.write_text(
        with_tables(
            """
[proactive]
licensing = { previous = 5, change = 2, decisions = 30 }
[requests]
new = { natural_person = 3 }
other = { natural_person = 1 }
disclosed = { natural_person = 1 }
carry_forward = { natural_person = 1 }
""",
            year=2020,
        ),
        encoding="utf-8",
    )
    result = run("next-year", source)
    assert result.exit_code == 0, result.output
    assert "新格式中已不存在、因而删除的键：" in result.output
    for key in ("proactive.licensing.previous", "proactive.licensing.change", "requests.other.natural_person"):
        assert f"  {key}" in result.output
    assert "2021 年度起使用2021年版" in result.output
    new = check_file(tmp_path / "2021.toml")
    assert new.report.format.id == "2021"
    assert new.report.figure("requests.carried_over.natural_person").value == 1
    assert new.errors == 0  # the carried requests stay pending until this year's figures are in


def test_2019_to_2020_carries_the_previous_item_counts(tmp_path):
    source = tmp_path / "2019.toml"
    source.write_text(
        with_tables("[proactive]\nlicensing = { previous = 5, change = -2, decisions = 30 }\n", year=2019),
        encoding="utf-8",
    )
    run("next-year", source)
    report = check_file(tmp_path / "2020.toml").report
    assert report.figure("proactive.licensing.previous").value == 3


# ------------------------------------------------------------------ cross-year checks


def test_x1_carried_over_must_equal_last_years_carry_forward(finance):
    set_text(finance / "2025.toml", "carried_over = { natural_person = 2 }", "carried_over = { natural_person = 3 }")
    result = run("check", finance / "2025.toml")
    assert result.exit_code == 1
    assert "（X1）" in result.output
    [x1] = [f for f in check_file(finance / "2025.toml").findings if f.code == "X1"]
    assert (x1.severity.value, x1.key, x1.expected, x1.actual) == (
        "error",
        "requests.carried_over.natural_person",
        2,
        3,
    )
    assert x1.row == "二、上年结转政府信息公开申请数量" and x1.column == "自然人"
    assert x1.message.startswith(
        "“二、上年结转政府信息公开申请数量／自然人”应为 2（上年四、结转下年度继续办理 2），本年写的是 3。"
    )
    assert "上年报告：" in x1.message


def test_x2_in_force_is_only_a_warning(finance):
    set_text(finance / "2025.toml", "in_force = { value = 41,", "in_force = { value = 40,")
    findings = check_file(finance / "2025.toml").findings
    [x2] = [f for f in findings if f.code == "X2"]
    assert x2.severity.value == "warning"
    assert (x2.expected, x2.actual) == (41, 40)
    assert x2.message.startswith(
        "“行政规范性文件／现行有效件数”应为 41（上年现行有效件数 37 ＋ 本年制发件数 6 － 本年废止件数 2），本年写的是 40。"
    )


def test_x3_previous_item_count_for_2019_to_2020(tmp_path):
    (tmp_path / "2019.toml").write_text(
        with_tables("[proactive]\nlicensing = { previous = 5, change = -2 }\n", year=2019), encoding="utf-8"
    )
    (tmp_path / "2020.toml").write_text(
        with_tables("[proactive]\nlicensing = { previous = 5 }\n", year=2020), encoding="utf-8"
    )
    [x3] = [f for f in check_file(tmp_path / "2020.toml").findings if f.code == "X3"]
    assert (x3.severity.value, x3.key, x3.expected, x3.actual) == ("error", "proactive.licensing.previous", 3, 5)


def test_previous_can_be_named_and_must_be_the_year_before(finance, tmp_path):
    other = tmp_path / "elsewhere.toml"
    shutil.copy(finance / "2024.toml", other)
    (finance / "2024.toml").unlink()
    result = run("check", finance / "2025.toml", "--previous", other)
    assert f"已与上年报告核对：{other}" in result.output
    result = run("check", finance / "2025.toml", "--previous", finance / "2025.toml")
    assert "是 2025 年度的报告，不是上一年（2024 年度），没有做跨年度核对。" in result.output
    shutil.copy(other, finance / "2024.toml")
    result = run("check", finance / "2024.toml", finance / "2025.toml", "--previous", other)
    assert result.exit_code == 2


def test_identical_narrative_is_flagged_as_copied(finance):
    last = check_file(finance / "2024.toml").report.text["problems"]
    text = (finance / "2025.toml").read_text(encoding="utf-8")
    start = text.index('problems = """') + len('problems = """')
    end = text.index('"""', start)
    (finance / "2025.toml").write_text(text[:start] + "\n" + last + text[end:], encoding="utf-8")
    [similar] = [f for f in check_file(finance / "2025.toml").findings if f.code == "similar"]
    assert similar.key == "text.problems"
    assert similar.actual == "100%"
    assert similar.message.startswith("“五、存在的主要问题及改进情况”与上年报告完全相同（超过 50% 属于“内容雷同”")


def test_nearly_identical_narrative_gives_its_similarity(finance):
    last = check_file(finance / "2024.toml").report.text["supervision"]
    changed = last.replace("季度例会", "月度例会").replace("7个问题", "9个问题")
    text = (finance / "2025.toml").read_text(encoding="utf-8")
    start = text.index('supervision = """') + len('supervision = """')
    end = text.index('"""', start)
    (finance / "2025.toml").write_text(text[:start] + "\n" + changed + text[end:], encoding="utf-8")
    [similar] = [f for f in check_file(finance / "2025.toml").findings if f.code == "similar"]
    percent = int(similar.actual.rstrip("%"))
    assert 50 < percent < 100
    assert f"与上年报告的相似度为 {percent}%" in similar.message


# ------------------------------------------------------------------ narrative placeholders


def test_placeholders_follow_the_figures_after_a_change(tmp_path):
    source = tmp_path / "2021.toml"
    source.write_text(
        with_tables("[requests]\nnew = { natural_person = 3 }\ndisclosed = { natural_person = 3 }\n").replace(
            'on_request = "严格依法办理政府信息公开申请。"',
            'on_request = "全年共收到申请{{ requests.new.total }}件，予以公开{{ requests.disclosed.total }}件。"',
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run("build", source, "-o", out).exit_code == 0
    assert "全年共收到申请3件，予以公开3件。" in markdown(out)
    set_text(source, "new = { natural_person = 3 }", "new = { natural_person = 5 }")
    set_text(source, "disclosed = { natural_person = 3 }", "disclosed = { natural_person = 5 }")
    assert run("build", source, "-o", out).exit_code == 0
    assert "全年共收到申请5件，予以公开5件。" in markdown(out)


def test_an_unknown_placeholder_is_an_error_naming_the_line(tmp_path):
    text = skeleton().replace(
        'problems = "政策解读形式还比较单一，下一年将增加图解和视频解读。"',
        'problems = """\n第一段。\n全年收到申请{{ requests.nw.total }}件。\n"""',
    )
    source = tmp_path / "2021.toml"
    source.write_text(text, encoding="utf-8")
    [finding] = [f for f in check_file(source).findings if f.code == "placeholder"]
    assert finding.line == text.splitlines().index("全年收到申请{{ requests.nw.total }}件。") + 1
    assert finding.message == (
        "“五、存在的主要问题及改进情况”第 2 行：占位符中的名称“requests.nw.total”不存在：“requests”下没有“nw”。"
        "是否应为“requests.new”？可用的名称见 reportgen keys。"
    )
    result = run("build", source, "-o", tmp_path / "out")
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ requests.__class__ }}",
        "{{ requests._items }}",
        "{{ report.agency.upper() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% include '/etc/passwd' %}",
        "{% import 'os' as os %}",
        "{{ lipsum }}",
        "{% for x in range(10**9) %}x{% endfor %}",
        "{{ requests|attr('__class__') }}",
    ],
)
def test_sandbox_escape_attempts_are_rejected(tmp_path, attack):
    source = tmp_path / "2021.toml"
    source.write_text(
        skeleton().replace('problems = "', f'problems = "{attack.replace(chr(34), chr(39))}'), encoding="utf-8"
    )
    checked = check_file(source)
    [finding] = [f for f in checked.findings if f.code == "placeholder"]
    assert finding.is_error
    assert "占位符" in finding.message
    run("build", source, "-o", tmp_path / "out", "--allow-errors")
    out = markdown(tmp_path / "out") if (tmp_path / "out").exists() else ""
    assert "root:" not in out and "<class" not in out


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ [].append(1) }}",
        "{% include 'x' %}",
        "{% for i in range(3) %}X{% endfor %}",
        "{{ config }}",
        "{{ requests.new }}",
        "{{ requests._items }}",
        "共{{ requests.new.total ",
        "{%p if x %}",
    ],
)
def test_rendering_never_evaluates_anything_but_a_figure_name(text):
    names = {"requests": Names({"new": Names({"total": 7})})}
    assert narrative.render(text, names) == text
    assert narrative.render(f"共{{{{ requests.new.total }}}}件；{text}", names) == f"共7件；{text}"


def test_typed_numbers_that_disagree_with_the_tables_are_linted(tmp_path):
    source = tmp_path / "2021.toml"
    source.write_text(
        with_tables("[requests]\nnew = { natural_person = 3 }\ndisclosed = { natural_person = 3 }\n").replace(
            'on_request = "严格依法办理政府信息公开申请。"',
            'on_request = "全年共收到政府信息公开申请4件，已全部办结。全年被申请行政复议0件。"',
        ),
        encoding="utf-8",
    )
    [lint] = [f for f in check_file(source).findings if f.code == "text-figure"]
    assert lint.severity.value == "warning"
    assert lint.message == (
        "正文“全年共收到政府信息公开申请4件，已全部办结。”中写的是 4，"
        "而表三“一、本年新收政府信息公开申请数量”总计为 3。请核对，或改用占位符让文字随表格更新。"
    )
    set_text(source, "申请4件", "申请3件")
    assert not [f for f in check_file(source).findings if f.code == "text-figure"]


# ------------------------------------------------------------------ year on year and deadline


def test_lead_sentences_state_the_change_against_last_year(finance, tmp_path):
    run("build", finance / "2025.toml", "-o", tmp_path)
    text = markdown(tmp_path)
    assert "共新收政府信息公开申请30件，较上年增加7件（30.4%），上年结转2件" in text
    assert "作出行政许可决定35件，较上年增加4件（12.9%）" in text
    assert "被申请行政复议2件，较上年增加1件（100.0%）" in text


def test_check_states_the_deadline_and_warns_when_publication_is_late(tmp_path):
    source = tmp_path / "2021.toml"
    source.write_text(skeleton(), encoding="utf-8")
    assert "法定公开期限：2022年1月31日前（部门报告）" in run("check", source).output
    source.write_text(skeleton().replace("published = 2022-01-20", "published = 2022-02-03"), encoding="utf-8")
    [late] = check_file(source).findings
    assert (late.code, late.severity.value) == ("deadline", "warning")
    assert (
        late.message
        == "发布日期 2022年2月3日 晚于法定期限 2022年1月31日（部门报告应在次年1月31日前公开，《条例》第四十九条）。"
    )
    source.write_text(
        skeleton(kind="政府").replace("published = 2022-01-20", "published = 2022-03-31"), encoding="utf-8"
    )
    assert check_file(source).findings == []


# ------------------------------------------------------------------ safe rebuilds


def test_an_edited_draft_is_protected_and_force_keeps_a_backup(tmp_path):
    source = tmp_path / "2021.toml"
    source.write_text(skeleton(), encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", source, "-o", out).exit_code == 0
    md = next(out.glob("*.md"))
    first = md.read_bytes()
    assert run("build", source, "-o", out).exit_code == 0  # unchanged: rebuilt quietly, same bytes
    assert md.read_bytes() == first
    md.write_text(md.read_text(encoding="utf-8") + "\n科长的修改意见。\n", encoding="utf-8")
    edited = md.read_bytes()
    result = run("build", source, "-o", out)  # the figures are those of the draft: nothing to do
    assert result.exit_code == 0, result.output
    assert f"没有覆盖（被人改过，数字已是最新）：{md}" in result.output
    assert md.read_bytes() == edited
    source.write_text(skeleton().replace("published = 2022-01-20", "published = 2022-01-21"), encoding="utf-8")
    result = run("build", source, "-o", out)  # now the draft is behind its data
    assert result.exit_code == 1
    assert (
        f"{md} 在本程序写出后被修改过，为免丢失修改，没有覆盖。要把新数字更新到改过的草稿中，请运行 reportgen refresh {md}"
        in result.output
        and "确需覆盖，请加 --force" in result.output
    )
    assert md.read_bytes() == edited
    result = run("build", source, "-o", out, "--force")
    assert result.exit_code == 0
    backup = md.with_name(md.stem + ".备份-1.md")
    assert f"原文件已备份为：{backup}" in result.output
    assert backup.read_bytes() == edited
    assert "2022年1月21日" in md.read_text(encoding="utf-8")


def test_a_file_reportgen_did_not_write_is_not_overwritten(tmp_path):
    source = tmp_path / "2021.toml"
    source.write_text(skeleton(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "测试市测试局2021年政府信息公开工作年度报告.docx").write_bytes(b"a person's own file")
    result = run("build", source, "-o", out)
    assert result.exit_code == 1
    assert "已经存在，不是本程序写出的（或写出记录已丢失）" in result.output


def fill(text: str, row: str, value: int) -> str:
    """Set the 自然人 figure of a table 三 row in an init-style line."""
    pattern = rf"^{row} = {{ natural_person = \d+,"
    assert re.search(pattern, text, re.M), row
    return re.sub(pattern, f"{row} = {{ natural_person = {value},", text, count=1, flags=re.M)


def test_next_year_keeps_inline_tables_and_comment_columns_as_written(tmp_path):
    """“natural_person = 1, commercial = 1}” with the comment pushed out was a reflow bug."""
    source = tmp_path / "agency" / "2025.toml"
    source.parent.mkdir()
    source.write_text((DATA / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert run("next-year", source).exit_code == 0
    old = source.read_text(encoding="utf-8").splitlines()
    new = (source.parent / "2026.toml").read_text(encoding="utf-8").splitlines()
    assert new[0] == old[0].replace("2025", "2026")
    line = next(x for x in new if x.startswith("carried_over = "))
    assert line.startswith("carried_over = { natural_person = 1, commercial = 1 }")
    for before, after in zip(old, new):
        if "=" in before and "#" in before and before.split("=")[0] == after.split("=")[0] and "{" in before:
            assert before.index("#") == after.index("#"), (before, after)


def test_full_cycle_init_fill_build_next_year_change_rebuild(tmp_path):
    first = tmp_path / "data" / "2024.toml"
    assert run("init", "--agency", "示例镇人民政府", "--year", 2024, "--kind", "政府", "-o", first).exit_code == 0
    text = first.read_text(encoding="utf-8").replace(
        "【待填写】", "本年度工作平稳有序，全年收到申请{{ requests.new.total }}件。"
    )
    text = text.replace('office = ""', 'office = "党政办"').replace('phone = ""', 'phone = "0000-1234567"')
    text = text.replace('site = ""', 'site = "示例镇人民政府网站"')
    text = fill(fill(fill(text, "new", 4), "disclosed", 3), "carry_forward", 1)
    first.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", first, "-o", out)
    assert result.exit_code == 0, result.output
    assert "全年收到申请4件。" in markdown(out)

    assert run("next-year", first).exit_code == 0
    second = first.with_name("2025.toml")
    assert check_file(second).report.figure("requests.carried_over.natural_person").value == 1
    text = second.read_text(encoding="utf-8").replace(REVIEW_MARK + "\n", "")
    # the request carried over is handled this year: it leaves 结转下年度, where next-year put it
    assert check_file(second).report.figure("requests.carry_forward.natural_person").value == 1
    text = fill(fill(fill(text, "new", 6), "disclosed", 7), "carry_forward", 0)
    second.write_text(text, encoding="utf-8")
    result = run("build", second, "-o", out)
    assert result.exit_code == 0, result.output
    new_md = out / "示例镇人民政府2025年政府信息公开工作年度报告.md"
    body = re.sub(r"<!-- /?rg:[^>]* -->", "", new_md.read_text(encoding="utf-8"))
    assert "全年收到申请6件。" in body  # the prose follows the figure
    assert '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>6</td>' in body
    assert "共新收政府信息公开申请6件，较上年增加2件（50.0%），上年结转1件" in body
    # the finding of copied narrative, with its percentage
    assert "与上年报告完全相同" in result.output

    # a figure changes during review; the rebuilt draft shows it in table and prose
    second.write_text(fill(fill(text, "new", 8), "disclosed", 9), encoding="utf-8")
    assert run("build", second, "-o", out).exit_code == 0
    body = re.sub(r"<!-- /?rg:[^>]* -->", "", new_md.read_text(encoding="utf-8"))
    assert "全年收到申请8件。" in body and "<td>8</td>" in body
