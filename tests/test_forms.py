"""Excel fill-in forms (issue 10): the statutory layout, locked labels, validations, formulas;
read back by name; round trips, also through LibreOffice; bad returns get sheet and cell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import run
from conftest import DATA, skeleton
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportgen import check_file, check_text
from reportgen.model import totals
from reportgen.formats import layout
from reportgen.sources import workbook
from reportgen.workflows.importing import data_file

FINANCE = DATA / "qingchuan-finance" / "2025.toml"


@pytest.fixture
def form(tmp_path) -> Path:
    result = run("form", FINANCE, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    [path] = tmp_path.glob("*.xlsx")
    return path


def test_the_form_has_the_statutory_layout(form):
    book = load_workbook(form)
    assert book.sheetnames[:5] == ["基本信息", "表二 主动公开", "表三 申请办理", "表四 复议诉讼", "文字"]
    report = check_file(FINANCE).report
    for key, name in (("proactive", "表二 主动公开"), ("requests", "表三 申请办理"), ("appeals", "表四 复议诉讼")):
        sheet = book[name]
        grid = layout.grid(report.format.tables[key])
        merged = {str(r) for r in sheet.merged_cells.ranges if r.min_row > 1}
        expected = set()
        for r, row in enumerate(grid.rows):
            for cell in row:
                if cell.colspan > 1 or cell.rowspan > 1:
                    from openpyxl.utils import get_column_letter

                    expected.add(
                        f"{get_column_letter(cell.column + 1)}{3 + r}:"
                        f"{get_column_letter(cell.column + cell.colspan)}{3 + r + cell.rowspan - 1}"
                    )
        assert merged == expected, key
        for r, row in enumerate(grid.rows):
            for cell in row:
                if cell.role != layout.VALUE and cell.text:
                    assert sheet.cell(3 + r, cell.column + 1).value == cell.text
        assert sheet.protection.sheet
        assert (
            str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4) and sheet.sheet_properties.pageSetUpPr.fitToPage
        )
    three = book["表三 申请办理"]
    assert three["D6"].value == 23 and three["D6"].protection.locked is False  # 一、本年新收 / 自然人
    assert three["A6"].protection.locked is True
    assert str(three["J6"].value).startswith("=SUM(D6+")  # 总计 is a formula
    kinds = {(v.type, v.operator) for v in three.data_validations.dataValidation}
    assert ("whole", "greaterThanOrEqual") in kinds
    assert three.conditional_formatting  # an unbalanced R1 turns red
    assert "rg_requests_new_natural_person" in book.defined_names


def test_a_returned_form_checks_and_builds_like_its_data_file(form, tmp_path):
    result = run("check", form)
    assert result.exit_code == 0 and "0 个错误" in result.output, result.output
    built = run("build", form, "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    assert list((tmp_path / "out").glob("*.docx"))


def test_the_round_trip_gives_back_the_same_data(form):
    original = check_file(FINANCE, previous=None).report
    again = check_text(data_file(workbook.read(form).imported)).report
    assert {k: v.value for k, v in totals.completed(original).items()} == {
        k: v.value for k, v in totals.completed(again).items()
    }
    assert again.text == original.text and again.contact == original.contact
    assert again.published == original.published and again.fees == original.fees


@st.composite
def reports(draw):
    lines = ["[requests]"]
    for row in draw(
        st.lists(
            st.sampled_from(["disclosed", "withheld_process", "unable_not_held", "other_misc"]), max_size=3, unique=True
        )
    ):
        lines.append(
            f"{row} = {{ natural_person = {draw(st.integers(0, 50))}, commercial = {draw(st.integers(0, 5))} }}"
        )
    lines.append(f"new = {{ natural_person = {draw(st.integers(0, 80))} }}")
    lines.append(f"[proactive]\nadministrative_fees = {draw(st.decimals(0, 9999, places=2))}")
    year = draw(st.sampled_from([2020, 2024]))
    return check_text(skeleton(year) + "\n".join(lines) + "\n").report


@settings(max_examples=15, deadline=None)  # tmp_path_factory: a fresh folder per example
@given(report=reports())
def test_round_trip_over_generated_data(tmp_path_factory, report):
    from reportgen.renderers import form

    path = tmp_path_factory.mktemp("form") / "x2025.xlsx"
    path.write_bytes(form.workbook(report.format, report, report.agency, report.year, report.kind))
    again = check_text(data_file(workbook.read(path).imported)).report
    want, got = totals.completed(report), totals.completed(again)
    assert {k: v.value for k, v in want.items()} == {k: v.value for k, v in got.items()}


def test_a_form_resaved_by_libreoffice_reads_back_and_its_formulas_add_up(form, tmp_path):
    out = tmp_path / "resaved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(form),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    resaved = out / form.name
    again = check_text(data_file(workbook.read(resaved).imported)).report
    original = check_file(FINANCE, previous=None).report
    want = totals.completed(original)
    assert {k: v.value for k, v in totals.completed(again).items()} == {k: v.value for k, v in want.items()}
    cached = load_workbook(resaved, data_only=True)["表三 申请办理"]
    assert cached["J6"].value == want["requests.new.total"].value  # LibreOffice computed the 总计 formula
    assert cached["J29"].value == want["requests.total.total"].value  # （七）总计／总计


def edit(path: Path, change) -> None:
    book = load_workbook(path)
    change(book)
    book.save(path)


def test_text_or_a_negative_number_in_a_count_cell_is_named_by_sheet_and_cell(form):
    def bad(book):
        book["表三 申请办理"]["D6"] = "二十三"
        book["表三 申请办理"]["E6"] = -4

    edit(form, bad)
    result = run("check", form)
    assert result.exit_code == 1
    assert "表三 申请办理!D6 requests.new.natural_person" in result.output
    assert "表三 申请办理!E6 requests.new.commercial" in result.output and "不能为负数" in result.output


def test_a_deleted_or_renamed_sheet_is_a_clear_error(form):
    edit(form, lambda book: setattr(book["表四 复议诉讼"], "title", "复议"))
    result = run("check", form)
    assert result.exit_code == 1 and "工作表“表四 复议诉讼”被删除或改名了" in result.output


def test_rows_a_clerk_inserted_shift_nothing(form):
    def insert(book):
        sheet = book["表三 申请办理"]
        sheet.insert_rows(8)  # what Excel does, the names and merges following the cells
        for _name, definition in list(book.defined_names.items()):
            sheet_name, cell = next(definition.destinations)
            row = int("".join(ch for ch in cell if ch.isdigit()))
            if sheet_name == sheet.title and row >= 8:
                column = "".join(ch for ch in cell.replace("$", "") if ch.isalpha())
                definition.attr_text = f"'{sheet_name}'!${column}${row + 1}"
        sheet["D8"] = 99

    edit(form, insert)
    returned = workbook.read(form)
    assert returned.imported.figures["requests.disclosed.natural_person"] == 9
    assert returned.imported.figures["requests.carry_forward.natural_person"] == 1
    assert any("插入或删除了行" in w for w in returned.warnings)
    assert any("第8行是插入的行" in w and "D8" in w for w in returned.warnings)


def test_forms_of_other_kinds_and_lock_files_are_answered(form, tmp_path):
    old = tmp_path / "旧表.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("check", old)
    assert result.exit_code == 1 and "另存为”.xlsx" in result.output
    edit(form, lambda book: book["_reportgen"].cell(1, 2, "2015"))
    result = run("check", form)
    assert result.exit_code == 1 and "格式“2015”不认识" in result.output


def test_a_folder_of_returned_forms_builds_as_a_batch(tmp_path):
    returns = tmp_path / "returns"
    assert run("form", FINANCE, "-o", returns).exit_code == 0
    assert run("form", DATA / "qingchuan-hrss" / "2025.toml", "-o", returns).exit_code == 0
    (returns / "~$青川市财政局2025年政府信息公开数据填报表.xlsx").write_bytes(b"lock")
    result = run("batch", returns, "--year", "2025", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.docx"))) == 2


def test_a_roster_gets_one_blank_form_per_unit(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称\n青川市甲局\n青川市乙局\n青川市丙局\n", encoding="utf-8")
    result = run("form", "--roster", roster, "--year", "2025", "-o", tmp_path / "forms", "--jobs", "2")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "forms").glob("*.xlsx"))
    assert names == [f"青川市{x}局2025年政府信息公开数据填报表.xlsx" for x in ("丙", "乙", "甲")]
    blank = load_workbook(tmp_path / "forms" / names[2])
    assert blank["基本信息"]["B3"].value == "青川市甲局" and blank["表三 申请办理"]["D6"].value == 0


def test_a_filled_in_form_is_never_overwritten_and_force_backs_it_up_as_xlsx(form):
    again = run("form", FINANCE, "-o", form.parent)  # the form as reportgen wrote it: made again
    assert again.exit_code == 0, again.output
    book = load_workbook(form)
    book["表三 申请办理"]["D6"].value = 77  # a unit fills in its figures
    book.save(form)
    filled = form.read_bytes()
    refused = run("form", FINANCE, "-o", form.parent)
    assert refused.exit_code == 1 and "没有覆盖" in refused.output and "--force" in refused.output
    assert form.read_bytes() == filled
    forced = run("form", FINANCE, "-o", form.parent, "--force")
    assert forced.exit_code == 0, forced.output
    backup = form.with_name(form.stem + ".备份-1.xlsx")
    assert backup.read_bytes() == filled and str(backup) in forced.output
    assert form.read_bytes() != filled


def test_import_writes_a_data_file_from_a_returned_form(form, tmp_path):
    result = run("import", form, "-o", tmp_path / "data")
    assert result.exit_code == 0, result.output
    [target] = (tmp_path / "data").rglob("2025.toml")
    assert check_file(target, previous=None).errors == 0
    shutil.rmtree(tmp_path / "data")


# ------------------------------------------------------------------ issue 24


def test_a_roster_form_starts_at_zero_and_a_return_with_blanks_is_reported_by_row(tmp_path):
    import json

    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称,类别\n青川市甲局,部门\n青川市乙镇人民政府,政府\n", encoding="utf-8")
    forms = tmp_path / "forms"
    assert run("form", "--roster", roster, "--year", "2025", "-o", forms).exit_code == 0
    path = forms / "青川市甲局2025年政府信息公开数据填报表.xlsx"
    book = load_workbook(path)
    tables = ("表二 主动公开", "表三 申请办理", "表四 复议诉讼")
    numbers = []
    for name, definition in book.defined_names.items():
        sheet, _, cell = definition.attr_text.partition("!")
        if name.startswith("rg_") and sheet.strip("'") in tables:
            numbers.append(book[sheet.strip("'")][cell.replace("$", "")])
    assert numbers and all(c.value == 0 for c in numbers)  # 没有的填 0: every figure starts at 0
    for cell in numbers:  # a unit leaves its zeros blank, as people do
        cell.value = None
    book["表三 申请办理"]["D6"].value = 10  # 新收 10, all disclosed
    book["表三 申请办理"]["D8"].value = 10
    book.save(path)
    result = run("check", path)
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "个格子留空" in line]
    assert len(line) < 1500
    assert "表三 24 行" in line and "二、上年结转政府信息公开申请数量：整行" in line
    assert "行政复议：结果维持、结果纠正、其他结果、尚未审结" in line
    assert "行政诉讼／未经复议直接起诉：结果维持" in line and "行政诉讼／复议后起诉：结果维持" in line
    findings = json.loads(run("check", "--format", "json", path).stdout)["files"][0]["findings"]
    [blank] = [f for f in findings if f["code"] == "blank"]
    assert len(blank["related"]) == len(numbers) - 2  # every blank cell, in full
    town = load_workbook(forms / "青川市乙镇人民政府2025年政府信息公开数据填报表.xlsx")
    assert town["基本信息"]["B5"].value == "政府"  # the roster's 类别


def test_a_roster_with_an_unknown_kind_is_refused_with_its_line(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称,类别\n青川市甲局,部门\n青川市乙局,区县\n", encoding="utf-8")
    result = run("form", "--roster", roster, "--year", "2025", "-o", tmp_path / "forms")
    assert result.exit_code == 1 and f"名单 {roster} 第3行：类别“区县”只能是“部门”或“政府”" in result.output


def test_the_form_help_is_written_for_form():
    text = run("form", "--help").output
    assert "列出未报送的单位和名单外的文件" not in text
    assert "类别" in text and "按名单每个单位生成一份" in text
