"""The draft of a document of a kind other than the annual report.

The kind's definition gives the outline; the file gives the text, the figures and the
entries. As in the annual report, what comes from the figures is generated and marked,
so that ``refresh`` can put new figures into an edited draft:

- the work summary's figures paragraph (“截至12月7日，……主动公开政府信息2128条，比去年同期
  增长16%；……”), built from the figures in the order of the kind's definition;
- the 落实情况 of the same year's task table (“全年31项任务已完成29项……”);
- the lead sentences of a pre-2019 report's six items (“本年度共受理政府信息公开申请5件，
  其中同意公开3件……”);
- each ``{{ 名称 }}`` placeholder in the text.

A task table is one list table (``reportgen.draft.task_table``).
"""

from __future__ import annotations

from reportgen.checks import narrative
from reportgen.draft import prose
from reportgen.draft import task_table as task_tables
from reportgen.draft.report_draft import (
    PARAGRAPH,
    PLACEHOLDER,
    TABLE,
    Block,
    Draft,
    DraftSection,
    PrintedTable,
    finding_line,
    paragraphs,
)
from reportgen.model import Document, format_number
from reportgen.model.findings import Finding
from reportgen.model.names import ANNUAL, TASKS, document_names
from reportgen.model.task_progress import Progress
from reportgen.model.text import chinese_date, placeholder, unfilled

DETAIL_SUMMARY, DETAIL_LIST, DETAIL_NONE = "概括", "逐项", "不写"


def title(document: Document) -> str:
    return document.text_field("title") or document.format.title(document.agency, document.year)


def figures_paragraph(document: Document, items: dict) -> str:
    """The generated paragraph of the year's figures: those with a value, and those to be
    taken from the year's annual report while it is not filled in yet (marked 【待填写】,
    never stated as 0); "" when there are none."""
    yoy = items["yoy"]
    waiting = ANNUAL in document.unready and document.partial_to is None
    phrases: list[str] = []
    for definition in document.format.figures:
        value = items.get(definition.key)
        if definition.key not in yoy or not definition.phrase:
            continue
        if isinstance(value, str) and not (waiting and definition.annual):
            continue
        assert value is not None  # a figure with a year-on-year phrase has its value in items
        phrase = definition.phrase.format(value=value if isinstance(value, str) else format_number(value))
        change = "" if isinstance(value, str) else getattr(yoy, definition.key)
        phrases.append((definition.joined if phrases else "") + (f"{phrase}，{change}" if change else phrase))
    if not phrases:
        return ""
    return f"{items['report'].cutoff}，{document.agency}" + "".join(phrases) + "。"


def tasks_paragraphs(document: Document) -> list[str]:
    """The 落实情况 of the year's task table, as the file asks (概括, 逐项 or 不写)."""
    tasks_document = document.linked.get(TASKS)
    detail = document.fields.get("tasks_detail", DETAIL_SUMMARY)
    if not isinstance(tasks_document, Document) or detail == DETAIL_NONE or not tasks_document.tasks:
        return []
    progress = Progress(tasks_document.tasks)
    lines = [f"对照《{title(tasks_document)}》，{progress.summary()}"]
    if detail == DETAIL_LIST and progress.unfinished:
        lines.append("未完成的任务：" + "".join(progress.unfinished_lines()))
    return lines


def _section_blocks(document: Document, key: str, items: dict, heading: str, required: bool) -> list[Block]:
    text = document.text.get(key, "")
    if not unfilled(text):
        return paragraphs(narrative.render(text, items, mark=f"fig-{key}"))
    if required:
        return [Block(PLACEHOLDER, placeholder(heading))]
    return []


def build_document_draft(
    document: Document,
    findings: list[Finding] | tuple[Finding, ...] = (),
    *,
    previous: Document | None = None,
    by: str = "",
) -> Draft:
    """The draft of a document. ``by``: for a task table, "牵头处室" prints the tasks under
    each division instead of under the headings."""
    kind = document.format
    items = document_names(document, previous)
    opening: list[str] = []
    sections: list[DraftSection] = []
    closing: list[DraftSection] = []  # an unheaded section after the first: printed last
    if kind.entry("task"):
        tables = task_tables.by_division(document) if by else [task_tables.task_table(document)]
        if document.fields.get("basis"):
            opening.append(f"根据{document.fields['basis']}，现将{document.year}年政务公开工作任务分解如下。")
        sections.append(
            DraftSection(
                "",
                tuple(
                    Block(TABLE, table=PrintedTable(table, grid, ()), marker=f"table-{table.key}")
                    for table, grid in tables
                ),
            )
        )
    for section in kind.sections:
        heading = section.title(document.year)
        if not section.heading:  # the opening and closing paragraphs
            text = document.text.get(section.key, "")
            if not unfilled(text):
                plain = [narrative.unmarked(b.text) for b in paragraphs(narrative.render(text, items))]
                if section.key == kind.sections[0].key:
                    opening += plain
                else:
                    closing.append(DraftSection("", tuple(Block(PARAGRAPH, line) for line in plain)))
            continue
        if document.free_sections:
            continue
        blocks: list[Block] = []
        if section.lead == "figures":
            # a text that cites the figures itself ({{ active_items }}) gets no generated paragraph
            paragraph = figures_paragraph(document, items) if "{{" not in document.text.get(section.key, "") else ""
            if paragraph:
                blocks.append(Block(PARAGRAPH, paragraph, marker="lead-figures"))
        elif section.lead and all(need in items and not isinstance(items[need], str) for need in section.lead_needs):
            unstated = {d.key: None for d in kind.figures}  # a lead's {% if fee_waived %} on a figure not written
            blocks.append(Block(PARAGRAPH, prose.render(section.lead, unstated | items), marker=f"lead-{section.key}"))
        if section.tasks:
            blocks += [
                Block(PARAGRAPH, line, marker=f"tasks-{n}") for n, line in enumerate(tasks_paragraphs(document), 1)
            ]
        written = _section_blocks(document, section.key, items, heading, section.required)
        if written and written[0].kind == PLACEHOLDER and blocks:
            written = []  # the generated sentences stand in for a section not yet written
        if blocks or written:  # a section the kind does not require, and the file leaves empty, is left out
            sections.append(DraftSection(heading, tuple(blocks + written)))
    sections += [
        DraftSection(heading, tuple(paragraphs(narrative.render(text, items, mark=f"fig-section{n}"))))
        for n, (heading, text) in enumerate(document.free_sections, 1)
    ]
    date = document.published
    shown_title = title(document) + ("（按牵头处室）" if by else "")
    return Draft(
        title=shown_title,
        opening=tuple(opening),
        sections=(*sections, *closing),
        signature=(
            document.text_field("signature") or document.agency,
            chinese_date(date) if date else placeholder("日期"),
        ),
        published=date,
        findings=tuple(finding_line(f) for f in findings),
        template=kind.word,
        signed=kind.signature,
        addressee=f"{document.fields['addressee']}：" if document.fields.get("addressee") else "",
    )
