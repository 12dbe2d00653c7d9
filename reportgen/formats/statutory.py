"""The statutory report formats, loaded from the data files in ``reportgen/formats/``.

Every piece of code that needs a statutory label, a table's shape or an arithmetic rule
reads it from here: the validator, the renderers and the importers. Adding a format
version means adding a data file, nothing else.

A format has
- sections: the six headings, the narrative text each takes, the table each holds;
- tables: each statutory table, as header trees (``matrix`` tables: 三, 四) or as a list
  of captioned blocks (``blocks`` tables: 二). From the trees come both the cells a data
  file addresses (``Table.rows``) and the merged-cell layout (``reportgen.layout``);
- rules: the arithmetic between cells (勾稽关系).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Iterator

from reportgen.errors import FormatDefinitionError, ReportgenError

COUNT = "count"  # a non-negative whole number of items
SIGNED = "signed"  # a whole number that may be negative (2019 本年增/减)
AMOUNT = "amount"  # a non-negative decimal amount, kept exactly as written
VALUE_TYPES = (COUNT, SIGNED, AMOUNT)

LABEL_SEPARATOR = "／"

# The largest plausible figure of a cell whose definition sets no limit: a value beyond it
# is an error (R6), since it is a typing slip, not a real figure.
DEFAULT_LIMIT = 1_000_000


@dataclass(frozen=True)
class Header:
    """A node of a header tree: a table row or column label, possibly with children."""

    label: str
    key: str = ""
    children: tuple[Header, ...] = ()
    type: str = COUNT
    span: int = 1  # blocks tables: how many grid columns a column covers
    blank: bool = False  # blocks tables: an empty filler column
    unit_key: str = ""  # the data file may state the unit of this amount under this key
    default_unit: str = ""
    subtotal: str = ""  # row groups: the name under which generated text may use their sum
    limit: int = 0  # the largest plausible value (0: the table's default)
    decimals: int | None = None  # amounts: decimals the statutory table prints

    def leaves(self) -> tuple[Header, ...]:
        if not self.children:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())

    def depth(self) -> int:
        return 1 + max((child.depth() for child in self.children), default=0)


@dataclass(frozen=True)
class Column:
    """A column as a data file addresses it."""

    id: str  # dotted key below the row; "" when the row itself is the cell
    name: str  # human label, e.g. "法人或其他组织／商业企业"
    type: str = COUNT
    unit_key: str = ""
    default_unit: str = ""
    limit: int = 0  # the largest plausible value; a larger one is an error (R6)
    decimals: int | None = None  # amounts: decimals the statutory table prints


@dataclass(frozen=True)
class Row:
    """A row as a data file addresses it, with the columns it has."""

    id: str  # dotted key below the table; "" for table 四's single row
    name: str  # human label, e.g. "三、本年度办理结果／（一）予以公开"
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Block:
    """A captioned block of a ``blocks`` table (table 二)."""

    caption: str
    columns: tuple[Header, ...]
    rows: tuple[Header, ...]


@dataclass(frozen=True, eq=False)
class Table:
    key: str  # the data file's table name, e.g. "requests"
    number: str  # 二, 三, 四
    title: str  # the heading of the section that holds it
    kind: str  # "matrix" or "blocks"
    rows: tuple[Row, ...]  # every addressable row, in printed order
    # matrix tables
    column_tree: tuple[Header, ...] = ()
    row_tree: tuple[Header, ...] = ()
    corner: str = ""
    # blocks tables
    blocks: tuple[Block, ...] = ()
    row_header: str = ""

    @property
    def short_name(self) -> str:
        """ "表三" and the like, as findings name a table."""
        return f"表{self.number}"

    @property
    def full_name(self) -> str:
        """ "表三 三、收到和处理政府信息公开申请情况"."""
        return f"{self.short_name} {self.title}"

    def row(self, row_id: str) -> Row:
        for row in self.rows:
            if row.id == row_id:
                return row
        raise KeyError(row_id)

    def cells(self) -> tuple[Cell, ...]:
        """Every cell, row by row; built once per table."""
        return _table_cells(self)

    def row_groups(self) -> tuple[RowGroup, ...]:
        """The row groups with a name of their own (（三）不予公开 … （六）其他处理), which a
        report may also state as a single row."""
        return _row_groups(self)

    def cell(self, row_id: str, column_id: str) -> Cell:
        row = self.row(row_id)
        for column in row.columns:
            if column.id == column_id:
                return Cell(self, row, column)
        raise KeyError(f"{row_id}/{column_id}")


@dataclass(frozen=True)
class RowGroup:
    """A named group of rows, e.g. （六）其他处理 = its sub-rows 1.–3.

    A report may state it as one row (``requests.other``) when it gives none of the
    sub-rows: every rule then counts the row as the group's sum, and drafts print the group
    merged across its sub-rows with the figure once."""

    table: Table
    name: str  # the subtotal name, e.g. "other"
    label: str  # "（六）其他处理"
    leaves: tuple[str, ...]  # the sub-rows' ids, in order

    @property
    def key(self) -> str:
        return f"{self.table.key}.{self.name}"

    @property
    def row(self) -> Row:
        """The group as one row, so that its figures can be addressed as cells."""
        return Row(self.name, self.label, self.table.rows[0].columns)


@dataclass(frozen=True)
class Cell:
    """One figure of a statutory table."""

    table: Table
    row: Row
    column: Column

    @cached_property
    def key(self) -> str:
        """The dotted TOML key a data file uses for this figure."""
        return ".".join(part for part in (self.table.key, self.row.id, self.column.id) if part)

    @property
    def type(self) -> str:
        return self.column.type

    @property
    def short_name(self) -> str:
        """The cell's row and column by their own labels: "（一）予以公开／自然人"."""
        return LABEL_SEPARATOR.join(
            name.rsplit(LABEL_SEPARATOR, 1)[-1] for name in (self.row.name, self.column.name) if name
        )


