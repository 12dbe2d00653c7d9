"""The cells of a statutory table that a refresh changed, named as ``check`` names them.

A draft's table is laid out from its format's grid (``reportgen.formats.layout``): the
Word table has one ``w:tc`` per grid cell of each row (``word.word_rows``), the Markdown
draft's HTML table one ``<td>``/``<th>`` per cell starting in the row. A changed figure is
found by its place in that grid, and named by the statutory row and column it holds:
"行政复议／尚未审结", "行政许可／本年处理决定数量", "一、本年新收政府信息公开申请数量／总计".
A table whose shape matches no format (edited by hand: rows added or removed) keeps the
old naming by the row's label and the cell's place in the row.
"""

from __future__ import annotations

from reportgen.formats import layout, statutory

SEPARATOR = statutory.LABEL_SEPARATOR


def cell_name(cell: statutory.Cell) -> str:
    """A figure's row (its own label) and column (its full label), as check prints them."""
    row = cell.row.name.rsplit(SEPARATOR, 1)[-1] if cell.row and cell.row.name else ""
    return SEPARATOR.join(part for part in (row, cell.column.name) if part)


def changed_cells(marker: str, old: list[list[str]], new: list[list[str]], word: bool) -> list[str]:
    """ "名称：旧 → 新" for every figure that differs between two renderings of the table
    of ``marker`` (table_proactive, table_requests, table_appeals); ``old``/``new`` are the
    texts of each row's cells as the draft holds them (``w:tc`` for Word, HTML cells otherwise)."""
    names = _names(marker, [len(row) for row in new], word)
    changes = []
    for r, (a, b) in enumerate(zip(old, new)):
        for c, (x, y) in enumerate(zip(a, b)):
            if x != y:
                name = names.get((r, c)) or f"“{_row_label(b, r)}”第{c + 1}格"
                changes.append(f"{name}：{x or '（空）'} → {y or '（空）'}")
    return changes


def _names(marker: str, shape: list[int], word: bool) -> dict[tuple[int, int], str]:
    """Each figure's name by its (row, cell) place, from the first format whose grid for this
    table has the draft's shape; {} when none has."""
    key = marker.replace("-", "_").removeprefix("table_")
    for fmt in reversed(list(statutory.formats().values())):
        table = fmt.tables.get(key)
        if table is None:
            continue
        rows = _rows(layout.grid(table), word)
        if [len(row) for row in rows] == shape:
            return {
                (r, c): cell_name(cell.cell)
                for r, row in enumerate(rows)
                for c, cell in enumerate(row)
                if cell is not None and cell.cell is not None
            }
    return {}


def _rows(grid: layout.Grid, word: bool) -> list[list[layout.GridCell | None]]:
    """The grid's cells as the draft writes them, row by row; None where a Word cell only
    continues a merge from above."""
    if word:
        from reportgen.renderers.word import (
            word_rows,  # imported when first used: start-up time
        )

        return [[cell if starts else None for cell, starts in row] for row in word_rows(grid)]
    return [list(row) for row in grid.rows]


def _row_label(cells: list[str], row: int) -> str:
    """The label just before a row's first figure (its most specific label)."""
    labels = []
    for text in cells:
        if text and text.replace(".", "").replace("-", "").isdigit():
            break
        if text:
            labels.append(text)
    return labels[-1] if labels else f"第{row + 1}行"
