"""The fill-in form's red cells, as a clerk sees them in LibreOffice (issue 24): a balanced
return shows none, and a return that breaks one rule shows red exactly in that rule's cells.

Each form is printed to PDF by LibreOffice Calc, which applies the conditional formats as
it draws the sheets; the red cells are the rectangles filled with the form's alarm colour."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import pytest
from conftest import skeleton
from openpyxl import load_workbook

from reportgen import check_text
from reportgen.formats.form import SHEETS
from reportgen.renderers import form
from reportgen.renderers.form import ALARM_FILL

ALARM = tuple(round(int(ALARM_FILL[i : i + 2], 16) / 255, 2) for i in (0, 2, 4))

BALANCED = (
    skeleton(2021)
    + """
[requests]
new = { natural_person = 10, commercial = 2 }
disclosed = { natural_person = 6, commercial = 2 }
unable_not_held = { natural_person = 2 }
withheld_process = { natural_person = 1 }
carry_forward = { natural_person = 1 }
[appeals]
review = { upheld = 1, corrected = 1 }
"""
)


def red_cells(pdf: Path) -> list[tuple[int, float, float]]:
    """(page, centre, top) of every figure printed on the alarm colour: LibreOffice fills a
    run of red cells as one rectangle, so the figures inside tell the cells."""
    found = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages):
            red = [
                r
                for r in page.rects
                if r.get("fill")
                and len(r.get("non_stroking_color") or ()) == 3
                and tuple(round(c, 2) for c in r["non_stroking_color"]) == ALARM
            ]
            for word in page.extract_words() if red else ():
                if any(
                    r["x0"] - 1 <= word["x0"]
                    and word["x1"] <= r["x1"] + 1
                    and r["top"] - 1 <= word["top"]
                    and word["bottom"] <= r["bottom"] + 1
                    for r in red
                ):
                    found.append((number, round((word["x0"] + word["x1"]) / 2), round(word["top"])))
    return sorted(found)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Each return, printed by LibreOffice: the balanced one and one breaking each rule."""
    folder = tmp_path_factory.mktemp("alarms")
    report = check_text(BALANCED).report
    assert report is not None and check_text(BALANCED).errors == 0
    data = form.workbook(report.format, report, report.agency, report.year, report.kind)
    names = {}
    for case, (sheet, cell, value) in {
        "balanced": (None, None, None),
        "R1": (SHEETS["requests"], "rg_requests_new_natural_person", 11),  # 新收 11, handled 10
        "R2": (SHEETS["requests"], "J6", 99),  # a clerk typed over the 总计 of 一、本年新收
        "R3": (SHEETS["requests"], "D29", 99),  # over （七）总计／自然人
        "R4": (SHEETS["appeals"], "E6", 99),  # over 行政复议／总计
    }.items():
        path = folder / f"{case}.xlsx"
        path.write_bytes(data)
        if sheet:
            book = load_workbook(path)
            target = cell
            if cell.startswith("rg_"):
                target = book.defined_names[cell].attr_text.split("!")[1].replace("$", "")
            book[sheet][target].value = value
            book.save(path)
        names[case] = path
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, names.values()),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {case: red_cells(path.with_suffix(".pdf")) for case, path in names.items()}


def test_a_balanced_return_shows_no_red_cell(printed):
    assert printed["balanced"] == []


def test_an_unbalanced_column_shows_its_four_cells_in_one_column(printed):
    cells = printed["R1"]
    assert len(cells) == 4, cells  # 一、新收 + 二、上年结转 = （七）总计 + 四、结转, 自然人
    assert len({(page, left) for page, left, _ in cells}) == 1


def test_a_row_total_typed_over_shows_its_row(printed):
    cells = printed["R2"]
    assert len(cells) == 7, cells  # 总计 and the six applicants of 一、本年新收
    assert len({(page, top) for page, _, top in cells}) == 1


def test_a_column_total_typed_over_shows_its_column(printed):
    report = check_text(BALANCED).report
    rule = next(r for r in report.format.rules if r.id == "R3")
    cells = printed["R3"]
    assert len(cells) == len(rule.parts) + 1, cells
    assert len({(page, left) for page, left, _ in cells}) == 1


def test_a_table_four_total_typed_over_shows_its_group(printed):
    cells = printed["R4"]
    assert len(cells) == 5, cells  # 行政复议: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计
    assert len({(page, top) for page, _, top in cells}) == 1
