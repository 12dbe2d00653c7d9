"""A report as a document: title, paragraphs, headings and printed tables, before any file format.

``build_draft`` is pure. The Markdown and Word renderers turn the same ``Draft`` into
their files, so the two drafts cannot say different things.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from reportgen.checks import narrative
from reportgen.checks.crossyear import REVIEW_MARK
from reportgen.draft import prose
from reportgen.formats import layout
from reportgen.formats.layout import Grid
from reportgen.formats.statutory import Table
from reportgen.model import Figure, Report, totals
from reportgen.model.findings import Finding
from reportgen.model.names import names as report_names
from reportgen.model.names import with_year_on_year
from reportgen.model.text import missing_texts, placeholder

PARAGRAPH = "paragraph"
SUBHEADING = "subheading"
TABLE = "table"
NOTE = "note"  # a small note under a table
PLACEHOLDER = "placeholder"  # 【待填写：…】

# A line such as "（一）加强组织领导，确保有效开展" is a sub-heading: it starts with a
# Chinese ordinal in brackets, is short, and does not end like a sentence.
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]{1,3}）[^。；：！？]{1,40}$")


class TableDefinition(Protocol):
    """What renderers ask of a printed table's definition: a statutory ``Table``, or a
    list table (``reportgen.draft.task_table.ListTable``)."""

    @property
    def key(self) -> str: ...
    @property
    def short_name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def full_name(self) -> str: ...


@dataclass(frozen=True)
class PrintedTable:
    """A statutory table ready to print: its layout grid and the text of each figure, in the
    order of ``grid.values``."""

    table: TableDefinition
    grid: Grid
    values: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    table: PrintedTable | None = None
    marker: str = ""  # the whole block comes from the figures: its marker's name
    segments: tuple[tuple[str, str], ...] = ()  # (text, marker name or "") where a line holds figures


@dataclass(frozen=True)
class DraftSection:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Draft:
    title: str
    opening: tuple[str, ...]
    sections: tuple[DraftSection, ...]
    signature: tuple[str, str]  # agency, date
    published: date | None = None
    findings: tuple[str, ...] = field(default=())  # printed at the end of an unchecked draft
    template: str = "report.docx"  # the Word template of the document's kind
    signed: bool = True  # ends with the agency and date (a task table does not)
    addressee: str = ""  # 主送机关, printed flush left before the opening
    report: object = field(default=None, compare=False, repr=False)  # what it was drafted from (open data)
    previous: object = field(default=None, compare=False, repr=False)  # last year's report, when beside it (图解)

    @property
    def title_lines(self) -> tuple[str, ...]:
        """The title as printed: broken after the agency name when it does not fit on a line."""
        return title_lines(self.title, self.signature[0])

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def flag_note(self) -> str:
        return f"本草稿的数据未通过核对，共 {len(self.findings)} 个问题，见文末“数据核对问题清单”。核对无误前请勿发布。"


TITLE_LINE = 19  # characters of 二号 (22 pt) that fit a line of A4 with the 公文 margins, with room to spare
# Where a title may break besides after the agency: before 统计汇总表 (the 汇总), before
# 政府信息公开, and before 及 (“……工作总结” / “及2027年工作思路”).
_TITLE_BREAKS = ("统计汇总表", "政府信息公开", "及")


def _title_width(text: str) -> float:
    """Width in characters of 二号: a digit or Latin letter is a little over half a
    character (Noto and 小标宋 digits are not quite half as wide as a CJK character)."""
    return sum(0.6 if ch.isascii() else 1 for ch in text)


def title_lines(text: str, agency: str = "") -> tuple[str, ...]:
    """A title broken by meaning: the agency name on the first line and the rest on the
    second ("青川市财政局" / "2025年政府信息公开工作年度报告"), or before 统计汇总表 when the
    rest is still too long. A line is never broken inside a word or a number, and no line
    is a stub of one or two characters. A title that fits stays on one line."""
    if _title_width(text) <= TITLE_LINE:
        return (text,)
    cuts = [len(agency)] if agency and text.startswith(agency) else []
    cuts += [text.find(marker) for marker in _TITLE_BREAKS if text.find(marker) > 0]
    for cut in cuts:
        first, second = text[:cut], text[cut:]
        if (
            len(first) > 2
            and len(second) > 2
            and _title_width(first) <= TITLE_LINE
            and _title_width(second) <= TITLE_LINE
        ):
            return (first, second)
    return (text,)


def title_lines_at(text: str, breaks: tuple[str, ...], after: str = "", most: int = 3) -> tuple[str, ...]:
    """A long title (a notice's: “关于某局2025年政府信息公开工作年度报告有关问题的整改通知”)
    broken by meaning into as few lines as fit (at most ``most``): before each of ``breaks``
    (in order of preference) and, as a last resort, after ``after`` (“关于某局”). Among the
    breakings with fewest lines, the one using the preferred places wins, so that the
    report's name stays whole (“关于示例市财政局2025年” / “政府信息公开工作年度报告” / “有关问题的
    整改通知”). A title that fits stays on one line; one that cannot be broken so is left whole."""
    if _title_width(text) <= TITLE_LINE:
        return (text,)
    cuts = [text.find(marker) for marker in breaks if text.find(marker) > 0]
    if after and text.startswith(after) and len(after) not in cuts:
        cuts.append(len(after))
    best: tuple[tuple[int, ...], tuple[str, ...]] | None = None
    for count in range(1, most):
        for chosen in itertools.combinations(range(len(cuts)), count):
            places = sorted(cuts[index] for index in chosen)
            lines = tuple(text[a:b] for a, b in zip([0, *places], [*places, len(text)]))
            if all(len(line) > 2 and _title_width(line) <= TITLE_LINE for line in lines):
                if best is None or chosen < best[0]:
                    best = (chosen, lines)
        if best is not None:
            return best[1]
    return (text,)


def title(report: Report) -> str:
    return f"{report.agency or placeholder('机关名称')}{report.year}年政府信息公开工作年度报告"


def paragraphs(text: str) -> list[Block]:
    """Narrative text as blocks: one paragraph per line, sub-headings recognised; figures
    filled in from placeholders keep their markers (``narrative.marker``)."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        plain = narrative.unmarked(line)
        if plain == REVIEW_MARK:
            blocks.append(Block(PLACEHOLDER, plain))
        elif plain:
            kind = SUBHEADING if _SUBHEADING.match(plain) else PARAGRAPH
            blocks.append(Block(kind, plain, segments=narrative.segments(line)))
    return blocks


