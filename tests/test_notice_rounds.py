"""What a 整改通知 says, as a unit reads it: the title broken by meaning (as the report's own
title is), a second-round notice that tells the problems notified before from the new ones,
broken sums that one mistyped cell may explain grouped with that cell named, and the result
workbook's columns in the notice's order (原文, then 应为). Reports are generated (shapes.py;
every figure fictional)."""

from __future__ import annotations

import random
import re
import subprocess
import sys

from cli_helpers import run
from conftest import REPO
from docx import Document as WordDocument
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from test_rectification import notice_rows, publish, sample, sheet_rows

from reportgen.checks.chains import shared_cells
from reportgen.draft.report_draft import TITLE_LINE, _title_width, title_lines_at
from reportgen.model.findings import error, warning
from reportgen.workflows import ledger

sys.path.insert(0, str(REPO / "tests" / "fixtures" / "published"))
import shapes  # noqa: E402

ONE_CELL = "requests.disclosed.natural_person"  # 予以公开／自然人: its row's 总计, its column's （七）总计, R1


def report(agency: str, seed: int, *cells: tuple[str, int]):
    made = shapes.make_sample(random.Random(seed), agency=agency)
    for key, by in cells:
        made.figures[key] = (made.figures[key] or 0) + by
    return shapes.portal_page(made)


def notice(folder, unit: str):
    md = folder / f"{unit}2025年报告整改通知.md"
    word = WordDocument(md.with_suffix(".docx"))
    return md, word, "\n".join(p.text for p in word.paragraphs)


# ------------------------------------------------------------------ the title


@given(
    st.text(alphabet="示例市县区财政局教育人力资源和社会保障委员会办公室", min_size=2, max_size=14),
    st.sampled_from([2023, 2025]),
)
@settings(max_examples=200, deadline=None)
def test_a_notice_title_breaks_only_where_its_meaning_does(agency, year):
    title = f"关于{agency}{year}年政府信息公开工作年度报告有关问题的整改通知"
    lines = title_lines_at(title, ("有关问题", "政府信息公开"), f"关于{agency}")
    assert "".join(lines) == title
    places = {title.find("有关问题"), title.find("政府信息公开"), len(f"关于{agency}")}
    assert {len("".join(lines[:i])) for i in range(1, len(lines))} <= places  # never mid-phrase
    assert all(_title_width(line) <= TITLE_LINE for line in lines)  # each fits, so Word breaks none again
    assert lines[-1] == "有关问题的整改通知"


def test_the_notice_title_prints_on_lines_broken_by_meaning_in_word_and_pdf(tmp_path):
    folder = tmp_path / "已发布"
    publish(folder, {"a.html": report("示例市人力资源和社会保障局", 1, ("requests.new.natural_person", 1))})
    run("audit", folder, "-o", tmp_path / "r.xlsx", "--notices", tmp_path / "通知", "--date", "2026-04-10")
    md, word, _ = notice(tmp_path / "通知", "示例市人力资源和社会保障局")
    lines = ["关于示例市人力资源和社会保障局2025年", "政府信息公开工作年度报告", "有关问题的整改通知"]
    assert word.paragraphs[0].text.split("\n") == lines
    assert word.paragraphs[0].style.name == "Title"
    assert md.read_text(encoding="utf-8").startswith(f"# {''.join(lines)}\n")  # Markdown: one line
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(md.with_suffix(".docx"))],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / f"{md.stem}.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    printed = ["".join(line.split()) for line in text.splitlines() if line.strip()]  # LibreOffice spaces digits
    assert printed[:3] == lines  # as printed: three lines, none broken again


# ------------------------------------------------------------------ the second round


