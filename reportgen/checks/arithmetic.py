"""The arithmetic rules (勾稽关系) of a format: computing totals and checking them.

The format data states rules such as "总计 = Σ columns, in every row". Here each rule is
expanded into concrete cell instances once per format; then
- ``complete`` fills every table cell: leaves as the file states them (0 when omitted),
  totals computed from their parts;
- ``check`` compares every total the file states with the computed one, and checks the
  balance rules (R1), returning findings cell by cell. It never changes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Mapping
from weakref import WeakKeyDictionary

from reportgen.checks.findings import Finding, error
from reportgen.model import Figure, Number, Report, format_number
from reportgen.formats.statutory import BalanceRule, Cell, Format, SumRule


@dataclass(frozen=True)
class SumCheck:
    rule: SumRule
    total: Cell
    parts: tuple[Cell, ...]


@dataclass(frozen=True)
class BalanceCheck:
    rule: BalanceRule
    column_name: str
    left: tuple[Cell, ...]
    right: tuple[Cell, ...]


@dataclass(frozen=True)
class Checks:
    sums: tuple[SumCheck, ...]
    balances: tuple[BalanceCheck, ...]
    totals: dict[str, SumCheck]  # the check that computes each total, by cell key


@cache
def checks(fmt: Format) -> Checks:
    """Every rule of a format, expanded over the cells it applies to."""
    sums = []
    for rule in fmt.rules:
        if isinstance(rule, SumRule):
            sums.extend(_expand_sum(rule, fmt))
    totals: dict[str, SumCheck] = {}
    for item in sums:
        totals.setdefault(item.total.key, item)
    balances = []
    for rule in fmt.rules:
        if isinstance(rule, BalanceRule):
            table = fmt.tables[rule.table]
            for column in table.rows[0].columns:
                left = tuple(table.cell(r, column.id) for r in rule.left)
                right = tuple(table.cell(r, column.id) for r in rule.right)
                # In a total column the balance follows from the leaf columns: not checked twice.
                if not any(cell.key in totals for cell in left):
                    balances.append(BalanceCheck(rule, column.name, left, right))
    return Checks(tuple(sums), tuple(balances), totals)


def _expand_sum(rule: SumRule, fmt: Format) -> list[SumCheck]:
    table = fmt.tables[rule.table]
    if rule.along == "columns":  # in every row: total column = Σ part columns
        return [
            SumCheck(rule, table.cell(row.id, rule.total), tuple(table.cell(row.id, p) for p in rule.parts))
            for row in table.rows
        ]
    return [  # in every column: total row = Σ part rows
        SumCheck(rule, table.cell(rule.total, col.id), tuple(table.cell(p, col.id) for p in rule.parts))
        for col in table.rows[0].columns
    ]


def computed_keys(fmt: Format) -> frozenset[str]:
    """Keys of the totals the tool computes. A file may state them; they are then checked."""
    return frozenset(checks(fmt).totals)


@cache
def _plan(fmt: Format) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """(leaf keys, [(total key, part keys)] in an order where parts come before totals)."""
    totals = checks(fmt).totals
    order: list[tuple[str, tuple[str, ...]]] = []
    done: set[str] = set()

    def visit(key: str) -> None:
        if key in done or key not in totals:
            return
        parts = tuple(p.key for p in totals[key].parts)
        for part in parts:
            visit(part)
        done.add(key)
        order.append((key, parts))

    for cell in fmt.cells():
        visit(cell.key)
    leaves = tuple(c.key for c in fmt.cells() if c.key not in totals)
    return leaves, tuple(order)


def complete(fmt: Format, stated: Mapping[str, Figure]) -> dict[str, Figure]:
    """Every cell of every table: stated leaves (0 when omitted) and computed totals.

    A stated total's annotation is kept; its value is always the computed one.
    """
    leaves, order = _plan(fmt)
    zero = Figure()
    values = {key: stated.get(key, zero) for key in leaves}
    for key, parts in order:
        total = sum((values[p].value for p in parts), start=0)
        values[key] = Figure(total, stated[key].note if key in stated else "")
    return values


_completed: WeakKeyDictionary = WeakKeyDictionary()


def completed(report: Report) -> dict[str, Figure]:
    """``complete`` for a report, computed once per report."""
    if report not in _completed:
        _completed[report] = complete(report.format, report.figures)
    return _completed[report]


def check(fmt: Format, stated: Mapping[str, Figure], full: Mapping[str, Figure] | None = None) -> list[Finding]:
    """Findings for every stated total that disagrees with its parts, and every broken balance.
    ``full`` is ``complete(fmt, stated)`` if the caller has it already."""
    full = complete(fmt, stated) if full is None else full
    findings = []
    for item in checks(fmt).sums:
        if item.total.key in stated and not stated[item.total.key].blank:  # a blank total is computed
            findings.extend(_check_sum(item, full, stated[item.total.key].value, checks(fmt).totals))
    for balance in checks(fmt).balances:
        findings.extend(_check_balance(balance, full, checks(fmt).totals))
    return findings


def _short(label: str) -> str:
    """The last part of a row or column name: "（三）不予公开／1.属于国家秘密" -> "1.属于国家秘密"."""
    return label.rsplit("／", 1)[-1]


def _number(label: str) -> str:
    """A row's item number for arithmetic: "一、本年新收…" -> "一"; "（七）总计" stays."""
    short = _short(label)
    return short.split("、", 1)[0] if "、" in short else short


