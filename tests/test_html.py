"""The web page for the portal (issue 13): real tables with the statutory merges, header
markup, escaping, no script; then the page in headless Chromium, with a screenshot, the
geometry as rendered, and the axe-core accessibility rules."""

from __future__ import annotations

import shutil

import lxml.html
import pytest
from browser_helpers import axe_violations, chromium
from cli_helpers import run
from conftest import EXAMPLES, REPO

from reportgen import check_file
from reportgen.formats import layout
from reportgen.workflows.build import output_stem

GOLDEN = REPO / "tests" / "golden"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The page and fragment of every example and golden case."""
    out = tmp_path_factory.mktemp("html")
    sources = [*EXAMPLES, *sorted(GOLDEN.glob("*.toml"))]
    result = run("build", *sources, "-o", out, "--to", "html", "--allow-errors")
    assert result.exit_code == 0, result.output
    found = {}
    for source in sources:
        report = check_file(source).report
        stem = output_stem(report, source)
        found[source.stem if source.parent == GOLDEN else f"{source.parent.name}-{source.stem}"] = (
            out / f"{stem}.html",
            out / f"{stem}.网页片段.html",
            report,
        )
    return out, found


def test_both_a_page_and_a_fragment_are_written(pages):
    _, found = pages
    page, fragment, _ = found["qingchuan-finance-2025"]
    document = lxml.html.parse(str(page)).getroot()
    assert document.get("lang") == "zh-CN"
    assert document.xpath("//meta[@charset='utf-8']") and document.xpath("//meta[@name='viewport']")
    text = fragment.read_text(encoding="utf-8")
    assert text.startswith('<div class="reportgen-report"') and "<html" not in text and "<style" not in text


@pytest.mark.parametrize("case", ["qingchuan-finance-2025", "wuhai-finance-2019", "collapsed-other-2021"])
def test_tables_have_the_statutory_merges_and_header_markup(pages, case):
    _, found = pages
    page, _, report = found[case]
    document = lxml.html.parse(str(page)).getroot()
    tables = document.xpath("//table")
    assert len(tables) == len(report.format.tables)
    for table, definition in zip(tables, report.format.tables.values()):
        names = frozenset(k.split(".", 1)[1] for k in report.collapsed if k.startswith(definition.key + "."))
        grid = layout.grid(definition, names)
        rows = table.xpath(".//tr")
        assert len(rows) == len(grid.rows)
        for tr, expected in zip(rows, grid.rows):
            cells = tr.xpath("./th|./td")
            assert len(cells) == len(expected)
            for cell, want in zip(cells, expected):
                assert int(cell.get("colspan", 1)) == want.colspan and int(cell.get("rowspan", 1)) == want.rowspan
                if want.role in (layout.HEADER, layout.LABEL, layout.CAPTION):
                    assert cell.tag == "th" and cell.get("scope") in ("col", "colgroup", "row", "rowgroup")
                    assert cell.text_content() == want.text
        [caption] = document.xpath(f"//p[@id='{table.get('aria-labelledby')}']")  # above the scrolling box
        assert caption.text_content().startswith(f"表{definition.number}")
        assert table.getparent().get("aria-labelledby") == caption.get("id")


def test_headings_are_in_order_and_there_is_no_script(pages):
    _, found = pages
    for page, fragment, _ in found.values():
        document = lxml.html.parse(str(page)).getroot()
        levels = [int(h.tag[1]) for h in document.iter("h1", "h2", "h3", "h4")]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
        assert not document.xpath("//script | //*[@*[starts-with(name(), 'on')]] | //iframe | //object")
        assert "<script" not in fragment.read_text(encoding="utf-8")


def test_hostile_text_is_escaped(pages):
    _, found = pages
    page, _, _ = found["hostile-text-2021"]
    text = page.read_text(encoding="utf-8")
    assert "<研究>" not in text and "&lt;研究&gt;" in text
    document = lxml.html.parse(str(page)).getroot()
    assert "R&D <研究> 中心" in document.xpath("//h1")[0].text_content()


# ------------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


MEASURE = """
const tables = [...document.querySelectorAll('table')].map(t => ({
  rows: t.rows.length,
  grid: Math.max(...[...t.rows].map(r => [...r.cells].reduce((n, c) => n + c.colSpan, 0))),
  merged: [...t.querySelectorAll('td,th')].filter(c => c.colSpan > 1 || c.rowSpan > 1).length,
  overflowing: [...t.querySelectorAll('td,th')].filter(c => c.scrollWidth > c.clientWidth + 1).length,
}));
const doc = document.documentElement;
return {tables, pageOverflow: doc.scrollWidth - doc.clientWidth};
"""


@pytest.mark.parametrize(
    "case, width",
    [
        ("qingchuan-finance-2025", 1280),
        ("wuhai-finance-2019", 1280),
        ("qingchuan-finance-2025", 375),
    ],
)
def test_the_page_renders_the_tables_in_chromium(pages, browser, case, width):
    out, found = pages
    page, _, report = found[case]
    browser.set_window_size(width, 1600)
    browser.get(page.as_uri())
    measured = browser.execute_script(MEASURE)
    assert measured["pageOverflow"] <= 0, "the page scrolls sideways outside the tables' own boxes"
    for table, definition in zip(measured["tables"], report.format.tables.values()):
        grid = layout.grid(definition)
        assert table["rows"] == len(grid.rows)
        assert table["grid"] == grid.width
        assert table["merged"] == sum(1 for row in grid.rows for c in row if c.colspan > 1 or c.rowspan > 1)
        assert table["overflowing"] == 0, "text overflows its cell"
    shot = out / f"screenshot-{case}-{width}.png"
    browser.get_screenshot_as_file(str(shot))
    assert shot.stat().st_size > 10_000


CAPTIONS = """
return [...document.querySelectorAll('p[id^="reportgen-table-"]')].map(p => {
  const box = p.getBoundingClientRect();
  return {text: p.textContent, inside: !!p.closest('.reportgen-table'), left: box.left, right: box.right,
          clipped: p.scrollWidth > p.clientWidth + 1, viewport: document.documentElement.clientWidth};
});
"""


@pytest.mark.parametrize("case", ["qingchuan-finance-2025", "tasks-small-2026"])
def test_each_caption_sits_above_its_tables_box_and_reads_whole_on_a_phone(pages, browser, case):
    _, found = pages
    page, _, _ = found[case]
    browser.set_window_size(375, 1600)
    browser.get(page.as_uri())
    captions = browser.execute_script(CAPTIONS)
    assert captions and all(c["text"] for c in captions)
    for caption in captions:
        assert not caption["inside"] and not caption["clipped"], caption
        assert 0 <= caption["left"] and caption["right"] <= caption["viewport"], caption


def test_the_page_stays_readable_at_200_percent_zoom(pages, browser):
    _, found = pages
    page, _, _ = found["qingchuan-finance-2025"]
    browser.set_window_size(640, 1600)  # 1280 px at 200 %
    browser.get(page.as_uri())
    browser.execute_script("document.body.style.zoom = '200%'")
    assert (
        browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_the_task_table_page_renders_in_chromium(pages, browser, width):
    """The task table: a header row, a full-width row per heading, no text spilling out of
    a cell, and sideways scrolling only inside the table's own box."""
    from reportgen.draft.task_table import task_table

    out, found = pages
    page, _, document = found["tasks-small-2026"]
    browser.set_window_size(width, 1600)
    browser.get(page.as_uri())
    measured = browser.execute_script(MEASURE)
    assert measured["pageOverflow"] <= 0
    [table] = measured["tables"]
    _, grid = task_table(document)
    assert (
        (table["rows"], table["grid"])
        == (len(grid.rows), grid.width)
        == (len(document.headings) + len(document.tasks) + 1, 8)
    )
    assert table["merged"] == len(document.headings) and table["overflowing"] == 0
    shot = out / f"screenshot-tasks-{width}.png"
    browser.get_screenshot_as_file(str(shot))
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(
    "case",
    [
        "qingchuan-finance-2025",
        "wuhai-finance-2019",
        "linjiang-district-2025",
        "tasks-small-2026",
        "summary-cutoff-2026",
        "annual2008-outline-2012",
    ],
)
def test_axe_finds_no_violation_of_the_table_and_heading_rules(pages, browser, case):
    _, found = pages
    page, _, _ = found[case]
    browser.get(page.as_uri())
    found, details = axe_violations(browser)
    assert found == [], details


def test_batch_publishes_html_and_pdf_for_every_unit(tmp_path):
    data = tmp_path / "data"
    for slug in ("qingchuan-finance", "qingchuan-hrss"):
        (data / slug).mkdir(parents=True)
        shutil.copy(REPO / "data" / slug / "2025.toml", data / slug / "2025.toml")
    result = run("batch", data, "--year", "2025", "-o", tmp_path / "out", "--to", "html,pdf", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.网页片段.html"))) == 2
    pdfs = list((tmp_path / "out").glob("*.pdf"))
    assert len(pdfs) == 2 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert not list((tmp_path / "out").glob("*.docx"))  # the PDF is printed from a Word draft kept in memory
