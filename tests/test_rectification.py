"""Issue 38, the 整改 loop: stable finding identities, a 整改通知 per unit with findings, the
整改台账 carried from one audit to the next (states, typed columns after a LibreOffice
re-save), never a false 已整改. Reports are generated (shapes.py; every figure fictional)."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys

import pytest
from cli_helpers import run
from conftest import REPO
from docx import Document as WordDocument
from openpyxl import load_workbook

from reportgen.workflows import ledger

FIXTURES = REPO / "tests" / "fixtures" / "published"
sys.path.insert(0, str(FIXTURES))
import pairs  # noqa: E402
import shapes  # noqa: E402


def sample(agency: str, seed: int, plant: str = ""):
    made = shapes.make_sample(random.Random(seed), agency=agency)
    if plant == "requests":  # a figure of table 三 that no longer adds up
        made.figures["requests.new.natural_person"] += 1
    elif plant == "appeals":  # table 四: a 结果维持 that no longer adds up to its total
        key = next(k for k in made.figures if k.startswith("appeals."))
        made.figures[key] = (made.figures[key] or 0) + 2
    return made


def publish(folder, reports: dict[str, str]):
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, page in reports.items():
        (folder / name).write_text(page, encoding="utf-8")


def sheet_rows(path, name):
    book = load_workbook(path)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def notice_rows(md_path) -> list[list[str]]:
    lines = [line for line in md_path.read_text(encoding="utf-8").splitlines() if re.match(r"^\| \d+ \|", line)]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def resave_with_libreoffice(path, out_dir):
    out_dir.mkdir(exist_ok=True)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out_dir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / path.name


def test_the_years_loop_audit_notices_fix_reaudit(tmp_path):
    folder = tmp_path / "已发布"
    first = {
        "a.html": shapes.portal_page(sample("示例市财政局", 1, "requests")),
        "b.html": pairs.with_draft_markers(shapes.portal_page(sample("示例市教育局", 2))),
        "c.html": shapes.portal_page(sample("示例市民政局", 3)),
        "d.html": shapes.portal_page(sample("示例市交通运输局", 4, "appeals")),
    }
    publish(folder, first)
    result = run(
        "audit",
        folder,
        "-o",
        tmp_path / "第一次.xlsx",
        "--notices",
        tmp_path / "整改通知",
        "--deadline",
        "2026-04-30",
        "--name",
        "示例市政务公开办公室",
        "--date",
        "2026-04-10",
    )
    assert result.exit_code == 1, result.output
    assert "整改通知：3 份" in result.output
    findings = sheet_rows(tmp_path / "第一次.xlsx", "核查结果")
    by_unit = {}
    for row in findings:
        by_unit.setdefault(row["机关名称"], []).append(row)
    assert set(by_unit) == {"示例市财政局", "示例市教育局", "示例市交通运输局"}
    notices = sorted((tmp_path / "整改通知").glob("*.md"))
    assert [n.stem for n in notices] == sorted(f"{u}2025年报告整改通知" for u in by_unit)
    assert not list((tmp_path / "整改通知").glob("示例市民政局*"))  # none for a clean unit
    for unit, rows in by_unit.items():  # every finding in exactly its unit's notice, in check's words
        table = notice_rows(tmp_path / "整改通知" / f"{unit}2025年报告整改通知.md")
        assert sorted(r[4].removeprefix("（提醒）") for r in table) == sorted(r["说明"] for r in rows)
        word = WordDocument(tmp_path / "整改通知" / f"{unit}2025年报告整改通知.docx")
        text = "\n".join(p.text for p in word.paragraphs)
        assert word.paragraphs[0].text.split("\n") == [
            f"关于{unit}2025年",
            "政府信息公开工作年度报告",
            "有关问题的整改通知",
        ]
        assert (
            f"{unit}：" in text
            and "2026年4月30日前" in text
            and "示例市政务公开办公室" in text
            and "2026年4月10日" in text
        )
        assert [c.text for c in word.tables[0].rows[0].cells] == ["序号", "位置", "原文", "应为", "说明"]
        assert len(word.tables[0].rows) == len(rows) + 1
    assert any(r["规则"] == "发布了未核定的草稿" for r in by_unit["示例市教育局"])

    ledger_rows = sheet_rows(tmp_path / "第一次.xlsx", ledger.SHEET)
    assert {r["状态"] for r in ledger_rows} == {"新发现"} and len(ledger_rows) == len(findings)
    assert all(
        r["首次发现"] == "2026-04-10" and "已发布" not in r["标识"] and ".html" not in r["标识"] for r in ledger_rows
    )

    # The office types into the ledger, and the workbook is re-saved by LibreOffice.
    book = load_workbook(tmp_path / "第一次.xlsx")
    sheet = book[ledger.SHEET]
    heads = [c.value for c in sheet[1]]
    typed = {}
    for number, cells in enumerate(sheet.iter_rows(min_row=2), 2):
        identity = cells[heads.index("标识")].value
        typed[identity] = (f"张{number}", f"已通知，第{number}行")
        sheet.cell(number, heads.index("责任人") + 1, f"张{number}")
        sheet.cell(number, heads.index("整改情况说明") + 1, f"已通知，第{number}行")
    book.save(tmp_path / "typed.xlsx")
    resaved = resave_with_libreoffice(tmp_path / "typed.xlsx", tmp_path / "libreoffice")

    # Round two: 财政局 fixed it, 教育局 did not, 民政局 broke a figure, 交通运输局's report is gone.
    publish(
        folder,
        {
            "a.html": shapes.portal_page(sample("示例市财政局", 1)),
            "b.html": first["b.html"],
            "c.html": shapes.portal_page(sample("示例市民政局", 3, "requests")),
        },
    )
    result = run("audit", folder, "--since", resaved, "-o", tmp_path / "第二次.xlsx", "--date", "2026-05-10")
    assert "整改台账（与" in result.output, result.output
    states = {}
    for row in sheet_rows(tmp_path / "第二次.xlsx", ledger.SHEET):
        states.setdefault(row["机关名称"], set()).add(row["状态"])
        if row["标识"] in typed:  # typed in round one: carried over row by row
            assert (row["责任人"], row["整改情况说明"]) == typed[row["标识"]], row
        if row["状态"] == "已整改":
            assert "2026-05-10" in row["状态说明"] and row["最近核查"] == "2026-05-10"
        if row["状态"] == "新发现":
            assert row["首次发现"] == "2026-05-10"
        if row["状态"] == "仍存在":
            assert row["首次发现"] == "2026-04-10"
    assert states == {
        "示例市财政局": {"已整改"},
        "示例市教育局": {"仍存在"},
        "示例市民政局": {"新发现"},
        "示例市交通运输局": {"未核查"},
    }
    unchecked = [r for r in sheet_rows(tmp_path / "第二次.xlsx", ledger.SHEET) if r["状态"] == "未核查"]
    assert all("不能确认已整改" in r["状态说明"] for r in unchecked)
    summary = sheet_rows(tmp_path / "第二次.xlsx", ledger.SUMMARY)
    total = next(r for r in summary if r["机关名称"] == "合计")
    assert total["合计"] == sum(r["合计"] for r in summary if r["机关名称"] != "合计")
    assert next(r for r in summary if r["机关名称"] == "示例市财政局")["未整改"] == 0


def test_identities_are_the_same_in_two_audits_and_across_html_pdf_and_word_copies(tmp_path):
    data = tmp_path / "2025.toml"
    text = (REPO / "data" / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8")
    data.write_text(text.replace("natural_person = 23, ", "natural_person = 24, ", 1), encoding="utf-8")
    built = run("build", data, "--to", "html,docx,pdf", "--allow-errors", "-o", tmp_path / "drafts")
    assert built.exit_code == 0, built.output
    seen = {}
    for suffix in (".html", ".docx", ".pdf"):
        copy = next(p for p in (tmp_path / "drafts").glob(f"*{suffix}") if "网页片段" not in p.name)
        folder = tmp_path / suffix.strip(".")
        folder.mkdir()
        shutil.copy(copy, folder / f"发布的报告{suffix}")
        for round_ in (1, 2):
            out = tmp_path / f"{suffix.strip('.')}-{round_}.xlsx"
            run("audit", folder, "-o", out, "--date", "2026-04-10")
            identities = sorted(r["标识"] for r in sheet_rows(out, ledger.SHEET))
            seen.setdefault(suffix, identities)
            assert identities == seen[suffix]  # two audits of the same folder
    assert seen[".html"] == seen[".docx"] == seen[".pdf"]
    assert any("｜R1｜requests.new.natural_person" in i for i in seen[".html"])
    assert any("｜draft｜" in i for i in seen[".html"])


def _row(identity, agency="某局", state=ledger.NEW):
    return ledger.Row(
        identity,
        agency,
        "2025",
        "R1",
        "表三",
        "1",
        "2",
        "说明",
        state,
        "",
        "2026-04-10",
        "2026-04-10",
        {"责任人": "王"},
    )


@pytest.mark.parametrize(
    ("unread", "present", "state"), [(0, True, ledger.FIXED), (3, True, ledger.UNCHECKED), (0, False, ledger.UNCHECKED)]
)
def test_a_finding_is_fixed_only_when_its_report_was_read_completely(unread, present, state):
    before = {"某局｜2025｜R1｜x": _row("某局｜2025｜R1｜x")}
    coverage = ledger.Coverage({("某局", "2025"): unread} if present else {}, unreadable=1)
    [after] = ledger.merge(before, [], coverage, "2026-05-10")
    assert after.state == state and after.typed == {"责任人": "王"}
    if state == ledger.UNCHECKED:
        assert "不能确认已整改" in after.why


def test_since_a_workbook_without_a_ledger_is_refused_in_chinese(tmp_path):
    folder = tmp_path / "已发布"
    publish(folder, {"c.html": shapes.portal_page(sample("示例市民政局", 3))})
    from openpyxl import Workbook

    Workbook().save(tmp_path / "别的.xlsx")
    result = run("audit", folder, "--since", tmp_path / "别的.xlsx", "-o", tmp_path / "r.xlsx")
    assert result.exit_code != 0 and "没有“整改台账”工作表" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_check_over_returned_forms_writes_a_return_notice_per_unit_with_errors(tmp_path):
    forms = tmp_path / "交回"
    for name in ("qingchuan-finance", "qingchuan-hrss"):
        assert run("form", REPO / "data" / name / "2025.toml", "-o", forms).exit_code == 0
    [finance] = forms.glob("*财政局*.xlsx")
    book = load_workbook(finance)
    book["表三 申请办理"]["D6"].value += 5  # 一、本年新收 of 自然人, as a unit might mistype it
    book.save(finance)
    result = run(
        "check",
        forms,
        "--year",
        "2025",
        "--notices",
        tmp_path / "退回",
        "--deadline",
        "2026-03-10",
        "--name",
        "青川市政务公开办公室",
        "--date",
        "2026-03-01",
    )
    assert result.exit_code == 1 and "退回修改通知：1 份" in result.output, result.output
    assert sorted(p.name for p in (tmp_path / "退回").iterdir() if not p.name.startswith(".")) == [
        "青川市财政局2025年报告退回修改通知.docx",
        "青川市财政局2025年报告退回修改通知.md",
    ]
    text = "\n".join(
        p.text for p in WordDocument(tmp_path / "退回" / "青川市财政局2025年报告退回修改通知.docx").paragraphs
    )
    assert (
        "关于退回青川市财政局2025年\n政府信息公开工作年度报告\n填报表修改的通知" in text and "2026年3月10日前" in text
    )
    [row] = notice_rows(tmp_path / "退回" / "青川市财政局2025年报告退回修改通知.md")
    assert row[1].endswith("（表三 申请办理!D6）") and (row[2], row[3]) == ("30", "25")  # as check says it
    again = run("check", forms, "--year", "2025", "--format", "json")
    found = [f for entry in json.loads(again.stdout)["files"] for f in entry["findings"]]
    assert found and all(f["identity"].startswith("青川市财政局｜2025｜") for f in found)


def test_notices_written_inside_the_audited_folder_are_not_audited_next_time(tmp_path):
    folder = tmp_path / "核查"
    publish(folder, {"a.html": shapes.portal_page(sample("示例市财政局", 1, "requests"))})
    run("audit", folder, "-o", tmp_path / "一.xlsx", "--notices", folder / "整改通知", "--date", "2026-04-10")
    assert list((folder / "整改通知").glob("*.md"))
    again = run("audit", folder, "--since", tmp_path / "一.xlsx", "-o", tmp_path / "二.xlsx", "--date", "2026-05-10")
    assert "共核查 1 份报告" in again.output and "副本" not in again.output and "无法读取：" not in again.output
    assert {r["状态"] for r in sheet_rows(tmp_path / "二.xlsx", ledger.SHEET)} == {"仍存在"}


def test_a_capture_saved_by_windows_notepad_reads_the_same(tmp_path):
    """GBK with CRLF line ends, as a capture saved on Windows: the header read as such."""
    made = shapes.make_sample(random.Random(3), agency="示例综合实验区财政金融局", year=2023)
    folder = tmp_path / "抓取"
    folder.mkdir()
    (folder / "capture.txt").write_bytes(pairs.capture_text(made).replace("\n", "\r\n").encode("gbk"))
    result = run("audit", folder, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.output
    assert [r["机关名称"] for r in sheet_rows(tmp_path / "r.xlsx", "各单位汇总")] == ["示例综合实验区财政金融局"]


def test_an_office_replaces_the_notice_template_with_its_own(tmp_path):
    folder = tmp_path / "已发布"
    publish(folder, {"a.html": shapes.portal_page(sample("示例市财政局", 1, "requests"))})
    own = tmp_path / "我们的模板"
    own.mkdir()
    template = WordDocument(REPO / "templates" / "notice.docx")  # opened and saved as Word would
    template.paragraphs[0].insert_paragraph_before("示例市人民政府办公室文件")  # a letterhead above the title
    template.save(own / "notice.docx")
    result = run("audit", folder, "-o", tmp_path / "r.xlsx", "--notices", tmp_path / "通知", "--templates", own)
    assert "整改通知：1 份" in result.output, result.output
    [word] = (tmp_path / "通知").glob("*.docx")
    paragraphs = [p.text for p in WordDocument(word).paragraphs]
    assert paragraphs[0] == "示例市人民政府办公室文件"
    assert paragraphs[1].replace("\n", "") == "关于示例市财政局2025年政府信息公开工作年度报告有关问题的整改通知"
    assert (
        (tmp_path / "通知" / f"{word.stem}.md").read_text(encoding="utf-8").startswith("# 关于示例市财政局")
    )  # shipped

    broken = WordDocument(REPO / "templates" / "notice.docx")
    broken.paragraphs[0].add_run("{{ 没有这个名字 }}")
    broken.save(own / "notice.docx")
    refused = run("audit", folder, "-o", tmp_path / "r2.xlsx", "--notices", tmp_path / "通知2", "--templates", own)
    assert refused.exit_code != 0 and "整改通知模板" in refused.output and "“没有这个名字”" in refused.output
    assert "undefined" not in refused.output and "Traceback" not in refused.output
    assert not (tmp_path / "通知2").exists() and not (tmp_path / "r2.xlsx").exists()


def test_a_copy_that_differs_is_in_the_ledger_by_its_kind_and_cells_not_its_name(tmp_path):
    made = sample("示例市水务局", 6)
    changed = shapes.cell_lines(made).replace(f"\n{made.figures['proactive.licensing']}\n", "\n9999\n", 1)
    identities = []
    for number, name in enumerate(("b.txt", "另一个名字.txt")):
        folder = tmp_path / f"第{number}次"
        publish(folder, {"a.html": shapes.portal_page(made), name: changed})
        run("audit", folder, "-o", tmp_path / f"{number}.xlsx")
        rows = [r for r in sheet_rows(tmp_path / f"{number}.xlsx", ledger.SHEET) if r["规则"] == "副本"]
        assert len(rows) == 1 and "9999" in rows[0]["说明"] and rows[0]["位置"].startswith("文字副本")
        identities.append(rows[0]["标识"])
    assert identities[0] == identities[1] and "txt" in identities[0] and "b.txt" not in identities[0]


@pytest.mark.parametrize(
    ("option", "value", "said"), [("--date", "2026-13-40", "不存在"), ("--deadline", "下周五", "无法识别")]
)
def test_a_date_that_cannot_be_read_is_said_before_the_work(tmp_path, option, value, said):
    folder = tmp_path / "已发布"
    publish(folder, {"a.html": shapes.portal_page(sample("示例市财政局", 1, "requests"))})
    result = run("audit", folder, "-o", tmp_path / "r.xlsx", "--notices", tmp_path / "通知", option, value)
    assert result.exit_code == 2 and said in result.output and "开始核查" not in result.output
    assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "通知").exists()
