"""Across consecutive years of one agency: the cross-year rules X1–X3 and 内容雷同.

The rules are format data (``cross_year`` in reportgen/formats/*.toml). The same rules
check a report against last year's (``check``) and carry last year's figures into a new
year's file (``carried``), where this year's own figures are still 0.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from reportgen import untrusted
from reportgen.model import totals
from reportgen.model.findings import Finding, Severity
from reportgen.model import Figure, Number, Report, format_number
from reportgen.formats.statutory import BalanceRule, Cell, CrossYearRule, Format

SIMILARITY_LIMIT = 0.5  # local assessors deduct points above 50 % (内容雷同)
REVIEW_MARK = "【请按本年情况改写，改写后删除本行】"


def path_for_year(path: Path, year: int, new_year: int) -> Path:
    """The file of another year beside ``path``: the year in its name replaced, else <year>.toml."""
    name = path.name
    text = str(year)
    if text in name:
        index = name.rfind(text)
        return path.with_name(name[:index] + str(new_year) + name[index + len(text) :])
    return path.with_name(f"{new_year}.toml")


def find_previous(path: Path, year: int) -> Path | None:
    """The file of year − 1 beside ``path``, if there is one (not one leading out of the
    folder the page serves: ``reportgen.checks.links.leading_out`` says why it is not used)."""
    candidate = path_for_year(path, year, year - 1)
    return candidate if candidate != path and candidate.is_file() and not untrusted.leads_out(candidate) else None


AUTO = "auto"  # last year's file is the one of year − 1 beside this year's


def previous_path(path: Path, year: int, wanted) -> Path | None:
    """Last year's file for a check of ``path``: ``wanted`` as named, the file of year − 1
    beside ``path`` for AUTO (None if there is none), or None for no cross-year check."""
    if wanted == AUTO:
        return find_previous(path, year)
    return Path(wanted) if wanted is not None else None


@dataclass(frozen=True)
class Term:
    key: str
    sign: int  # +1 or -1
    last_year: bool
    label: str


@dataclass(frozen=True)
class Instance:
    rule: CrossYearRule
    target: Cell
    terms: tuple[Term, ...]


@cache
def instances(fmt: Format) -> tuple[Instance, ...]:
    """Every cell each cross-year rule of a format speaks about, with the terms it sums."""
    found = []
    computed = totals.computed_keys(fmt)
    for rule in fmt.cross_year:
        table = fmt.tables[rule.table]
        # Each spot finds a rule's cells by their id on the other axis.
        if rule.over == "columns":
            spots = [
                partial(_cell_in_column, table, column.id)
                for column in table.rows[0].columns
                if table.cell(rule.target, column.id).key not in computed
            ]
        else:
            spots = [partial(table.cell, row_id) for row_id in rule.rows]
        for cell_at in spots:
            terms = [Term(cell_at(i).key, +1, True, _short(cell_at(i), rule)) for i in rule.from_last]
            terms += [Term(cell_at(i).key, +1, False, _short(cell_at(i), rule)) for i in rule.add]
            terms += [Term(cell_at(i).key, -1, False, _short(cell_at(i), rule)) for i in rule.subtract]
            found.append(Instance(rule, cell_at(rule.target), tuple(terms)))
    return tuple(found)


def _cell_in_column(table, column_id: str, row_id: str) -> Cell:
    return table.cell(row_id, column_id)


def _short(cell: Cell, rule: CrossYearRule) -> str:
    name = cell.row.name if rule.over == "columns" else cell.column.name
    return name.rsplit("／", 1)[-1]


def _evaluate(instance: Instance, this: dict[str, Figure], last: dict[str, Figure]) -> Number | None:
    """The value the rule expects, or None if last year's report has no such cell."""
    total: Number = 0
    for term in instance.terms:
        if term.last_year and term.key not in last:
            return None
        figure = (last if term.last_year else this).get(term.key, Figure())
        if figure.unread:
            return None  # a figure an import could not read: the check names it instead
        total += term.sign * figure.value
    return total


