"""Blank cells, plausible bounds and the status line of `check` (issue 17), through the CLI."""

from __future__ import annotations

import re
import shutil

import pytest
from cli_helpers import run
from conftest import DATA, with_tables
from docx import Document

BLANKS = """
[requests]
new = { natural_person = 9, commercial = "" }
disclosed = { natural_person = 9, commercial = "", total = "" }
"""


def cells_of(markdown: str, label: str) -> list[str]:
    """The cells of the Markdown table row whose label cell is ``label``."""
    row = re.search(r"<tr>(?:(?!</tr>).)*?>" + re.escape(label) + r"</t[dh]>((?:(?!</tr>).)*)</tr>", markdown, re.S)
    assert row, label
    return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))


def test_a_blank_cell_counts_as_zero_warns_once_and_prints_blank(write, tmp_path):
    path = write(with_tables(BLANKS))
    checked = run("check", path)
    assert checked.exit_code == 0, checked.output
    assert (
        '2 个格子留空（写成 ""），按 0 计算，草稿中印成空白：表三 2 行 2 格（一、本年新收政府信息公开申请数量：商业企业；'
        "（一）予以公开：商业企业）。"
    ) in checked.output
    assert "1 个总计留空，已由各项相加算出，草稿中印出算出的数：表三“（一）予以公开／总计”＝9。" in checked.output
    built = run("build", path, "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    [markdown] = (tmp_path / "out").glob("*.md")
    row = cells_of(markdown.read_text(encoding="utf-8"), "一、本年新收政府信息公开申请数量")
    assert row[:3] == ["9", "", "0"]  # written 9, blank, written (omitted) 0
    assert row[-1] == "9"
    assert cells_of(markdown.read_text(encoding="utf-8"), "（一）予以公开")[-1] == "9"  # the computed total
    [docx] = (tmp_path / "out").glob("*.docx")
    table = next(t for t in Document(docx).tables if "一、本年新收政府信息公开申请数量" in t.rows[3].cells[0].text)
    texts = [c.text for c in table.rows[3].cells]
    assert texts[-7:] == ["9", "", "0", "0", "0", "0", "9"]


def test_a_blank_cell_counts_as_zero_in_every_rule(write):
    result = run(
        "check",
        write(
            with_tables("""
[requests]
new = { natural_person = 2, commercial = "" }
disclosed = { natural_person = 1, commercial = 1 }
""")
        ),
    )
    assert result.exit_code == 1
    assert "R1" in result.output and "“法人或其他组织／商业企业”列" in result.output


def test_next_year_keeps_a_blank_cell_blank(write, tmp_path):
    path = write(with_tables(BLANKS), "data/unit/2021.toml")
    result = run("next-year", path)
    assert result.exit_code == 0, result.output
    text = (path.parent / "2022.toml").read_text(encoding="utf-8")
    assert 'commercial = ""' in text
    assert "# 测试市测试局" not in text or "2021" not in text.splitlines()[0]


@pytest.mark.parametrize(
    "tables, cell",
    [
        ("[proactive]\nadministrative_fees = 1e30", "行政事业性收费"),
        ("[requests]\nnew = { natural_person = 1_000_000_000 }", "一、本年新收政府信息公开申请数量／自然人"),
        ("[proactive]\npenalty = 200_000_000", "行政处罚"),
    ],
)
def test_an_absurd_figure_is_an_error_naming_the_cell(write, tables, cell):
    result = run("check", write(with_tables(tables)))
    assert result.exit_code == 1
    assert "超出了合理范围" in result.output and cell in result.output and "R6" in result.output


def test_millions_of_penalties_are_plausible(write):
    result = run("check", write(with_tables("[proactive]\npenalty = 3_500_000\nlicensing = 80_000_000")))
    assert result.exit_code == 0, result.output


def test_a_fractional_count_is_an_error_and_too_many_decimals_a_warning(write):
    result = run("check", write(with_tables("[requests]\nnew = { natural_person = 1.5 }")))
    assert result.exit_code == 1 and "是件数，应为整数" in result.output
    result = run("check", write(with_tables("[proactive]\nadministrative_fees = 12.12345678")))
    assert result.exit_code == 0
    assert "写了 8 位小数" in result.output


def test_the_status_line_counts_unfilled_sections_and_cross_year_warnings(tmp_path):
    fresh = tmp_path / "2026.toml"
    assert run("init", "--agency", "某某市财政局", "--year", "2026", "-o", fresh).exit_code == 0
    result = run("check", fresh)
    assert re.search(r"通过，\d+ 个警告（其中 6 个部分还是【待填写】）", result.output), result.output
    folder = tmp_path / "agency"
    shutil.copytree(DATA / "qingchuan-finance", folder)
    current = folder / "2025.toml"
    current.write_text(
        current.read_text(encoding="utf-8").replace("in_force = { value = 41", "in_force = { value = 99", 1),
        encoding="utf-8",
    )
    result = run("check", current)
    assert "个跨年度衔接警告" in result.output, result.output


def test_blank_cells_in_table_four_count_as_zero_in_r4(write):
    result = run(
        "check",
        write(
            with_tables(
                '[appeals]\nreview = { upheld = 2, corrected = "", total = 2 }\n'
                'lawsuit_direct = { upheld = "", total = 1 }'
            )
        ),
    )
    assert result.exit_code == 1
    assert "R4" in result.output and "未经复议直接起诉" in result.output
    assert "行政复议" not in result.output.split("R4")[1].split("\n")[0] or "应为" in result.output


def test_table_two_blank_cells_print_empty(write, tmp_path):
    path = write(with_tables('[proactive]\nrules = { issued = "", repealed = 0, in_force = 5 }\npenalty = ""'))
    assert run("build", path, "-o", tmp_path / "out", "--to", "md").exit_code == 0
    [markdown] = (tmp_path / "out").glob("*.md")
    text = markdown.read_text(encoding="utf-8")
    assert cells_of(text, "规章") == ["", "0", "5"]
    assert cells_of(text, "行政处罚") == [""]
