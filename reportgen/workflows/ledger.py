"""整改台账: every finding of an audit by its identity, carried from one audit to the next.

``reportgen audit 文件夹 --since 上次核查结果.xlsx`` reads the previous result's sheet 整改台账
and writes the new one: a finding seen again is 仍存在, one not seen before is 新发现, one no
longer found is 已整改 (with the date of the audit that saw it gone) — but only when the
unit's report was read completely this time; a report missing, unreadable or partly read
keeps its findings open as 未核查, saying why. What the office typed (责任人, 整改情况说明,
备注) is carried over row by row, by identity, also after Excel, WPS or LibreOffice saved the
workbook. A sheet 整改汇总 counts the findings by unit and state.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from reportgen.errors import ReportgenError

SHEET = "整改台账"
SUMMARY = "整改汇总"
NEW, STILL, FIXED, UNCHECKED = "新发现", "仍存在", "已整改", "未核查"
STATES = (NEW, STILL, FIXED, UNCHECKED)
TYPED = ("责任人", "整改情况说明", "备注")  # the office's own columns, carried over
COLUMNS = (
    "标识",
    "机关名称",
    "年度",
    "规则",
    "位置",
    "原文",
    "应为",
    "说明",
    "状态",
    "状态说明",
    "首次发现",
    "最近核查",
    *TYPED,
)
WIDTHS = (30, 24, 6, 12, 40, 12, 12, 60, 8, 30, 11, 11, 10, 30, 20)


@dataclass
class Row:
    identity: str
    agency: str
    year: str
    rule: str
    position: str
    published: str
    expected: str
    message: str
    state: str = NEW
    why: str = ""
    first: str = ""
    last: str = ""
    typed: dict[str, str] = field(default_factory=dict)

    def values(self) -> list:
        return [
            self.identity,
            self.agency,
            self.year,
            self.rule,
            self.position,
            self.published,
            self.expected,
            self.message,
            self.state,
            self.why,
            self.first,
            self.last,
            *(self.typed.get(n, "") for n in TYPED),
        ]


@dataclass(frozen=True)
class Coverage:
    """What this audit saw of each report: (agency, year) → cells not read (0: read completely)."""

    unread: dict[tuple[str, str], int]
    unreadable: int = 0  # files that could not be read at all (their unit is unknown)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read(path: Path) -> dict[str, Row]:
    """The ledger of a previous result workbook, by identity. Raises ReportgenError (Chinese)
    if it cannot be read or has no 整改台账; columns are found by their headings, so that
    a column the office added, or one moved, does not matter."""
    from openpyxl import load_workbook  # imported only when a ledger is read (start-up time)

    from reportgen import untrusted

    if not path.is_file():
        raise ReportgenError(f"找不到上次的核查结果：{path}")
    data = untrusted.read_file(path, "核查结果")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        raise ReportgenError(f"{path} 无法作为 Excel 工作簿打开（文件可能已损坏，或不是 .xlsx）。") from None
    if SHEET not in book.sheetnames:
        raise ReportgenError(f"{path} 中没有“{SHEET}”工作表：请用 reportgen audit 写出的核查结果作为 --since。")
    rows = book[SHEET].iter_rows(values_only=True)
    heads = [_text(v) for v in next(rows, ())]
    where = {name: heads.index(name) for name in COLUMNS if name in heads}
    missing = [name for name in ("标识", "机关名称", "年度", "状态") if name not in where]
    if missing:
        raise ReportgenError(f"{path} 的“{SHEET}”工作表缺少列：{'、'.join(missing)}（第1行是列名，请不要改动）。")
    found: dict[str, Row] = {}
    for number, values in enumerate(rows, 2):

        def get(name: str, values=values) -> str:
            return _text(values[where[name]]) if name in where and where[name] < len(values) else ""

        identity = get("标识")
        if not identity:
            continue
        if identity in found:
            raise ReportgenError(f"{path} 的“{SHEET}”工作表第 {number} 行的标识与前面一行重复：{identity}。")
        found[identity] = Row(
            identity,
            get("机关名称"),
            get("年度"),
            get("规则"),
            get("位置"),
            get("原文"),
            get("应为"),
            get("说明"),
            get("状态") or NEW,
            get("状态说明"),
            get("首次发现"),
            get("最近核查"),
            {name: get(name) for name in TYPED if get(name)},
        )
    book.close()
    return found


def merge(previous: dict[str, Row], current: list[Row], coverage: Coverage, today: str) -> list[Row]:
    """The new ledger: the current findings (仍存在 or 新发现) and every previous finding not
    seen now (已整改 only where its report was read completely; else 未核查, saying why)."""
    out: list[Row] = []
    for row in current:
        before = previous.get(row.identity)
        if before is None:
            out.append(replace(row, state=NEW, why="", first=today, last=today))
            continue
        why = (
            f"曾于 {before.why.removeprefix('于 ').split(' ')[0]} 核查时已整改，本次又出现"
            if before.state == FIXED
            else ""
        )
        out.append(
            replace(row, state=STILL, why=why, first=before.first or today, last=today, typed=dict(before.typed))
        )
    seen = {row.identity for row in current}
    for identity, before in previous.items():
        if identity in seen:
            continue
        unit = (before.agency, before.year)
        if before.state == FIXED:
            out.append(before)  # fixed before: kept as it was
        elif unit not in coverage.unread:
            said = "本次核查的文件夹中没有读到这份报告"
            said += f"（另有 {coverage.unreadable} 个文件无法读取）" if coverage.unreadable else ""
            out.append(replace(before, state=UNCHECKED, why=said + "，不能确认已整改"))
        elif coverage.unread[unit]:
            out.append(
                replace(
                    before,
                    state=UNCHECKED,
                    last=today,
                    why=f"本次有 {coverage.unread[unit]} 个格子没有读出，不能确认已整改",
                )
            )
        else:
            out.append(replace(before, state=FIXED, why=f"于 {today} 核查时已不存在", last=today))
    order = {state: index for index, state in enumerate(STATES)}
    out.sort(key=lambda r: (r.agency, r.year, order.get(r.state, 9), r.identity))
    return out


def add_sheets(book, ledger: list[Row]) -> None:
    """The sheets 整改台账 and 整改汇总 in an openpyxl workbook."""
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = book.create_sheet(SHEET)
    sheet.append(COLUMNS)
    for row in ledger:
        sheet.append(row.values())
    typed_fill = PatternFill("solid", fgColor="FFF2CC")  # the office's columns, in the colour of fill-in cells
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in range(len(COLUMNS) - len(TYPED) + 1, len(COLUMNS) + 1):
        sheet.cell(1, column).fill = typed_fill
    for number, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[sheet.cell(1, number).column_letter].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = "@"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    summary = book.create_sheet(SUMMARY)
    summary.append(("机关名称", "年度", *STATES, "合计", "未整改"))
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for row in ledger:
        counts.setdefault((row.agency, row.year), dict.fromkeys(STATES, 0))[row.state] += 1
    for (agency, year), by_state in sorted(counts.items()):
        total = sum(by_state.values())
        summary.append((agency, year, *by_state.values(), total, total - by_state[FIXED]))
    totals = [sum(c[s] for c in counts.values()) for s in STATES]
    summary.append(("合计", "", *totals, sum(totals), sum(totals) - totals[STATES.index(FIXED)]))
    for cell in summary[1]:
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 26


def current(rows, rule_name) -> list[Row]:
    """An audit's rows (importing.AuditRow) as ledger rows."""
    return [
        Row(
            r.identity,
            r.agency,
            str(r.year),
            rule_name(r.rule),
            r.position or r.cell,
            r.published,
            r.expected,
            r.message,
        )
        for r in rows
        if r.identity
    ]
