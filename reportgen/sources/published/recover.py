"""Finding the report in a published document: who, which year, which format, every cell of
tables 二, 三 and 四, and the text of each section.

Tables are found and read by their labels, never by position: each row and column label of
the format (``reportgen/formats``) is matched against the document's labels after
``normal`` (full-width and half-width, 1、 and 1., spaces and line breaks) and, failing an
exact match, by similarity, in which case the data file notes what the source said. The
columns come from the table's own header. Figures are kept exactly as published, totals
included; a blank cell stays blank; what cannot be read is listed, never guessed.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import Decimal

from reportgen.model import totals
from reportgen.formats import statutory
from reportgen.formats.statutory import Format, Header, Table
from reportgen.model import DEPARTMENT, GOVERNMENT
from reportgen.sources.imported import Imported
from reportgen.sources.published.document import Document, Grid, figure, normal, number

SIMILAR = 0.72  # a label this similar to a statutory one is taken for it, with a note


class NoReport(Exception):
    """The document holds no annual report."""


class NoFormat(Exception):
    """The report is of a year the tool has no statutory format for."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


# ------------------------------------------------------------------ entry point


def recover(document: Document) -> Imported:
    result = Imported(document.source)
    paragraphs = document.paragraphs()
    title_at = _title(paragraphs, result)
    tables = document.tables()
    if title_at is None and not tables and not document.flat:
        raise NoReport
    if title_at is None:
        raise NoReport
    result.format = _choose_format(document, result)
    if result.format is None:
        raise NoFormat(result.year)
    fmt = result.format
    if tables:
        headers: dict[str, dict[int, str]] = {}  # each table's columns, for its continuation pages
        for grid in tables:
            _read_grid(grid, fmt, result, headers)
    else:
        _read_flat(paragraphs, fmt, result)
    _read_texts(paragraphs, title_at, fmt, result)
    if not result.kind:
        result.kind = GOVERNMENT if result.agency.endswith(("人民政府", "人民政府办公室")) or \
            "assessment" in result.texts else DEPARTMENT
        result.remarks.append(f"报告类别按机关名称判断为“{result.kind}”，请核对。")
    _list_missing(fmt, result)
    return result


# ------------------------------------------------------------------ title, year, format

_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d\d)\s*年度?\s*(?:政府)?信息公开(?:工作)?年度报告$")


def _title(paragraphs: list[str], result: Imported) -> int | None:
    """The index of the title line; fills agency and year."""
    for index, line in enumerate(paragraphs):
        text = re.sub(r"\s+", "", line)
        match = _TITLE.match(text)
        if not match:
            continue
        agency = match["agency"]
        if not agency and index > 0 and len(paragraphs[index - 1]) <= 40:
            agency = re.sub(r"\s+", "", paragraphs[index - 1])  # the title broken after the agency
        if not agency:
            continue
        result.agency = agency.strip("《》")
        result.year = int(match["year"])
        return index
    return None


_SIGNS_2019 = ("本年新制作数量", "对外公开总数量", "其他对外管理服务事项", "政府集中采购", "上一年项目数量")
_SIGNS_2021 = ("本年制发件数", "现行有效件数", "本年处理决定数量", "逾期不补正", "逾期未按收费通知")


def _choose_format(document: Document, result: Imported) -> Format | None:
    text = normal(" ".join(
        [*document.paragraphs(), *(c.text for g in document.tables() for row in g.rows for c in row)]))
    score = {"2019": sum(normal(s) in text for s in _SIGNS_2019), "2021": sum(normal(s) in text for s in _SIGNS_2021)}
    by_year = statutory.format_for_year(result.year) if statutory.EARLIEST_YEAR <= result.year else None
    formats = statutory.formats()
    if not any(score.values()):
        if by_year is None:
            result.problems.append(f"{result.year} 年度没有全国统一的报告格式，reportgen 无法导入这份报告。")
        return by_year
    chosen = formats[max(score, key=score.get)]
    if by_year is not None and chosen is not by_year:
        result.remarks.append(f"表格是{chosen.label}，而 {result.year} 年度应使用{by_year.label}。")
    return chosen


# ------------------------------------------------------------------ tables as grids


def _kind_of(grid: Grid, fmt: Format) -> Table | None:
    cells = {normal(c.text) for row in grid.rows for c in row}
    text = normal(" ".join(c.text for row in grid.rows for c in row))
    requests = {normal(row.name.rsplit("／", 1)[-1]) for row in fmt.tables["requests"].rows}
    if len(cells & requests) >= 3:  # a continuation of table 三 on the next page
        return fmt.tables["requests"]
    if "本年新收" in text or "上年结转政府信息公开申请" in text or "办理结果" in text or \
            ("申请人情况" in text and "自然人" in text):
        return fmt.tables["requests"]
    if "行政复议" in text and "行政诉讼" in text:
        return fmt.tables["appeals"]
    if "第二十条" in text or "信息内容" in text or "行政许可" in text or "规章" in text:
        return fmt.tables["proactive"]
    return None


