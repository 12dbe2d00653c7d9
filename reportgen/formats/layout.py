"""The merged-cell layout of a statutory table, derived from its definition.

A ``Grid`` is a list of rows; each row lists the cells that *start* in it, with their
grid column, column span and row span. Both renderers read the same grid: the Markdown
one writes ``rowspan``/``colspan``, the Word one ``w:gridSpan``/``w:vMerge``.

Matrix tables (三, 四): the column header tree sits above the data, the row header tree
to its left, and the corner cell spans both. A leaf node stretches to the far edge of
its tree (a leaf row label of depth 1 in a three-level tree spans three columns); an
inner node spans all its leaves.

Blocks tables (二): each block is a caption row spanning the table, a header row and
its data rows; a column may span several grid columns, and blank columns stay empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from reportgen.formats.statutory import Cell, Header, Table

CORNER = "corner"  # the top-left cell of a matrix table
CAPTION = "caption"  # a block caption spanning the table (表二)
HEADER = "header"  # a column label
LABEL = "label"  # a row label
VALUE = "value"  # a statutory figure
BLANK = "blank"  # an empty filler cell


@dataclass(frozen=True)
class GridCell:
    column: int
    role: str
    text: str = ""  # the label, for every role but VALUE
    cell: Cell | None = None  # the figure shown, for VALUE
    colspan: int = 1
    rowspan: int = 1
    align: str = ""  # "left" or "center" where the role's usual alignment does not apply


@dataclass(frozen=True, eq=False)
class Grid:
    width: int  # grid columns
    header_rows: int  # rows at the top that repeat on every page (0: none)
    label_columns: int  # grid columns holding row labels
    rows: tuple[tuple[GridCell, ...], ...]
    weights: tuple[float, ...] = ()  # list tables: relative column widths
    whole: bool = True  # printed on one page (statutory tables); list tables run over pages

    @cached_property
    def values(self) -> tuple[GridCell, ...]:
        """The figure cells, row by row: the order in which a printed table lists its figures."""
        return tuple(cell for row in self.rows for cell in row if cell.role == VALUE)


class Skeleton:
    """A rendered table with gaps where the figures go, filled in per report.

    A renderer writes a table once with a marker in place of each figure; ``fill`` then
    only interleaves the figures' (escaped) texts with the fixed pieces.
    """

    MARK = "\x00"  # never in a label, never altered by escaping

    def __init__(self, rendered: str, gaps: int):
        self.pieces = rendered.split(self.MARK)
        if len(self.pieces) != gaps + 1:
            raise ValueError("a table skeleton lost or gained a figure")

    def fill(self, texts) -> str:
        out = [self.pieces[0]]
        for text, piece in zip(texts, self.pieces[1:]):
            out.append(text)
            out.append(piece)
        return "".join(out)


@cache
def grid(table: Table, collapsed: frozenset[str] = frozenset()) -> Grid:
    """The layout of a statutory table. ``collapsed`` names row groups a report states as
    one row (subtotal names such as "other"): the group's label then spans its sub-rows'
    label columns too, and each of its figures one cell merged down across the sub-rows,
    so that the figure cannot be read as one sub-row's."""
    if table.kind == "blocks":
        return _blocks_grid(table)
    return _matrix_grid(table, collapsed)


def _forest_depth(nodes: tuple[Header, ...]) -> int:
    return max((n.depth() for n in nodes), default=0)


def _leaf_count(nodes: tuple[Header, ...]) -> int:
    return sum(len(n.leaves()) for n in nodes)


def _matrix_grid(table: Table, collapsed: frozenset[str] = frozenset()) -> Grid:
    labelled = any(n.label for n in table.row_tree)
    label_columns = _forest_depth(table.row_tree) if labelled else 0
    header_rows = _forest_depth(table.column_tree)
    height = header_rows + _leaf_count(table.row_tree)
    rows: list[list[GridCell]] = [[] for _ in range(height)]

    if label_columns:
        rows[0].append(GridCell(0, CORNER, table.corner, colspan=label_columns, rowspan=header_rows))

    def place_columns(nodes: tuple[Header, ...], depth: int, column: int) -> None:
        for node in nodes:
            span = len(node.leaves())
            rowspan = 1 if node.children else header_rows - depth
            rows[depth].append(GridCell(column, HEADER, node.label, colspan=span, rowspan=rowspan))
            place_columns(node.children, depth + 1, column)
            column += span

    place_columns(table.column_tree, 0, label_columns)

    merged: dict[int, int] = {}  # first data row of a collapsed group -> rows it spans
    skipped: set[int] = set()  # the other data rows of a collapsed group

    def place_rows(nodes: tuple[Header, ...], depth: int, row: int) -> None:
        for node in nodes:
            span = len(node.leaves())
            whole = bool(node.children) and node.subtotal in collapsed
            if label_columns:
                colspan = label_columns - depth if whole or not node.children else 1
                rows[row].append(GridCell(depth, LABEL, node.label, colspan=colspan, rowspan=span))
            if whole:
                first = row - header_rows
                merged[first] = span
                skipped.update(range(first + 1, first + span))
            else:
                place_rows(node.children, depth + 1, row)
            row += span

    place_rows(table.row_tree, 0, header_rows)

    for index, data_row in enumerate(table.rows):
        if index in skipped:
            continue
        target = rows[header_rows + index]
        for offset, column in enumerate(data_row.columns):
            target.append(
                GridCell(
                    label_columns + offset, VALUE, cell=Cell(table, data_row, column), rowspan=merged.get(index, 1)
                )
            )

    width = label_columns + len(table.rows[0].columns)
    return Grid(width, header_rows, label_columns, tuple(tuple(sorted(r, key=lambda c: c.column)) for r in rows))


def _blocks_grid(table: Table) -> Grid:
    width = 1 + sum(c.span for c in table.blocks[0].columns)
    rows: list[tuple[GridCell, ...]] = []
    for block in table.blocks:
        rows.append((GridCell(0, CAPTION, block.caption, colspan=width),))
        header = [GridCell(0, HEADER, table.row_header)]
        column = 1
        for col in block.columns:
            header.append(GridCell(column, BLANK if col.blank else HEADER, col.label, colspan=col.span))
            column += col.span
        rows.append(tuple(header))
        for row_header in block.rows:
            data_row = table.row(row_header.key)
            cells = [GridCell(0, LABEL, row_header.label)]
            column = 1
            values = iter(data_row.columns)
            for col in block.columns:
                if col.blank:
                    cells.append(GridCell(column, BLANK, colspan=col.span))
                else:
                    cells.append(GridCell(column, VALUE, cell=Cell(table, data_row, next(values)), colspan=col.span))
                column += col.span
            rows.append(tuple(cells))
    return Grid(width, 0, 1, tuple(rows))