def test_a_second_round_notice_says_what_was_notified_before_and_what_is_new(tmp_path):
    folder = tmp_path / "已发布"
    publish(
        folder,
        {
            "a.html": report("示例市财政局", 1, ("requests.new.natural_person", 1)),
            "b.html": shapes.portal_page(sample("示例市交通运输局", 4, "appeals")),
        },
    )
    run("audit", folder, "-o", tmp_path / "一.xlsx", "--notices", tmp_path / "通知一", "--date", "2026-04-10")
    _, _, first = notice(tmp_path / "通知一", "示例市财政局")
    assert "仍未整改" not in first and "新发现" not in first  # the first round: nothing to compare with
    first_rows = {r["标识"]: r for r in sheet_rows(tmp_path / "一.xlsx", ledger.SHEET)}

    # 财政局 leaves its error and makes a new one in table 四; 交通运输局 fixes its report.
    made = shapes.make_sample(random.Random(1), agency="示例市财政局")
    made.figures["requests.new.natural_person"] += 1
    appeals = next(k for k in made.figures if k.startswith("appeals."))
    made.figures[appeals] = (made.figures[appeals] or 0) + 2
    publish(folder, {"a.html": shapes.portal_page(made), "b.html": shapes.portal_page(sample("示例市交通运输局", 4))})
    result = run(
        "audit",
        folder,
        "--since",
        tmp_path / "一.xlsx",
        "-o",
        tmp_path / "二.xlsx",
        "--notices",
        tmp_path / "通知二",
        "--date",
        "2026-05-10",
    )
    assert "整改通知：1 份" in result.output, result.output  # none for the unit that fixed everything
    states = {r["标识"]: r for r in sheet_rows(tmp_path / "二.xlsx", ledger.SHEET) if r["机关名称"] == "示例市财政局"}
    still = [i for i, r in states.items() if r["状态"] == "仍存在"]
    new = [i for i, r in states.items() if r["状态"] == "新发现"]
    assert still and new and set(still) <= set(first_rows)

    md, word, text = notice(tmp_path / "通知二", "示例市财政局")
    rows = notice_rows(md)
    numbers = {
        "still": [int(r[0]) for r in rows if r[4].startswith("（2026年4月10日已通知，仍未整改）")],
        "new": [int(r[0]) for r in rows if r[4].startswith("（本次新发现）")],
    }
    assert (len(numbers["still"]), len(numbers["new"])) == (len(still), len(new))
    assert len(rows) == len(still) + len(new)  # every row says which it is
    opening = word.paragraphs[2].text
    assert re.search(
        r"其中第[\d至、]+项已于2026年4月10日核查时发现并通知，至今仍未整改；第[\d至、]+项为本次核查新发现。", opening
    ), opening
    assert "整改到位" not in opening  # nothing of this unit was fixed
    assert [c.text for c in word.tables[0].rows[0].cells] == ["序号", "位置", "原文", "应为", "说明"]


def test_a_second_round_notice_counts_the_fixed_problems_and_does_not_list_them(tmp_path):
    folder = tmp_path / "已发布"
    both = (
        ("requests.new.natural_person", 1),
        (next(k for k in shapes.make_sample(random.Random(1)).figures if k.startswith("appeals.")), 2),
    )
    publish(folder, {"a.html": report("示例市财政局", 1, *both)})
    run("audit", folder, "-o", tmp_path / "一.xlsx", "--date", "2026-04-10")
    publish(folder, {"a.html": report("示例市财政局", 1, both[0])})  # table 四 fixed, table 三 not
    run(
        "audit",
        folder,
        "--since",
        tmp_path / "一.xlsx",
        "-o",
        tmp_path / "二.xlsx",
        "--notices",
        tmp_path / "通知",
        "--date",
        "2026-05-10",
    )
    ledger_rows = sheet_rows(tmp_path / "二.xlsx", ledger.SHEET)
    fixed = [r for r in ledger_rows if r["状态"] == "已整改"]
    assert fixed and {r["状态"] for r in ledger_rows} == {"已整改", "仍存在"}
    md, word, _ = notice(tmp_path / "通知", "示例市财政局")
    assert f"此前通知的问题中已有 {len(fixed)} 个整改到位，不再列出。" in word.paragraphs[2].text
    said = [r[4] for r in notice_rows(md)]
    assert len(said) == len(ledger_rows) - len(fixed)
    assert not any(f["说明"] in s for f in fixed for s in said)
    assert all(s.startswith("（2026年4月10日已通知，仍未整改）") for s in said)


# ------------------------------------------------------------------ one cell, several broken sums


def test_three_broken_sums_from_one_cell_are_grouped_and_the_cell_named(tmp_path):
    folder = tmp_path / "已发布"
    publish(folder, {"a.html": report("示例市财政局", 1, (ONE_CELL, 10))})
    run("audit", folder, "-o", tmp_path / "r.xlsx", "--notices", tmp_path / "通知", "--date", "2026-04-10")
    found = sheet_rows(tmp_path / "r.xlsx", "核查结果")
    assert sorted(r["规则"] for r in found) == ["R1", "R2", "R3"]
    assert all("另有 2 处不平衡也用到表三“（一）予以公开／自然人”" in r["说明"] for r in found)
    md, word, _ = notice(tmp_path / "通知", "示例市财政局")
    said = [p.text for p in word.paragraphs]
    assert (
        "第1至3项的 3 处不平衡可能都由同一格引起：它们都用到表三“（一）予以公开／自然人”这一格。"
        "请先核对这一格，改正后这几处可能随之平衡。" in said
    )
    assert [r[0] for r in notice_rows(md)] == ["1", "2", "3"]