def _read_grid(grid: Grid, fmt: Format, result: Imported, headers: dict) -> None:
    table = _kind_of(grid, fmt)
    if table is None:
        return
    if table.kind == "blocks":
        _read_blocks(grid, table, result)
    else:
        _read_matrix(grid, table, result, headers)


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


def _match(label: str, options: dict[str, str]) -> tuple[str | None, bool]:
    """The option whose label matches ``label``: (key, exact)."""
    wanted = normal(label)
    if not wanted:
        return None, False
    for key, text in options.items():
        if normal(text) == wanted:
            return key, True
    scored = sorted(((difflib.SequenceMatcher(None, wanted, normal(text)).ratio(), key)
                     for key, text in options.items()), reverse=True)
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
        best, best_score = None, 0.0
        for column_id, path in leaves:
            leaf = normal(path[-1])
            score = 0.0
            if labels[-1] == leaf:
                score = 2.0
            else:
                ratio = difflib.SequenceMatcher(None, labels[-1], leaf).ratio()
                score = ratio if ratio >= SIMILAR else 0.0
            if score:
                score += sum(0.5 for parent in path[:-1] if normal(parent) in labels)
            if score > best_score:
                best, best_score = column_id, score
        if best is not None and best not in mapping.values():
            mapping[column] = best
    return mapping


def _row_options(table: Table) -> dict[str, str]:
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
    options = _row_options(table)
    single_row = table.key == "appeals"
    for r in range(head, len(grid.rows)):
        row = grid.rows[r]
        if single_row:
            row_id, exact, label = "", True, ""
        else:
            labels = [c.text for c in row[:first_value] if normal(c.text)]
            if not labels:
                continue
            label = labels[-1]
            row_id, exact = _match(label, options)
            if row_id is None:
                joined = "".join(dict.fromkeys(labels))
                row_id, exact = _match(joined, options)
            if row_id is None:
                if any(_is_value(c.text) for c in row[first_value:]):
                    result.problems.append(f"{grid.where}第{r + 1}行：行名“{label}”对不上{table.short_name}的任何一行，没有读取。")
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
            result.notes[".".join(key.split(".")[:2])] = _said(label)


def _match_block_row(label: str, table: Table) -> tuple[str | None, bool]:
    """The row of a blocks table (表二) a label names. 规范性文件 (the 2019 label) and
    行政规范性文件 (2021) are taken for each other: reports of both years use both."""
    options = {row.id: row.name.rsplit("／", 1)[-1] for row in table.rows}
    row_id, exact = _match(label, options)
    if row_id is None:
        row_id, exact = _match(label.replace("行政规范性文件", "规范性文件"),
                               {k: v.replace("行政规范性文件", "规范性文件") for k, v in options.items()})
    return row_id, exact


def _read_blocks(grid: Grid, table: Table, result: Imported) -> None:
    rows = {row.id: row for row in table.rows}
    header: list[str] = []
    for r, row in enumerate(grid.rows):
        cells = [c for c in row if c.origin]
        if not cells:
            continue
        label = cells[0].text
        row_id, exact = _match_block_row(label, table)
        values = cells[1:]
        if row_id is None:
            if not any(_is_value(c.text) for c in values):
                header = [normal(c.text) for c in values]
            continue
        statutory_row = rows[row_id]
        targets = list(statutory_row.columns)
        order = _block_order(header, targets)
        for index, cell in enumerate(values):
            if index >= len(order):
                break
            column = order[index]
            if column is None:
                continue
            value = figure(cell.text)
            key = ".".join(p for p in (table.key, row_id, column.id) if p)
            if value is None:
                result.problems.append(f"{grid.where}第{r + 1}行：{key} 的内容“{cell.text.strip()}”不是数字，没有读取。")
                continue
            result.figures[key] = value
            if not exact:
                result.notes[".".join(key.split(".")[:2])] = _said(label)


def _said(label: str) -> str:
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
                found = next((c for c in columns if difflib.SequenceMatcher(None, normal(c.name), text).ratio()
                              >= SIMILAR or (text and normal(c.name).startswith(text))), None)
            order.append(found if found not in order else None)
        if sum(1 for c in order if c is not None) == len(columns):
            return order
    return list(columns)


# ------------------------------------------------------------------ flattened tables


