"""The merged-cell layout of each statutory table, as the spec draws it."""

from __future__ import annotations

import pytest

from reportgen.formats import layout
from reportgen.formats import statutory

FORMATS = statutory.formats()


def cell_at(grid, text):
    for r, row in enumerate(grid.rows):
        for cell in row:
            if cell.text == text:
                return r, cell
    raise AssertionError(text)


@pytest.mark.parametrize("fmt_id", list(FORMATS))
@pytest.mark.parametrize("table_key", ["proactive", "requests", "appeals"])
def test_every_grid_slot_is_covered_exactly_once(fmt_id, table_key):
    grid = layout.grid(FORMATS[fmt_id].tables[table_key])
    counts = [[0] * grid.width for _ in grid.rows]
    for r, row in enumerate(grid.rows):
        for cell in row:
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    counts[r + dr][cell.column + dc] += 1
    assert all(n == 1 for row in counts for n in row)


@pytest.mark.parametrize("fmt_id, results", [("2021", 22), ("2019", 20)])
def test_table_three_header_and_label_merges(fmt_id, results):
    grid = layout.grid(FORMATS[fmt_id].tables["requests"])
    assert (grid.width, grid.header_rows, grid.label_columns) == (10, 3, 3)
    spans = lambda text: (lambda rc: (rc[0], rc[1].column, rc[1].colspan, rc[1].rowspan))(cell_at(grid, text))  # noqa: E731
    assert spans("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）") == (0, 0, 3, 3)
    assert spans("申请人情况") == (0, 3, 7, 1)
    assert spans("自然人") == (1, 3, 1, 2)
    assert spans("法人或其他组织") == (1, 4, 5, 1)
    assert spans("总计") == (1, 9, 1, 2)
    assert spans("商业企业") == (2, 4, 1, 1)
    assert spans("一、本年新收政府信息公开申请数量") == (3, 0, 3, 1)
    assert spans("二、上年结转政府信息公开申请数量") == (4, 0, 3, 1)
    assert spans("三、本年度办理结果") == (5, 0, 1, results)
    assert spans("（一）予以公开") == (5, 1, 2, 1)
    assert spans("（三）不予公开") == (7, 1, 1, 8)
    assert spans("1.属于国家秘密") == (7, 2, 1, 1)
    assert spans("（四）无法提供") == (15, 1, 1, 3)
    assert spans("（五）不予处理") == (18, 1, 1, 5)
    if fmt_id == "2021":
        assert spans("（六）其他处理") == (23, 1, 1, 3)
    else:
        assert spans("（六）其他处理") == (23, 1, 2, 1)
    assert spans("（七）总计")[1:] == (1, 2, 1)
    assert spans("四、结转下年度继续办理") == (5 + results, 0, 3, 1)


def test_table_four_has_three_header_rows_and_fifteen_figures():
    grid = layout.grid(FORMATS["2021"].tables["appeals"])
    assert (grid.width, grid.header_rows, grid.label_columns) == (15, 3, 0)
    first = [(c.text, c.column, c.colspan, c.rowspan) for c in grid.rows[0]]
    assert first == [("行政复议", 0, 5, 1), ("行政诉讼", 5, 10, 1)]
    second = [(c.text, c.column, c.colspan, c.rowspan) for c in grid.rows[1]]
    assert second == [
        ("结果维持", 0, 1, 2),
        ("结果纠正", 1, 1, 2),
        ("其他结果", 2, 1, 2),
        ("尚未审结", 3, 1, 2),
        ("总计", 4, 1, 2),
        ("未经复议直接起诉", 5, 5, 1),
        ("复议后起诉", 10, 5, 1),
    ]
    assert [c.text for c in grid.rows[2]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    assert [c.cell.key for c in grid.rows[3]][:2] == ["appeals.review.upheld", "appeals.review.corrected"]
    assert len(grid.rows[3]) == 15


def test_table_two_2021_single_value_columns_span_three():
    grid = layout.grid(FORMATS["2021"].tables["proactive"])
    assert grid.width == 4
    caption_row, header, *_ = grid.rows
    assert [(c.role, c.text, c.colspan) for c in caption_row] == [("caption", "第二十条第（一）项", 4)]
    _, licensing = cell_at(grid, "本年处理决定数量")
    assert (licensing.column, licensing.colspan) == (1, 3)
    r, label = cell_at(grid, "行政许可")
    value = grid.rows[r][1]
    assert (value.role, value.cell.key, value.colspan) == ("value", "proactive.licensing", 3)


def test_table_two_2019_leaves_the_last_column_of_fees_and_procurement_empty():
    grid = layout.grid(FORMATS["2019"].tables["proactive"])
    r, _ = cell_at(grid, "政府集中采购")
    assert [(c.role, c.colspan) for c in grid.rows[r]] == [("label", 1), ("value", 1), ("value", 1), ("blank", 1)]
    assert [c.text for c in grid.rows[r - 1]] == ["信息内容", "采购项目数量", "采购总金额", ""]
