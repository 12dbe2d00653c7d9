"""Tables whose cells are not marked as cells: a page saved or copied as text.

Such text takes several shapes, and one reader takes them all:

- one cell per line, a blank cell an empty line (copied from a browser);
- cells separated by tabs, a blank cell an empty field;
- cells ended by ``|`` (a flattened table), a line of ``|`` alone that many blank cells;
- a row's figures run together after its label, ``…申请数量280000028二、上年结转…``, with or
  without spaces, the next row's number glued on (``…信息1200000122.没有现成…``).

The text is cut into tokens (text, a figure, a blank, a run of digits). Each row label of
the format is found at the end of a text token, in the format's order; the tokens up to the
next text are the row's cells. A run of digits is cut into cells only where the cut is
certain (``reportgen.sources.published.split``); a row that cannot be read with certainty
is reported and left unread.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from reportgen.formats.statutory import Format, Table
from reportgen.model import Number, totals
from reportgen.sources.imported import Imported
from reportgen.sources.published import split
from reportgen.sources.published.blocks import figure, normal, number
from reportgen.sources.published.grids import SIMILAR, row_options, said

TEXT, VALUE, BLANK, RUN = "text", "value", "blank", "run"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


# ------------------------------------------------------------------ tokens

_RUN = re.compile(r"\d[\d ,]*(?:\.\d+)?")


def tokens(lines: list[str]) -> list[Token]:
    """The tokens of the lines of a table's part of the text, text tokens joined."""
    out: list[Token] = []
    for raw in lines:
        line = unicodedata.normalize("NFKC", raw).replace("\xa0", " ")
        stripped = line.strip()
        if "|" in stripped:  # a flattened table: | ends a cell
            if re.fullmatch(r"\|+", stripped):
                out += [Token(BLANK, "")] * len(stripped)
                continue
            for piece in [p for p in re.split(r"\s*\|\s*", stripped) if p != ""] or [""]:
                out += _cell(piece)
            continue
        if "\t" in stripped:  # copied from a browser: tabs between the cells of a row
            fields = line.strip("\r\n ").split("\t")
            while fields and not fields[0].strip():
                fields.pop(0)  # nothing before the row's first cell
            for field in fields:
                out += _cell(field.strip())
            continue
        out += _cell(stripped)
    joined: list[Token] = []
    for token in out:
        if token.kind == TEXT and joined and joined[-1].kind == TEXT:
            joined[-1] = Token(TEXT, joined[-1].text + token.text)
        else:
            joined.append(token)
    return joined


def _cell(text: str) -> list[Token]:
    value = number(text)
    if value == "":
        return [Token(BLANK, "")]
    if value is not None or figure(text) is not None:
        return [Token(VALUE, text)]
    return _pieces(text)


def _pieces(text: str) -> list[Token]:
    """Text and the runs of digits inside it. A digit followed by 、 or . and then text is a
    row's number (“2.没有现成信息…”), kept with the text it numbers."""
    found: list[Token] = []
    start = 0
    carry = ""
    for match in _RUN.finditer(text):
        run = match.group()
        end = match.end()
        after = text[end : end + 2]
        if len(after) == 2 and after[0] in ".、" and not after[1].isdigit() and run.rstrip()[-1:].isdigit():
            head = run.rstrip()
            run, ordinal = head[:-1], head[-1] + "."
            end += 1
        else:
            ordinal = ""
        before = carry + text[start : match.start()]
        run = run.strip(" ,")
        if run:
            if before:
                found.append(Token(TEXT, before))
            found.append(Token(RUN, run))
            carry = ordinal
        else:
            carry = before + ordinal
        start = end
    rest = carry + text[start:]
    if rest.strip():
        found.append(Token(TEXT, rest))
    return found


# ------------------------------------------------------------------ rows found by their labels


@dataclass(frozen=True)
class Option:
    id: str  # a row id, or "group:<name>" for a row group stated as one row
    label: str
    order: float
    variants: tuple[str, ...]  # normalised: the label, and without its number when that is long enough


_ORDINAL = re.compile(r"^(?:\d{1,2}\.|（[一二三四五六七八九十]{1,2}）|[一二三四五六七八九十]{1,2}\.)")


