"""Tables read from their grid: a page's, a Word file's or a PDF's table, found and read by
its labels, never by position. Each row label of the format is matched against the grid's
labels after ``normal`` and, failing an exact match, by similarity (the data file then notes
what the source said); the columns come from the table's own header. Figures are kept as
published; a blank cell stays blank; a cell that is no figure is listed, never guessed.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from reportgen.formats.statutory import Format, Header, Table
from reportgen.sources.imported import Imported
from reportgen.sources.published.blocks import Grid, figure, normal

SIMILAR = 0.72  # a label this similar to a statutory one is taken for it, with a note


def read(grid: Grid, fmt: Format, result: Imported, headers: dict) -> None:
    """Read one grid into ``result``, if it is one of the statutory tables. ``headers``: each
    table's columns as read so far, for a continuation on the next page without its header."""
    table = kind_of(grid, fmt) or _continues(grid, fmt, headers.get(LAST))
    if table is None:
        return
    headers[LAST] = table.key
    if table.kind == "blocks":
        _read_blocks(grid, table, result)
    else:
        _read_matrix(grid, table, result, headers)


def kind_of(grid: Grid, fmt: Format) -> Table | None:
    cells = {normal(c.text) for row in grid.rows for c in row}
    text = normal(" ".join(c.text for row in grid.rows for c in row))
    requests = {normal(row.name.rsplit("／", 1)[-1]) for row in fmt.tables["requests"].rows}
    if len(cells & requests) >= 3:  # a continuation of table 三 on the next page
        return fmt.tables["requests"]
    if (
        "本年新收" in text
        or "上年结转政府信息公开申请" in text
        or "办理结果" in text
        or ("申请人情况" in text and "自然人" in text)
    ):
        return fmt.tables["requests"]
    if "行政复议" in text and "行政诉讼" in text:
        return fmt.tables["appeals"]
    if "第二十条" in text or "信息内容" in text or "行政许可" in text or "规章" in text:
        return fmt.tables["proactive"]
    return None


LAST = ""  # the key under which ``headers`` holds the table read last


def _continues(grid: Grid, fmt: Format, last: str | None) -> Table | None:
    """The table read last, if a row of this grid starts with one of its row labels: its
    continuation on the next page, the header not repeated."""
    if last is None:
        return None
    table = fmt.tables[last]
    options = row_options(table)
    for row in grid.rows:
        labels = [c.text for c in row if c.origin and normal(c.text) and not _is_value(c.text)]
        if labels and match(labels[-1], options)[0] is not None:
            return table
    return None


def _is_value(text: str) -> bool:
    return figure(text) is not None and normal(text) != ""


def _leaf_paths(tree: tuple[Header, ...]) -> list[tuple[str, list[str]]]:
    """(dotted column id, labels from the top) of every leaf of a column tree."""
    found = []

    def walk(nodes, keys, labels):
        for node in nodes:
            if node.children:
                walk(node.children, keys + [node.key] if node.key else keys, labels + [node.label])
            else:
                found.append((".".join(k for k in [*keys, node.key] if k), [*labels, node.label]))

    walk(tree, [], [])
    return found


def match(label: str, options: dict[str, str]) -> tuple[str | None, bool]:
    """The option whose label matches ``label``: (key, exact)."""
    wanted = normal(label)
    if not wanted:
        return None, False
    for key, text in options.items():
        if normal(text) == wanted:
            return key, True
    scored = sorted(((_ratio(wanted, normal(text)), key) for key, text in options.items()), reverse=True)
    if scored and scored[0][0] >= SIMILAR and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1], False
    return None, False


def _header_rows(grid: Grid) -> int:
    for index, row in enumerate(grid.rows):
        if any(c.origin and _is_value(c.text) for c in row):
            return index
    return len(grid.rows)


def _columns(grid: Grid, table: Table, head: int, result: Imported) -> dict[int, str]:
    """Grid column → the format's column id, read from the header rows."""
    leaves = _leaf_paths(table.column_tree)
    mapping: dict[int, str] = {}
    for column in range(grid.width):
        labels = [grid.rows[r][column].text for r in range(head) if column < len(grid.rows[r])]
        labels = [x for x in dict.fromkeys(normal(x) for x in labels) if x]
        if not labels:
            continue
        # the label as its lowest header cell gives it, or wrapped over the lowest two or three
        # (a PDF's header lines: 社会公益 / 组织)
        endings = ["".join(labels[-n:]) for n in range(1, min(3, len(labels)) + 1)]
        best, best_score = None, 0.0
        for column_id, path in leaves:
            leaf = normal(path[-1])
            score = 0.0
            if leaf in endings:
                score = 2.0
            else:
                ratio = max((_ratio(ending, leaf) for ending in endings), default=0.0)
                score = ratio if ratio >= SIMILAR else 0.0
            if score:
                score += sum(0.5 for parent in path[:-1] if normal(parent) in labels)
            if score > best_score:
                best, best_score = column_id, score
        if best is not None and best not in mapping.values():
            mapping[column] = best
    return mapping