@dataclass(frozen=True)
class SumRule:
    """total = Σ parts, holding in every row (along="columns") or every column (along="rows")."""

    id: str
    table: str
    along: str
    total: str
    parts: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class BalanceRule:
    """Σ left rows = Σ right rows, in every column that is not a computed total."""

    id: str
    table: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class CrossYearRule:
    """this year's target cell = Σ last year's from_last cells + Σ add − Σ subtract (this year).

    over="columns": ids are rows, holding in every non-total column; over="rows": ids are
    columns, holding in each of ``rows``.
    """

    id: str
    severity: str  # "error" or "warning"
    table: str
    over: str
    target: str
    from_last: tuple[str, ...]
    text: str
    add: tuple[str, ...] = ()
    subtract: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    """A themed sub-heading of section 一, e.g. （一）主动公开."""

    text: str
    heading: str
    required: bool
    kinds: tuple[str, ...] = ()  # report kinds it applies to; empty means all
    lead: str = ""  # a sentence generated from the figures, printed before the text (Jinja)

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    text: str = ""  # the narrative text key, if the section has free text
    required: bool = False
    table: str = ""  # the table key, if the section holds a statutory table
    themes: tuple[Theme, ...] = ()
    fees: bool = False  # the section reports 信息处理费 (2021 format, section 六)
    lead: str = ""  # a sentence generated from the figures, printed first (Jinja)
    when_empty: str = ""  # printed when the section has nothing else (Jinja)
    published_as: tuple[str, ...] = ()  # other headings agencies publish it under (import reads them)


