"""Narrative text bound to the figures.

A clerk may write a figure into the narrative as a placeholder instead of typing it:

    全年共收到政府信息公开申请{{ requests.new.total }}件。

so that when the figures change, the prose changes with them. The names are the data
file's own keys (``reportgen keys`` and docs/reference.md list them). Placeholders are
the only template feature narrative text may use: no statements, calls, filters or
indexing. ``problems`` reports anything else (Jinja's parser reads the text, nothing is
run). ``render`` never evaluates anything: it replaces each ``{{ dotted.name }}`` that
names a figure by the figure, and leaves every other character as written, so refused text
is printed literally, a data file can neither run code nor read files, and rendering takes
time and space in proportion to the text.

Numbers *typed* into the narrative are read against the tables by
``reportgen.checks.statements``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from functools import cache

from reportgen.model import format_number
from reportgen.model.names import Names, lookup

EXAMPLE = "{{ requests.new.total }}"


@dataclass(frozen=True)
class Problem:
    """A placeholder that cannot be used, with the line of the text it is on (1-based)."""

    line: int
    snippet: str  # what to look for in the file, to name the file's line
    message: str


def has_placeholders(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


@cache
def _parser():
    from jinja2 import Environment  # imported when first used: start-up time

    return Environment()


def problems(text: str, names: dict) -> list[Problem]:
    """Everything wrong with the placeholders of a narrative text."""
    if not has_placeholders(text):
        return []
    from jinja2 import TemplateSyntaxError, nodes  # imported when first used: start-up time

    try:
        tree = _parser().parse(text)
    except TemplateSyntaxError as error:
        return [
            Problem(
                error.lineno or 1,
                _line(text, error.lineno),
                f"占位符写法不对（{error.message}）。引用数字请写成 {EXAMPLE} 这样。草稿中原样印出这段文字。",
            )
        ]
    except RecursionError:
        return [
            Problem(
                1, _line(text, 1), f"占位符中的括号嵌套太深。引用数字请写成 {EXAMPLE} 这样。草稿中原样印出这段文字。"
            )
        ]
    found = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            found.append(
                Problem(
                    node.lineno,
                    _line(text, node.lineno),
                    f"正文中只能用 {EXAMPLE} 这样的占位符引用数字，不能使用 {{% … %}} 语句；草稿中原样印出，不执行。",
                )
            )
            continue
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData) or (
                isinstance(child, nodes.Const) and isinstance(child.value, str)
            ):
                continue
            path = _dotted(child, nodes)
            if path is None:
                found.append(
                    Problem(
                        child.lineno,
                        _line(text, child.lineno),
                        f"占位符中只能写数字的名称，如 {EXAMPLE}；不能调用函数、用过滤器或访问内部属性。",
                    )
                )
                continue
            message = _unknown(path, names)
            if message:
                found.append(Problem(child.lineno, _snippet(text, path), message))
    return found


_PLACEHOLDER = re.compile(r"\{\{-?\s*([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*-?\}\}")


def render(text: str, names: dict, mark: str = "") -> str:
    """Narrative text with each placeholder that names a figure replaced by the figure.

    Nothing is evaluated: anything else, including every construct ``problems`` refuses
    ({% … %}, calls, unknown names), is left exactly as written. With ``mark``, each figure
    is wrapped as a marked piece ``marker(f"{mark}-{n}", figure)`` for the drafts' markers."""
    if "{{" not in text:
        return text
    count = 0

    def fill(match: re.Match) -> str:
        nonlocal count
        dotted = re.sub(r"\s+", "", match.group(1))
        if any(part.startswith("_") for part in dotted.split(".")):
            return match.group()
        value = lookup(names, dotted)
        if value is None:
            return match.group()
        count += 1
        return marker(f"{mark}-{count}", format_number(value)) if mark else format_number(value)

    return _PLACEHOLDER.sub(fill, text)


# A marked piece of generated text inside a line: START id OPEN text CLOSE. Private-use
# characters, which the schema keeps out of data files, so they never clash with text.
START, OPEN, CLOSE = "\ue001", "\ue002", "\ue003"
_MARKED = re.compile(f"{START}([^{OPEN}]*){OPEN}([^{CLOSE}]*){CLOSE}")


def marker(name: str, text: str) -> str:
    return f"{START}{name}{OPEN}{text}{CLOSE}"


def segments(line: str) -> tuple[tuple[str, str], ...]:
    """A line as (text, marker name or "") pieces; () when nothing in it is marked."""
    if START not in line:
        return ()
    pieces, position = [], 0
    for match in _MARKED.finditer(line):
        if match.start() > position:
            pieces.append((line[position : match.start()], ""))
        pieces.append((match.group(2), match.group(1)))
        position = match.end()
    if position < len(line):
        pieces.append((line[position:], ""))
    return tuple(pieces)


def unmarked(line: str) -> str:
    return _MARKED.sub(lambda m: m.group(2), line)


def _dotted(node, nodes) -> list[str] | None:
    """["requests", "new", "total"] for requests.new.total; None for anything else."""
    parts = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    parts.append(node.name)
    return parts[::-1]


def _unknown(path: list[str], names: dict) -> str:
    """A message if the dotted name does not lead to a figure, else ''."""
    here: object = Names(names)
    for depth, part in enumerate(path):
        options = list(here) if isinstance(here, Names) else []
        if part.startswith("_") or part not in options:
            known = ".".join(path[:depth])
            shown = ".".join(path)
            guess = difflib.get_close_matches(part, options, n=1, cutoff=0.6)
            hint = (
                f"是否应为“{'.'.join([*path[:depth], guess[0]])}”？"
                if guess
                else (f"这里可用的名称：{'、'.join(options)}。" if options and len(options) <= 12 else "")
            )
            where = f"“{known}”下" if known else ""
            return f"占位符中的名称“{shown}”不存在：{where}没有“{part}”。{hint}可用的名称见 reportgen keys。"
        here = getattr(here, part)
    if isinstance(here, Names):
        return f"占位符“{'.'.join(path)}”指的是一组数字，请写到具体的一项，如“{'.'.join(path)}.{next(iter(here))}”。"
    return ""


def _line(text: str, lineno: int | None) -> str:
    lines = text.splitlines() or [""]
    return lines[min(max((lineno or 1) - 1, 0), len(lines) - 1)].strip()


def _snippet(text: str, path: list[str]) -> str:
    match = re.search(r"\{\{\s*" + r"\s*\.\s*".join(map(re.escape, path)), text)
    return match.group() if match else ".".join(path)
