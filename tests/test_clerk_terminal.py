"""What a clerk and a city office see in the terminal (issue 37): every message fits an
80-column window with its indent kept (Chinese two columns wide, no line starting with
closing punctuation) and is left whole when the output goes to a file; refresh names cells
and sections as check does; the batch table tells documents apart; at city scale the output
leads with what needs action; a unit whose file cannot be read filed, and is counted once."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import docx
import pytest
from city_helpers import make_city
from cli_helpers import run, run_process
from conftest import DATA
from pty_helpers import run_in_terminal

from reportgen.cli.terminal import CLOSING, display_width
from reportgen.cli.wrapping import fit

WIDTH = 80


def fits(screen, columns: int = WIDTH) -> None:
    """Every line of the window fits it, and none starts with closing punctuation."""
    for line in screen.lines:
        assert display_width(line) < columns, line
        assert not line.strip() or line.strip()[0] not in CLOSING, line


# ------------------------------------------------------------------ wrapping


def test_fit_keeps_the_indent_and_hangs_continuations():
    line = "      “自然人”列：一（186）＋二（4）＝190，而（七）总计（87）＋四（3）＝90，两者应相等。规则：第一项加第二项之和。"
    wrapped = fit(line, 60).split("\n")
    assert len(wrapped) > 1 and wrapped[0].startswith("      “自然人”")
    assert all(w.startswith("        ") and not w.startswith("         ") for w in wrapped[1:])
    assert "".join(w.strip() for w in wrapped) == line.strip()
    assert fit("短的一行", 60) == "短的一行"


@pytest.fixture
def broken_report(tmp_path):
    path = tmp_path / "data" / "bad" / "2025.toml"
    path.parent.mkdir(parents=True)
    text = (DATA / "qingchuan-hrss" / "2025.toml").read_text(encoding="utf-8")
    path.write_text(text.replace("new = { natural_person = ", "new = { natural_person = 1", 1), encoding="utf-8")
    return path


def test_check_findings_fit_an_80_column_terminal_and_stay_whole_in_a_file(broken_report, tmp_path):
    screen = run_in_terminal("check", "data/bad/2025.toml", cwd=tmp_path)
    assert screen.exit_code == 1
    fits(screen)
    rule = [n for n, line in enumerate(screen.lines) if line.startswith("      “自然人”列")]
    assert rule and screen.lines[rule[0] + 1].startswith("        ")  # the finding's indent kept, hanging
    piped = run_process("check", "data/bad/2025.toml", cwd=tmp_path)
    assert max(display_width(line) for line in piped.stdout.splitlines()) > WIDTH  # a file gets whole lines


# ------------------------------------------------------------------ refresh


@pytest.fixture
def refreshed(tmp_path):
    """Drafts of 青川市财政局 2025, then figures changed in 表二, 表三 and 表四."""
    shutil.copytree(DATA / "qingchuan-finance", tmp_path / "data" / "qingchuan-finance")
    source = tmp_path / "data" / "qingchuan-finance" / "2025.toml"
    assert run_process("build", source, "-o", tmp_path / "output", "--to", "docx,md").exit_code == 0
    text = source.read_text(encoding="utf-8")
    for old, new in (
        ("review = { upheld = 1, pending = 1 }", "review = { upheld = 1, pending = 2 }"),
        ("licensing = 35 ", "licensing = 36 "),
        ("new = { natural_person = 23,", "new = { natural_person = 24,"),
        ("carry_forward = { natural_person = 1,", "carry_forward = { natural_person = 2,"),
    ):
        assert old in text
        text = text.replace(old, new)
    source.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("suffix", [".docx", ".md"])
def test_refresh_names_cells_and_sections_as_check_does_and_fits_80_columns(refreshed, suffix):
    draft = f"output/青川市财政局2025年政府信息公开工作年度报告{suffix}"
    screen = run_in_terminal("refresh", draft, cwd=refreshed)
    assert screen.exit_code == 0, screen.text
    fits(screen)
    text = screen.text
    assert f"{draft}（数据：data/qingchuan-finance/2025.toml）" in text.replace("\n  ", "")  # clean and relative
    assert "output/../" not in text
    assert "  已更新 表二：行政许可／本年处理决定数量：35 → 36" in text
    assert "    一、本年新收政府信息公开申请数量／自然人：23 → 24" in text
    assert "    一、本年新收政府信息公开申请数量／总计：30 → 31" in text
    assert "    行政复议／尚未审结：1 → 2" in text and "    行政复议／总计：2 → 3" in text
    assert "“一、总体情况／（二）依申请公开”中由数字生成的句子" in text
    assert "第4行" not in text and "格：" not in text
    said = re.search(r"已更新 (\d+) 处（(\d+) 句、(\d+) 格）。", text.replace("\n  ", ""))
    assert said, text  # what the count counts: each changed cell one, as listed
    assert int(said[1]) == int(said[2]) + int(said[3]) == text.count("→")


# ------------------------------------------------------------------ batch, check and aggregate at city scale


def test_the_batch_table_tells_a_units_documents_apart_at_80_columns(tmp_path):
    shutil.copytree(DATA / "qingchuan-finance", tmp_path / "data" / "qingchuan-finance")
    screen = run_in_terminal("batch", "data", "--year", 2025, "-o", "out", "--to", "md", cwd=tmp_path)
    assert screen.exit_code == 0, screen.text
    fits(screen)
    rows = [line.split() for line in screen.lines if line.startswith("青川市财政局")]
    assert sorted(row[1] for row in rows) == ["任务分解表", "工作总结", "年度报告"]
    assert all(row[2] == "成功" for row in rows)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """70 units on the roster: 2 filed a file that cannot be read, 2 left a warning, 3 never filed."""
    return make_city(tmp_path_factory.mktemp("city"), units=70, missing=3, broken=2, warned=2)


def test_at_city_scale_batch_leads_with_what_needs_action_and_counts_each_unit_once(city):
    root = city.data.parent
    screen = run_in_terminal(
        "batch", "data", "--year", 2025, "--roster", city.roster.name, "-o", "out", "--to", "md", cwd=root
    )
    assert screen.exit_code == 1
    fits(screen)
    lines = screen.lines
    start = next(n for n, line in enumerate(lines) if line.startswith("机关名称"))
    table = [line.split() for line in lines[start + 2 : start + 2 + len(city.broken) + len(city.warned)]]
    assert [row[0] for row in table[:2]] == sorted(city.broken, key=lambda n: f"data/{n}/2025.toml")
    assert all(row[2] == "已报送，无法读取" for row in table[:2])
    assert {row[0] for row in table[2:]} == set(city.warned) and all(row[2] == "有警告" for row in table[2:])
    assert "其余 63 个文件（成功 63 个）没有逐个列出，完整清单见 out/summary.csv。" in screen.text
    for name in city.missing:  # named once, not as rows of the table and again as notes
        assert screen.text.replace("\n  ", "").count(name) == 1, name
    said = screen.text.replace("\n  ", "")
    assert (
        "共 67 个文件（67 个单位）：成功 65（其中 2 个有警告），未成功 2（其中 2 个已报送，无法读取），未报送 3。"
        in said
    )
    assert "名单中 3 个单位没有 2025 年度的数据文件（未报送）" in said
    rows = list(csv.reader(io.StringIO((root / "out" / "summary.csv").read_bytes().decode("utf-8-sig"))))[1:]
    assert len(rows) == 70 and sorted(r[0] for r in rows) == sorted(city.names)
    by_name = {r[0]: r for r in rows}
    assert all(by_name[n][2] == "已报送，无法读取" and "TOML 语法错误" in by_name[n][6] for n in city.broken)
    assert all(by_name[n][2] == "有警告" and "联系电话" in by_name[n][6] for n in city.warned)
    summary = json.loads((root / "out" / "summary.json").read_text(encoding="utf-8"))
    assert sorted(u["agency"] for u in summary["missing"]) == sorted(city.missing)
    again = run_in_terminal(
        "batch", "data", "--year", 2025, "--roster", city.roster.name, "-o", "out", "--to", "md", cwd=root
    )
    assert "其中 65 个文件的草稿已是最新，没有改动。" in again.text.replace("\n  ", "")


def test_a_rerun_that_changes_nothing_says_so(tmp_path):
    shutil.copytree(DATA / "qingchuan-hrss", tmp_path / "data" / "qingchuan-hrss")
    first = run("batch", tmp_path / "data", "--year", 2025, "-o", tmp_path / "out", "--to", "md")
    assert "已是最新" not in first.output
    again = run("batch", tmp_path / "data", "--year", 2025, "-o", tmp_path / "out", "--to", "md")
    assert again.exit_code == 0 and "草稿均已是最新，没有改动任何文件。" in again.output


def test_check_roster_counts_an_unreadable_unit_as_filed(city):
    result = run("check", city.data, "--year", 2025, "--roster", city.roster)
    assert result.exit_code == 1
    assert "名单中 3 个单位没有 2025 年度的数据文件（未报送）：" + "、".join(city.missing) in result.output
    assert "2 个单位已报送，但文件无法读取（已报送，无法读取）：" in result.output
    for name in city.broken:
        assert f"  {name}（{city.data / name / '2025.toml'}）：TOML 语法错误" in result.output
    document = json.loads(run("check", "--format", "json", city.data, "--year", 2025, "--roster", city.roster).stdout)
    assert sorted(document["missing"]) == sorted(city.missing)
    assert sorted(u["agency"] for u in document["unreadable"]) == sorted(city.broken)


def test_an_unreadable_file_in_a_short_named_folder_is_named_by_its_agency_line(tmp_path):
    from reportgen.workflows.roster import Unit, unreadable_agency

    path = tmp_path / "finance" / "2025.toml"
    path.parent.mkdir()
    path.write_text('[report]\nagency = "青川市财政局"\nyear = 2025\nkind = 部门\n', encoding="utf-8")
    assert unreadable_agency(path) == "finance"
    assert unreadable_agency(path, [Unit("青川市财政局")]) == "青川市财政局"
    assert unreadable_agency(path, [Unit("青川市教育局")]) == "finance"


def test_aggregate_roster_names_who_is_left_out_in_the_terminal_and_the_word_summary(city, tmp_path):
    screen = run_in_terminal(
        "aggregate", city.data, "--year", 2025, "--name", "青川市", "--roster", city.roster, "-o", tmp_path / "agg"
    )
    assert screen.exit_code == 1
    whole(screen, *(str(p) for p in (tmp_path / "agg").iterdir() if p.suffix in (".xlsx", ".docx", ".md")))
    said = screen.text.replace("\n  ", "").replace("\n    ", "")
    assert "已汇总 65 个单位（名单见" in said  # counted: 65 names would flood the window
    assert "未计入 2 个单位：" in said
    assert "名单中 3 个单位没有 2025 年度的数据文件（未报送），不在汇总中：" + "、".join(city.missing) in said
    [word] = (tmp_path / "agg").glob("*.docx")
    text = "\n".join(p.text for p in docx.Document(word).paragraphs)
    left_out = text.split("2个单位报送的数据有错误或无法读取，未计入本表：", 1)[1].split("。", 1)[0]
    assert sorted(left_out.split("、")) == sorted(city.broken)
    assert "名单中3个单位未报送，未计入本表：" + "、".join(city.missing) in text


# ------------------------------------------------------------------ summaries


def test_build_names_the_working_folder_and_quotes_a_folder_with_a_space(tmp_path):
    shutil.copytree(DATA / "qingchuan-hrss", tmp_path / "data")
    here = run_process("build", "data/2025.toml", "-o", ".", "--to", "md", cwd=tmp_path)
    assert "草稿在当前文件夹。" in here.stdout and "草稿在 .。" not in here.stdout
    spaced = run_process("build", "data/2025.toml", "-o", "草稿 输出", "--to", "md", cwd=tmp_path)
    assert "草稿在“草稿 输出”。" in spaced.stdout


def test_batch_gives_no_rate_for_a_run_under_a_second():
    from reportgen.cli.batchview import elapsed

    assert elapsed(0.04, 1) == "用时不到 0.1 秒。"
    assert elapsed(0.5, 11) == "用时 0.5 秒。"
    assert elapsed(2.8, 300) == "用时 2.8 秒（每秒 107 份）。"


def test_the_pdf_message_comes_before_the_summary_when_both_streams_go_to_one_file(tmp_path):
    import subprocess
    import sys

    shutil.copytree(DATA / "qingchuan-hrss", tmp_path / "data")
    completed = subprocess.run(
        f'"{sys.executable}" -m reportgen build data/2025.toml -o out --to pdf > all.txt 2>&1',
        shell=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    text = (tmp_path / "all.txt").read_text(encoding="utf-8")
    assert completed.returncode == 0, text
    assert text.index("通过") < text.index("正在用 LibreOffice 生成") < text.index("共 1 个数据文件")


def test_the_page_counts_an_unreadable_unit_as_filed_once(city):
    import warnings

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient

    from reportgen.web.app import create_app

    shutil.copy(city.roster, city.data / "名单.csv")
    try:
        with TestClient(create_app(city.data, "t", 8765), base_url="http://127.0.0.1:8765") as client:
            page = client.get("/?token=t").text
    finally:
        (city.data / "名单.csv").unlink()
    assert "名单中 70 个单位，3 个还没有 2025 年度的年度报告（未报送）" in page
    roster = page.split('id="roster-title"', 1)[1]
    assert all(name not in roster for name in city.broken)
    files = page.split('id="files"', 1)[1].split("</table>", 1)[0]
    assert files.count("已报送，无法读取") == len(city.broken)
    assert "已报送，无法读取 2" in page.split('class="counts"', 1)[1].split("</ul>", 1)[0]


def test_audit_lists_the_reports_with_most_to_fix_first_and_fits_80_columns(tmp_path):
    from conftest import REPO

    folder = tmp_path / "published"
    folder.mkdir()
    for name in ("portal-gbk-2025.html", "undeclared-utf8-2024.html", "clerk-2025.docx"):
        shutil.copy(REPO / "tests" / "fixtures" / "published" / name, folder / name)
    screen = run_in_terminal("audit", "published", "-o", "核查.xlsx", cwd=tmp_path)
    assert screen.exit_code == 1
    fits(screen)
    rows = [line.split() for line in screen.lines if line.startswith("示例市")]
    assert [(int(r[2]), int(r[3])) for r in rows] == sorted(((int(r[2]), int(r[3])) for r in rows), reverse=True)
    assert [r[1] for r in rows] == ["2025", "2024"]  # by what there is to fix, not by name and year


# ------------------------------------------------------------------ paths are never broken


def whole(screen, *paths: str, columns: int = WIDTH) -> None:
    """Each path is on one line of the window, whole; a line wider than the window holds
    nothing but one path (and the punctuation closing after it)."""
    for path in paths:
        assert any(path in line for line in screen.lines), (path, screen.text)
    for line in screen.lines:
        if display_width(line) >= columns:
            assert any(line.strip().rstrip(CLOSING) == path for path in paths), line
        assert not line.strip() or line.strip()[0] not in CLOSING, line


def test_wrapping_moves_a_path_down_whole_and_gives_a_long_one_its_own_line():
    from reportgen.cli.terminal import plain
    from reportgen.cli.wrapping import shown

    path = "../数据/某某市某某某某局/2025.toml"
    wrapped = plain(fit("  青川市某某某某局2025年政府信息公开工作年度报告（数据：" + shown(path) + "）", 60)).split(
        "\n"
    )
    assert wrapped[-1] == "    " + path + "）"
    long = "../汇总/青川市2025年政府信息公开工作年度报告统计汇总表（含各单位数据一览）.md"
    wrapped = plain(fit("已生成：" + shown(long) + "、" + shown("../汇总/数据一览.xlsx"), 60)).split("\n")
    assert wrapped == ["已生成：", "  " + long + "、", "  ../汇总/数据一览.xlsx"]
    assert "\ue000" not in plain(shown("a b")) and plain(shown("a b")) == "“a b”"


def test_refresh_keeps_long_chinese_paths_whole_at_80_columns(tmp_path):
    unit = tmp_path / "数据" / "青川市人力资源和社会保障局某某科室"
    shutil.copytree(DATA / "qingchuan-finance", unit)
    work = tmp_path / "工作"
    work.mkdir()
    assert run_process("build", unit / "2025.toml", "-o", tmp_path / "草稿", "--to", "docx").exit_code == 0
    source = unit / "2025.toml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("licensing = 35 ", "licensing = 36 "), encoding="utf-8"
    )
    [draft] = (tmp_path / "草稿").glob("*.docx")
    for _ in range(2):  # the second run writes .备份-2
        text = source.read_text(encoding="utf-8")
        source.write_text(
            text.replace("licensing = 36 ", "licensing = 37 ")
            if "= 36 " in text
            else text.replace("licensing = 37 ", "licensing = 38 "),
            encoding="utf-8",
        )
        screen = run_in_terminal("refresh", f"../草稿/{draft.name}", cwd=work)
        assert screen.exit_code == 0, screen.text
    backup = f"../草稿/{draft.stem}.备份-2.docx"
    whole(screen, f"../草稿/{draft.name}", "../数据/青川市人力资源和社会保障局某某科室/2025.toml", backup)


def test_batch_keeps_the_summary_paths_whole_at_80_columns(tmp_path):
    shutil.copytree(DATA / "qingchuan-finance", tmp_path / "数据" / "青川市财政局")
    work = tmp_path / "工作"
    work.mkdir()
    screen = run_in_terminal(
        "batch", "../数据", "--year", 2025, "-o", "../批草稿输出文件夹第四批次", "--to", "md", cwd=work
    )
    assert screen.exit_code == 0, screen.text
    whole(screen, "../批草稿输出文件夹第四批次/summary.json", "../批草稿输出文件夹第四批次/summary.csv")


def test_aggregate_keeps_long_chinese_paths_whole_at_80_columns(tmp_path):
    for unit in ("qingchuan-finance", "qingchuan-hrss"):
        shutil.copytree(DATA / unit, tmp_path / "数据" / unit)
    work = tmp_path / "工作"
    work.mkdir()
    screen = run_in_terminal("aggregate", "../数据", "--year", 2025, "--name", "青川市", "-o", "../汇总", cwd=work)
    assert screen.exit_code == 0, screen.text
    written = sorted(f"../汇总/{p.name}" for p in (tmp_path / "汇总").iterdir() if p.suffix in (".md", ".docx"))
    assert written and any("青川市" in p for p in written)
    whole(screen, *written)


def test_batch_names_an_unreadable_files_kind_and_path_and_how_to_see_all_errors(tmp_path):
    import re

    text = (DATA / "qingchuan-hrss" / "2025.toml").read_text(encoding="utf-8")
    for folder, body in (
        ("坏局", "[report\nagency = 坏局\n"),
        (
            "有错局",
            text.replace(
                "commercial = 7, public_interest = 1, legal_services = 3",
                "commercial = 17, public_interest = 1, legal_services = 13",
                1,
            ),
        ),
    ):
        (tmp_path / "data" / folder).mkdir(parents=True)
        (tmp_path / "data" / folder / "2025.toml").write_text(body, encoding="utf-8")
    (tmp_path / "data" / "坏局" / "2025-任务分解表.toml").write_text("document = \n", encoding="utf-8")
    screen = run_in_terminal("batch", "data", "--year", 2025, "-o", "out", "--to", "md", cwd=tmp_path)
    assert screen.exit_code == 1, screen.text
    fits(screen)
    rows = {(line.split()[0], line.split()[1]) for line in screen.lines if line.startswith("坏局")}
    assert rows == {("坏局", "年度报告"), ("坏局", "任务分解表")}  # the kind the file's name implies
    said = screen.text.replace("\n    ", "").replace("\n  ", "")
    assert "2025.toml  已报送" not in screen.text
    assert (
        "坏局（年度报告，data/坏局/2025.toml）：" in said
        and "坏局（任务分解表，data/坏局/2025-任务分解表.toml）：" in said
    )
    errors = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    count = next(r["errors"] for r in errors["results"] if "有错局" in r["source"])
    assert count > 1
    assert f"（共 {count} 个错误，运行 reportgen check data/有错局/2025.toml 查看）" in " ".join(
        line.strip() for line in screen.lines
    ).replace("， ", "，").replace("：", "：")
    assert re.search(r"青川市人力资源和社会保障局（年度报告）：[^共]", said)  # the first error, not “共 N 个错误” twice


def test_aggregate_leads_with_the_count_of_the_parents_differences_and_lists_the_first_ten(tmp_path):
    """青川市's own report (a copy of one unit's figures) differs from the sum of two units in
    every figure the finance bureau has: the figures a person writes are listed, labelled as
    check labels them and with their line, the first ten in the window, all in the workbook."""
    from openpyxl import load_workbook

    from reportgen.cli.aggregate import DIFFERENCES_SHOWN

    for name in ("qingchuan-finance", "qingchuan-hrss"):
        shutil.copytree(DATA / name, tmp_path / "数据" / name)
    own = tmp_path / "数据" / "青川市" / "2025.toml"
    own.parent.mkdir()
    own.write_text(
        (DATA / "qingchuan-hrss" / "2025.toml")
        .read_text(encoding="utf-8")
        .replace('agency = "青川市人力资源和社会保障局"', 'agency = "青川市"'),
        encoding="utf-8",
    )
    (tmp_path / "工作").mkdir()
    screen = run_in_terminal(
        "aggregate", "../数据", "--year", 2025, "--name", "青川市", "-o", "../汇总", cwd=tmp_path / "工作"
    )
    assert screen.exit_code == 1, screen.text
    overview = "../汇总/青川市2025年各单位政府信息公开数据一览.xlsx"
    whole(screen, overview)
    rows = list(
        load_workbook(tmp_path / "汇总" / overview.rsplit("/", 1)[1])["本级报告核对"].iter_rows(values_only=True)
    )
    header, rows = rows[0], rows[1:]
    assert header[:4] == ("表格", "行／列", "各单位合计", "青川市的报告")
    count = len(rows)
    said = screen.text.replace("\n    ", "").replace("\n  ", "")
    assert (
        f"青川市自己的报告（../数据/青川市/2025.toml）与各单位之和有 {count} 处不一致，下面列出前 "
        f"{DIFFERENCES_SHOWN} 处，全部 {count} 处见 {overview}的“本级报告核对”工作表："
    ) in said
    listed = [line for line in screen.lines if line.startswith("  [错误]")]
    assert count > DIFFERENCES_SHOWN == len(listed)
    assert all(re.match(r"  \[错误\] 第\d+行 ", line) and not line.endswith(".total") for line in listed)
    lines = own.read_text(encoding="utf-8").splitlines()
    assert all(lines[row[5] - 1].startswith(("review", "lawsuit")) for row in rows if row[0] == "表四")
    four = [row[1] for row in rows if row[0] == "表四"]
    assert four and all(name.startswith(("行政复议／", "行政诉讼／")) for name in four), four
    assert "行政复议／结果维持" in four
    assert not any(name.endswith("总计") for name in four)  # a total follows from its parts: not repeated
    assert all(isinstance(row[5], int) for row in rows)