@dataclass(frozen=True, eq=False)
class Format:
    id: str
    name: str
    source: str
    first_year: int
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    rules: tuple[SumRule | BalanceRule, ...]
    opening: str = ""  # the customary opening paragraph (Jinja)
    cross_year: tuple[CrossYearRule, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name}（{self.source}）"

    def text_keys(self) -> tuple[str, ...]:
        """Every narrative text key, in the order the report prints them."""
        keys: list[str] = []
        for section in self.sections:
            if section.text:
                keys.append(section.text)
            keys.extend(theme.text for theme in section.themes)
        return tuple(keys)

    def required_texts(self, kind: str) -> tuple[str, ...]:
        """The narrative text keys a report of this kind must fill in."""
        keys: list[str] = []
        for section in self.sections:
            if section.text and section.required:
                keys.append(section.text)
            keys += [t.text for t in section.themes if t.required and t.applies_to(kind)]
        return tuple(keys)

    def text_heading(self, key: str) -> str:
        for section in self.sections:
            if section.text == key:
                return section.heading
            for theme in section.themes:
                if theme.text == key:
                    return f"{section.heading}／{theme.heading}"
        raise KeyError(key)

    @property
    def has_fees(self) -> bool:
        return any(section.fees for section in self.sections)

    def cells(self) -> tuple[Cell, ...]:
        return tuple(cell for table in self.tables.values() for cell in table.cells())

    def cell_by_key(self) -> dict[str, Cell]:
        return _cell_index(self)

    def __reduce_ex__(self, protocol):
        # A shipped format is one object in every process: pickled as its id, it comes back
        # from a worker (spawn or fork) as the parent's own, so formats compare with ``is``.
        if formats().get(self.id) is self:
            return (_shipped, (self.id,))
        return super().__reduce_ex__(protocol)


def _shipped(format_id: str) -> Format:
    return formats()[format_id]


@cache
def _table_cells(table: Table) -> tuple[Cell, ...]:
    return tuple(Cell(table, row, column) for row in table.rows for column in row.columns)


@cache
def _row_groups(table: Table) -> tuple[RowGroup, ...]:
    found = []

    def walk(nodes: tuple[Header, ...]) -> None:
        for node in nodes:
            if node.subtotal and node.children:
                found.append(RowGroup(table, node.subtotal, node.label, tuple(leaf.key for leaf in node.leaves())))
            walk(node.children)

    walk(table.row_tree)
    return tuple(found)


@cache
def _cell_index(fmt: Format) -> dict[str, Cell]:
    return {cell.key: cell for cell in fmt.cells()}


# ------------------------------------------------------------------- loading


@cache
def formats() -> dict[str, Format]:
    """Every format shipped in ``reportgen/formats``, by id, oldest first."""
    found = []
    for entry in sorted(Path(__file__).parent.glob("[0-9]*.toml")):  # 2019.toml …, installed beside this module
        with entry.open("rb") as handle:
            found.append(_load_format(tomllib.load(handle), entry.name))
    found.sort(key=lambda f: f.first_year)
    return {fmt.id: fmt for fmt in found}


def format_for_year(year: int) -> Format | None:
    """The statutory format in force for a report year, or None before 2019."""
    chosen = None
    for fmt in formats().values():
        if fmt.first_year <= year:
            chosen = fmt
    return chosen


def first_statutory_year() -> int:
    return min(fmt.first_year for fmt in formats().values())


EARLIEST_YEAR = 2008  # the first year of the 2008 条例: no report can be older


def latest_year() -> int:
    """The latest report year that makes sense: next year (a file prepared in advance)."""
    return date.today().year + 1


def year_problem(year: int) -> str:
    """Why a report year cannot be drafted, in Chinese; "" if it can."""
    if not EARLIEST_YEAR <= year <= latest_year():
        return f"报告年度 {year} 不合理：应在 {EARLIEST_YEAR} 年（《政府信息公开条例》施行）到 {latest_year()} 年之间。"
    if format_for_year(year) is None:
        first = first_statutory_year()
        return f"{year} 年度没有全国统一的报告格式（{first} 年起才有）。"
    return ""


def require_format(year: int) -> Format:
    """The format of a report year; raises ReportgenError (a Chinese message) if none."""
    problem = year_problem(year)
    if problem:
        raise ReportgenError(problem)
    fmt = format_for_year(year)
    assert fmt is not None  # year_problem reports every year without a format
    return fmt


