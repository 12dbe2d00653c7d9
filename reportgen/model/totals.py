"""The totals of the statutory tables, computed from the figures a report states.

The format data states rules such as "总计 = Σ columns, in every row". Here each rule is
expanded into concrete cell instances once per format; then ``complete`` fills every table
cell: leaves as the file states them (0 when omitted), totals computed from their parts.
Checking the totals a file states against these is ``reportgen.checks.arithmetic``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Mapping
from weakref import WeakKeyDictionary

from reportgen.formats.statutory import BalanceRule, Cell, Format, SumRule
from reportgen.model import Figure, Report


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

    A stated total's annotation is kept; its value is always the computed one. A total with
    an unread part is unread.
    """
    leaves, order = _plan(fmt)
    zero = Figure()
    values = {key: stated.get(key, zero) for key in leaves}
    for key, parts in order:
        note = stated[key].note if key in stated else ""
        if any(values[p].unread for p in parts):
            values[key] = Figure(0, note, unread=True)
            continue
        total = sum((values[p].value for p in parts), start=0)
        values[key] = Figure(total, note)
    return values


_completed: WeakKeyDictionary = WeakKeyDictionary()


def completed(report: Report) -> dict[str, Figure]:
    """``complete`` for a report, computed once per report."""
    if report not in _completed:
        _completed[report] = complete(report.format, report.figures)
    return _completed[report]
