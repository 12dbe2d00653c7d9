"""The arithmetic rules (勾稽关系) of a format, checked: ``check`` compares every total the
file states with the one computed from its parts (``reportgen.model.totals``), and checks the
balance rules (R1), returning findings cell by cell. It never changes a figure.
"""

from __future__ import annotations

from typing import Mapping

from reportgen.formats.statutory import Cell, Format
from reportgen.model import Figure, Number, format_number
from reportgen.model.findings import Finding, error
from reportgen.model.totals import BalanceCheck, SumCheck, checks, complete


def check(fmt: Format, stated: Mapping[str, Figure], full: Mapping[str, Figure] | None = None) -> list[Finding]:
    """Findings for every stated total that disagrees with its parts, and every broken balance.
    ``full`` is ``complete(fmt, stated)`` if the caller has it already."""
    full = complete(fmt, stated) if full is None else full
    findings = []
    for item in checks(fmt).sums:
        total = stated.get(item.total.key)
        if total is None or total.blank or total.unread:  # a blank total is computed; an unread one unknown
            continue
        parts = _as_stated(item.parts, stated, full)
        if any(part.unread for part in parts.values()):
            continue  # a part could not be read: the check reports the unread cells, not a sum
        findings.extend(_check_sum(item, parts, total.value, checks(fmt).totals))
    for balance in checks(fmt).balances:
        if not any(full[c.key].unread for c in (*balance.left, *balance.right)):
            findings.extend(_check_balance(balance, full, checks(fmt).totals))
    return findings


def _as_stated(cells: tuple[Cell, ...], stated: Mapping[str, Figure], full: Mapping[str, Figure]) -> dict[str, Figure]:
    """The parts of a sum as the file states them: a total the file states is taken as
    stated, so that each rule is checked where its own figures are (a wrong total row is
    reported once, by the rule that adds it up, not again in every rule that uses it)."""
    return {c.key: stated[c.key] if c.key in stated and not stated[c.key].blank else full[c.key] for c in cells}


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
    """``full``: the parts' figures, by key."""
    expected = sum((full[c.key].value for c in item.parts), start=0)
    if expected == actual:
        return []
    total = item.total
    if item.rule.along == "columns":
        subject = (
            f"“{_short(total.row.name)}”行的“{_short(total.column.name)}”"
            if total.row.name
            else f"“{total.column.name}”"
        )
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


def _check_balance(item: BalanceCheck, full: Mapping[str, Figure], totals: Mapping[str, SumCheck]) -> list[Finding]:
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
