"""The data file schema: which keys a file may hold, and reading a parsed file into a Report.

Keys are ASCII snake_case, grouped by statutory table:

    [report]            metadata (机关名称, 年度, 发布日期, 联系方式 …)
    [text]              narrative text of each section
    [proactive]         表二 主动公开政府信息情况
    [requests]          表三 收到和处理政府信息公开申请情况
    [appeals]           表四 政府信息公开行政复议、行政诉讼情况
    [processing_fees]   六 信息处理费

The table keys come from the statutory format (``reportgen.statutory``); the rest are the
``FIELDS`` below. Reading never stops at the first problem: every unknown key, wrong type
or missing field becomes a finding, and whatever could be read is kept.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from datetime import date, datetime
from decimal import Decimal

from reportgen.formats import statutory
from reportgen.model.findings import Finding, error, warning
from reportgen.model import KINDS, NOT_XML, Contact, Download, Figure, ProcessingFees, Report, UNREAD
from reportgen.formats.statutory import AMOUNT, COUNT, SIGNED, Cell, Format, RowGroup

TEXT = "text"
YEAR = "year"
DATE = "date"
CHOICE = "choice"
FORMAT = "format"


@dataclass(frozen=True)
class Field:
    """A key of a data file outside the statutory tables."""

    key: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""


FIELDS = (
    Field("report.agency", "机关名称", TEXT, required=True, hint="如“某某市财政局”"),
    Field("report.year", "报告年度", YEAR, required=True, hint="如 2024"),
    Field(
        "report.kind",
        "报告类别",
        CHOICE,
        required=True,
        choices=KINDS,
        hint="政府部门填“部门”（1月31日前公开），一级人民政府填“政府”（3月31日前公开）",
    ),
    Field("report.published", "发布日期", DATE, required=True),
    Field("report.format", "表格格式", FORMAT, hint="一般不填，按报告年度自动选用"),
    Field("report.contact.office", "联系机构", TEXT),
    Field("report.contact.address", "联系地址", TEXT),
    Field("report.contact.postcode", "邮政编码", TEXT),
    Field("report.contact.phone", "联系电话", TEXT),
    Field("report.download.site", "电子版下载网站", TEXT, hint="如“某某市人民政府门户网站”"),
    Field("report.download.url", "电子版下载网址", TEXT),
)

# The top-level keys of an annual report's file: [report], [text], the statutory tables (as
# named in the formats) and [processing_fees]. Any other is unknown, or another kind's.
TOP_KEYS = frozenset({"report", "text", "proactive", "requests", "appeals", "processing_fees"})

# Section 六's 信息处理费, in formats that report it.
FEE_FIELDS = (
    Field("processing_fees.notices", "发出信息处理费收费通知的件数", COUNT),
    Field("processing_fees.amount", "收取信息处理费金额（元）", AMOUNT),
)

# A figure may be written as {value = 22, note = "其中修订16件"}.
FIGURE_VALUE = "value"
FIGURE_NOTE = "note"

TYPE_WORDS = {
    COUNT: "非负整数",
    SIGNED: "整数（减少写负数）",
    AMOUNT: "非负数（可带小数）",
    TEXT: "文字（加英文双引号）",
    YEAR: "四位数年份",
    DATE: "日期（如 2025-01-20，不加引号）",
    CHOICE: "以下之一",
    FORMAT: "格式编号",
}


@dataclass(frozen=True)
class Slot:
    """Something a key may address: a field, a statutory cell, a unit, or a narrative text."""

    key: str
    label: str
    type: str
    field: Field | None = None
    cell: Cell | None = None
    unit_of: Cell | None = None
    group: RowGroup | None = None  # a row group stated as one row (requests.other)


@cache
def slots(fmt: Format) -> dict[str, Slot]:
    """Every key a data file of this format may hold, with its Chinese label."""
    fields = FIELDS + (FEE_FIELDS if fmt.has_fees else ())
    found = {f.key: Slot(f.key, f.label, f.type, field=f) for f in fields}
    for key in fmt.text_keys():
        found[f"text.{key}"] = Slot(f"text.{key}", fmt.text_heading(key), TEXT)
    for cell in fmt.cells():
        found[cell.key] = Slot(cell.key, f"{cell.table.short_name} {cell.short_name}", cell.type, cell=cell)
        if cell.column.unit_key:
            key = ".".join(p for p in (cell.table.key, cell.row.id, cell.column.unit_key) if p)
            found[key] = Slot(key, f"{cell.column.name}的单位（不填为{cell.column.default_unit}）", TEXT, unit_of=cell)
    for table in fmt.tables.values():
        for group in table.row_groups():
            for column in group.row.columns:
                cell = Cell(table, group.row, column)
                found[cell.key] = Slot(
                    cell.key, f"{table.short_name} {cell.short_name}（整组合为一行）", cell.type, cell=cell, group=group
                )
    return found


@cache
def groups(fmt: Format) -> frozenset[str]:
    """The tables a data file of this format may open."""
    return frozenset(_groups(slots(fmt)))


def _groups(keys) -> set[str]:
    """Every proper prefix of the given dotted keys: the tables a file may open."""
    groups: set[str] = set()
    for key in keys:
        parts = key.split(".")
        groups.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return groups


class _Reader:
    """Walks a parsed data file, collecting values and findings."""

    def __init__(self, data: dict, fmt: Format | None):
        self.data = data
        self.fmt = fmt
        self.findings: list[Finding] = []
        self.values: dict[str, object] = {}
        self.slots = slots(fmt) if fmt else {f.key: Slot(f.key, f.label, f.type, field=f) for f in FIELDS}
        self.groups = groups(fmt) if fmt else _groups(self.slots)

    # -- walking

    def walk(self, node: dict, prefix: str = "") -> None:
        for name, value in node.items():
            key = f"{prefix}.{name}" if prefix else name
            slot = self.slots.get(key)
            if slot is not None:
                self.read(slot, value)
            elif key in self.groups:
                if isinstance(value, dict):
                    self.walk(value, key)
                else:
                    self.findings.append(self._group_type_error(key, value))
            else:
                self.findings.append(self._unknown(key))

    def read(self, slot: Slot, value: object) -> None:
        if slot.cell is not None or slot.type in (COUNT, SIGNED, AMOUNT):
            figure = self._figure(slot, value)
            if figure is not None:
                self.values[slot.key] = figure
        else:
            parsed = self._scalar(slot, value)
            if parsed is not None:
                self.values[slot.key] = parsed

    # -- values

    def _figure(self, slot: Slot, value: object) -> Figure | None:
        note = ""
        if isinstance(value, dict):
            for name in value:
                if name not in (FIGURE_VALUE, FIGURE_NOTE):
                    self.findings.append(self._unknown(f"{slot.key}.{name}", [FIGURE_VALUE, FIGURE_NOTE]))
            if FIGURE_VALUE not in value:
                self.findings.append(
                    self._problem(
                        "type",
                        slot,
                        f"“{slot.label}”写成了带说明的形式，但缺少 value（数字）。"
                        f'应写成 {{ value = 22, note = "其中修订16件" }}。',
                    )
                )
                return None
            raw_note = value.get(FIGURE_NOTE, "")
            if not isinstance(raw_note, str):
                self.findings.append(
                    self._problem("type", slot, f"“{slot.label}”的说明 note 应为文字（加英文双引号）。")
                )
            elif not self._has_illegal_character(slot, raw_note):
                note = raw_note.strip()
            value = value[FIGURE_VALUE]
        if isinstance(value, str) and not value.strip() and slot.cell is not None:
            return Figure(0, note, blank=True)  # left blank in the source
        if isinstance(value, str) and value.strip() == UNREAD and slot.cell is not None:
            return Figure(0, note, unread=True)  # an import could not read it: check says so
        number = self._number(slot, value)
        return None if number is None else Figure(number, note)

    def _number(self, slot: Slot, value: object) -> int | Decimal | None:
        wanted = TYPE_WORDS[slot.type]
        if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
            hint = "（数字不要加引号）" if isinstance(value, str) and _looks_numeric(value) else ""
            self.findings.append(
                self._problem(
                    "type",
                    slot,
                    f"“{slot.label}”应为{wanted}，文件中写的是 {show(value)}{hint}。",
                    expected=wanted,
                    actual=show(value),
                )
            )
            return None
        if isinstance(value, Decimal) and not value.is_finite():
            self.findings.append(
                self._problem(
                    "R5",
                    slot,
                    f"“{slot.label}”应为{wanted}，文件中写的是 {show(value)}。",
                    expected=wanted,
                    actual=show(value),
                )
            )
            return None
        if slot.type in (COUNT, SIGNED) and isinstance(value, Decimal):
            self.findings.append(
                self._problem(
                    "R5",
                    slot,
                    f"“{slot.label}”是件数，应为整数，文件中写的是 {show(value)}。",
                    expected=wanted,
                    actual=show(value),
                )
            )
            return value
        if slot.type != SIGNED and value < 0:
            self.findings.append(
                self._problem(
                    "R5",
                    slot,
                    f"“{slot.label}”不能为负数，文件中写的是 {show(value)}。",
                    expected=wanted,
                    actual=show(value),
                )
            )
        limit = slot.cell.column.limit if slot.cell is not None else 0
        size = value.copy_abs() if isinstance(value, Decimal) else abs(value)
        if limit and size > limit:
            self.findings.append(
                self._problem(
                    "R6",
                    slot,
                    f"“{slot.label}”为 {show(value)}，超出了合理范围（不超过 {limit:,}），请核对是否多写了位数"
                    f"{'或把元当成了万元' if slot.type == AMOUNT else ''}。",
                    expected=f"不超过 {limit:,}",
                    actual=show(value),
                )
            )
        places = slot.cell.column.decimals if slot.cell is not None and slot.type == AMOUNT else None
        # a finite Decimal (checked above): its exponent is an int
        exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
        if places is not None and isinstance(exponent, int) and -exponent > places:
            self.findings.append(
                warning(
                    "decimals",
                    f"“{slot.label}”写了 {-exponent} 位小数（{show(value)}），"
                    f"万元金额精确到分也只有 {places} 位小数；草稿按填写的原样印出，请确认。",
                    key=slot.key,
                    expected=f"至多 {places} 位小数",
                    actual=show(value),
                    **self._where(slot),
                )
            )
        return value

    def _scalar(self, slot: Slot, value: object):
        wanted = TYPE_WORDS[slot.type]
        if slot.type == YEAR:
            ok = isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999
        elif slot.type == DATE:
            ok = isinstance(value, date) and not isinstance(value, datetime)
        else:
            ok = isinstance(value, str)
        if not ok:
            self.findings.append(
                self._problem(
                    "type",
                    slot,
                    f"“{slot.label}”应为{wanted}，文件中写的是 {show(value)}。",
                    expected=TYPE_WORDS[slot.type],
                    actual=show(value),
                )
            )
            return None
        if slot.type == CHOICE and slot.field is not None and value not in slot.field.choices:
            choices = "、".join(f"“{c}”" for c in slot.field.choices)
            self.findings.append(
                self._problem(
                    "type",
                    slot,
                    f"“{slot.label}”只能填 {choices}，文件中写的是 {show(value)}。",
                    expected=choices,
                    actual=show(value),
                )
            )
            return None
        if isinstance(value, str):
            if self._has_illegal_character(slot, value):
                return None
            value = value.strip()
            if slot.key == "report.agency" and (problem := agency_problem(value)):
                self.findings.append(self._problem("type", slot, f"“{slot.label}”{problem}", actual=show(value)))
                return None
        return value

    def _has_illegal_character(self, slot: Slot, text: str) -> bool:
        """Control characters cannot be written into a Word document; say so, never drop them."""
        found = NOT_XML.search(text)
        if found:
            code = f"U+{ord(found.group()):04X}"
            self.findings.append(
                self._problem(
                    "character",
                    slot,
                    f"“{slot.label}”中有不能写入 Word 文档的控制字符 {code}（第 {text[: found.start()].count(chr(10)) + 1} 行文字），"
                    "请删除后重试。",
                    actual=code,
                )
            )
        return bool(found)

    # -- findings

    def _problem(self, code: str, slot: Slot, message: str, **extra) -> Finding:
        return error(code, message, key=slot.key, **self._where(slot), **extra)

    @staticmethod
    def _where(slot: Slot) -> dict:
        if slot.cell is None:
            return {}
        cell = slot.cell
        return dict(table=cell.table.full_name, row=cell.row.name, column=cell.column.name)

    def _children(self, key: str) -> list[str]:
        """The names a file may write directly below a key, in the order of the format."""
        prefix = f"{key}." if key else ""
        return list(dict.fromkeys(k[len(prefix) :].split(".")[0] for k in self.slots if k.startswith(prefix)))

    def _group_type_error(self, key: str, value: object) -> Finding:
        children = self._children(key)
        example = f"{children[0]} = …" if children else "…"
        return error(
            "type",
            f"“{key}”是一组数字，不能直接写成 {show(value)}，应按项分别填写，"
            f"如 {key.rsplit('.', 1)[-1]} = {{ {example} }}。可用的键：{'、'.join(children)}。",
            key=key,
        )

    def _unknown(self, key: str, siblings: list[str] | None = None) -> Finding:
        parent, _, name = key.rpartition(".")
        if siblings is None:
            siblings = self._children(parent)
        message = f"未知的键“{key}”，其中的内容没有被读取。"
        guess = difflib.get_close_matches(name, siblings, n=1, cutoff=0.6)
        if guess:
            full = f"{parent}.{guess[0]}" if parent else guess[0]
            label = self.slots[full].label if full in self.slots else ""
            message += f"是否应为“{full}”" + (f"（{label}）" if label else "") + "？"
        elif self.fmt is not None and (other := _format_with_key(key, self.fmt)):
            message += f"这是{other.label}的键，本报告使用的是{self.fmt.label}。"
        elif siblings:
            message += f"这里可用的键：{'、'.join(siblings)}。"
        return error("unknown-key", message, key=key)


MAX_AGENCY = 60  # characters; the longest real agency names are about 30


def agency_problem(name: str) -> str:
    """What is wrong with an agency name, in Chinese ("" if nothing): it heads the title."""
    name = name.strip()
    if not name:
        return "不能为空：报告标题以机关名称开头，如“某某市财政局”。"
    if "\n" in name or "\r" in name:
        return "不能分行，请写在一行内。"
    if len(name) > MAX_AGENCY:
        return f"太长（{len(name)} 个字），请核对：机关名称一般不超过 {MAX_AGENCY} 个字。"
    return ""


def _format_with_key(key: str, current: Format | None) -> Format | None:
    for fmt in statutory.formats().values():
        if fmt is not current and (key in slots(fmt) or key in groups(fmt)):
            return fmt
    return None


def _looks_numeric(text: str) -> bool:
    try:
        Decimal(text.strip())
    except ArithmeticError:
        return False
    return True


def show(value: object) -> str:
    """A value as a message quotes it: text in Chinese quotes, a table or array abridged."""
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, dict):
        return "{ … }"
    if isinstance(value, (list, tuple)):
        return "[ … ]"
    return str(value)


# ------------------------------------------------------------------ reading


def choose_format(data: dict) -> tuple[Format | None, list[Finding]]:
    """The format a file's report year calls for, or the one it names in report.format."""
    report = data.get("report")
    if not isinstance(report, dict):
        report = {}
    year = report.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        return None, []  # reported as a missing or mistyped field
    problem = statutory.year_problem(year)
    if problem:
        first = statutory.first_statutory_year()
        return None, [
            error("year", problem, key="report.year", expected=f"{first}—{statutory.latest_year()} 年", actual=year)
        ]
    by_year = statutory.format_for_year(year)
    assert by_year is not None  # year_problem names every year without a format
    override = report.get("format")
    if override is None:
        return by_year, []
    known = statutory.formats()
    if str(override) not in known:
        return by_year, [
            error(
                "type",
                f"表格格式“{override}”不存在，可用的格式：{'、'.join(known)}。",
                key="report.format",
                expected="、".join(known),
                actual=show(override),
            )
        ]
    chosen = known[str(override)]
    if chosen is by_year:
        return chosen, []
    return chosen, [
        warning(
            "format",
            f"{year} 年度的报告应使用{by_year.label}，文件指定了{chosen.label}。",
            key="report.format",
            expected=by_year.id,
            actual=chosen.id,
        )
    ]


