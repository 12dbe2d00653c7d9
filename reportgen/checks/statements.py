"""Numbers typed in the narrative, read against the tables.

Reports restate their tables in stock phrasings: "办结依申请公开81件，其中：予以公开及部分公开
42件，占51.85%；不予公开5件…", "行政复议36起", "现行有效行政规范性文件393件". The phrasings
are data (``reportgen/formats/statements.toml``); each says which figure it states. For
every sentence of a narrative text this module finds those statements and reports:

- a typed number that differs from the figure it states;
- a share (占N%) that the figures do not give, to the precision printed;
- a number typed for rows that the table leaves blank.

It reads; it never changes a figure or the text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from reportgen.model.names import Unread, lookup
from reportgen.model import Number, Report, format_number

RULES_FILE = Path(__file__).resolve().parent.parent / "formats" / "statements.toml"

_PIECES = {
    "{N}": r"(?P<n>\d+(?:\.\d+)?)",
    "{U}": r"\s*(?:件|起|个(?![工月小]))",
    "{G}": r"[^0-9。；！？\n]{0,6}?",
    "{P}": r"(?P<p>\d+(?:\.\d+)?)",
}


@dataclass(frozen=True)
class Statement:
    id: str
    written: str  # the rule's regular expression as statements.toml writes it
    figure: tuple[str, ...]
    what: str
    share: bool = False

    @property
    def pattern(self) -> re.Pattern:
        return _compiled(self.written)

    @property
    def keyword(self) -> str:
        """The longest run of Chinese every match of the rule holds: a sentence without it
        is not read with the rule (nor is the rule compiled for it)."""
        return _keyword(self.written)


@dataclass(frozen=True)
class Rules:
    statements: tuple[Statement, ...]
    share: re.Pattern
    share_of: tuple[str, ...]


def _filled(pattern: str) -> str:
    for piece, regex in _PIECES.items():
        pattern = pattern.replace(piece, regex)
    return pattern


@cache
def _compiled(written: str) -> re.Pattern:
    return re.compile(_filled(written))


_OPTIONAL = re.compile(r"\([^()]*\)|\[[^\]]*\]|\{[^}]*\}|\\.|.[?*+]")


@cache
def _keyword(written: str) -> str:
    """The longest literal run of Chinese outside every group, class, placeholder and
    quantified character of a pattern ("" if the pattern has alternatives at its top)."""
    plain = written
    while (shorter := _OPTIONAL.sub("\x00", plain)) != plain:
        plain = shorter
    if "|" in plain:  # alternatives at the top: no run is in every match
        return ""
    runs = re.findall(r"[\u4e00-\u9fff]+", plain)
    return max(runs, key=len) if runs else ""


@cache
def rules() -> Rules:
    """The rules, read once; each rule's regular expression is compiled when first needed."""
    with RULES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    statements = tuple(
        Statement(s["id"], s["pattern"], tuple(s["figure"]), s["what"], s.get("share", False))
        for s in data["statement"]
    )
    return Rules(statements, re.compile(_filled(data["shares"]["pattern"])), tuple(data["shares"]["of"]))


_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_STATES_FIGURE = re.compile(r"\d\s*[件起个元]")


def may_state_figures(text: str) -> bool:
    """Whether a text could restate a figure (a number of 件, 起, 个 or 元 is typed)."""
    return bool(_STATES_FIGURE.search(text))


@dataclass(frozen=True)
class Mismatch:
    sentence: str
    typed: str
    actual: Number | str
    what: str
    kind: str = "figure"  # figure, share, blank

    def message(self) -> str:
        if self.kind == "share":
            return f"正文“{self.sentence}”中写的占比是 {self.typed}%，而按表格{self.what}应为 {self.actual}%。请核对。"
        if self.kind == "blank":
            return (
                f"正文“{self.sentence}”中写了 {self.typed}，而{self.what}在表格中留空。请在表格中填上数字，或核对正文。"
            )
        actual = self.actual if isinstance(self.actual, str) else format_number(self.actual)
        return (
            f"正文“{self.sentence}”中写的是 {self.typed}，而{self.what}为 {actual}。"
            "请核对，或改用占位符让文字随表格更新。"
        )


def read(text: str, names: dict, blank: frozenset[str] = frozenset(), cells=None) -> list[Mismatch]:
    """Every statement in ``text`` that disagrees with the figures in ``names``.

    ``blank``: the keys of cells the report leaves blank; ``cells(name)`` gives the leaf cell
    keys a name sums (to tell whether the table left all of them blank)."""
    if not may_state_figures(text):
        return []
    found = []
    table = rules()
    for sentence in _SENTENCE.findall(text):
        masked = sentence
        for statement in table.statements:
            if statement.keyword not in masked:
                continue
            values = [lookup(names, name) for name in statement.figure]
            if any(v is None for v in values):
                continue  # a rule for another format
            if any(isinstance(v, Unread) for v in values):
                continue  # a figure an import could not read: check names the cells instead
            actual = sum(values, start=0)
            for match in statement.pattern.finditer(masked):
                typed = Decimal(match.group("n"))
                shown = sentence.strip()
                if cells is not None and blank and typed:
                    leaves = [key for name in statement.figure for key in cells(name)]
                    if leaves and all(key in blank for key in leaves):
                        found.append(Mismatch(shown, match.group("n"), "", statement.what, "blank"))
                        continue
                if typed != Decimal(actual):
                    found.append(Mismatch(shown, match.group("n"), actual, statement.what))
                elif statement.share:
                    found += _share(masked[match.end() :], actual, names, table, statement, shown)
            masked = statement.pattern.sub(lambda m: " " * len(m.group()), masked)
    return found


def _share(rest: str, count: Number, names: dict, table: Rules, statement: Statement, sentence: str) -> list[Mismatch]:
    match = table.share.match(rest)
    if not match:
        return []
    total = sum((lookup(names, n) or 0 for n in table.share_of), start=0)
    if not total or isinstance(total, Unread):
        return []
    printed = Decimal(match.group("p"))
    exponent = printed.as_tuple().exponent
    assert isinstance(exponent, int)  # digits as matched: a finite number
    places = Decimal(1).scaleb(exponent)
    exact = Decimal(count) * 100 / Decimal(total)
    allowed = {exact.quantize(places, ROUND_HALF_UP), exact.quantize(places, ROUND_DOWN)}
    if printed in allowed:
        return []
    what = f"{statement.what} {format_number(count)} ÷ 办结总数 {format_number(total)}"
    return [Mismatch(sentence, match.group("p"), format(exact.quantize(places, ROUND_HALF_UP), "f"), what, "share")]


def blank_cells(report: Report) -> frozenset[str]:
    return frozenset(key for key, figure in report.figures.items() if figure.blank)