@cache
def _options(table: Table) -> tuple[Option, ...]:
    order = {row.id: index for index, row in enumerate(table.rows)}
    firsts = {f"group:{g.name}": order[g.leaves[0]] - 0.5 for g in table.row_groups()}
    found = []
    for row_id, label in row_options(table).items():
        labels = [label]
        if "行政规范性文件" in label:  # 2019 and 2021 reports use both names
            labels.append(label.replace("行政规范性文件", "规范性文件"))
        elif label.endswith("规范性文件"):
            labels.append(label.replace("规范性文件", "行政规范性文件"))
        variants = []
        for text in labels:
            norm = normal(text)
            variants.append(norm)
            bare = _ORDINAL.sub("", norm)
            if bare != norm and len(bare) >= 5:
                variants.append(bare)
        found.append(Option(row_id, label, firsts.get(row_id, order.get(row_id, 0)), tuple(dict.fromkeys(variants))))
    return tuple(found)


def _label_at_end(text: str, options: tuple[Option, ...]) -> tuple[Option, bool, int] | None:
    """The row whose label ``text`` ends with: (option, exact, how many characters of the
    end are its label)."""
    norm = normal(text)
    exact = [(len(v), o) for o in options for v in o.variants if norm.endswith(v)]
    if exact:
        return max(exact, key=lambda pair: pair[0])[1], True, max(exact, key=lambda pair: pair[0])[0]
    scored = []
    for option in options:
        best, length = 0.0, 0
        for variant in option.variants:
            if len(variant) < 5:
                continue  # a short label only as it is written
            for size in (len(variant) - 1, len(variant), len(variant) + 1):
                tail = norm[-size:]
                matcher = difflib.SequenceMatcher(None, tail, variant)
                if (
                    matcher.real_quick_ratio() >= SIMILAR
                    and matcher.quick_ratio() >= SIMILAR
                    and matcher.ratio() > best
                ):
                    best, length = matcher.ratio(), size
        if best >= SIMILAR:
            scored.append((best, option, length))
    scored.sort(key=lambda found: -found[0])
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1], False, scored[0][2]
    return None


def _tail(text: str, length: int) -> str:
    """The end of ``text`` holding its last ``length`` characters that are not white space."""
    count = 0
    for index in range(len(text) - 1, -1, -1):
        if not text[index].isspace():
            count += 1
            if count == length:
                return text[index:].strip()
    return text.strip()


@dataclass
class _Found:
    at: int  # the label's token
    option: Option
    exact: bool
    label: str
    items: list[Token]
    cuts: list[tuple]  # the row's possible figures, one tuple per cut


def _best_order(found: list[_Found]) -> list[_Found]:
    """The labels found, in the format's order: the heaviest increasing sequence, where a
    row whose cells can be read weighs more than one whose cannot (a label inside a
    sentence before the table)."""
    weight = [3 if f.cuts else 1 if f.items else 0.5 for f in found]
    best = list(weight)
    back = [-1] * len(found)
    for i in range(len(found)):
        for j in range(i):
            if found[j].option.order < found[i].option.order and best[j] + weight[i] > best[i]:
                best[i], back[i] = best[j] + weight[i], j
    if not found:
        return []
    i = max(range(len(found)), key=best.__getitem__)
    chain = []
    while i != -1:
        chain.append(found[i])
        i = back[i]
    return chain[::-1]


def _items(stream: list[Token], start: int) -> list[Token]:
    items = []
    for token in stream[start:]:
        if token.kind == TEXT:
            break
        items.append(token)
    return items


# ------------------------------------------------------------------ cells from tokens


def _row_sums(fmt: Format, table: Table, columns: list[str]) -> tuple[split.Sum, ...]:
    """The sums within one row (总计 = the applicant columns), by position among ``columns``."""
    sums = set()
    for check in totals.checks(fmt).sums:
        if check.total.table is not table or check.rule.along != "columns":
            continue
        ids = [check.total.column.id, *(p.column.id for p in check.parts)]
        if all(i in columns for i in ids):
            sums.add((columns.index(ids[0]), tuple(columns.index(i) for i in ids[1:])))
    return tuple(sorted(sums))