def read(data: dict, source=None) -> tuple[Report | None, list[Finding]]:
    """Read a parsed data file. Returns the report (None if no format applies) and findings."""
    fmt, findings = choose_format(data)
    reader = _Reader(data, fmt)
    # Without a format the tables cannot be read; the metadata still can.
    reader.walk(data if fmt else {k: v for k, v in data.items() if k == "report"})
    findings += reader.findings
    values = reader.values
    for f in FIELDS:
        if f.required and f.key not in values and not _reported(f.key, findings):
            findings.append(error("missing", f"缺少必填项“{f.key}”（{f.label}），应填{wanted(f)}。", key=f.key))
    if fmt is None:
        return None, findings
    # every cell's value is a Figure (_Reader.read); the fields' are as their slot's type
    figures = {k: v for k, v in values.items() if k in fmt.cell_by_key() and isinstance(v, Figure)}
    collapsed = _collapsed_groups(fmt, values, figures, findings)
    published = values.get("report.published")
    year = values.get("report.year", 0)
    report = Report(
        agency=_text(values, "report.agency"),
        year=year if isinstance(year, int) else 0,
        kind=_text(values, "report.kind"),
        format=fmt,
        published=published if isinstance(published, date) else None,
        contact=Contact(*(_text(values, f"report.contact.{k}") for k in ("office", "address", "postcode", "phone"))),
        download=Download(_text(values, "report.download.site"), _text(values, "report.download.url")),
        text={k: _text(values, f"text.{k}") for k in fmt.text_keys()},
        figures=figures,
        collapsed=collapsed,
        units={
            unit_of.key: v
            for k, v in values.items()
            if (slot := reader.slots.get(k)) and (unit_of := slot.unit_of) and isinstance(v, str)
        },
        fees=ProcessingFees(
            _figure_of(values, "processing_fees.notices").value, _figure_of(values, "processing_fees.amount").value
        ),
        source=source,
    )
    return report, findings