def _header(data: dict, where: str) -> Header:
    allowed = {
        "label",
        "key",
        "children",
        "type",
        "span",
        "blank",
        "unit_key",
        "default_unit",
        "subtotal",
        "limit",
        "decimals",
    }
    extra = set(data) - allowed
    if extra:
        raise FormatDefinitionError(f"{where}: unknown fields {sorted(extra)}")
    type_ = data.get("type", COUNT)
    if type_ not in VALUE_TYPES:
        raise FormatDefinitionError(f"{where}: unknown type {type_!r}")
    return Header(
        label=data.get("label", ""),
        key=data.get("key", ""),
        children=tuple(_header(c, where) for c in data.get("children", ())),
        type=type_,
        span=data.get("span", 1),
        blank=data.get("blank", False),
        unit_key=data.get("unit_key", ""),
        default_unit=data.get("default_unit", ""),
        subtotal=data.get("subtotal", ""),
        limit=data.get("limit", 0),
        decimals=data.get("decimals"),
    )


def _paths(nodes: tuple[Header, ...]) -> Iterator[tuple[Header, ...]]:
    """Every root-to-leaf path through a header forest."""
    for node in nodes:
        if node.children:
            for tail in _paths(node.children):
                yield (node, *tail)
        else:
            yield (node,)


def _name(path: tuple[Header, ...], leaf_count: int) -> str:
    """The readable label of a path, leaving out nodes that cover the whole table."""
    kept = [n.label for n in path[:-1] if n.label and len(n.leaves()) < leaf_count]
    kept.append(path[-1].label)
    return LABEL_SEPARATOR.join(label for label in kept if label)


def _leaf_columns(tree: tuple[Header, ...], limit: int = 0) -> tuple[Column, ...]:
    width = sum(len(n.leaves()) for n in tree)
    return tuple(
        Column(
            id=".".join(n.key for n in path if n.key),
            name=_name(path, width),
            type=path[-1].type,
            unit_key=path[-1].unit_key,
            default_unit=path[-1].default_unit,
            limit=path[-1].limit or limit,
            decimals=path[-1].decimals,
        )
        for path in _paths(tree)
    )


def _matrix_table(data: dict, title: str) -> Table:
    column_tree = tuple(_header(c, f"{data['key']}.columns") for c in data["columns"])
    row_tree = tuple(_header(r, f"{data['key']}.rows") for r in data["rows"])
    columns = _leaf_columns(column_tree, data.get("limit", DEFAULT_LIMIT))
    height = sum(len(n.leaves()) for n in row_tree)
    rows = tuple(
        Row(
            id=".".join(n.key for n in path if n.key),
            name=_name(path, height),
            columns=columns,
        )
        for path in _paths(row_tree)
    )
    return Table(
        key=data["key"],
        number=data["number"],
        title=title,
        kind="matrix",
        rows=rows,
        column_tree=column_tree,
        row_tree=row_tree,
        corner=data.get("corner", ""),
    )


def _blocks_table(data: dict, title: str) -> Table:
    blocks = []
    rows = []
    for raw in data["blocks"]:
        where = f"{data['key']}.{raw['caption']}"
        block = Block(
            caption=raw["caption"],
            columns=tuple(_header(c, where) for c in raw["columns"]),
            rows=tuple(_header(r, where) for r in raw["rows"]),
        )
        blocks.append(block)
        for header in block.rows:
            # a row may set its own limit (行政处罚 can run to millions); else its column's
            columns = tuple(
                Column(
                    c.key,
                    c.label,
                    c.type,
                    c.unit_key,
                    c.default_unit,
                    header.limit or c.limit or DEFAULT_LIMIT,
                    c.decimals,
                )
                for c in block.columns
                if not c.blank
            )
            rows.append(Row(header.key, LABEL_SEPARATOR.join((block.caption, header.label)), columns))
    widths = {sum(c.span for c in b.columns) for b in blocks}
    if len(widths) != 1:
        raise FormatDefinitionError(f"{data['key']}: blocks differ in width {sorted(widths)}")
    return Table(
        key=data["key"],
        number=data["number"],
        title=title,
        kind="blocks",
        rows=tuple(rows),
        blocks=tuple(blocks),
        row_header=data["row_header"],
    )


