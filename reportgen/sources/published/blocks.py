"""A published report as the importers read it: text paragraphs and tables, in order.

Every reader (HTML, Word, PDF, Markdown, plain text) turns its file into a ``Document``;
``reportgen.sources.published.recover`` then finds the report in it. A table is a grid:
a cell covered by a merge from above or from the left repeats the text of the cell that
covers it, marked ``origin=False``, so that labels can be read on every row they span and
a figure is counted once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache


@dataclass(frozen=True)
class Cell:
    text: str
    origin: bool = True  # False: covered by a merged cell that starts above or to the left


@dataclass
class Grid:
    rows: list[list[Cell]]
    where: str  # "第2个表格", "第3页表格" — for messages

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class Document:
    source: str  # the file, for messages
    blocks: list[str | Grid] = field(default_factory=list)  # paragraphs and tables, in order; "" an empty line
    flat: bool = False  # tables flattened into one cell per line (no table markup)
    meta: dict[str, str] = field(default_factory=dict)  # what the page says of itself: "published"

    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str) and b.strip()]

    def lines(self) -> list[str]:
        """The text, empty lines included: in text without table markup, an empty line may
        be a blank cell."""
        return [b for b in self.blocks if isinstance(b, str)]

    def tables(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]


def expand(rows: list[list[tuple[str, int, int]]], where: str) -> Grid:
    """A grid from rows of (text, colspan, rowspan) cells, as HTML and Word state them."""
    grid: list[list[Cell | None]] = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        column = 0
        for text, colspan, rowspan in row:
            while column < len(grid[r]) and grid[r][column] is not None:
                column += 1
            for dr in range(max(1, rowspan)):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                for dc in range(max(1, colspan)):
                    while len(target) <= column + dc:
                        target.append(None)
                    target[column + dc] = Cell(text, origin=dr == 0 and dc == 0)
            column += max(1, colspan)
    width = max((len(r) for r in grid), default=0)
    return Grid([[c or Cell("") for c in row] + [Cell("")] * (width - len(row)) for row in grid], where)


# ------------------------------------------------------------------ normalising text

# CJK radicals that PDF printers write for the ideographs they look like (a font shares the
# glyph, and the PDF names the radical): the CJK Radicals Supplement has no compatibility
# mapping, so they are listed here (after Unicode's EquivalentUnifiedIdeograph.txt), with
# 戶 for 户, which Noto CJK SC prints from one glyph. Kangxi radicals (⼀ U+2F00…) and
# ligatures (ﬁ) have a compatibility mapping, used as it is.
_SUPPLEMENT = str.maketrans(
    "⺁⺇⺌⺒⺓⺕⺗⺝⺟⺠⺡⺢⺣⺤⺦⺧⺨⺩⺫⺬⺭⺮⺯⺰⺲⺳⺶⺷⺹⺺⺻⺼⺽⺾⻀⻁⻂⻃⻄⻅⻆⻈⻉⻋⻌⻍⻏⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻬⻮⻰⻳戶",
    "厂几小巳幺彐心月母民氵氺灬爫丬牜犭王罒示礻竹糹纟罒罓羊羊耂肀聿月臼艹艹虎衤覀西见角讠贝车辶辶阝钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄齐齿龙龟户",
)


def ideographs(text: str) -> str:
    """Text as a PDF's characters give it, with radicals and ligatures made the characters
    they stand for (⻔户 → 门户, ⺠ → 民, ⼀ → 一)."""
    text = "".join(
        unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" or "\ufb00" <= ch <= "\ufb06" else ch
        for ch in text
    )
    return text.translate(_SUPPLEMENT)


_PUNCTUATION = str.maketrans(
    {
        "(": "（",
        ")": "）",
        "、": ".",
        "．": ".",
        "。": ".",
        "，": ",",
        "“": '"',
        "”": '"',
        "：": ":",
        "；": ";",
        "／": "/",
    }
)


@lru_cache(maxsize=65536)  # labels repeat, in a report and from one report to the next
def normal(text: str) -> str:
    """Text as labels are compared: full-width letters and digits made half-width, brackets
    made full-width, 1、 made 1., and every space and line break removed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PUNCTUATION)
    return re.sub(r"\s+", "", text)


_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_BLANK = re.compile(r"^[-—–/\\_、\s]*$")


def number(text: str):
    """The figure a cell states: an int or Decimal, "" for a blank cell, None for text."""
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace("，", "").strip()
    cleaned = re.sub(r"\s+", "", cleaned)
    if _BLANK.match(cleaned):
        return ""
    if not _NUMBER.match(cleaned):
        return None
    return int(cleaned) if "." not in cleaned else Decimal(cleaned)


_WITH_NOTE = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?)\s*[(（](.+?)[)）]$", re.S)


def figure(text: str):
    """``number``, or a figure printed with its note, "41（其中修订3件）", as
    {"value": 41, "note": "其中修订3件"}; None for text that is no figure."""
    value = number(text)
    if value is not None:
        return value
    match = _WITH_NOTE.match(text.strip())
    if match and (value := number(match.group(1))) not in (None, ""):
        note = re.sub(r"\s+", "", match.group(2))
        return {"value": value, "note": note}
    return None