def test_broken_sums_with_no_single_cell_in_common_are_left_as_they_are(tmp_path):
    folder = tmp_path / "已发布"  # two cells of one column wrong: the sums share no one cell
    publish(folder, {"a.html": report("示例市财政局", 1, (ONE_CELL, 10), ("requests.new.natural_person", 1))})
    run("audit", folder, "-o", tmp_path / "r.xlsx", "--notices", tmp_path / "通知", "--date", "2026-04-10")
    found = sheet_rows(tmp_path / "r.xlsx", "核查结果")
    assert len(found) >= 3 and not any("可能都由这一格引起" in r["说明"] for r in found)
    _, _, text = notice(tmp_path / "通知", "示例市财政局")
    assert "同一格" not in text


def test_shared_cells_only_where_the_broken_rules_share_exactly_one_cell():
    row = error("R2", "行", key="t.a.total", related=("t.a.x", "t.a.y"))
    column = error("R3", "列", key="t.total.x", related=("t.a.x", "t.b.x"))
    assert shared_cells([row, column]) == {0: "t.a.x", 1: "t.a.x"}
    twice = error("R3", "列", key="t.total.x", related=("t.a.x", "t.a.y"))  # two cells in common
    assert shared_cells([row, twice]) == {}
    apart = error("R3", "列", key="u.total.z", related=("u.a.z",))
    text = warning("text-figure", "正文", key="t.a.x")  # not a sum: never grouped
    assert shared_cells([row, apart, text]) == {}
    assert shared_cells([row]) == {}


# ------------------------------------------------------------------ the columns


def test_both_sheets_put_the_published_figure_before_the_expected_one(tmp_path):
    folder = tmp_path / "已发布"
    publish(folder, {"a.html": report("示例市财政局", 1, ("requests.new.natural_person", 1))})
    run("audit", folder, "-o", tmp_path / "r.xlsx", "--date", "2026-04-10")
    book = load_workbook(tmp_path / "r.xlsx")
    for name in ("核查结果", ledger.SHEET):
        heads = [c.value for c in book[name][1]]
        assert heads.index("原文") + 1 == heads.index("应为"), name
    found = sheet_rows(tmp_path / "r.xlsx", "核查结果")
    kept = {r["标识"]: r for r in sheet_rows(tmp_path / "r.xlsx", ledger.SHEET)}
    assert sorted((r["原文"], r["应为"]) for r in found) == sorted((r["原文"], r["应为"]) for r in kept.values())


def test_a_ledger_with_its_columns_in_another_order_is_still_read_by_their_headings(tmp_path):
    folder = tmp_path / "已发布"
    publish(folder, {"a.html": report("示例市财政局", 1, ("requests.new.natural_person", 1))})
    run("audit", folder, "-o", tmp_path / "一.xlsx", "--date", "2026-04-10")
    before = {r["标识"]: (r["原文"], r["应为"]) for r in sheet_rows(tmp_path / "一.xlsx", ledger.SHEET)}
    book = load_workbook(tmp_path / "一.xlsx")
    sheet = book[ledger.SHEET]
    heads = [c.value for c in sheet[1]]
    published, expected = heads.index("原文") + 1, heads.index("应为") + 1
    for cells in sheet.iter_rows():  # 应为 before 原文, as an older workbook or an office's own order
        a, b = cells[published - 1], cells[expected - 1]
        a.value, b.value = b.value, a.value
    book.save(tmp_path / "旧.xlsx")
    publish(folder, {"a.html": report("示例市财政局", 1)})  # fixed
    run("audit", folder, "--since", tmp_path / "旧.xlsx", "-o", tmp_path / "二.xlsx", "--date", "2026-05-10")
    after = {
        r["标识"]: (r["原文"], r["应为"])
        for r in sheet_rows(tmp_path / "二.xlsx", ledger.SHEET)
        if r["状态"] == "已整改"
    }
    assert after == before


def test_a_problem_that_comes_back_after_it_was_fixed_is_said_so(tmp_path):
    folder = tmp_path / "已发布"
    broken, fixed = report("示例市财政局", 1, ("requests.new.natural_person", 1)), report("示例市财政局", 1)
    for number, (page, day) in enumerate(((broken, "2026-04-10"), (fixed, "2026-05-10"), (broken, "2026-06-10"))):
        publish(folder, {"a.html": page})
        since = ["--since", tmp_path / f"{number - 1}.xlsx"] if number else []
        run(
            "audit",
            folder,
            *since,
            "-o",
            tmp_path / f"{number}.xlsx",
            "--notices",
            tmp_path / f"通知{number}",
            "--date",
            day,
        )
    said = [r[4] for r in notice_rows(tmp_path / "通知2" / "示例市财政局2025年报告整改通知.md")]
    assert said and all(s.startswith("（2026年4月10日已通知，曾整改后又出现）") for s in said)
