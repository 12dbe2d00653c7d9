"""Sentences generated from the figures, so that the text always agrees with the tables.

The opening paragraph and the lead sentences of sections 二, 三, 四, 六 and of
（二）依申请公开 are Jinja templates in the format data. They are rendered here, in a
sandboxed environment, against ``names``: every figure under its data-file key
(``requests.new.total``), the subtotals the format names (``requests.withheld.total``),
the 信息处理费 (``fees.amount``) and a few report fields (``report.year``).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache, lru_cache
from weakref import WeakKeyDictionary

from reportgen.checks import arithmetic
from reportgen.model import DEPARTMENT, Figure, Report, format_number
from reportgen.formats.statutory import Format, Header


class Names:
    """A read-only namespace: ``names.requests.new.total``. Only its own keys are reachable."""

    __slots__ = ("_items",)

    def __init__(self, items: dict):
        object.__setattr__(self, "_items", items)

    def __getattr__(self, name: str):
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):
        return iter(self._items)

    def __contains__(self, name: str) -> bool:
        return name in self._items


def _finalize(value: object) -> object:
    if isinstance(value, Decimal):
        return format_number(value)
    return value


@cache
def _format_environment():
    """The sentences of the format data ship with reportgen itself, so they are Jinja
    templates. (Narrative text from data files is never rendered by Jinja: see
    ``reportgen.checks.narrative.render``.) Jinja is imported only when a draft is made."""
    from jinja2 import Environment, StrictUndefined

    return Environment(undefined=StrictUndefined, autoescape=False, finalize=_finalize)


@lru_cache(maxsize=64)
def _format_template(source: str):
    return _format_environment().from_string(source)


def render(source: str, names: dict) -> str:
    """One of the format's own sentence templates (opening, lead sentences), filled in."""
    return _format_template(source).render(names).strip()


PROMPT = "【待填写"


def placeholder(what: str) -> str:
    """The visible mark a draft prints where something is still to be filled in."""
    return f"{PROMPT}：{what}】"


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ------------------------------------------------------------------ names


@cache
def _tree(fmt: Format) -> dict:
    """Where each figure is named: {table: {row: {column: cell key}}}. A subtotal's leaf is
    the tuple of keys it sums (row groups with a ``subtotal`` name, e.g. requests.withheld)."""
    tree: dict = {table: {} for table in fmt.tables}
    for cell in fmt.cells():
        node = tree[cell.table.key]
        path = [p for p in (cell.row.id, *cell.column.id.split(".")) if p]
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = cell.key
    for table in fmt.tables.values():
        for group in _subtotal_groups(table.row_tree):
            node = tree[table.key].setdefault(group.subtotal, {})
            for column in table.rows[0].columns:
                keys = tuple(table.cell(leaf.key, column.id).key for leaf in group.leaves())
                *path, last = column.id.split(".")
                target = node
                for part in path:
                    target = target.setdefault(part, {})
                target[last] = keys
    return tree


def cells_of(fmt: Format, dotted: str) -> tuple[str, ...]:
    """The leaf cells (not computed totals) whose figures a name adds up, e.g.
    requests.withheld.total → every 不予公开 sub-row's every applicant column."""
    node: object = _tree(fmt)
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return ()
        node = node[part]
    keys = node if isinstance(node, tuple) else (node,) if isinstance(node, str) else ()
    totals = arithmetic.checks(fmt).totals
    leaves: list[str] = []

    def expand(key: str) -> None:
        if key in totals:
            for part in totals[key].parts:
                expand(part.key)
        else:
            leaves.append(key)

    for key in keys:
        expand(key)
    return tuple(leaves)


def _subtotal_groups(nodes: tuple[Header, ...]):
    for node in nodes:
        if node.subtotal:
            yield node
        yield from _subtotal_groups(node.children)


def _build(tree: dict, values: dict[str, Figure]) -> Names:
    items = {}
    for name, leaf in tree.items():
        if isinstance(leaf, str):
            items[name] = values[leaf].value
        elif isinstance(leaf, tuple):
            items[name] = sum((values[key].value for key in leaf), start=0)
        else:
            items[name] = _build(leaf, values)
    return Names(items)


def _download(report: Report) -> str:
    site, url = report.download.site, report.download.url
    if site and url:
        return f"{site}（{url}）"
    return site or url or placeholder("电子版下载网站")


def _contact(report: Report) -> str:
    contact = report.contact
    parts = [
        f"地址：{contact.address}" if contact.address else "",
        f"邮编：{contact.postcode}" if contact.postcode else "",
        f"电话：{contact.phone or placeholder('联系电话')}",
    ]
    office = contact.office or placeholder("联系机构")
    return f"{office}（{'，'.join(p for p in parts if p)}）"


def _tables(report: Report, completed: dict[str, Figure]) -> dict:
    items = {table: _build(tree, completed) for table, tree in _tree(report.format).items()}
    if report.format.has_fees:
        items["fees"] = Names({"notices": report.fees.notices, "amount": report.fees.amount})
    return items


_names: WeakKeyDictionary = WeakKeyDictionary()


def names(report: Report) -> dict:
    """Every figure and report field text may refer to, by name (narrative placeholders too).
    Computed once per report."""
    if report not in _names:
        _names[report] = _make_names(report)
    return _names[report]


def _make_names(report: Report) -> dict:
    items = _tables(report, arithmetic.completed(report))
    items["report"] = Names({
        "agency": report.agency or placeholder("机关名称"),
        "year": report.year,
        "subject": report.subject or ("本机关" if report.kind == DEPARTMENT else "本级政府"),
        "download": _download(report),
        "contact": _contact(report),
        "published": chinese_date(report.published) if report.published else placeholder("发布日期"),
    })
    if report.linked.get("tasks") is not None:  # section 六 may cite the year's task table
        from reportgen.draft.kinds import task_names

        items["tasks"] = task_names(report.linked["tasks"])
    return items


def with_year_on_year(current: dict, previous: dict | None) -> dict:
    """The names for generated sentences: ``current`` plus ``yoy("requests.new.total")``,
    the change against last year's ``names`` ("" when there is no last year)."""
    return current | {"yoy": _year_on_year(current, previous)}


def lookup(names: dict, dotted: str):
    """The value of a dotted name, or None if there is none."""
    value: object = Names(names)
    for part in dotted.split("."):
        if not isinstance(value, Names) or part not in value:
            return None
        value = getattr(value, part)
    return None if isinstance(value, Names) else value


def _year_on_year(current: dict, previous: dict | None):
    def yoy(dotted: str, unit: str = "件") -> str:
        """"，较上年增加7件（30.4%）" and the like; "" without last year's figure."""
        if previous is None:
            return ""
        now, before = lookup(current, dotted), lookup(previous, dotted)
        if now is None or before is None:
            return ""
        change = now - before
        if change == 0:
            return "，与上年持平"
        word = "增加" if change > 0 else "减少"
        text = f"，较上年{word}{format_number(abs(change))}{unit}"
        if before:
            text += f"（{abs(change) / before:.1%}）"
        return text

    return yoy
