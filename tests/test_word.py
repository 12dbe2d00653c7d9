"""The Word draft: page setup, 公文 fonts, merged cells, read-back of every table, determinism."""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from decimal import Decimal

import pytest
from conftest import EXAMPLES, with_tables
from docx_helpers import W, grid_rows, part, read_back, table_containing, text_of, xpath
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from lxml import etree

from reportgen import check_file, check_text
from reportgen.formats import layout
from reportgen.workflows.build import Renderers, render_drafts
from reportgen.draft.report_draft import build_draft
from reportgen.renderers.word import Fonts

MM = 56.7


@pytest.fixture(scope="module")
def renderers():
    return Renderers.prepare()


def docx_of(report, renderers, **options) -> bytes:
    return render_drafts(report, renderers, ("docx",), **options)["docx"]


@pytest.fixture(scope="module")
def finance(renderers):
    report = check_file(next(p for p in EXAMPLES if p.parent.name == "qingchuan-finance" and p.stem == "2025")).report
    return docx_of(report, renderers)


# ------------------------------------------------------------------ page and fonts


def test_page_is_a4_with_gbt9704_margins(finance):
    document = part(finance, "word/document.xml")
    [size] = xpath(document, "//w:sectPr/w:pgSz")
    assert (size.get(W + "w"), size.get(W + "h")) == ("11906", "16838")
    [margins] = xpath(document, "//w:sectPr/w:pgMar")
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(int(margins.get(W + side)) - mm * MM) < MM, side


EXPECTED_FONTS = {
    "Title": ("方正小标宋简体", 44),
    "Normal": ("仿宋_GB2312", 32),
    "Heading1": ("黑体", 32),
    "Heading2": ("楷体_GB2312", 32),
    "TableText": ("宋体", 21),
    "Footer": ("宋体", 28),
}


@pytest.mark.parametrize("style_id", list(EXPECTED_FONTS))
def test_each_style_sets_its_east_asian_font_and_size(finance, style_id):
    styles = part(finance, "word/styles.xml")
    [style] = xpath(styles, f"//w:style[@w:styleId='{style_id}']")
    font, half_points = EXPECTED_FONTS[style_id]
    assert xpath(style, "./w:rPr/w:rFonts/@w:eastAsia") == [font]
    assert xpath(style, "./w:rPr/w:sz/@w:val") == [str(half_points)]


def test_no_theme_font_can_override_the_east_asian_font(finance):
    with zipfile.ZipFile(io.BytesIO(finance)) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                assert not re.search(rb"w:\w+Theme=", package.read(name)), name
                assert "theme" not in name


def test_body_text_is_indented_two_characters_with_fixed_28pt_lines(finance):
    styles = part(finance, "word/styles.xml")
    [normal] = xpath(styles, "//w:style[@w:styleId='Normal']/w:pPr")
    assert xpath(normal, "./w:ind/@w:firstLineChars") == ["200"]
    assert xpath(normal, "./w:spacing/@w:line") == ["560"]
    assert xpath(normal, "./w:spacing/@w:lineRule") == ["exact"]
    [title] = xpath(styles, "//w:style[@w:styleId='Title']/w:pPr")
    assert xpath(title, "./w:jc/@w:val") == ["center"]
    [table_text] = xpath(styles, "//w:style[@w:styleId='TableText']/w:pPr")
    assert xpath(table_text, "./w:snapToGrid/@w:val") == ["0"]
    assert xpath(table_text, "./w:spacing/@w:lineRule") == ["auto"]