def _text(values: dict[str, object], key: str) -> str:
    """A text field as read ("" if absent): _Reader._scalar admits only text for these keys."""
    value = values.get(key, "")
    return value if isinstance(value, str) else ""


def _figure_of(values: dict[str, object], key: str) -> Figure:
    """A figure as read (an empty Figure if absent)."""
    value = values.get(key)
    return value if isinstance(value, Figure) else Figure()


def _collapsed_groups(fmt: Format, values: dict, figures: dict, findings: list) -> frozenset[str]:
    """Row groups stated as one row. Each group figure is kept under the group's first sub-row,
    so that every rule counts it as the group's sum; the report lists the collapsed groups,
    so that drafts print the group as one merged row. Stating both the group and any of its
    sub-rows is an error naming the keys."""
    collapsed = set()
    for table in fmt.tables.values():
        for group in table.row_groups():
            stated = {k: v for k, v in values.items() if k.startswith(group.key + ".")}
            if not stated:
                continue
            parts = sorted(k for k in figures if k.split(".")[1] in group.leaves and k.startswith(table.key + "."))
            if parts:
                findings.append(
                    error(
                        "collapsed",
                        f"“{group.label}”既写成了一行（{'、'.join(sorted(stated))}），又分项写了"
                        f"（{'、'.join(parts)}），只能选一种写法：有分项数字时删去 {group.key}。",
                        key=sorted(stated)[0],
                        table=table.full_name,
                        row=group.label,
                        related=tuple(parts),
                    )
                )
                continue
            collapsed.add(group.key)
            for key, figure in stated.items():
                column = key[len(group.key) + 1 :]
                figures[f"{table.key}.{group.leaves[0]}.{column}"] = figure
    return frozenset(collapsed)


def wanted(f: Field) -> str:
    """How a field is written, in Chinese."""
    if f.choices:
        return "“" + "”或“".join(f.choices) + "”" + (f"：{f.hint}" if f.hint else "")
    return TYPE_WORDS[f.type] + (f"，{f.hint}" if f.hint else "")


def _reported(key: str, findings: list[Finding]) -> bool:
    return any(f.key == key for f in findings)
