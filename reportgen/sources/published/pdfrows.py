"""The rows of a table a PDF prints without ruling lines (a page printed from the browser),
rebuilt from where its words sit.

A row is a line holding figures set apart from each other. The figures of a table's rows
stand in columns: each figure goes to the column whose centre it is nearest, and a column
with nothing in a row is a blank cell (a column blank in every row shows in the header).
The words left of the figures are the labels: the lines of one cell (close together, one
above the other) stay together and go to the row whose figures they stand beside; the
cell nearest the figures is the row's own label, and cells further left (三、本年度办理结果,
printed once beside a group of rows) come before it. Each row comes out as a line with a
tab between its cells, which ``reportgen.sources.published.stream`` reads.
"""

from __future__ import annotations

import re
import statistics

from reportgen.sources.published.blocks import number

_FIGURE = re.compile(r"^\d[\d,]*(?:\.\d+)?$")


def _is_figure(text: str) -> bool:
    return bool(_FIGURE.match(text.replace(" ", ""))) and number(text) not in (None, "")


def _figures(line: dict) -> list[dict]:
    return [s for s in line["segments"] if _is_figure(s["text"])]


def _is_row(line: dict) -> bool:
    """A table's row for certain: figures set apart, after a label or beside each other."""
    figures = _figures(line)
    if len(figures) >= 2:
        return True
    if len(figures) == 1 and len(line["segments"]) >= 2:
        first = line["segments"][0]
        return not _is_figure(first["text"]) and figures[0]["x0"] - first["x1"] > 2 * _size(line)
    return False


def _size(item: dict) -> float:
    return (item["bottom"] - item["top"]) or 10


def _middle(item: dict) -> float:
    return (item["top"] + item["bottom"]) / 2


def _centre(segment: dict) -> float:
    return (segment["x0"] + segment["x1"]) / 2


def rows(lines: list[dict]) -> list[dict]:
    """The page's lines, top to bottom, with each table row rebuilt as one line whose text
    has a tab between its cells (``"tabbed": True``); the lines of its labels are taken
    into it. Other lines, captions and headers inside a table too, are returned as they are."""
    out: list[dict] = []
    index = 0
    while index < len(lines):
        if not (_is_row(lines[index]) or _labelled(lines, index)):
            out.append(lines[index])
            index += 1
            continue
        end = _table_end(lines, index)
        out += _table(lines, index, end, out)
        index = end
    return out


def _labelled(lines: list[dict], index: int) -> bool:
    """A line of one figure alone, beside the lines of a label wrapped above and below it."""
    line = lines[index]
    if len(line["segments"]) != 1 or not _figures(line):
        return False
    beside = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
    return any(
        not _figures(other)
        and other["x1"] < line["x0"] - 2 * _size(line)
        and abs(_middle(other) - _middle(line)) < 1.2 * _size(line)
        for other in beside
    )


def _table_end(lines: list[dict], start: int) -> int:
    """Where the table whose first row is ``lines[start]`` ends: at figures in other columns
    (the next table), or at a line that is neither a row, nor a label's next line, nor
    followed closely by the table's next row."""
    centres = [_centre(s) for s in _figures(lines[start])]
    left = min(s["x0"] for s in _figures(lines[start]))
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if _figures(line) and all(s["x0"] >= left - _size(line) for s in _figures(line)):
            if not _aligned(line, centres):
                break  # figures in other columns: the next table
            centres += [_centre(s) for s in _figures(line)]
            left = min(left, *(s["x0"] for s in _figures(line)))
            end += 1
            continue
        wrapped = line["x1"] < left and line["top"] - lines[end - 1]["bottom"] < 0.8 * _size(line)
        following = next((at for at in range(end + 1, min(end + 6, len(lines))) if _figures(lines[at])), None)
        near = (
            following is not None
            and _aligned(lines[following], centres)
            and lines[following]["top"] - line["bottom"] < 4 * _size(line)
        )
        if not (wrapped or near):
            break
        end += 1  # a label's next line, or a caption or header inside the table
    return end


def _aligned(line: dict, centres: list[float]) -> bool:
    found = [_centre(s) for s in _figures(line)]
    aligned = sum(1 for c in found if any(abs(c - known) <= _size(line) for known in centres))
    return bool(found) and aligned >= 0.6 * len(found)


