"""What a city office gets in its files (issue 37): a form's 总计 typed over its formula is
read and checked, never ignored."""

from __future__ import annotations

from cli_helpers import run
from conftest import DATA
from openpyxl import load_workbook

from reportgen.checks.check import check_file
from reportgen.formats.form import SHEETS
from reportgen.renderers import form


def returned_form(tmp_path, sheet=None, cell=None, value=None, insert_row=None):
    report = check_file(DATA / "qingchuan-hrss" / "2025.toml").report
    path = tmp_path / "返回.xlsx"
    path.write_bytes(form.workbook(report.format, report, report.agency, report.year, report.kind))
    if sheet:
        book = load_workbook(path)
        if insert_row:
            book[sheet].insert_rows(insert_row)  # openpyxl moves no defined name: done below, as Excel would
            for name in book.defined_names.values():
                where, _, cellref = name.attr_text.rpartition("!")
                if where.strip("'") == sheet:
                    column, row = cellref.replace("$", "")[:1], int(cellref.replace("$", "")[1:])
                    if row >= insert_row:
                        name.attr_text = f"{where}!${column}${row + 1}"
        book[sheet][cell].value = value
        book.save(path)
    return path


def test_a_total_still_a_formula_is_computed_and_passes(tmp_path):
    result = check_file(returned_form(tmp_path))
    assert result.errors == 0


def test_a_total_typed_over_its_formula_is_compared_with_the_sum(tmp_path):
    path = returned_form(tmp_path, SHEETS["appeals"], "E6", 9)  # 行政复议／总计: the parts add up to 5
    result = check_file(path)
    [finding] = [f for f in result.findings if f.is_error]
    assert finding.key == "appeals.review.total" and finding.actual == 9 and finding.expected == 5
    assert finding.cell == f"{SHEETS['appeals']}!E6"
    assert any("E6" in f.message and "公式被改写" in f.message for f in result.findings if not f.is_error)
    shown = run("check", path)
    assert shown.exit_code == 1 and "通过" not in shown.output.splitlines()[0]
    assert "行政复议／总计" in shown.output and "应为：5" in shown.output and "实际：9" in shown.output


def test_a_total_typed_equal_to_its_sum_passes(tmp_path):
    assert check_file(returned_form(tmp_path, SHEETS["appeals"], "E6", 5)).errors == 0


def test_a_typed_total_is_found_below_an_inserted_row(tmp_path):
    path = returned_form(tmp_path, SHEETS["appeals"], "E7", 9, insert_row=4)  # E6 moved down one row
    [finding] = [f for f in check_file(path).findings if f.is_error]
    assert finding.key == "appeals.review.total" and finding.cell == f"{SHEETS['appeals']}!E7"
