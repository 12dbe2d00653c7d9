"""Properties of the arithmetic checks, over random figures.

- Consistent figures give no findings, whether or not the file states the totals.
- Changing any single leaf of table 三 or 四 gives findings, every one of which involves
  that cell; with totals stated, they name exactly that row and that column.
"""

from __future__ import annotations

from conftest import with_tables
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import check_text
from reportgen.model import totals
from reportgen.formats import statutory

FMT_IDS = list(statutory.formats())


@st.composite
def consistent_tables(draw):
    """(format id, {row: {column: n}} for 三, {group: {column: n}} for 四), all rules holding."""
    fmt = statutory.formats()[draw(st.sampled_from(FMT_IDS))]
    requests = fmt.tables["requests"]
    computed = totals.computed_keys(fmt)
    result_rows = next(r for r in fmt.rules if r.id == "R3").parts
    three: dict[str, dict[str, int]] = {row.id: {} for row in requests.rows}
    small = st.integers(0, 40)
    for column in requests.rows[0].columns:
        if f"requests.new.{column.id}" in computed:
            continue
        handled = 0
        for row in result_rows:
            three[row][column.id] = n = draw(small)
            handled += n
        forward = three["carry_forward"][column.id] = draw(small)
        carried = three["carried_over"][column.id] = draw(st.integers(0, handled + forward))
        three["new"][column.id] = handled + forward - carried
    four = {
        group: {c: draw(small) for c in ("upheld", "corrected", "other", "pending")}
        for group in ("review", "lawsuit_direct", "lawsuit_after_review")
    }
    return fmt, three, four


def with_totals(three, four):
    """The same figures, every total stated as a published report prints it."""
    three = {row: dict(cols) for row, cols in three.items()}
    for row, cols in three.items():
        if row != "total":
            cols["total"] = sum(cols.values())
    parts = [r for r in three if r not in ("new", "carried_over", "carry_forward", "total")]
    columns = {c for row in parts for c in three[row]} | {"total"}
    three["total"] = {c: sum(three[row].get(c, 0) for row in parts) for c in columns}
    four = {g: dict(cols, total=sum(cols.values())) for g, cols in four.items()}
    return three, four


def toml(fmt, three, four) -> str:
    def inline(cols):
        return "{ " + ", ".join(f"{c} = {n}" for c, n in cols.items()) + " }"

    lines = ["[requests]"] + [f"{row} = {inline(cols)}" for row, cols in three.items() if cols]
    lines += ["[appeals]"] + [f"{g} = {inline(cols)}" for g, cols in four.items()]
    return with_tables("\n".join(lines), year=fmt.first_year)


def leaves(three, four):
    for row, cols in three.items():
        for col in cols:
            if col != "total" and row != "total":
                yield ("requests", row, col)
    for group, cols in four.items():
        for col in cols:
            if col != "total":
                yield ("appeals", group, col)


@settings(max_examples=60, deadline=None)
@given(consistent_tables(), st.booleans())
def test_consistent_figures_give_no_findings(tables, stated):
    fmt, three, four = tables
    if stated:
        three, four = with_totals(three, four)
    assert check_text(toml(fmt, three, four)).findings == []


@settings(max_examples=120, deadline=None)
@given(consistent_tables(), st.data())
def test_changing_one_leaf_names_its_row_and_column(tables, data):
    fmt, three, four = with_totals_and_format(*tables)
    table, row, col = data.draw(st.sampled_from(list(leaves(three, four))))
    figures = three if table == "requests" else four
    figures[row][col] += data.draw(st.integers(1, 5))
    findings = check_text(toml(fmt, three, four)).findings
    key = f"{table}.{row}.{col}"
    cell = fmt.cell_by_key()[key]
    assert findings, key
    for finding in findings:
        assert finding.is_error
        assert key in (finding.key, *finding.related), (key, finding.message)
    if table == "requests":
        # R2 names the row; R1 or R3 names the column.
        assert any(f.row == cell.row.name and f.column == "总计" for f in findings)
        assert any(f.column == cell.column.name for f in findings)
    else:
        group = cell.column.name.rsplit("／", 1)[0]
        assert [f.column for f in findings] == [f"{group}／总计"]


def with_totals_and_format(fmt, three, four):
    return (fmt, *with_totals(three, four))


@settings(max_examples=60, deadline=None)
@given(consistent_tables(), st.data())
def test_without_stated_totals_a_changed_leaf_of_table_three_breaks_its_column(tables, data):
    fmt, three, four = tables
    table, row, col = data.draw(st.sampled_from([leaf for leaf in leaves(three, four) if leaf[0] == "requests"]))
    three[row][col] += data.draw(st.integers(1, 5))
    [finding] = check_text(toml(fmt, three, four)).findings
    assert finding.code == "R1"
    assert finding.column == fmt.cell_by_key()[f"requests.{row}.{col}"].column.name
