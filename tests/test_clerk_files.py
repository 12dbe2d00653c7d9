"""What a city office gets in its files (issue 37): a form's 总计 typed over its formula is
read and checked, never ignored; --fonts switches every style and the title's digits print
in its face; every Excel file is the same bytes for the same input; the batch summary is
never overwritten when a person edited it; a refusal names the backup --force would write."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from cli_helpers import run
from conftest import DATA
from lxml import etree
from openpyxl import load_workbook

from reportgen.checks.check import check_file
from reportgen.formats.form import SHEETS
from reportgen.renderers import form
from reportgen.renderers.fonts import PRESETS, fontconfig


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


# ------------------------------------------------------------------ fonts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def styles_of(docx_bytes: bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        return etree.fromstring(package.read("word/styles.xml"))


def east_asian(root, style_id: str | None, attribute: str = "eastAsia") -> str:
    path = (
        f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts"
        if style_id is None
        else f"{W}style[@{W}styleId='{style_id}']/{W}rPr/{W}rFonts"
    )
    return root.find(path).get(f"{W}{attribute}")


@pytest.mark.parametrize("preset", ["windows", "noto"])
def test_a_font_preset_switches_every_style_the_signature_included(tmp_path, preset):
    result = run("build", DATA / "qingchuan-hrss" / "2025.toml", "-o", tmp_path, "--to", "docx", "--fonts", preset)
    assert result.exit_code == 0, result.output
    [word] = tmp_path.glob("*.docx")
    root = styles_of(word.read_bytes())
    fonts = PRESETS[preset]
    assert east_asian(root, "Normal") == fonts.body
    assert east_asian(root, "Signature") == fonts.body  # 落款
    assert east_asian(root, "TableNote") == fonts.body
    assert east_asian(root, None) == fonts.body  # the document's default
    assert east_asian(root, "Flag") == fonts.heading  # 【数据待核】
    assert {east_asian(root, "Title", a) for a in ("eastAsia", "ascii", "hAnsi")} == {fonts.title}  # 2025 too
    names = {style.get(f"{W}styleId"): style for style in root.iter(f"{W}style")}
    assert names["Title"].find(f"{W}rPr/{W}b") is not None  # the preset's bold title: its digits bold too


def test_the_title_digits_are_printed_in_the_titles_face_and_weight(tmp_path):
    result = run("build", DATA / "qingchuan-hrss" / "2025.toml", "-o", tmp_path, "--to", "pdf")
    assert result.exit_code == 0, result.output
    [pdf] = tmp_path.glob("*.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSerif-Bold" not in fonts and "Bold" in fonts  # 2025 in the title's bold CJK face, not a Latin one


@pytest.mark.parametrize(
    "family", ["方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "仿宋", "Noto Serif CJK SC"]
)
def test_the_fonts_given_to_libreoffice_resolve_to_the_simplified_chinese_faces(tmp_path, family):
    """reportgen's fontconfig (what LibreOffice prints with) picks the SC face of Noto CJK
    for every 公文 font, in Chinese text: index 2 of Debian's collection, named …sc…. (pdffonts
    names every face of that collection "…jp…": its faces share one CFF table.)"""
    conf = tmp_path / "fonts.conf"
    conf.write_text(fontconfig(), encoding="utf-8")
    found = subprocess.run(
        ["fc-match", "-f", "%{postscriptname}", f"{family}:lang=zh-cn"],
        capture_output=True,
        text=True,
        check=True,
        env={"FONTCONFIG_FILE": str(conf), "PATH": "/usr/bin:/bin"},
    ).stdout
    assert "CJKsc" in found, found


# ------------------------------------------------------------------ the same bytes for the same input


def test_every_excel_file_is_the_same_bytes_for_the_same_input(tmp_path):
    from datetime import date

    from reportgen.renderers import workbooks

    made = {}
    for run_number in (1, 2):
        out = tmp_path / f"run{run_number}"
        tasks = run("build", DATA / "qingchuan-finance" / "2025-任务分解表.toml", "-o", out, "--to", "xlsx")
        forms = run("form", DATA / "qingchuan-hrss" / "2025.toml", "-o", out / "forms")
        aggregate = run("aggregate", DATA, "--year", 2025, "--name", "青川市", "-o", out / "agg")
        assert tasks.exit_code == forms.exit_code == 0 and aggregate.exit_code in (0, 1), aggregate.output
        made[run_number] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))}
    assert len(made[1]) == 3 and made[1] == made[2]
    for name, data in made[1].items():  # the document times are the document's own, not the clock's
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            core = package.read("docProps/core.xml").decode("utf-8")
            assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in package.infolist()), name
        assert str(date.today().year) + "-" + f"{date.today().month:02d}-{date.today().day:02d}" not in core, name
    assert workbooks.NO_DATE == date(1980, 1, 1)


# ------------------------------------------------------------------ summary.csv, backups


@pytest.fixture
def batched(tmp_path):
    shutil.copytree(DATA / "qingchuan-hrss", tmp_path / "data" / "qingchuan-hrss")
    assert run("batch", tmp_path / "data", "--year", 2025, "-o", tmp_path / "out", "--to", "md").exit_code == 0
    return tmp_path


def test_a_summary_a_person_edited_is_not_overwritten_and_force_backs_it_up(batched):
    summary = batched / "out" / "summary.csv"
    assert run("batch", batched / "data", "--year", 2025, "-o", batched / "out", "--to", "md").exit_code == 0
    edited = summary.read_bytes().replace("成功".encode(), "成功（已电话催报）".encode(), 1)
    summary.write_bytes(edited)
    refused = run("batch", batched / "data", "--year", 2025, "-o", batched / "out", "--to", "md")
    assert refused.exit_code == 1 and "summary.csv" in refused.output and "没有覆盖" in refused.output
    assert "summary.备份-1.csv" in refused.output and summary.read_bytes() == edited
    (batched / "out" / "summary.备份-1.csv").write_bytes(b"an older backup")
    refused = run("batch", batched / "data", "--year", 2025, "-o", batched / "out", "--to", "md")
    assert "summary.备份-2.csv" in refused.output  # the backup --force would write, not one already taken
    forced = run("batch", batched / "data", "--year", 2025, "-o", batched / "out", "--to", "md", "--force")
    assert forced.exit_code == 0, forced.output
    backup = batched / "out" / "summary.备份-2.csv"
    assert backup.read_bytes() == edited and "原文件已备份为：" in forced.output and backup.name in forced.output
    assert summary.read_bytes() != edited


def test_the_refusal_for_a_filled_in_form_names_the_backup_force_would_write(tmp_path):
    out = tmp_path / "forms"
    assert run("form", DATA / "qingchuan-hrss" / "2025.toml", "-o", out).exit_code == 0
    [made] = out.glob("*.xlsx")
    book = load_workbook(made)
    book[SHEETS["requests"]]["D6"].value = 77
    book.save(made)
    made.with_name(made.stem + ".备份-1.xlsx").write_bytes(b"taken")
    refused = run("form", DATA / "qingchuan-hrss" / "2025.toml", "-o", out)
    assert refused.exit_code == 1 and f"{made.stem}.备份-2.xlsx" in refused.output and ".备份-1." not in refused.output
    forced = run("form", DATA / "qingchuan-hrss" / "2025.toml", "-o", out, "--force")
    assert f"{made.stem}.备份-2.xlsx" in forced.output