def carried(new_format: Format, previous: Report) -> dict[str, Figure]:
    """The figures a new year's file starts with: what the cross-year rules carry over.

    Requests carried over from last year (上年结转) are, until this year's outcomes are
    filled in, still pending: they also start in the row they came from (结转下年度继续办理),
    so that the new file balances (R1) from the start. Which row that is follows from the
    format's rules: the cross-year rule's source row on the other side of a balance rule."""
    last = totals.completed(previous)
    figures = {}
    for instance in instances(new_format):
        if any(t.last_year and last.get(t.key, Figure()).unread for t in instance.terms):
            figures[instance.target.key] = Figure(unread=True)  # unknown last year: unknown now
            continue
        value = _evaluate(instance, {}, last)  # this year's own figures are still 0
        if value is not None:
            figures[instance.target.key] = Figure(value)
            pending = _pending_cell(new_format, instance)
            if pending is not None and value:
                figures[pending] = Figure(value)
    return figures


def _pending_cell(fmt: Format, instance: Instance) -> str | None:
    """The cell that holds, until they are handled, the requests a cross-year rule carries in."""
    rule = instance.rule
    if rule.over != "columns" or len(rule.from_last) != 1:
        return None
    for balance in fmt.rules:
        if (
            isinstance(balance, BalanceRule)
            and balance.table == rule.table
            and rule.target in balance.left
            and rule.from_last[0] in balance.right
        ):
            return fmt.tables[rule.table].cell(rule.from_last[0], instance.target.column.id).key
    return None


def check(report: Report, previous: Report, previous_path: Path) -> list[Finding]:
    """Findings of the cross-year rules and of 内容雷同, against last year's report."""
    this = totals.completed(report)
    last = totals.completed(previous)
    findings = []
    for instance in instances(report.format):
        expected = _evaluate(instance, this, last)
        actual = this[instance.target.key].value
        if expected is None or expected == actual or this[instance.target.key].unread:
            continue
        target = instance.target
        parts = _formula(instance.terms, this, last)
        if expected < 0:  # more taken away than there was: no count can say so
            said = (
                f"“{target.short_name}”按规则算得 {parts} ＝ {format_number(expected)}，件数不可能为负数，"
                f"说明减去的多于原有的，请核对这几个数；本年写的是 {format_number(actual)}。"
            )
            expected = None
        else:
            said = (
                f"“{target.short_name}”应为 {format_number(expected)}（{parts}），本年写的是 {format_number(actual)}。"
            )
        findings.append(
            Finding(
                Severity(instance.rule.severity),
                instance.rule.id,
                f"{said}规则：{instance.rule.text}。上年报告：{previous_path}。",
                key=target.key,
                table=target.table.full_name,
                row=target.row.name,
                column=target.column.name,
                expected=expected,
                actual=actual,
                related=tuple(t.key for t in instance.terms),
            )
        )
    findings += similar_texts(report, previous, previous_path)
    return findings


def _formula(terms: tuple[Term, ...], this: dict[str, Figure], last: dict[str, Figure]) -> str:
    """ "上年现行有效件数 37 ＋ 本年制发件数 6 － 本年废止件数 2"."""
    shown = []
    for index, term in enumerate(terms):
        year = "上年" if term.last_year else ("" if term.label.startswith("本年") else "本年")
        value = format_number((last if term.last_year else this)[term.key].value)
        sign = "" if index == 0 else (" ＋ " if term.sign > 0 else " － ")
        shown.append(f"{sign}{year}{term.label} {value}")
    return "".join(shown)


def comparable(text: str) -> str:
    """Narrative text as compared across years: review marks and white space left out."""
    return re.sub(r"\s+", "", text.replace(REVIEW_MARK, ""))


def similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() <= SIMILARITY_LIMIT:  # an upper bound: no need for the exact figure
        return matcher.quick_ratio()
    return matcher.ratio()


def similar_texts(report: Report, previous: Report, previous_path: Path) -> list[Finding]:
    findings = []
    for key in report.format.text_keys():
        this, last = comparable(report.text.get(key, "")), comparable(previous.text.get(key, ""))
        if not this or not last:
            continue
        ratio = 1.0 if this == last else similarity(this, last)
        if ratio <= SIMILARITY_LIMIT:
            continue
        heading = report.format.text_heading(key)
        how = "与上年报告完全相同" if this == last else f"与上年报告的相似度为 {ratio:.0%}"
        findings.append(
            Finding(
                Severity.WARNING,
                "similar",
                f"“{heading}”{how}（超过 50% 属于“内容雷同”，评估时会扣分），请按本年实际情况改写。"
                f"上年报告：{previous_path}。",
                key=f"text.{key}",
                expected="不超过 50%",
                actual=f"{ratio:.0%}",
            )
        )
    return findings