def printed_table(
    table: Table, figures: dict[str, Figure], blank_zeros: bool = False, collapsed: frozenset[str] = frozenset()
) -> PrintedTable:
    """``collapsed``: keys of row groups stated as one row ("requests.other")."""
    names = frozenset(key.split(".", 1)[1] for key in collapsed if key.startswith(table.key + "."))
    grid = layout.grid(table, names)
    texts = []
    for cell in grid.values:
        assert cell.cell is not None  # grid.values: the VALUE cells, each showing a figure
        figure = figures[cell.cell.key]
        texts.append("" if blank_zeros and figure.value == 0 and not figure.note else str(figure))
    return PrintedTable(table, grid, tuple(texts))


def _unit_notes(report: Report, table: Table) -> list[Block]:
    notes = []
    for cell in table.cells():
        if cell.column.unit_key:
            unit = report.unit(cell.key, cell.column.default_unit)
            notes.append(Block(NOTE, f"注：{cell.row.name.rsplit('／', 1)[-1]}的{cell.column.name}单位为{unit}。"))
    return notes


def build_draft(
    report: Report,
    findings: list[Finding] | tuple[Finding, ...] = (),
    *,
    previous: Report | None = None,
    blank_zeros: bool = False,
    summary: str | None = None,
) -> Draft:
    """The draft of a report. Findings given here (errors a user chose to build past) are
    listed at the end and flag the draft 【数据待核】. With last year's report, the
    generated sentences also state the change against last year. With ``summary`` (an
    opening paragraph), the draft is a table summary: only the sections holding tables."""
    fmt = report.format
    figures = totals.completed(report)
    data_names = report_names(report)
    last_names = report_names(previous) if previous else None
    names = with_year_on_year(data_names, last_names)
    missing = {key for key, _ in missing_texts(report)}

    def text_blocks(key: str, heading: str) -> list[Block]:
        text = report.text.get(key, "")
        if key not in missing and text.strip():
            return paragraphs(narrative.render(text, data_names, mark=f"fig-{key}"))
        if key in missing:
            return [Block(PLACEHOLDER, placeholder(heading))]
        return []

    sections = []
    for section in fmt.sections:
        if summary is not None and not section.table:
            continue
        blocks: list[Block] = []
        if section.lead:
            blocks.append(Block(PARAGRAPH, prose.render(section.lead, names), marker=f"lead-{section.key}"))
        if section.text:
            blocks += text_blocks(section.text, section.heading)
        for theme in section.themes:
            if not theme.applies_to(report.kind):
                continue
            body = text_blocks(theme.text, f"{section.heading}{theme.heading}")
            if body or theme.required:
                lead = (
                    [Block(PARAGRAPH, prose.render(theme.lead, names), marker=f"lead-{theme.text}")]
                    if theme.lead
                    else []
                )
                blocks += [Block(SUBHEADING, theme.heading), *lead, *body]
        if section.table:
            table = fmt.tables[section.table]
            blocks.append(
                Block(
                    TABLE,
                    table=printed_table(table, figures, blank_zeros, report.collapsed),
                    marker=f"table-{table.key}",
                )
            )
            blocks += _unit_notes(report, table)
        if not blocks and section.when_empty:
            blocks.append(Block(PARAGRAPH, prose.render(section.when_empty, names), marker=f"lead-{section.key}"))
        sections.append(DraftSection(section.heading, tuple(blocks)))

    return Draft(
        title=title(report),
        opening=(summary,) if summary is not None else ((prose.render(fmt.opening, names),) if fmt.opening else ()),
        sections=tuple(sections),
        signature=(data_names["report"].agency, data_names["report"].published),
        published=report.published,
        findings=tuple(finding_line(f) for f in findings),
        report=report,
        previous=previous,
    )


def finding_line(finding: Finding) -> str:
    where = "，".join(
        p
        for p in (
            f"第{finding.line}行" if finding.line else "",
            finding.key,
            finding.table,
            f"行“{finding.row}”" if finding.row else "",
            f"列“{finding.column}”" if finding.column else "",
        )
        if p
    )
    return (
        f"[{finding.severity.label}] {finding.message}（{where}）"
        if where
        else f"[{finding.severity.label}] {finding.message}"
    )