@lru_cache(maxsize=65536)  # the same labels come back in every report
def _ratio(a: str, b: str) -> float:
    """How alike two labels are (difflib's ratio), 0 when it cannot reach SIMILAR."""
    if 2 * min(len(a), len(b)) < SIMILAR * (len(a) + len(b)):
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def row_options(table: Table) -> dict[str, str]:
    options = {row.id: row.name.rsplit("／", 1)[-1] for row in table.rows}
    for group in table.row_groups():
        options[f"group:{group.name}"] = group.label
    return options


def _read_matrix(grid: Grid, table: Table, result: Imported, headers: dict) -> None:
    head = _header_rows(grid)
    columns = _columns(grid, table, head, result) if head else {}
    if not columns:
        columns = headers.get(table.key, {})  # a continuation on the next page, header not repeated
    if not columns:
        result.problems.append(f"{grid.where}：找不到{table.short_name}的表头（{table.title}），没有读取。")
        return
    headers[table.key] = columns
    first_value = min(columns)
    options = row_options(table)
    single_row = table.key == "appeals"
    row_id: str | None
    for r in range(head, len(grid.rows)):
        row = grid.rows[r]
        if single_row:
            row_id, exact, label = "", True, ""
        else:
            labels = [c.text for c in row[:first_value] if normal(c.text)]
            if not labels:
                continue
            label = labels[-1]
            row_id, exact = match(label, options)
            if row_id is None:
                joined = "".join(dict.fromkeys(labels))
                row_id, exact = match(joined, options)
            if row_id is None:
                if any(_is_value(c.text) for c in row[first_value:]):
                    result.problems.append(
                        f"{grid.where}第{r + 1}行：行名“{label}”对不上{table.short_name}的任何一行，没有读取。"
                    )
                continue
        _read_row(row, row_id, columns, table, result, grid.where, r, exact, label)


def _read_row(row, row_id, columns, table, result, where, r, exact, label) -> None:
    group = row_id.startswith("group:")
    for column, column_id in columns.items():
        if column >= len(row):
            continue
        cell = row[column]
        if not cell.origin:
            continue
        value = figure(cell.text)
        if group:
            key = f"{table.key}.{row_id[6:]}.{column_id}"
        else:
            key = ".".join(p for p in (table.key, row_id, column_id) if p)
        if value is None:
            result.problems.append(f"{where}第{r + 1}行：{key} 的内容“{cell.text.strip()}”不是数字，没有读取。")
            continue
        (result.groups if group else result.figures)[key] = value
        if not exact:
            result.notes[".".join(key.split(".")[:2])] = said(label)


def match_block_row(label: str, table: Table) -> tuple[str | None, bool]:
    """The row of a blocks table (表二) a label names. 规范性文件 (the 2019 label) and
    行政规范性文件 (2021) are taken for each other: reports of both years use both."""
    options = {row.id: row.name.rsplit("／", 1)[-1] for row in table.rows}
    row_id, exact = match(label, options)
    if row_id is None:
        row_id, exact = match(
            label.replace("行政规范性文件", "规范性文件"),
            {k: v.replace("行政规范性文件", "规范性文件") for k, v in options.items()},
        )
    return row_id, exact


def _read_blocks(grid: Grid, table: Table, result: Imported) -> None:
    rows = {row.id: row for row in table.rows}
    header: list[str] = []
    for r, row in enumerate(grid.rows):
        cells = [c for c in row if c.origin]
        if not cells:
            continue
        label = cells[0].text
        row_id, exact = match_block_row(label, table)
        values = cells[1:]
        if row_id is None:
            if not any(_is_value(c.text) for c in values):
                header = [normal(c.text) for c in values]
            continue
        statutory_row = rows[row_id]
        targets = list(statutory_row.columns)
        order = _block_order(header, targets)
        if len(targets) == 1:  # one figure, in a cell merged across the block: wherever it sits
            stated = [c for c in values if normal(c.text)]
            values = stated[:1] if len(stated) == 1 else values[:1]
        for index, cell in enumerate(values):
            if index >= len(order):
                break
            column = order[index]
            if column is None:
                continue
            value = figure(cell.text)
            key = ".".join(p for p in (table.key, row_id, column.id) if p)
            if value is None:
                result.problems.append(
                    f"{grid.where}第{r + 1}行：{key} 的内容“{cell.text.strip()}”不是数字，没有读取。"
                )
                continue
            result.figures[key] = value
            if not exact:
                result.notes[".".join(key.split(".")[:2])] = said(label)


def said(label: str) -> str:
    return f"原文行名为“{' '.join(label.split())}”"


def _block_order(header: list[str], columns) -> list:
    """The format's columns in the order the block's header shows them."""
    if len(columns) == 1:
        return [columns[0]]
    if header and len(header) >= len(columns):
        order = []
        for text in header:
            found = next((c for c in columns if normal(c.name) == text), None)
            if found is None:
                found = next(
                    (
                        c
                        for c in columns
                        if difflib.SequenceMatcher(None, normal(c.name), text).ratio() >= SIMILAR
                        or (text and normal(c.name).startswith(text))
                    ),
                    None,
                )
            order.append(found if found not in order else None)
        if sum(1 for c in order if c is not None) == len(columns):
            return order
    return list(columns)