def _read_flat(lines: list[str], fmt: Format, result: Imported) -> None:
    """Tables flattened into one cell per line: a row label, then its figures in order.
    ``|`` separators are cell ends; a line of ``|`` alone is that many blank cells."""
    tokens: list[tuple[str, str]] = []  # ("label", text) | ("value", text)
    for line in lines:
        stripped = line.strip()
        if re.fullmatch(r"\|+", stripped):
            tokens += [("value", "")] * len(stripped)
            continue
        for piece in [p for p in re.split(r"\s*\|\s*", stripped) if p != ""] or [""]:
            tokens.append(("value" if number(piece) is not None else "label", piece))
    for table in fmt.tables.values():
        if table.kind == "blocks":
            _flat_blocks(tokens, table, result)
        else:
            _flat_matrix(tokens, table, result)


def _flat_row(tokens, start: int, count: int) -> list[str] | None:
    values = []
    index = start
    while index < len(tokens) and len(values) < count:
        kind, text = tokens[index]
        if kind != "value":
            break
        values.append(text)
        index += 1
    return values if len(values) == count else None


def _flat_matrix(tokens, table: Table, result: Imported) -> None:
    columns = [c.id for c in table.rows[0].columns]
    options = _row_options(table)
    if table.key == "appeals":
        start = next((i for i, (k, t) in enumerate(tokens) if k == "label" and normal(t) == "行政复议"), None)
        if start is None:
            return
        seen = next((i for i in range(start, len(tokens)) if tokens[i][0] == "value"), None)
        values = _flat_row(tokens, seen, len(columns)) if seen is not None else None
        if values is None:
            result.problems.append(f"{table.short_name}：没有读到完整的一行数字（应有 {len(columns)} 个）。")
            return
        for column_id, text in zip(columns, values):
            result.figures[f"{table.key}.{column_id}"] = number(text)
        return
    for index, (kind, text) in enumerate(tokens):
        if kind != "label":
            continue
        row_id, exact = _match(text, options)
        if row_id is None or (row_id == "other_org"):
            continue
        values = _flat_row(tokens, index + 1, len(columns))
        if values is None:
            continue
        for column_id, value in zip(columns, values):
            if row_id.startswith("group:"):
                result.groups[f"{table.key}.{row_id[6:]}.{column_id}"] = number(value)
            else:
                key = f"{table.key}.{row_id}.{column_id}"
                if key not in result.figures:
                    result.figures[key] = number(value)
                    if not exact:
                        result.notes[".".join(key.split(".")[:2])] = _said(text)


def _flat_blocks(tokens, table: Table, result: Imported) -> None:
    for index, (kind, text) in enumerate(tokens):
        if kind != "label":
            continue
        row_id, _ = _match_block_row(text, table)
        if row_id is None:
            continue
        row = table.row(row_id)
        width = sum(c.span for c in _block_of(table, row_id).columns)
        values = _flat_row(tokens, index + 1, len(row.columns))
        if values is None:
            values = _flat_row(tokens, index + 1, 1) if len(row.columns) == 1 else None
        if values is None and len(row.columns) < width:
            values = _flat_row(tokens, index + 1, width)
        if values is None:
            continue
        for column, value in zip(row.columns, values):
            key = ".".join(p for p in (table.key, row_id, column.id) if p)
            if key not in result.figures:
                result.figures[key] = number(value)


def _block_of(table: Table, row_id: str):
    for block in table.blocks:
        if any(r.key == row_id for r in block.rows):
            return block
    raise KeyError(row_id)


# ------------------------------------------------------------------ text


_CHROME = re.compile(r"版权所有|主办单位|承办单位|网站标识码|ICP备|公网安备|技术支持|网站地图|打印本页|关闭窗口|【打印】|【关闭】"
                     r"|分享到|扫一扫|上一篇|下一篇|相关链接|阅读次数|浏览次数|字号[:：]?\s*[大中小]")
