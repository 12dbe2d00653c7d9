"""The names text may use for figures and report fields: ``{{ requests.new.total }}``.

A report's names are every figure under its data-file key (``requests.new.total``), the
subtotals the format names (``requests.withheld.total``), the 信息处理费 (``fees.amount``) and
a few report fields (``report.year``). A document of another kind (a work summary, a
pre-2019 report) names its figures (``active_items``), their change on last year
(``yoy.active_items``) and the same year's task table (``tasks.summary``). Generated
sentences, narrative placeholders and the checks of stated figures all read these.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from weakref import WeakKeyDictionary

from reportgen.formats.statutory import Format, Header
from reportgen.model import DEPARTMENT, UNREAD, Document, Figure, Number, Report, format_number
from reportgen.model.task_progress import Progress
from reportgen.model.text import chinese_date, placeholder
from reportgen.model.totals import checks, completed

ANNUAL = "annual"  # the kind id of the annual report, as documents link it
TASKS = "tasks"


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
    totals = checks(fmt).totals
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


class Unread:
    """A figure an import could not read, as sentences name it: “【未读出】”. Whatever is
    added to or taken from it is unread too, and it counts as stated (true)."""

    __slots__ = ()

    def __add__(self, other):
        return self

    __radd__ = __sub__ = __rsub__ = __add__

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"【{UNREAD}】"


UNREAD_VALUE = Unread()


def _value(figures: list[Figure]) -> Number | Unread:
    if any(f.unread for f in figures):
        return UNREAD_VALUE
    return sum((f.value for f in figures), start=0)


def _build(tree: dict, values: dict[str, Figure]) -> Names:
    items: dict[str, Names | Number | Unread] = {}
    for name, leaf in tree.items():
        if isinstance(leaf, str):
            items[name] = UNREAD_VALUE if values[leaf].unread else values[leaf].value
        elif isinstance(leaf, tuple):
            items[name] = _value([values[key] for key in leaf])
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
    items = _tables(report, completed(report))
    items["report"] = Names(
        {
            "agency": report.agency or placeholder("机关名称"),
            "year": report.year,
            "subject": report.subject or ("本机关" if report.kind == DEPARTMENT else "本级政府"),
            "download": _download(report),
            "contact": _contact(report),
            "published": chinese_date(report.published) if report.published else placeholder("发布日期"),
        }
    )
    tasks = report.linked.get("tasks")
    if isinstance(tasks, Document):  # section 六 may cite the year's task table
        items["tasks"] = task_names(tasks)
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
        """ "，较上年增加7件（30.4%）" and the like; "" without last year's figure."""
        if previous is None:
            return ""
        now, before = lookup(current, dotted), lookup(previous, dotted)
        if now is None or before is None or isinstance(now, Unread) or isinstance(before, Unread):
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


# ------------------------------------------------------------------ documents of other kinds


def percent(change: Number, base: Number) -> str:
    """16% or 16.2%: one decimal, none when it is 0."""
    size = change.copy_abs() if isinstance(change, Decimal) else abs(change)
    text = f"{size / base * 100:.1f}".removesuffix(".0")
    return f"{text}%"


def figure_values(document: Document) -> dict[str, Number]:
    """Each figure's value: as stated, else (a work summary covering the whole year) from
    the same year's annual report, where the kind links the figure to its cells. A summary
    as of a cut-off date takes nothing from the annual report, whose figures are the whole
    year's. Blank figures are left out."""
    values: dict[str, Number] = {}
    annual = document.linked.get(ANNUAL)
    annual_names = names(annual) if isinstance(annual, Report) and document.partial_to is None else None
    for definition in document.format.figures:
        stated = document.figures.get(definition.key)
        if stated is not None and stated.value is not None:
            values[definition.key] = stated.value
        elif stated is None and annual_names is not None and definition.annual:
            found = [lookup(annual_names, key) for key in definition.annual]
            if all(v is not None for v in found):
                values[definition.key] = sum(found)
    return values


def last_year_values(document: Document, previous: Document | None) -> dict[str, Number]:
    """The same figures a year before: as the file states them (去年同期), else from last
    year's document of the same kind."""
    values = {k: s.last_year for k, s in document.figures.items() if s.last_year is not None}
    if previous is not None:
        for key, stated in previous.figures.items():
            if key not in values and stated.value is not None:
                values[key] = stated.value
    return values


def change_phrase(now: Number, before: Number | None, unit: str, same_period: bool) -> str:
    """“比去年同期增长16%”, “比上年减少3件”, “与上年持平”; "" without last year's figure."""
    if before is None:
        return ""
    against = "去年同期" if same_period else "上年"
    change = now - before
    if change == 0:
        return f"与{against}持平"
    if before:
        return f"比{against}{'增长' if change > 0 else '下降'}{percent(change, before)}"
    return f"比{against}增加{format_number(change)}{unit}"


def document_names(document: Document, previous: Document | None = None) -> dict:
    """Everything a placeholder in the document's text may name."""
    values = figure_values(document)
    last = last_year_values(document, previous)
    cutoff = document.fields.get("cutoff")
    same_period = cutoff is not None
    items: dict[str, object] = {}
    for definition in document.format.figures:
        stated = document.figures.get(definition.key)
        if definition.key in values:
            items[definition.key] = values[definition.key]
        elif stated is not None or (definition.annual and ANNUAL in document.unready):
            items[definition.key] = placeholder(definition.label)  # written "", or its annual report not ready
    units = {d.key: d.unit for d in document.format.figures}  # values holds only these figures' keys
    changes = {key: change_phrase(value, last.get(key), units[key], same_period) for key, value in values.items()}
    for definition in document.format.figures:  # a figure still to come: so does the comparison
        if definition.key not in values and isinstance(items.get(definition.key), str):
            changes[definition.key] = placeholder(f"{definition.label}与{'去年同期' if same_period else '上年'}比较")
    items["yoy"] = Names(changes)
    items["report"] = Names(
        {
            "agency": document.agency,
            "year": document.year,
            "next_year": document.year + 1,
            "cutoff": f"截至{chinese_date(cutoff)}" if cutoff else f"{document.year}年",
        }
    )
    answered = [
        f"{d.label}{format_number(values[d.key])}{d.unit}"
        for d in document.format.figures
        if d.outcome and values.get(d.key)
    ]
    if any(d.outcome for d in document.format.figures):
        items["answered"] = "、".join(answered)
    linked_tasks = document.linked.get(TASKS)
    if isinstance(linked_tasks, Document):
        items["tasks"] = task_names(linked_tasks)
    return items


def task_names(tasks_document: Document) -> Names:
    """``tasks.total``, ``tasks.done`` … and ``tasks.summary`` for a year's task table."""
    progress = Progress(tasks_document.tasks)
    return Names(
        {
            "total": progress.total,
            "done": progress.done,
            "ongoing": progress.ongoing,
            "not_started": progress.not_started,
            "summary": progress.summary(),
            "unfinished": "".join(progress.unfinished_lines()) or "无",
        }
    )
