"""Sentences generated from the figures, so that the text always agrees with the tables.

The opening paragraph and the lead sentences of sections 二, 三, 四, 六 and of
（二）依申请公开 are Jinja templates in the format data. They are rendered here, in a
sandboxed environment, against ``names``: every figure under its data-file key
(``requests.new.total``), the subtotals the format names (``requests.withheld.total``),
the 信息处理费 (``fees.amount``) and a few report fields (``report.year``).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .model import DEPARTMENT, Figure, Report, format_number
from .statutory import Header, Table


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


ENVIRONMENT = ImmutableSandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, finalize=_finalize, keep_trailing_newline=False
)


@lru_cache(maxsize=512)
def compile_template(source: str):
    return ENVIRONMENT.from_string(source)


def render(source: str, names: dict) -> str:
    return compile_template(source).render(names).strip()


PROMPT = "【待填写"


def placeholder(what: str) -> str:
    """The visible mark a draft prints where something is still to be filled in."""
    return f"{PROMPT}：{what}】"


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ------------------------------------------------------------------ names


def _nest(items: dict, path: list[str], value: object) -> None:
    for part in path[:-1]:
        items = items.setdefault(part, {})
    items[path[-1]] = value


def _freeze(items: object) -> object:
    if isinstance(items, dict):
        return Names({k: _freeze(v) for k, v in items.items()})
    return items


def _subtotals(table: Table, values: dict[str, Figure], into: dict) -> None:
    """Add the sum of each named row group, column by column."""

    def walk(nodes: tuple[Header, ...]) -> None:
        for node in nodes:
            if node.subtotal:
                row_ids = [leaf.key for leaf in node.leaves()]
                for column in table.rows[0].columns:
                    total = sum((values[_key(table, r, column.id)].value for r in row_ids), start=0)
                    _nest(into, [node.subtotal, *column.id.split(".")], total)
            walk(node.children)

    walk(table.row_tree)


def _key(table: Table, row_id: str, column_id: str) -> str:
    return ".".join(p for p in (table.key, row_id, column_id) if p)


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
    items: dict = {}
    for table in report.format.tables.values():
        tree: dict = {}
        for cell in table.cells():
            path = [p for p in (cell.row.id, *cell.column.id.split(".")) if p]
            _nest(tree, path, completed[cell.key].value)
        if table.kind == "matrix":
            _subtotals(table, completed, tree)
        items[table.key] = tree
    if report.format.has_fees:
        items["fees"] = {"notices": report.fees.notices, "amount": report.fees.amount}
    return items


def names(report: Report, completed: dict[str, Figure]) -> dict:
    """Every figure and report field text may refer to, by name (narrative placeholders too)."""
    items = _tables(report, completed)
    items["report"] = {
        "agency": report.agency or placeholder("机关名称"),
        "year": report.year,
        "subject": "本机关" if report.kind == DEPARTMENT else "本级政府",
        "download": _download(report),
        "contact": _contact(report),
        "published": chinese_date(report.published) if report.published else placeholder("发布日期"),
    }
    return {name: _freeze(value) for name, value in items.items()}


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