def test_page_numbers_are_dashes_odd_right_even_left(finance):
    settings = part(finance, "word/settings.xml")
    assert xpath(settings, "//w:evenAndOddHeaders")
    document = part(finance, "word/document.xml")
    refs = {
        r.get(W + "type"): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        for r in xpath(document, "//w:sectPr/w:footerReference")
    }
    rels = part(finance, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for kind, align in (("default", "right"), ("even", "left")):
        footer = part(finance, "word/" + targets[refs[kind]])
        assert xpath(footer, "//w:jc/@w:val") == [align]
        assert xpath(footer, "//w:fldSimple/@w:instr") == [" PAGE "]
        assert re.fullmatch(r"— \d+ —", text_of(footer))


def test_fonts_are_configurable(tmp_path):
    renderers = Renderers.prepare(fonts=Fonts(body="仿宋", title="华文中宋"))
    data = docx_of(check_text(with_tables("")).report, renderers)
    styles = part(data, "word/styles.xml")
    assert xpath(styles, "//w:style[@w:styleId='Normal']/w:rPr/w:rFonts/@w:eastAsia") == ["仿宋"]
    assert xpath(styles, "//w:style[@w:styleId='Title']/w:rPr/w:rFonts/@w:eastAsia") == ["华文中宋"]
    assert xpath(styles, "//w:style[@w:styleId='Heading1']/w:rPr/w:rFonts/@w:eastAsia") == ["黑体"]


# ------------------------------------------------------------------ merged cells


def merge_of(tc):
    span = xpath(tc, "./w:tcPr/w:gridSpan/@w:val")
    merge = xpath(tc, "./w:tcPr/w:vMerge")
    state = None if not merge else (merge[0].get(W + "val") or "continue")
    return (int(span[0]) if span else 1, state)


def test_table_three_merges_sit_where_the_format_puts_them(finance):
    tbl = table_containing(part(finance, "word/document.xml"), "本年度办理结果")
    rows = grid_rows(tbl)
    corner_col, corner = rows[0][0]
    assert (corner_col, merge_of(corner)) == (0, (3, "restart"))
    assert text_of(corner).startswith("（本列数据的勾稽关系为")
    assert [(c, merge_of(tc)) for c, tc in rows[1][:1]] == [(0, (3, "continue"))]
    assert [(c, text_of(tc), merge_of(tc)) for c, tc in rows[0][1:]] == [(3, "申请人情况", (7, None))]
    assert [(c, text_of(tc), merge_of(tc)) for c, tc in rows[1][1:]] == [
        (3, "自然人", (1, "restart")),
        (4, "法人或其他组织", (5, None)),
        (9, "总计", (1, "restart")),
    ]
    # 三、本年度办理结果 spans the 22 result rows of the 2021 format, in grid column 0
    results = rows[5:27]
    assert text_of(results[0][0][1]) == "三、本年度办理结果"
    assert merge_of(results[0][0][1]) == (1, "restart")
    assert all(cells[0][0] == 0 and merge_of(cells[0][1]) == (1, "continue") for cells in results[1:])
    assert merge_of(rows[27][0][1]) == (3, None)  # 四、结转下年度继续办理
    # header rows repeat on every page; no row splits across pages
    trs = xpath(tbl, "./w:tr")
    assert [bool(xpath(tr, "./w:trPr/w:tblHeader")) for tr in trs] == [True] * 3 + [False] * 25
    assert all(xpath(tr, "./w:trPr/w:cantSplit") for tr in trs)


def test_table_four_header_merges(finance):
    tbl = table_containing(part(finance, "word/document.xml"), "复议后起诉")
    rows = grid_rows(tbl)
    assert [(c, text_of(tc), merge_of(tc)) for c, tc in rows[0]] == [
        (0, "行政复议", (5, None)),
        (5, "行政诉讼", (10, None)),
    ]
    assert [merge_of(tc)[1] for _, tc in rows[2][:5]] == ["continue"] * 5
    assert len(rows[3]) == 15


def test_every_text_element_holds_plain_text(finance):
    """w:t may hold only characters: a run nested inside one prints nothing in LibreOffice."""
    document = part(finance, "word/document.xml")
    assert xpath(document, "//w:t/*") == []
    assert len(xpath(document, "//w:tbl//w:t")) > 250


def test_figures_are_centred_and_labels_left(finance):
    tbl = table_containing(part(finance, "word/document.xml"), "本年度办理结果")
    row = grid_rows(tbl)[3]
    assert text_of(row[0][1]) == "一、本年新收政府信息公开申请数量"
    assert xpath(row[0][1], ".//w:jc/@w:val") == ["left"]
    assert all(xpath(tc, ".//w:jc/@w:val") == ["center"] for _, tc in row[1:])


# ------------------------------------------------------------------ read-back


def _expected_tables(path):
    """Every table's printed text, from the statutory layout and the raw data file alone."""
    data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    report = check_file(path).report

    def leaf(key):
        node = data
        for part_ in key.split("."):
            node = node.get(part_, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict) and "value" in node:
            return node["value"], node.get("note", "")
        return (node if node != {} else 0), ""

    def value(cell):
        table, row, column = cell.table.key, cell.row.id, cell.column.id
        if table == "requests" and column == "total":
            return sum(value(c) for c in _cells(cell.table, row) if c.column.id != "total")
        if table == "requests" and row == "total":
            rows = [r.id for r in cell.table.rows]
            results = rows[rows.index("carried_over") + 1 : rows.index("total")]
            return sum(value(cell.table.cell(r, column)) for r in results)
        if table == "appeals" and column.endswith(".total"):
            group = column.rsplit(".", 1)[0]
            return sum(leaf(f"appeals.{group}.{c}")[0] for c in ("upheld", "corrected", "other", "pending"))
        return leaf(cell.key)[0]

    tables = []
    for table in report.format.tables.values():
        rows = []
        for grid_row in layout.grid(table).rows:
            texts = []
            for cell in grid_row:
                if cell.role == "value":
                    number = value(cell.cell)
                    note = leaf(cell.cell.key)[1]
                    texts.append(f"{number}" + (f"（{note}）" if note else ""))
                else:
                    texts.append(cell.text)
            rows.append(texts)
        tables.append(rows)
    return tables


def _cells(table, row_id):
    return [table.cell(row_id, c.id) for c in table.row(row_id).columns]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_reading_the_tables_back_gives_the_input_figures_and_labels(path, renderers):
    data = docx_of(check_file(path).report, renderers)
    assert read_back(data) == _expected_tables(path)


def test_read_back_of_a_spot_checked_row(finance):
    tables = read_back(finance)
    assert ["一、本年新收政府信息公开申请数量", "23", "4", "0", "0", "2", "1", "30"] in tables[1]
    assert ["行政规范性文件", "6", "2", "41（其中修订3件）"] in tables[0]


# ------------------------------------------------------------------ determinism and docxtpl


def test_the_same_input_gives_byte_identical_docx(renderers):
    report = check_file(EXAMPLES[0]).report
    first = docx_of(report, renderers)
    second = docx_of(check_file(EXAMPLES[0]).report, Renderers.prepare())
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_prepared_template_renders_exactly_as_docxtpl_does(renderers):
    """Our once-compiled template gives the same body as docxtpl's own render, with
    autoescape on and undefined names as errors."""
    report = check_file(EXAMPLES[0]).report
    draft = build_draft(report)
    word = renderers.word
    ours = etree.fromstring(word.render_parts(draft)["word/document.xml"])
    reference = DocxTemplate(str(word.path))
    reference.render(word.context(draft), Environment(undefined=StrictUndefined), autoescape=True)
    theirs = reference.docx.element
    canon = lambda el: etree.tostring(el.find(W + "body"), method="c14n")  # noqa: E731
    assert canon(ours) == canon(theirs)


def test_blank_zeros_prints_zero_cells_empty(renderers):
    report = check_file(EXAMPLES[0]).report
    tables = read_back(docx_of(report, renderers, blank_zeros=True))
    assert all(text != "0" for table in tables for row in table for text in row)


def test_text_that_cannot_be_written_stops_the_draft_instead_of_losing_it(renderers):
    """Data files cannot carry control characters (the check refuses them); a script that
    builds a report itself gets an error, never a damaged or shortened document."""
    from dataclasses import replace

    from reportgen.errors import RenderError

    report = check_file(EXAMPLES[0]).report
    draft = build_draft(report)
    bad = replace(draft, opening=("前文\x01后文",))
    with pytest.raises(RenderError, match="生成的 Word 文档结构不完整"):
        renderers.word.render(bad)
    table = next(b.table for s in draft.sections for b in s.blocks if b.table)
    broken = replace(table, values=("1\x02",) + table.values[1:])
    with pytest.raises(RenderError, match="不能写入 Word 文档的字符"):
        renderers.word.render(
            replace(
                draft,
                sections=(replace(draft.sections[1], blocks=(replace(draft.sections[1].blocks[-1], table=broken),)),),
            )
        )
