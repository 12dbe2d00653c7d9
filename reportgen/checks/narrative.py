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

``lint`` warns where the narrative *types* a number next to a key phrase (收到…申请 N件,
办结, 结转, 行政复议, 行政诉讼, 信息处理费) and the number disagrees with the tables.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

from functools import cache

from reportgen.draft import prose
from reportgen.model import Number, format_number
from reportgen.draft.prose import Names

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
    from jinja2 import Environment

    return Environment()


def problems(text: str, names: dict) -> list[Problem]:
    """Everything wrong with the placeholders of a narrative text."""
    if not has_placeholders(text):
        return []
    from jinja2 import TemplateSyntaxError, nodes

    try:
        tree = _parser().parse(text)
    except TemplateSyntaxError as error:
        return [Problem(error.lineno or 1, _line(text, error.lineno), f"占位符写法不对（{error.message}）。"
                        f"引用数字请写成 {EXAMPLE} 这样。草稿中原样印出这段文字。")]
    except RecursionError:
        return [Problem(1, _line(text, 1), f"占位符中的括号嵌套太深。引用数字请写成 {EXAMPLE} 这样。草稿中原样印出这段文字。")]
    found = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            found.append(Problem(node.lineno, _line(text, node.lineno),
                                 f"正文中只能用 {EXAMPLE} 这样的占位符引用数字，不能使用 {{% … %}} 语句；"
                                 "草稿中原样印出，不执行。"))
            continue
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData) or (isinstance(child, nodes.Const) and isinstance(child.value, str)):
                continue
            path = _dotted(child, nodes)
            if path is None:
                found.append(Problem(child.lineno, _line(text, child.lineno),
                                     f"占位符中只能写数字的名称，如 {EXAMPLE}；不能调用函数、用过滤器或访问内部属性。"))
                continue
            message = _unknown(path, names)
            if message:
                found.append(Problem(child.lineno, _snippet(text, path), message))
    return found


_PLACEHOLDER = re.compile(r"\{\{-?\s*([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*-?\}\}")


def render(text: str, names: dict) -> str:
    """Narrative text with each placeholder that names a figure replaced by the figure.

    Nothing is evaluated: anything else, including every construct ``problems`` refuses
    ({% … %}, calls, unknown names), is left exactly as written."""
    if "{{" not in text:
        return text

    def fill(match: re.Match) -> str:
        dotted = re.sub(r"\s+", "", match.group(1))
        if any(part.startswith("_") for part in dotted.split(".")):
            return match.group()
        value = prose.lookup(names, dotted)
        return match.group() if value is None else format_number(value)

    return _PLACEHOLDER.sub(fill, text)


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
            hint = f"是否应为“{'.'.join([*path[:depth], guess[0]])}”？" if guess else (
                f"这里可用的名称：{'、'.join(options)}。" if options and len(options) <= 12 else "")
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


# ------------------------------------------------------------------ lint

_NUMBER = r"(\d+(?:\.\d+)?)"
_GAP = r"[^0-9。；！？\n]{0,%d}?"

# (pattern, the figure it states, what it is called)
LINT_RULES = [
    (re.compile(r"(?:收到|新收|受理)[^。；，,\n]{0,10}?申请" + _GAP % 6 + _NUMBER + r"\s*件"),
     lambda n: n["requests"].new.total, "表三“一、本年新收政府信息公开申请数量”总计"),
    (re.compile(r"上年结转" + _GAP % 4 + _NUMBER + r"\s*件"),
     lambda n: n["requests"].carried_over.total, "表三“二、上年结转政府信息公开申请数量”总计"),
    (re.compile(r"办结" + _GAP % 4 + _NUMBER + r"\s*件"),
     lambda n: n["requests"].total.total, "表三“（七）总计”"),
    (re.compile(r"结转(?:至)?下一?年度?(?:继续办理)?" + _GAP % 4 + _NUMBER + r"\s*件"),
     lambda n: n["requests"].carry_forward.total, "表三“四、结转下年度继续办理”总计"),
    (re.compile(r"行政复议" + _GAP % 4 + _NUMBER + r"\s*件"),
     lambda n: n["appeals"].review.total, "表四“行政复议／总计”"),
    (re.compile(r"行政诉讼" + _GAP % 4 + _NUMBER + r"\s*件"),
     lambda n: n["appeals"].lawsuit_direct.total + n["appeals"].lawsuit_after_review.total,
     "表四“行政诉讼”两项总计之和"),
    (re.compile(r"信息处理费" + _GAP % 8 + _NUMBER + r"\s*元"),
     lambda n: n["fees"].amount if "fees" in n else None, "六、其他需要报告的事项中的信息处理费金额（元）"),
]

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_STATES_FIGURE = re.compile(r"\d\s*[件元]")


def may_state_figures(text: str) -> bool:
    """Whether ``lint`` could have anything to say (a number of 件 or 元 is typed)."""
    return bool(_STATES_FIGURE.search(text))


@dataclass(frozen=True)
class Mismatch:
    sentence: str
    typed: str
    actual: Number
    what: str


def lint(text: str, names: dict) -> list[Mismatch]:
    """Numbers typed beside a key phrase that disagree with the tables."""
    if not may_state_figures(text):
        return []
    found = []
    for sentence in _SENTENCE.findall(text):
        for pattern, figure, what in LINT_RULES:
            for match in pattern.finditer(sentence):
                actual = figure(names)
                if actual is not None and Decimal(match.group(1)) != Decimal(actual):
                    found.append(Mismatch(sentence.strip(), match.group(1), actual, what))
    return found


def lint_message(mismatch: Mismatch) -> str:
    return (
        f"正文“{mismatch.sentence}”中写的是 {mismatch.typed}，而{mismatch.what}为 "
        f"{format_number(mismatch.actual)}。请核对，或改用占位符让文字随表格更新。"
    )