def _rule(data: dict, tables: dict[str, Table]) -> SumRule | BalanceRule:
    table = tables.get(data["table"])
    if table is None:
        raise FormatDefinitionError(f"rule {data['id']}: unknown table {data['table']!r}")
    row_ids = {r.id for r in table.rows}
    column_ids = {c.id for r in table.rows for c in r.columns}
    if data["kind"] == "sum":
        ids = row_ids if data["along"] == "rows" else column_ids
        missing = {data["total"], *data["parts"]} - ids
        rule: SumRule | BalanceRule = SumRule(
            data["id"], data["table"], data["along"], data["total"], tuple(data["parts"]), data["text"]
        )
    elif data["kind"] == "balance":
        missing = {*data["left"], *data["right"]} - row_ids
        rule = BalanceRule(data["id"], data["table"], tuple(data["left"]), tuple(data["right"]), data["text"])
    else:
        raise FormatDefinitionError(f"rule {data['id']}: unknown kind {data['kind']!r}")
    if missing:
        raise FormatDefinitionError(f"rule {data['id']}: unknown rows or columns {sorted(missing)}")
    return rule


def _cross_year_rule(data: dict, tables: dict[str, Table]) -> CrossYearRule:
    rule = CrossYearRule(
        id=data["id"],
        severity=data["severity"],
        table=data["table"],
        over=data["over"],
        target=data["target"],
        from_last=tuple(data["from_last"]),
        text=data["text"],
        add=tuple(data.get("add", ())),
        subtract=tuple(data.get("subtract", ())),
        rows=tuple(data.get("rows", ())),
    )
    table = tables[rule.table]
    ids = (rule.target, *rule.add, *rule.subtract)
    if rule.over == "columns":
        known = {r.id for r in table.rows}
    else:
        known = {c.id for row_id in rule.rows for c in table.row(row_id).columns}
    if not set(ids) <= known:
        raise FormatDefinitionError(f"cross-year rule {rule.id}: unknown ids {sorted(set(ids) - known)}")
    return rule


def _load_format(data: dict, source: str) -> Format:
    try:
        sections = tuple(
            Section(
                key=s["key"],
                heading=s["heading"],
                text=s.get("text", ""),
                required=s.get("required", False),
                table=s.get("table", ""),
                fees=s.get("fees", False),
                lead=s.get("lead", ""),
                when_empty=s.get("when_empty", ""),
                published_as=tuple(s.get("published_as", ())),
                themes=tuple(
                    Theme(
                        t["text"], t["heading"], t.get("required", False), tuple(t.get("kinds", ())), t.get("lead", "")
                    )
                    for t in s.get("themes", ())
                ),
            )
            for s in data["sections"]
        )
        titles = {s.table: s.heading for s in sections if s.table}
        tables = {}
        for raw in data["tables"]:
            build = _matrix_table if raw["kind"] == "matrix" else _blocks_table
            tables[raw["key"]] = build(raw, titles[raw["key"]])
        rules = tuple(_rule(r, tables) for r in data.get("rules", ()))
        return Format(
            id=data["id"],
            name=data["name"],
            source=data["source"],
            first_year=data["first_year"],
            sections=sections,
            tables=tables,
            rules=rules,
            opening=data.get("opening", ""),
            cross_year=tuple(_cross_year_rule(r, tables) for r in data.get("cross_year", ())),
        )
    except KeyError as missing:
        raise FormatDefinitionError(f"{source}: missing field {missing}") from None
