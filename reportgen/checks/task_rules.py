"""Checks of a 任务分解表: numbering, headings, 牵头 and 协办, status.

- numbers: a number given twice is an error; a gap or a number out of order a warning;
- headings: a task's heading, and the parent of a sub-heading, must be declared in
  ``[[heading]]``; a heading declared twice is an error;
- units: no unit may be both 牵头 and 协办 of the same task, nor named twice in one list;
- status: a task not 完成 should say why in its 落实情况 (a warning, once the table
  records any status at all).
"""

from __future__ import annotations

from collections import Counter

from reportgen.checks.findings import UNFILLED
from reportgen.model.findings import Finding, error, warning
from reportgen.model.text import PROMPT, chinese_number, chinese_value
from reportgen.model import DONE, Document, Task


def _where(task: Task, position: int, key: str = "") -> dict:
    return {"key": f"task[{position}]" + (f".{key}" if key else ""), "line": task.line_of(key)}


def _name(task: Task) -> str:
    text = task.task if len(task.task) <= 24 else task.task[:23] + "…"
    return f"任务 {task.number}“{text}”"


def check(document: Document) -> list[Finding]:
    return numbering(document) + headings(document) + units(document) + status(document) + unfilled(document)


def unfilled(document: Document) -> list[Finding]:
    """Headings and tasks that still hold init's 【待填写…】 prompts."""
    texts = [h.title for h in document.headings]
    texts += [
        value
        for task in document.tasks
        for value in (task.task, task.requirement, *task.lead, *task.assist, task.progress)
    ]
    waiting = sum(1 for text in texts if PROMPT in text)
    if not waiting:
        return []
    return [warning(UNFILLED, f"还有 {waiting} 处写着【待填写】，草稿中照样印出。", key="task")]


def numbering(document: Document) -> list[Finding]:
    found = []
    seen: dict[int, int] = {}
    expected = 1
    for position, task in enumerate(document.tasks, 1):
        if task.number in seen:
            found.append(
                error(
                    "task-number",
                    f"序号 {task.number} 用了两次（第 {seen[task.number]} 项和第 {position} 项任务）。"
                    "序号应从 1 起连续编号；不写序号时按先后自动编号。",
                    expected=expected,
                    actual=task.number,
                    **_where(task, position, "number"),
                )
            )
        elif task.number != expected:
            word = "跳过了" if task.number > expected else "倒退到"
            missing = (
                f"（缺少 {expected}—{task.number - 1}）"
                if task.number > expected + 1
                else (f"（缺少 {expected}）" if task.number > expected else "")
            )
            found.append(
                warning(
                    "task-number",
                    f"{_name(task)}的序号{word} {task.number}，应为 {expected}{missing}。序号应从 1 起连续编号。",
                    expected=expected,
                    actual=task.number,
                    **_where(task, position, "number"),
                )
            )
        seen.setdefault(task.number, position)
        expected = task.number + 1
    return found


def headings(document: Document) -> list[Finding]:
    found = []
    declared = Counter(h.path for h in document.headings)
    for path, times in declared.items():
        if times > 1:
            found.append(error("heading", f"分组标题“{path}”写了 {times} 次。", key="heading"))
    for heading in document.headings:
        if heading.path != heading.top and heading.top not in declared:
            found.append(
                error(
                    "heading",
                    f"分组标题“{heading.printed}”属于“{heading.top}、”，但没有写“{heading.top}”这一级标题"
                    f'（[[heading]] path = "{heading.top}"）。',
                    key="heading",
                )
            )
    known = "、".join(f"“{h.path}”" for h in document.headings) or "（没有写 [[heading]]）"
    for position, task in enumerate(document.tasks, 1):
        if task.heading and task.heading not in declared:
            found.append(
                error(
                    "heading",
                    f"{_name(task)}的所属标题“{task.heading}”不存在。已有的标题：{known}。",
                    actual=task.heading,
                    **_where(task, position, "heading"),
                )
            )
    found += heading_order(document)
    found += heading_gaps(document)
    if document.headings and any(not t.heading for t in document.tasks):
        first = next(p for p, t in enumerate(document.tasks, 1) if not t.heading)
        found.append(
            warning(
                "heading",
                f"有 {sum(1 for t in document.tasks if not t.heading)} 项任务没有写所属标题（heading），"
                f"印在表格最前面，不在任何分组下（第一项是第 {first} 项）。",
                **_where(document.tasks[first - 1], first, "heading"),
            )
        )
    return found