def _table(lines: list[dict], start: int, end: int, before: list[dict]) -> list[dict]:
    """One table's lines, from its first row of figures to its last, with its rows rebuilt.
    A label line just above the first row may belong to it: it is taken back from ``before``."""
    region = lines[start:end]
    left = min(s["x0"] for line in region for s in _figures(line)) - _size(region[0]) / 2
    figure_rows = [line for line in region if any(s["x0"] >= left for s in _figures(line))]
    size = statistics.median(_size(line) for line in figure_rows)
    header = [
        line for line in before[-8:] if not line.get("tabbed") and figure_rows[0]["top"] - line["bottom"] < 8 * size
    ]
    columns = _columns(figure_rows, size, [s for line in header for s in line["segments"] if s["x0"] >= left])
    standing = [line for line in region if line not in figure_rows and line["x1"] > left]
    label_lines = [line for line in region if line not in figure_rows and line["x1"] <= left]
    while (
        before
        and before[-1].get("x1", left + 1) <= left
        and not before[-1].get("tabbed")
        and figure_rows[0]["top"] - before[-1]["bottom"] < 1.5 * size
    ):
        label_lines.insert(0, before.pop())  # the first row's label, wrapped above its figures
    pieces = [s for line in (*figure_rows, *label_lines) for s in line["segments"] if s["x1"] <= left]
    labels = _labels(pieces, figure_rows, size)
    rebuilt = []
    for number_, row in enumerate(figure_rows):
        cells = [""] * len(columns)
        for segment in _figures(row):
            if segment["x0"] < left:
                continue
            column = min(range(len(columns)), key=lambda c: abs(columns[c] - _centre(segment)))
            cells[column] = (cells[column] + " " + segment["text"]).strip()
        rebuilt.append({**row, "text": "\t".join([labels[number_], *cells]), "tabbed": True})
    return sorted(rebuilt + standing, key=lambda line: line["top"])


def _labels(pieces: list[dict], figure_rows: list[dict], size: float) -> list[str]:
    """Each row's label from the pieces of text left of the figures."""
    cells = _cells(pieces, size)
    middles = [_middle(row) for row in figure_rows]
    owned: list[list[list[dict]]] = [[] for _ in figure_rows]
    for cell in cells:
        top, bottom = cell[0]["top"], max(p["bottom"] for p in cell)
        inside = [i for i, m in enumerate(middles) if top - 0.3 * size <= m <= bottom + 0.3 * size]
        if len(inside) > 1 and not _beside_others(cell, pieces):
            for piece in cell:  # one column of labels run together: each line to its row
                owned[_nearest(middles, _middle(piece))].append([piece])
            continue
        owned[inside[0] if len(inside) == 1 else _nearest(middles, (top + bottom) / 2)].append(cell)
    found = []
    for row_cells in owned:
        if not row_cells:
            found.append("")
            continue
        own = max(row_cells, key=lambda cell: max(p["x1"] for p in cell))
        groups = sorted((c for c in row_cells if c is not own), key=lambda cell: min(p["x0"] for p in cell))
        found.append("".join(p["text"].replace(" ", "") for cell in [*groups, own] for p in cell))
    return found


def _cells(pieces: list[dict], size: float) -> list[list[dict]]:
    """The pieces as table cells: pieces one just below another, overlapping across, are
    the lines of one cell."""
    cells: list[list[dict]] = []
    for piece in sorted(pieces, key=lambda p: (p["top"], p["x0"])):
        for cell in cells:
            last = cell[-1]
            if (
                piece["x0"] < last["x1"]
                and last["x0"] < piece["x1"]
                and 0 <= piece["top"] - last["bottom"] < 0.6 * size
            ):
                cell.append(piece)
                break
        else:
            cells.append([piece])
    return cells


def _beside_others(cell: list[dict], pieces: list[dict]) -> bool:
    """Whether other labels stand right of this cell, beside it: it labels a group of rows."""
    right = max(p["x1"] for p in cell)
    top, bottom = cell[0]["top"], max(p["bottom"] for p in cell)
    return any(p["x0"] >= right and p["top"] < bottom and top < p["bottom"] for p in pieces)


def _nearest(middles: list[float], y: float) -> int:
    return min(range(len(middles)), key=lambda i: (abs(middles[i] - y), -middles[i]))


def _columns(figure_rows: list[dict], size: float, header: list[dict]) -> list[float]:
    """The centres of the table's columns: figures whose centres are close stand in one. A
    column blank in every row shows only in the header: a header piece no wider than a
    column, standing where no figure does, adds its column."""
    groups: list[list[float]] = []
    for centre in sorted(_centre(s) for row in figure_rows for s in _figures(row)):
        if groups and centre - groups[-1][-1] <= size:
            groups[-1].append(centre)
        else:
            groups.append([centre])
    columns = [statistics.mean(group) for group in groups]
    if len(columns) >= 2:
        pitch = statistics.median(b - a for a, b in zip(columns, columns[1:]))
        for piece in header:
            centre = _centre(piece)
            if (
                piece["x1"] - piece["x0"] <= 1.2 * pitch
                and columns[0] < centre < columns[-1] + pitch
                and all(abs(centre - c) > pitch / 2 for c in columns)
            ):
                columns.append(centre)
                columns.sort()
    return columns
