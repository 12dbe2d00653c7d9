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


@dataclass(frozen=True)
class Figure:
    """A statutory figure and the short annotation printed after it, e.g. 22（其中修订16件）."""

    value: Number = 0
    note: str = ""
    blank: bool = False  # the source left the cell empty (written ""): counts as 0, prints empty

    def __str__(self) -> str:
        shown = "" if self.blank else format_number(self.value)
        return shown + (f"（{self.note}）" if self.note else "")


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

    def figure(self, key: str) -> Figure:
        """The figure the file states for a cell; an omitted figure is 0."""
        return self.figures.get(key, Figure())

    def unit(self, cell_key: str, default: str) -> str:
        return self.units.get(cell_key, default)
