"""One agency's report for one year: metadata, narrative text and statutory figures.

A ``Report`` holds what the data file states, nothing more: figures the file omits are 0,
and totals are not stored here but computed by ``reportgen.arithmetic``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from reportgen.formats.statutory import Format
from reportgen.kinds import Kind

DEPARTMENT = "部门"
GOVERNMENT = "政府"
KINDS = (DEPARTMENT, GOVERNMENT)

# Publication deadline in the year after the report year (条例 art. 49): (month, day).
DEADLINES = {DEPARTMENT: (1, 31), GOVERNMENT: (3, 31)}

# Characters XML 1.0 forbids, which a Word document therefore cannot hold.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def deadline(year: int, kind: str) -> date:
    """The last day to publish the report of ``year`` by an agency of ``kind``."""
    month, day = DEADLINES[kind]
    return date(year + 1, month, day)


Number = int | Decimal

# How a data file writes a cell an import could not read from its source. Not blank (the
# publisher left the cell empty: "") and not 0: ``check`` reports it as an error until a
# person types the figure, and a total with an unread part is unread too.
UNREAD = "未读出"


@dataclass(frozen=True)
class Figure:
    """A statutory figure and the short annotation printed after it, e.g. 22（其中修订16件）."""

    value: Number = 0
    note: str = ""
    blank: bool = False  # the source left the cell empty (written ""): counts as 0, prints empty
    unread: bool = False  # an import could not read the cell (written "未读出"): no value at all

    def __str__(self) -> str:
        shown = UNREAD if self.unread else "" if self.blank else format_number(self.value)
        return shown + (f"（{self.note}）" if self.note else "")

    @property
    def written(self) -> Number | str:
        """The figure as a data file writes it: its value, or "未读出"."""
        return UNREAD if self.unread else self.value


def format_number(value: Number) -> str:
    """A figure as printed: integers plainly, amounts with exactly the decimals given."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass(frozen=True)
class Contact:
    office: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Download:
    """Where the electronic version of the report can be downloaded."""

    site: str = ""
    url: str = ""


@dataclass(frozen=True)
class ProcessingFees:
    """信息处理费 (section 六): unrelated to table 二's 行政事业性收费."""

    notices: Number = 0  # fee notices issued
    amount: Number = 0  # amount collected, in 元


@dataclass(eq=False)  # compared by identity, so that computed views of it can be cached
class Report:
    agency: str
    year: int
    kind: str
    format: Format
    published: date | None = None
    contact: Contact = field(default_factory=Contact)
    download: Download = field(default_factory=Download)
    text: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)  # by cell key, as stated
    units: dict[str, str] = field(default_factory=dict)  # amount units the file states, by cell key
    fees: ProcessingFees = field(default_factory=ProcessingFees)
    source: Path | None = None
    subject: str = ""  # how generated sentences name the reporter; by default 本机关 or 本级政府
    # Row groups the file states as one row ("requests.other"); their figure is kept under the
    # group's first sub-row, and drafts print the group as one merged row.
    collapsed: frozenset[str] = frozenset()
    linked: dict[str, Report | Document] = field(default_factory=dict)  # the same year's other documents, by kind id

    def figure(self, key: str) -> Figure:
        """The figure the file states for a cell; an omitted figure is 0."""
        return self.figures.get(key, Figure())

    def unit(self, cell_key: str, default: str) -> str:
        return self.units.get(cell_key, default)


# ------------------------------------------------------------------ other document kinds


@dataclass(frozen=True)
class Stated:
    """A figure of a work summary or a pre-2019 report: its value (None: left blank ""),
    and the same figure a year before when the file states it (去年同期)."""

    value: Number | None
    last_year: Number | None = None
    note: str = ""


@dataclass(frozen=True)
class Heading:
    path: str  # "一" or "一（一）"
    title: str

    @property
    def top(self) -> str:
        return self.path.split("（", 1)[0]

    @property
    def printed(self) -> str:
        """“一、标题” or “（一）标题”."""
        sub = self.path[len(self.top) :]
        return f"{sub}{self.title}" if sub else f"{self.path}、{self.title}"


@dataclass(frozen=True)
class Task:
    number: int
    task: str
    heading: str = ""  # the path of its heading
    requirement: str = ""
    lead: tuple[str, ...] = ()
    assist: tuple[str, ...] = ()
    deadline: str = ""
    status: str = ""  # 完成, 推进中, 未启动, or "" (not stated)
    progress: str = ""
    carried: int = 0  # carried over from that year's task table
    line: int | None = None  # of its [[task]] header
    key_lines: tuple[tuple[str, int], ...] = ()  # the line of each key written

    def line_of(self, key: str) -> int | None:
        return dict(self.key_lines).get(key, self.line)


DONE = "完成"


@dataclass(eq=False)
class Document:
    """A data file of a kind other than the statutory annual report (``reportgen.kinds``).
    ``format`` is its kind, as a report's ``format`` is its statutory format."""

    format: Kind
    agency: str
    year: int
    fields: dict[str, object] = field(default_factory=dict)  # [report], as read
    text: dict[str, str] = field(default_factory=dict)  # [text], by section key
    free_sections: tuple[tuple[str, str], ...] = ()  # [[section]]: (heading, text)
    figures: dict[str, Stated] = field(default_factory=dict)
    headings: tuple[Heading, ...] = ()
    tasks: tuple[Task, ...] = ()
    source: Path | None = None
    kind: str = ""  # a report's 部门/政府; other kinds have none
    linked: dict[str, Report | Document] = field(default_factory=dict)  # the same year's other documents, by kind id
    unready: dict[str, str] = field(default_factory=dict)  # those found but not drawn on yet, and why, by kind id

    def text_field(self, key: str) -> str:
        """A text field of [report] as read ("" if absent): the kind's text fields hold only text."""
        value = self.fields.get(key, "")
        return value if isinstance(value, str) else ""

    @property
    def published(self) -> date | None:
        value = self.fields.get("date")  # kind_data.value admits only a date here
        return value if isinstance(value, date) else None

    @property
    def partial_to(self) -> date | None:
        """The cut-off date of figures that do not cover the whole year (a work summary
        written as of 7 December); None for the whole year's."""
        cutoff = self.fields.get("cutoff")  # kind_data.value admits only a date here
        return cutoff if isinstance(cutoff, date) and (cutoff.month, cutoff.day) != (12, 31) else None

    def heading(self, path: str) -> Heading | None:
        return next((h for h in self.headings if h.path == path), None)