def cuts(items: list[Token], count: int, sums: tuple[split.Sum, ...]) -> list[tuple]:
    """Every way the tokens after a label can be the row's ``count`` cells."""
    if not items:
        return []
    if len(items) == 1 and items[0].kind == RUN and count > 1:
        return [tuple(c) for c in split.cut(items[0].text, count, sums).options]
    cells: list = []
    for item in items:
        if item.kind == BLANK:
            cells.append("")
        elif item.kind == RUN:
            parts = item.text.split()
            if len(parts) > 1 and all(p.isdigit() for p in parts):
                cells += [int(p) for p in parts]
            else:
                cells.append(number(split.digits_of(item.text)))
        else:
            cells.append(figure(item.text))
    if len(cells) > count:  # blank lines around the row's figures
        while len(cells) > count and cells[0] == "":
            cells.pop(0)
        while len(cells) > count and cells[-1] == "":
            cells.pop()
    if len(cells) == count:
        return [tuple(cells)]
    if len(cells) > count or "" in cells or not cells:
        return []
    found = []  # fewer figures than cells, and no sign of the blank ones: where could they be?
    for places in itertools.combinations(range(count), len(cells)):
        row: list = [""] * count
        for place, value in zip(places, cells):
            row[place] = value
        plain = [_plain(v) for v in row]
        if all(plain[t] == sum(plain[p] for p in ps) for t, ps in sums):
            found.append(tuple(row))
    return found


def _plain(value) -> Number:
    """A cell's number: a figure as read (a number, or {value, note}), 0 where blank."""
    if isinstance(value, dict):
        return value["value"]
    return 0 if value == "" or value is None else value


# ------------------------------------------------------------------ reading a table


def read(
    lines: list[str],
    fmt: Format,
    result: Imported,
    regions: dict[str, list[str]] | None = None,
    tables: tuple[str, ...] | None = None,
) -> None:
    """Read the statutory tables (by default every one) from text lines; ``regions``: each
    table's own lines, where its section's heading was found."""
    for table in fmt.tables.values():
        if tables is not None and table.key not in tables:
            continue
        stream = tokens((regions or {}).get(table.key) or lines)
        if not table.rows[0].id:
            _read_single_row(stream, fmt, table, result)
        else:
            _read_rows(stream, fmt, table, result)


def _columns(table: Table, option: Option) -> list[str]:
    if option.id.startswith("group:"):
        return [c.id for c in table.rows[0].columns]
    return [c.id for c in table.row(option.id).columns]


def _read_rows(stream: list[Token], fmt: Format, table: Table, result: Imported) -> None:
    options = _options(table)
    found: list[_Found] = []
    for index, token in enumerate(stream):
        if token.kind != TEXT:
            continue
        matched = _label_at_end(token.text, options)
        if matched is None:
            continue
        option, exact, length = matched
        items = _items(stream, index + 1)
        columns = _columns(table, option)
        found.append(
            _Found(
                index,
                option,
                exact,
                _tail(token.text, length),
                items,
                cuts(items, len(columns), _row_sums(fmt, table, columns)),
            )
        )
    chosen = _best_order(found)
    if chosen and (shuffled := _columns_out_of_order(stream[: chosen[0].at + 1], table)):
        result.problems.append(
            f"{table.short_name}的栏目顺序与法定格式不同（{shuffled}），文字中看不出每个数属于哪一栏，"
            f"没有读取（写成“未读出”），请对照原文填上。"
        )
        return
    certain: dict[str, object] = {}
    open_rows: dict[str, tuple[dict[str, object], ...]] = {}
    by_id = {}
    for row in chosen:
        if not row.items:
            continue  # a group's heading, its rows below
        columns = _columns(table, row.option)
        keys = [_key(table, row.option.id, c) for c in columns]
        by_id[row.option.id] = row
        if len(row.cuts) == 1:
            certain.update(zip(keys, row.cuts[0]))
        elif row.cuts:
            open_rows[row.option.id] = tuple(dict(zip(keys, c)) for c in row.cuts[: split.LIMIT])
        else:
            _unread(
                result,
                table,
                row,
                keys,
                "拆不出与原文总计相符的一组数"
                if _is_run(row)
                else f"读到 {sum(1 for i in row.items if i.kind != BLANK)} 个数，应有 {len(columns)} 个",
            )
    settled = (
        split.settle(open_rows, {k: _plain(v) for k, v in certain.items()}, *_column_rules(fmt, table))
        if open_rows
        else {}
    )
    for row_id, cells in settled.items():
        certain.update(cells)
        result.remarks.append(
            f"{table.short_name}“{by_id[row_id].option.label}”一行的数字连在一起，按本表各列的合计拆开，请核对。"
        )
    for row_id in open_rows.keys() - settled.keys():
        row = by_id[row_id]
        shown = "、".join("／".join(str(v) for v in c) for c in row.cuts[:2])
        _unread(
            result,
            table,
            row,
            [_key(table, row_id, c) for c in _columns(table, row.option)],
            f"可以有几种拆法（如 {shown}）",
        )
    for key, value in certain.items():
        if key.startswith("group:"):
            result.groups[key[6:]] = value
        else:
            result.figures[key] = value
    for row in chosen:
        if not row.exact and row.items:
            result.notes[f"{table.key}.{row.option.id.removeprefix('group:')}"] = said(row.label)


