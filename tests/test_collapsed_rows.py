"""A row group stated as one row, such as the single （六）其他处理 row many 2021-format
reports print (issue 17): every rule counts it, check warns, drafts merge it."""

from __future__ import annotations

from cli_helpers import run
from conftest import REPO, with_tables
from docx_helpers import part, table_containing, text_of, xpath
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import check_text
from reportgen.model import totals
from reportgen.workflows.build import Renderers, render_drafts

ONE_ROW = """
[requests]
new = { natural_person = 9, commercial = 2 }
disclosed = { natural_person = 5 }
other = { natural_person = 4, commercial = 2 }
"""


def test_the_single_row_counts_in_every_rule_and_gets_a_warning(write):
    result = run("check", write(with_tables(ONE_ROW)))
    assert result.exit_code == 0, result.output
    assert "表三“（六）其他处理”只写了一行（requests.other），没有分项" in result.output
    unbalanced = run("check", write(with_tables(ONE_ROW.replace("natural_person = 4", "natural_person = 3"))))
    assert unbalanced.exit_code == 1 and "R1" in unbalanced.output


def test_a_stated_total_of_the_single_row_is_checked(write):
    result = run("check", write(with_tables(ONE_ROW.replace("commercial = 2 }\n", "commercial = 2, total = 7 }\n"))))
    assert result.exit_code == 1
    assert "“（六）其他处理”" in result.output or "R2" in result.output


def test_stating_the_group_and_a_sub_row_is_an_error_naming_both(write):
    result = run("check", write(with_tables(ONE_ROW + "other_misc = { natural_person = 1 }\n")))
    assert result.exit_code == 1
    assert (
        "“（六）其他处理”既写成了一行（requests.other.commercial、requests.other.natural_person），"
        "又分项写了（requests.other_misc.natural_person）" in result.output
    )


def test_the_word_draft_merges_the_group_and_prints_each_figure_once():
    report = check_text(with_tables(ONE_ROW)).report
    data = render_drafts(report, Renderers.prepare(), ("docx",))["docx"]
    tbl = table_containing(part(data, "word/document.xml"), "（六）其他处理")
    rows = xpath(tbl, "./w:tr")
    [start] = [i for i, tr in enumerate(rows) if "（六）其他处理" in text_of(tr)]
    first, second, third = rows[start : start + 3]
    label = xpath(first, "./w:tc")[1]
    assert xpath(label, "./w:tcPr/w:gridSpan/@w:val") == ["2"]  # across both sub-label columns
    values = xpath(first, "./w:tc")[2:]
    assert [text_of(tc) for tc in values] == ["4", "2", "0", "0", "0", "0", "6"]
    assert all(xpath(tc, "./w:tcPr/w:vMerge/@w:val") == ["restart"] for tc in values)
    for tr in (second, third):
        assert text_of(tr) == ""  # continuation cells only: no sub-row figure is printed
        # 三、本年度办理结果, （六）其他处理 and the seven figures continue from above
        assert len(xpath(tr, "./w:tc/w:tcPr/w:vMerge[not(@w:val)]")) == 9


def test_the_markdown_draft_merges_the_group():
    golden = (REPO / "tests" / "golden" / "collapsed-other-2021.md").read_text(encoding="utf-8")
    assert '<tr><td colspan="2" rowspan="3">（六）其他处理</td><td rowspan="3">1</td><td rowspan="3"></td>' in golden
    assert "1.申请人无正当理由逾期不补正" not in golden


def test_next_year_zeroes_the_single_row_and_keeps_its_shape(write, tmp_path):
    path = write(with_tables(ONE_ROW), "unit/2021.toml")
    assert run("next-year", path).exit_code == 0
    text = (path.parent / "2022.toml").read_text(encoding="utf-8")
    assert "other = { natural_person = 0, commercial = 0 }" in text


# ------------------------------------------------------------------ property


@st.composite
def mixed_tables(draw):
    """Table 三 of the 2021 format with blanks, zeros and possibly the single （六） row,
    balanced in every column."""
    columns = ["natural_person", "commercial", "research", "public_interest", "legal_services", "other_org"]
    single = draw(st.booleans())
    rows = ["disclosed", "partly_disclosed", "withheld_state_secret", "unable_not_held", "unprocessed_repeat"]
    rows += ["other"] if single else ["other_overdue_correction", "other_unpaid_fee", "other_misc"]
    cell = st.one_of(st.just(""), st.integers(0, 30))
    table: dict[str, dict[str, object]] = {row: {} for row in [*rows, "new", "carried_over", "carry_forward"]}
    for column in columns:
        handled = 0
        for row in rows:
            value = draw(cell)
            table[row][column] = value
            handled += value or 0
        forward = draw(st.integers(0, 5))
        table["carry_forward"][column] = forward
        table["carried_over"][column] = carried = draw(st.integers(0, handled + forward))
        table["new"][column] = handled + forward - carried
    return single, table


def as_toml(table) -> str:
    def show(value):
        return '""' if value == "" else str(value)

    lines = ["[requests]"]
    lines += [f"{row} = {{ {', '.join(f'{c} = {show(v)}' for c, v in cols.items())} }}" for row, cols in table.items()]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None)
@given(mixed_tables())
def test_blanks_zeros_and_the_single_row_check_and_build_alike(case):
    single, table = case
    result = check_text(with_tables(as_toml(table)))
    assert result.errors == 0, [f.message for f in result.findings if f.is_error]
    codes = {f.code for f in result.findings}
    assert ("collapsed" in codes) == single
    assert ("blank" in codes) == any(v == "" for cols in table.values() for v in cols.values())
    report = result.report
    full = totals.completed(report)
    handled = sum(
        v or 0
        for row, cols in table.items()
        if row not in ("new", "carried_over", "carry_forward")
        for v in cols.values()
    )
    assert full["requests.total.total"].value == handled
    markdown = render_drafts(report, Renderers.prepare(), ("md",))["md"].decode("utf-8")
    assert f"<td>{handled}</td></tr>" in markdown.split("（七）总计", 1)[1].split("</tr>", 1)[0] + "</tr>"
    assert ('（六）其他处理</td><td rowspan="3">' in markdown) == single