_DATE = re.compile(r"^((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_PROMPT = re.compile(r"^【(?:待填写|请按本年情况改写)")


def _headings(fmt: Format):
    """(normalised heading, text key or None, section) in the order of the format."""
    found = []
    for section in fmt.sections:
        found.append((normal(section.heading), section.text or None, section, None))
        for theme in section.themes:
            found.append((normal(theme.heading), theme.text, section, theme))
    return found


def _read_texts(paragraphs: list[str], title_at: int, fmt: Format, result: Imported) -> None:
    headings = _headings(fmt)
    current_key = None
    opening: list[str] = []
    texts: dict[str, list[str]] = {}
    seen_first = False
    for index in range(title_at + 1, len(paragraphs)):
        line = paragraphs[index].strip()
        norm = normal(line)
        if _CHROME.search(line) and len(line) < 80:
            if seen_first:
                break  # the page's footer, after the report
            continue  # the article's byline and tools, before it
        if norm.startswith(normal("附：数据核对问题清单")):
            break
        if seen_first and (match := _DATE.match(re.sub(r"\s+", "", line))):  # the date under the signature
            result.published = _safe_date(match)
            if texts.get(current_key) and normal(texts[current_key][-1]) == normal(result.agency):
                texts[current_key].pop()
            break
        heading = _which_heading(norm, headings)
        if heading is not None:
            seen_first = True
            _, key, section, theme = heading
            current_key = key
            if key:
                texts.setdefault(key, [])
            continue
        if not seen_first:
            if norm and norm != normal(result.agency):
                opening.append(line)
            continue
        if current_key is None:
            continue  # text of a section without a narrative (二、三、四): its lead sentence
        if _PROMPT.match(line):
            continue
        texts.setdefault(current_key, []).append(line)
    _read_opening(" ".join(opening), result)
    for key, lines in texts.items():
        lines = _strip_generated(key, lines, fmt, result)
        if lines:
            result.texts[key] = "\n".join(lines)


def _which_heading(norm: str, headings):
    if not norm or len(norm) > 40:
        return None
    for heading in headings:
        if norm == heading[0]:
            return heading
    for heading in headings:
        target = heading[0]
        if len(norm) <= len(target) + 4 and norm[:2] == target[:2] and \
                difflib.SequenceMatcher(None, norm, target).ratio() >= 0.8:
            return heading
    return None


def _safe_date(match) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


_LEAD_REQUESTS = re.compile(r"^(?:19|20)\d\d年，\S{0,12}?(?:共收到政府信息公开申请\d+件.*结转下年度继续办理\d+件。"
                            r"|未收到政府信息公开申请。)$")
_FEES = re.compile(r"发出收费通知(?P<notices>\d+)件，收取信息处理费(?P<amount>\d+(?:\.\d+)?)元")
_NO_FEES = re.compile(r"^(?:19|20)\d\d年，\S{0,12}?未收取政府信息公开信息处理费。$")


def _strip_generated(key: str, lines: list[str], fmt: Format, result: Imported) -> list[str]:
    """Leave out the sentences reportgen itself writes from the figures, reading the
    信息处理费 from section 六's (a published report's own wording stays as it is)."""
    kept = []
    for line in lines:
        if key == "on_request" and _LEAD_REQUESTS.match(line):
            continue
        if key == "other" and fmt.has_fees:
            if match := _FEES.search(line):
                result.fees = {"notices": int(match["notices"]), "amount": _amount(match["amount"])}
                if line.startswith(f"{result.year}年，") and "依据《政府信息公开信息处理费管理办法》" in line:
                    continue
            if _NO_FEES.match(line):
                result.fees = {"notices": 0, "amount": 0}
                continue
        kept.append(line)
    return kept


def _amount(text: str):
    return Decimal(text) if "." in text else int(text)


_DOWNLOAD = re.compile(r"电子版(?:可在|可以在|可从|在)(?P<site>[^（(。]+?)(?:[（(](?P<url>https?://[^）)\s]+)[）)])?下载")
_CONTACT = re.compile(r"请(?:与|联系)(?P<office>[^（(。]+?)(?:[（(](?P<detail>[^）)]*)[）)])?联系")


def _read_opening(text: str, result: Imported) -> None:
    if match := _DOWNLOAD.search(text):
        result.download = {"site": match["site"].strip(), "url": (match["url"] or "").strip()}
    if match := _CONTACT.search(text):
        result.contact = {"office": match["office"].strip()}
        detail = match["detail"] or ""
        for name, pattern in (("address", r"地址[:：]\s*([^，,；;]+)"), ("postcode", r"邮编[:：]\s*(\d{6})"),
                              ("phone", r"电话[:：]\s*([0-9\-－—（）() ]+)")):
            if found := re.search(pattern, detail):
                result.contact[name] = found.group(1).strip()


def _list_missing(fmt: Format, result: Imported) -> None:
    computed = totals.computed_keys(fmt)
    missing = [cell for cell in fmt.cells()
               if cell.key not in result.figures and cell.key not in computed and not result.in_stated_group(cell.key)]
    tables = {}
    for cell in missing:
        tables.setdefault(cell.table.short_name, []).append(cell.short_name)
    for name, cells in tables.items():
        shown = "、".join(cells[:6]) + (f" 等 {len(cells)} 格" if len(cells) > 6 else "")
        result.problems.append(f"{name}：没有读到 {shown}，数据文件中留空（\"\"），请对照原文补上。")
