"""A 任务分解表 as a printed table, and what other documents say about it.

``task_table`` lays the tasks out as a list table: a header row repeated on every page,
a row spanning the full width for each heading (“一、…”, “（一）…”), and a row per task.
``by_division`` is the same tasks regrouped under each division (牵头 first, then 协办),
which is what divisions ask for.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.formats.layout import CAPTION, HEADER, LABEL, Grid, GridCell
from reportgen.kinds import Column
from reportgen.model import Document, Task

LIST = "list"  # the kind of a list table (beside the statutory matrix and blocks tables)


@dataclass(frozen=True)
class ListTable:
    """What renderers ask of a printed table's definition, for a table that is a list."""

    key: str
    short_name: str
    title: str
    kind: str = LIST

    @property
    def full_name(self) -> str:
        return self.title


def columns(document: Document):
    """The columns to print: every fixed one, and each optional one some task fills in."""
    return [
        c for c in document.format.columns if not c.optional or any(_cell(task, c.field) for task in document.tasks)
    ]


def _cell(task: Task, field: str) -> str:
    value = getattr(task, field)
    if isinstance(value, tuple):
        return "、".join(value)
    if field == "number":
        return str(value)
    if field == "task" and task.carried:
        return f"{value}（{task.carried}年结转）"
    return str(value or "")


def _grid(cols, rows: list[tuple[str, str | list[str]]], headed: bool = False) -> Grid:
    """rows: ("heading", text) or ("task", [cell texts]). ``headed``: the first row, a heading,
    repeats with the column headers at the top of each page."""
    width = len(cols)
    grid_rows = [tuple(GridCell(i, HEADER, c.label) for i, c in enumerate(cols))]
    for kind, content in rows:
        if kind == "heading":
            assert isinstance(content, str)  # a heading's row is its text
            grid_rows.append((GridCell(0, CAPTION, content, colspan=width, align="left"),))
        else:
            grid_rows.append(
                tuple(
                    GridCell(i, LABEL, text, align="center" if c.field in ("number", "status") else "")
                    for i, (c, text) in enumerate(zip(cols, content))
                )
            )
    return Grid(width, 2 if headed else 1, 0, tuple(grid_rows), weights=tuple(c.width for c in cols), whole=False)


def task_table(document: Document) -> tuple[ListTable, Grid]:
    """The task table, grouped under its headings in the order the tasks come."""
    cols = columns(document)
    rows: list[tuple[str, str | list[str]]] = []
    current_top = current_sub = None
    for task in document.tasks:
        heading = document.heading(task.heading)
        if heading is not None:
            top = document.heading(heading.top)
            if top is not None and top.path != current_top:
                rows.append(("heading", top.printed))
                current_top, current_sub = top.path, None
            if heading.path != heading.top and heading.path != current_sub:
                rows.append(("heading", heading.printed))
                current_sub = heading.path
        rows.append(("task", [_cell(task, c.field) for c in cols]))
    title = f"{document.year}年政务公开任务分解表"
    return ListTable("tasks", "任务分解表", title), _grid(cols, rows)


def divisions(document: Document) -> list[str]:
    """Every unit named, in the order first named (牵头 before 协办)."""
    names: dict[str, None] = {}
    for task in document.tasks:
        names.update(dict.fromkeys(task.lead))
    for task in document.tasks:
        names.update(dict.fromkeys(task.assist))
    return list(names)


def by_division(document: Document) -> list[tuple[ListTable, Grid]]:
    """The tasks under each division, a table each: its heading (“预算处（牵头5项，协办3项）”)
    under the column headers, both repeated at the top of every page the division's tasks
    run onto; a 分工 column says 牵头 or 协办."""
    base = [c for c in columns(document) if c.field not in ("lead",)]
    cols = [base[0], Column("role", "分工", 1.4), *base[1:]]
    tables = []
    for number, unit in enumerate(divisions(document), 1):
        led = [t for t in document.tasks if unit in t.lead]
        helped = [t for t in document.tasks if unit in t.assist]
        counts = "，".join(
            p for p in (f"牵头{len(led)}项" if led else "", f"协办{len(helped)}项" if helped else "") if p
        )
        rows: list[tuple[str, str | list[str]]] = [("heading", f"{unit}（{counts}）")]
        for role, tasks in (("牵头", led), ("协办", helped)):
            for task in tasks:
                rows.append(("task", [role if c.field == "role" else _cell(task, c.field) for c in cols]))
        title = f"{document.year}年政务公开任务分解表（按牵头处室）：{unit}"
        tables.append((ListTable(f"tasks_by_division_{number}", "任务分解表", title), _grid(cols, rows, headed=True)))
    return tables