def _columns_out_of_order(header: list[Token], table: Table) -> str:
    """The columns under one heading (商业企业 … 其他 under 法人或其他组织), if the text before
    the first row names them in another order than the format's ("" if in order, or if
    the text does not say)."""
    text = normal("".join(t.text for t in header if t.kind == TEXT))
    groups: dict[str, list[str]] = {}
    labels: set[str] = set()
    for column in table.rows[0].columns:
        parent, _, name = column.name.rpartition("／")
        groups.setdefault(parent, []).append(normal(name))
        labels.update(normal(part) for part in column.name.split("／"))
    for names in groups.values():
        # a column told by the first two characters of its name, found once in the text and
        # in no other heading (其他 is also in 法人或其他组织)
        heads = [name[:2] for name in names]
        found = [
            (text.find(head), name)
            for head, name in zip(heads, names)
            if text.count(head) == 1 and not any(head in label for label in labels - {name})
        ]
        if len(found) >= 3 and [at for at, _ in found] != sorted(at for at, _ in found):
            return "、".join(name for _, name in sorted(found))
    return ""


def _key(table: Table, row_id: str, column_id: str) -> str:
    if row_id.startswith("group:"):
        return f"group:{table.key}.{row_id[6:]}.{column_id}"
    return ".".join(p for p in (table.key, row_id, column_id) if p)


def _is_run(row: _Found) -> bool:
    return any(item.kind == RUN for item in row.items)


def _unread(result: Imported, table: Table, row: _Found, keys: list[str], why: str) -> None:
    shown = " ".join(item.text if item.kind != BLANK else "□" for item in row.items)[:60]
    result.problems.append(
        f"{table.short_name}“{row.option.label.rsplit('／', 1)[-1]}”一行：原文为“{shown}”，{why}，"
        f"没有读取（写成“未读出”），请对照原文填上。"
    )
    result.explained.update(k.removeprefix("group:") for k in keys)


def _column_rules(fmt: Format, table: Table):
    """The table's rules across rows, by cell key: the sums (（七）总计 = the rows above it,
    in each column) and the balances (R1)."""
    sums = [
        (c.total.key, tuple(p.key for p in c.parts))
        for c in totals.checks(fmt).sums
        if c.total.table is table and c.rule.along == "rows"
    ]
    balances = [
        (tuple(c.key for c in b.left), tuple(c.key for c in b.right))
        for b in totals.checks(fmt).balances
        if b.left[0].table is table
    ]
    return sums, balances


def _read_single_row(stream: list[Token], fmt: Format, table: Table, result: Imported) -> None:
    """Table 四: one row of figures after its header (行政复议 … 总计): the first figures
    after the header that make a whole row."""
    columns = [c.id for c in table.rows[0].columns]
    sums = _row_sums(fmt, table, columns)
    start = next((i for i, t in enumerate(stream) if t.kind == TEXT and "行政复议" in normal(t.text)), None)
    if start is None:
        return
    index = start + 1
    while index < len(stream):
        if stream[index].kind == TEXT:
            index += 1
            continue
        items = _items(stream, index)
        found = cuts(items, len(columns), sums)
        if len(found) == 1:
            for column, value in zip(columns, found[0]):
                result.figures[f"{table.key}.{column}"] = value
            return
        digits = sum(len(split.digits_of(i.text)) for i in items)
        if found or digits >= len(columns):  # the row, but not to be read with certainty
            shown = " ".join(i.text if i.kind != BLANK else "□" for i in items)[:60]
            why = "可以有几种拆法" if found else "拆不出与原文总计相符的一组数"
            result.problems.append(
                f"{table.short_name}：原文为“{shown}”，{why}，没有读取（写成“未读出”），请对照原文填上。"
            )
            result.explained.update(f"{table.key}.{c}" for c in columns)
            return
        index += len(items)
