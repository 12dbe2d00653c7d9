"""`reportgen import` and `reportgen audit` (issue 9), on fixtures that look like what agencies
publish (tests/fixtures/published, written by make_fixtures.py; every figure fictional),
on our own drafts, and on broken files."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from cli_helpers import run
from conftest import EXAMPLES, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportgen import check_file, check_text
from reportgen.model import totals
from reportgen.sources.published import import_report
from reportgen.workflows.build import Renderers, render_drafts
from reportgen.workflows.importing import data_file

FIXTURES = REPO / "tests" / "fixtures" / "published"
sys.path.insert(0, str(FIXTURES))
import make_fixtures  # noqa: E402  (the figures the fixtures were printed from)

COLUMN_KEYS = ["natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total"]
ROW_KEYS = [
    "new",
    "carried_over",
    "disclosed",
    "partly_disclosed",
    "withheld_state_secret",
    "withheld_by_law",
    "withheld_security",
    "withheld_third_party",
    "withheld_internal",
    "withheld_process",
    "withheld_enforcement_file",
    "withheld_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "unprocessed_complaint",
    "unprocessed_repeat",
    "unprocessed_publication",
    "unprocessed_excessive",
    "unprocessed_confirmation",
    "other",
    "total",
    "carry_forward",
]


def expected_requests(rows=make_fixtures.REQUESTS_2025) -> dict[str, object]:
    """Every cell of table 三 as the fixtures print it, by key; （六） as one row."""
    expected = {}
    for row_key, (_, figures) in zip(ROW_KEYS, rows):
        for column, value in zip(COLUMN_KEYS, figures):
            expected[f"requests.{row_key}.{column}"] = value
    return expected


def imported_requests(imported) -> dict[str, object]:
    found = {k: v for k, v in imported.figures.items() if k.startswith("requests.")}
    found.update(imported.groups)
    return found


TABLE_FIXTURES = ["portal-gbk-2025.html", "flattened-2025.html", "copied-2025.txt", "clerk-2025.docx", "split-2025.pdf"]


@pytest.mark.parametrize("name", TABLE_FIXTURES)
def test_every_cell_of_table_three_is_read_as_published(name):
    imported = import_report(FIXTURES / name)
    assert imported.agency == make_fixtures.AGENCY and imported.year == 2025
    assert imported.format.id == "2021"
    found = imported_requests(imported)
    for key, value in expected_requests().items():
        assert found.get(key) == value, (key, found.get(key), value)


@pytest.mark.parametrize("name", ["portal-gbk-2025.html", "flattened-2025.html", "copied-2025.txt"])
def test_tables_two_and_four_are_read(name):
    imported = import_report(FIXTURES / name)
    assert imported.figures["proactive.normative_documents.in_force"] == 27
    assert imported.figures["proactive.licensing"] == 1260
    assert str(imported.figures["proactive.administrative_fees"]) == "312.4500"  # the decimals as printed
    four = [imported.figures[k] for k in sorted(imported.figures) if k.startswith("appeals.")]
    assert sorted(four) == sorted(make_fixtures.APPEALS_2025)
    assert imported.figures["appeals.review.total"] == 3 and imported.figures["appeals.lawsuit_after_review.total"] == 1


def test_a_gbk_portal_page_with_its_chrome_reads_text_and_contacts():
    imported = import_report(FIXTURES / "portal-gbk-2025.html")
    assert imported.contact == {
        "office": "示例市自然资源和规划局办公室",
        "address": "示例市建设路18号",
        "postcode": "100001",
        "phone": "010-66660000",
    }
    assert imported.download == {"site": "示例市人民政府门户网站", "url": "https://www.example.gov.cn/zrzy/"}
    assert imported.texts["proactive"].startswith("全年通过门户网站主动公开自然资源和规划信息2136条")
    assert imported.texts["problems"].startswith("政策解读的形式还比较单一")
    assert "版权所有" not in "".join(imported.texts.values()) and "首页" not in "".join(imported.texts.values())
    assert str(imported.published) == "2026-01-25"


def test_the_data_file_keeps_published_errors_blanks_and_the_single_row(tmp_path):
    result = run("import", FIXTURES / "portal-gbk-2025.html", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    target = tmp_path / make_fixtures.AGENCY / "2025.toml"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 由 reportgen import 从")
    assert 'new = { natural_person = 38, commercial = 3, research = "", public_interest = "",' in text
    assert "other = { natural_person = 2," in text and "other_misc" not in text
    assert "（原文行名为“1、信访举报投拆类申请”）" in text  # the typo, noted on its row
    checked = run("check", target)
    assert checked.exit_code == 1
    assert "“自然人”列的“（七）总计”应为 40" in checked.output and "文件中写的是 41" in checked.output
    assert "只写了一行（requests.other）" in checked.output
    assert "格子留空" in checked.output


def test_columns_are_taken_from_the_header_not_assumed():
    # the GBK page prints 科研机构 before 商业企业; the 2024 page has one plain header row
    imported = import_report(FIXTURES / "portal-gbk-2025.html")
    assert imported.figures["requests.new.commercial"] == 3 and imported.figures["requests.new.research"] == ""
    imported = import_report(FIXTURES / "undeclared-utf8-2024.html")
    assert imported.year == 2024 and imported.figures["requests.new.commercial"] == 3


def test_an_undeclared_utf8_page_and_a_clerks_word_file_are_read():
    assert import_report(FIXTURES / "undeclared-utf8-2024.html").agency == make_fixtures.AGENCY
    imported = import_report(FIXTURES / "clerk-2025.docx")
    assert imported.notes["requests.unprocessed_complaint"] == "原文行名为“１．信访举报投拆类申请”"


def test_a_split_pdf_table_is_read_across_its_pages():
    imported = import_report(FIXTURES / "split-2025.pdf")
    assert imported.figures["requests.carry_forward.total"] == 2  # on the last page of the table
    assert imported.figures["requests.new.natural_person"] == 38  # on the first


@pytest.mark.parametrize(
    "name, message",
    [
        ("scanned.pdf", "PDF 没有文字层（可能是扫描件）"),
        ("encrypted.pdf", "PDF 有密码保护"),
        ("news.html", "没有找到政府信息公开工作年度报告"),
        ("old-2015.html", "2015 年度没有全国统一的报告格式"),
    ],
)
def test_files_without_a_readable_report_get_a_clear_message_and_no_output(tmp_path, name, message):
    result = run("import", FIXTURES / name, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert message in result.output and str(FIXTURES / name) in result.output
    assert not (tmp_path / "out").exists()


def test_damaged_and_hostile_files_are_refused(tmp_path):
    cases = {}
    cases["damaged.pdf"] = (FIXTURES / "split-2025.pdf").read_bytes()[:2000]
    cases["not-a-zip.docx"] = "这不是 Word 文件".encode()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<w:document/>")
        package.writestr("word/big.bin", b"\0" * (210 * 1024 * 1024))
    cases["bomb.docx"] = bomb.getvalue()
    cases["old.doc"] = b"\xd0\xcf\x11\xe0"
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    huge = tmp_path / "huge.html"
    with open(huge, "wb") as handle:
        handle.truncate(31 * 1024 * 1024)
    expected = {
        "damaged.pdf": "PDF 文件已损坏",
        "not-a-zip.docx": "不是有效的 .docx 文件",
        "bomb.docx": "压缩炸弹",
        "old.doc": "另存为”.docx",
        "huge.html": "文件太大",
    }
    for name, message in expected.items():
        result = run("import", tmp_path / name, "-o", tmp_path / "out")
        assert result.exit_code == 1, name
        assert message in result.output, (name, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_import_never_overwrites_a_data_file_without_force(tmp_path):
    assert run("import", FIXTURES / "portal-gbk-2025.html", "-o", tmp_path).exit_code == 0
    target = tmp_path / make_fixtures.AGENCY / "2025.toml"
    target.write_text("# 人改过的文件\n", encoding="utf-8")
    result = run("import", FIXTURES / "portal-gbk-2025.html", "-o", tmp_path)
    assert result.exit_code == 1 and "被修改过" in result.output and "没有覆盖" in result.output
    assert target.read_text(encoding="utf-8") == "# 人改过的文件\n"
    forced = run("import", FIXTURES / "portal-gbk-2025.html", "-o", tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    backup = target.with_name("2025.备份-1.toml")  # the data file's own extension
    assert backup.read_text(encoding="utf-8") == "# 人改过的文件\n" and str(backup) in forced.output


# ------------------------------------------------------------------ our own drafts back


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
@pytest.mark.parametrize("kind", ["docx", "md", "html"])
def test_our_own_drafts_import_to_the_same_tables_and_text(tmp_path, example, kind):
    assert_round_trip(check_file(example, previous=None).report, kind, tmp_path)


def assert_round_trip(report, kind, folder: Path):
    from reportgen.workflows.build import output_stem

    drafts = render_drafts(report, Renderers.prepare(), (kind,))
    suffix = {"docx": ".docx", "md": ".md", "html": ".html"}[kind]
    path = folder / f"{output_stem(report, Path('x.toml'))}{suffix}"
    path.write_bytes(drafts[kind])
    imported = import_report(path)
    again = check_text(data_file(imported), path).report
    want, got = totals.completed(report), totals.completed(again)
    assert {k: (v.value, v.note) for k, v in want.items()} == {k: (v.value, v.note) for k, v in got.items()}
    assert {k: v.blank for k, v in report.figures.items() if v.blank} == {
        k: v.blank for k, v in again.figures.items() if v.blank
    }
    assert again.collapsed == report.collapsed
    for key in report.format.text_keys():
        if report.text.get(key, "").strip() and "【" not in report.text[key]:
            assert again.text.get(key, "").strip() == report.text[key].strip(), key
    assert (again.agency, again.year, again.kind) == (report.agency, report.year, report.kind)
    assert again.contact == report.contact and again.download == report.download
    assert again.published == report.published and again.fees == report.fees


@st.composite
def reports(draw):
    from reportgen.formats import statutory

    year = draw(st.sampled_from([2020, 2021, 2024]))
    fmt = statutory.format_for_year(year)
    lines = ["[requests]"]
    columns = [c.id for c in fmt.tables["requests"].rows[0].columns if c.id != "total"]
    rows = [r.id for r in fmt.tables["requests"].rows if r.id not in ("new", "carried_over", "total", "carry_forward")]
    cell = st.one_of(st.just('""'), st.integers(0, 9).map(str))
    for row in draw(st.lists(st.sampled_from(rows), max_size=5, unique=True)):
        lines.append(f"{row} = {{ {', '.join(f'{c} = {draw(cell)}' for c in columns[:3])} }}")
    lines.append(f"new = {{ natural_person = {draw(st.integers(0, 30))} }}")
    lines.append("[appeals]")
    lines.append(f"review = {{ upheld = {draw(st.integers(0, 5))}, pending = {draw(cell)} }}")
    kind = draw(st.sampled_from(["部门", "政府"]))
    words = st.text(alphabet="政务公开工作持续推进年度目标任务全面完成群众满意度提升", min_size=4, max_size=40)
    text = "\n".join(draw(st.lists(words, min_size=1, max_size=3)))
    from conftest import skeleton

    source = (
        skeleton(year, kind).replace(
            'problems = "政策解读形式还比较单一，下一年将增加图解和视频解读。"', f'problems = """\n{text}。\n"""'
        )
        + "\n"
        + "\n".join(lines)
        + "\n"
    )
    return check_text(source).report


# function_scoped_fixture: the examples share tmp_path; each writes its files over the last one's.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports(), kind=st.sampled_from(["docx", "md"]))
def test_round_trip_over_generated_reports(tmp_path, report, kind):
    assert_round_trip(report, kind, tmp_path)


# ------------------------------------------------------------------ audit


def test_audit_writes_one_row_per_finding_and_checks_consecutive_years(tmp_path):
    folder = tmp_path / "published"
    folder.mkdir()
    for name in ("portal-gbk-2025.html", "undeclared-utf8-2024.html", "scanned.pdf"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    out = tmp_path / "核查结果.xlsx"
    result = run("audit", folder, "-o", out, "--jobs", "2")
    assert result.exit_code == 1, result.output
    book = load_workbook(out)
    rows = list(book["核查结果"].iter_rows(values_only=True))
    assert rows[0] == (
        "机关名称",
        "年度",
        "文件",
        "规则",
        "栏目",
        "原文",
        "应为",
        "说明",
        "级别",
    )  # as the ledger and notices
    rules = {(r[1], r[3]) for r in rows[1:]}
    assert (2025, "R3") in rules  # the wrong published total
    assert (2025, "X1") in rules  # 2025 carried over 4, 2024 carried forward 3
    x1 = next(r for r in rows[1:] if r[3] == "X1")
    assert x1[5] == "4" and x1[6] == "3"  # 原文, 应为
    summary = list(book["各单位汇总"].iter_rows(values_only=True))
    assert [r[1] for r in summary[1:3]] == [2024, 2025]
    assert any(r[0] == "（无法读取）" for r in summary)
    assert "没有文字层" in result.output
    again = run("audit", folder, "-o", out)  # its own result, untouched: made again
    assert again.exit_code == 1 and "原文件已备份" not in again.output, again.output
    book = load_workbook(out)
    book["核查结果"]["H2"].value = "科长：已电话核实"  # the office annotates the result
    book.save(out)
    annotated = out.read_bytes()
    refused = run("audit", folder, "-o", out)
    assert refused.exit_code == 2 and "没有覆盖" in refused.output and "开始核查" not in refused.output
    assert out.read_bytes() == annotated
    forced = run("audit", folder, "-o", out, "--force")
    assert forced.exit_code == 1 and out.with_name("核查结果.备份-1.xlsx").read_bytes() == annotated


def test_a_format_that_disagrees_with_the_year_is_reported(tmp_path):
    report = check_file(REPO / "tests" / "golden" / "government-2019.toml", previous=None).report
    text = render_drafts(report, Renderers.prepare(), ("md",))["md"].decode("utf-8")
    path = tmp_path / "mixed.md"
    path.write_text(text.replace("2020年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告"), encoding="utf-8")
    imported = import_report(path)
    assert imported.year == 2022 and imported.format.id == "2019"
    assert any("而 2022 年度应使用2021年版" in remark for remark in imported.remarks)