def _terms(cells: tuple[Cell, ...], full: Mapping[str, Figure], name) -> str:
    shown = [f"{name(c)} {format_number(full[c.key].value)}" for c in cells if full[c.key].value]
    return "，".join(shown) if shown else "各项均为 0"


def _check_sum(
    item: SumCheck, full: Mapping[str, Figure], actual: Number, totals: Mapping[str, SumCheck]
) -> list[Finding]:
    expected = full[item.total.key].value
    if expected == actual:
        return []
    total = item.total
    if item.rule.along == "columns":
        subject = f"“{_short(total.row.name)}”行的“{_short(total.column.name)}”" if total.row.name else f"“{total.column.name}”"
        terms = _terms(item.parts, full, lambda c: _short(c.column.name))
    else:
        subject = f"“{_short(total.column.name)}”列的“{_short(total.row.name)}”"
        terms = _terms(item.parts, full, lambda c: _short(c.row.name))
    message = (
        f"{subject}应为 {format_number(expected)}（{terms}），文件中写的是 {format_number(actual)}。"
        f"规则：{item.rule.text}。"
    )
    return [
        error(
            item.rule.id,
            message,
            key=item.total.key,
            table=item.total.table.full_name,
            row=item.total.row.name,
            column=item.total.column.name,
            expected=expected,
            actual=actual,
            related=_involved(item.parts, totals),
        )
    ]


def _check_balance(
    item: BalanceCheck, full: Mapping[str, Figure], totals: Mapping[str, SumCheck]
) -> list[Finding]:
    left = sum((full[c.key].value for c in item.left), start=0)
    right = sum((full[c.key].value for c in item.right), start=0)
    if left == right:
        return []

    def side(cells: tuple[Cell, ...]) -> str:
        return "＋".join(f"{_number(c.row.name)}（{format_number(full[c.key].value)}）" for c in cells)

    message = (
        f"“{item.column_name}”列：{side(item.left)}＝{format_number(left)}，"
        f"而{side(item.right)}＝{format_number(right)}，两者应相等。规则：{item.rule.text}。"
    )
    first = item.left[0]
    return [
        error(
            item.rule.id,
            message,
            key=first.key,
            table=first.table.full_name,
            row=item.rule.text,
            column=item.column_name,
            expected=right,
            actual=left,
            related=_involved(item.left[1:] + item.right, totals),
        )
    ]


def _involved(cells: tuple[Cell, ...], totals: Mapping[str, SumCheck]) -> tuple[str, ...]:
    """The keys of the cells, with each computed total replaced by its parts as well."""
    keys: list[str] = []
    for cell in cells:
        keys.append(cell.key)
        if cell.key in totals:
            keys.extend(_involved(totals[cell.key].parts, totals))
    return tuple(keys)