def units(document: Document) -> list[Finding]:
    found = []
    for position, task in enumerate(document.tasks, 1):
        both = [unit for unit in task.lead if unit in task.assist]
        if both:
            found.append(
                error(
                    "task-units",
                    f"{_name(task)}中，“{'、'.join(both)}”既是牵头处室又是协办单位。请只保留一处。",
                    actual="、".join(both),
                    **_where(task, position, "assist"),
                )
            )
        for key, label, names in (("lead", "牵头处室", task.lead), ("assist", "协办单位", task.assist)):
            twice = [unit for unit, n in Counter(names).items() if n > 1]
            if twice:
                found.append(
                    warning(
                        "task-units",
                        f"{_name(task)}的{label}中“{'、'.join(twice)}”写了两次。",
                        **_where(task, position, key),
                    )
                )
    return found


def status(document: Document) -> list[Finding]:
    if not any(task.status for task in document.tasks):
        return []
    found = []
    for position, task in enumerate(document.tasks, 1):
        if not task.status:
            found.append(
                warning("task-status", f"{_name(task)}没有写状态（完成、推进中或未启动）。", **_where(task, position))
            )
        elif task.status != DONE and not task.progress:
            found.append(
                warning(
                    "task-status",
                    f"{_name(task)}{task.status}，请在落实情况（progress）中写明进展和未完成的原因。",
                    **_where(task, position, "status"),
                )
            )
    return found


def heading_gaps(document: Document) -> list[Finding]:
    """Headings numbered with a gap (“一”, then “三”; “一（二）” with no “一（一）”): a warning,
    since the table then reads as if a part were missing."""
    found = []
    tops = [h for h in document.headings if h.path == h.top]
    groups = [("", tops)] + [
        (top.path, [h for h in document.headings if h.top == top.path and h.path != h.top]) for top in tops
    ]
    for parent, headings in groups:
        for expected, heading in enumerate(headings, 1):
            number = chinese_value(heading.path[len(parent) :].strip("（）"))
            if number and number != expected:
                want = f"{parent}（{chinese_number(expected)}）" if parent else chinese_number(expected)
                found.append(
                    warning(
                        "heading-gap",
                        f"分组标题“{heading.path}”前面没有“{want}”：标题应连续编号（下一年的任务表结转后，"
                        f"可以把“{heading.path}”改为“{want}”）。",
                        key="heading",
                    )
                )
                break
    return found


def heading_order(document: Document) -> list[Finding]:
    """Tasks are printed under their headings in the order they come: a heading whose tasks
    are split up would print twice, and a task directly under “一” that follows the tasks of
    “一（一）” would print as if it belonged to “一（一）”."""
    found = []
    finished: set[str] = set()
    last = None
    for position, task in enumerate(document.tasks, 1):
        if task.heading == last:
            continue
        if task.heading in finished:
            found.append(
                warning(
                    "heading-order",
                    f"{_name(task)}属于“{task.heading}”，但前面已经有别的标题的任务隔开，"
                    f"表格中“{task.heading}”会再印一次。请把同一标题下的任务写在一起。",
                    **_where(task, position, "heading"),
                )
            )
        elif last and task.heading and "（" not in task.heading and last.startswith(task.heading + "（"):
            found.append(
                warning(
                    "heading-order",
                    f"{_name(task)}直属“{task.heading}”，却排在“{last}”的任务之后，表格中会像是属于“{last}”。"
                    f"请把它移到“{last}”的任务之前。",
                    **_where(task, position, "heading"),
                )
            )
        if last is not None:
            finished.add(last)
        last = task.heading
    return found
