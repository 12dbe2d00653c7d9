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

A task table is one list table (``reportgen.draft.tasks``).
"""

from __future__ import annotations

from reportgen.checks import narrative
from reportgen.checks.check import unfilled
from reportgen.checks.findings import Finding
from reportgen.draft import prose
from reportgen.draft import tasks as task_tables
from reportgen.draft.document import PARAGRAPH, PLACEHOLDER, TABLE, Block, Draft, DraftSection, PrintedTable, \
    finding_line, paragraphs
from reportgen.draft.prose import Names, chinese_date, placeholder
from reportgen.model import Document, Number, format_number

TASKS = "tasks"
ANNUAL = "annual"
DETAIL_SUMMARY, DETAIL_LIST, DETAIL_NONE = "概括", "逐项", "不写"


def title(document: Document) -> str:
    return document.fields.get("title") or document.format.title(document.agency, document.year)


def percent(change: Number, base: Number) -> str:
    """16% or 16.2%: one decimal, none when it is 0."""
    text = f"{abs(change) / base * 100:.1f}".removesuffix(".0")
    return f"{text}%"


def figure_values(document: Document) -> dict[str, Number]:
    """Each figure's value: as stated, else (a work summary covering the whole year) from
    the same year's annual report, where the kind links the figure to its cells. A summary
    as of a cut-off date takes nothing from the annual report, whose figures are the whole
    year's. Blank figures are left out."""
    values: dict[str, Number] = {}
    annual = document.linked.get(ANNUAL)
    annual_names = prose.names(annual) if annual is not None and document.partial_to is None else None
    for definition in document.format.figures:
        stated = document.figures.get(definition.key)
        if stated is not None and stated.value is not None:
            values[definition.key] = stated.value
        elif stated is None and annual_names is not None and definition.annual:
            found = [prose.lookup(annual_names, key) for key in definition.annual]
            if all(v is not None for v in found):
                values[definition.key] = sum(found)
    return values


def last_year_values(document: Document, previous: Document | None) -> dict[str, Number]:
    """The same figures a year before: as the file states them (去年同期), else from last
    year's document of the same kind."""
    values = {k: s.last_year for k, s in document.figures.items() if s.last_year is not None}
    if previous is not None:
        for key, stated in previous.figures.items():
            if key not in values and stated.value is not None:
                values[key] = stated.value
    return values


def change_phrase(now: Number, before: Number | None, unit: str, same_period: bool) -> str:
    """“比去年同期增长16%”, “比上年减少3件”, “与上年持平”; "" without last year's figure."""
    if before is None:
        return ""
    against = "去年同期" if same_period else "上年"
    change = now - before
    if change == 0:
        return f"与{against}持平"
    if before:
        return f"比{against}{'增长' if change > 0 else '下降'}{percent(change, before)}"
    return f"比{against}增加{format_number(change)}{unit}"


def names(document: Document, previous: Document | None = None) -> dict:
    """Everything a placeholder in the document's text may name."""
    values = figure_values(document)
    last = last_year_values(document, previous)
    cutoff = document.fields.get("cutoff")
    same_period = cutoff is not None
    items: dict[str, object] = {}
    for definition in document.format.figures:
        stated = document.figures.get(definition.key)
        if definition.key in values:
            items[definition.key] = values[definition.key]
        elif stated is not None:  # written "": still to be filled in
            items[definition.key] = placeholder(definition.label)
    changes = {key: change_phrase(value, last.get(key), document.format.figure(key).unit, same_period)
               for key, value in values.items()}
    for definition in document.format.figures:  # written "": the comparison waits for the figure
        if definition.key not in values and definition.key in document.figures:
            changes[definition.key] = placeholder(f"{definition.label}与{'去年同期' if same_period else '上年'}比较")
    items["yoy"] = Names(changes)
    items["report"] = Names({
        "agency": document.agency,
        "year": document.year,
        "next_year": document.year + 1,
        "cutoff": f"截至{chinese_date(cutoff)}" if cutoff else f"{document.year}年",
    })
    answered = [f"{d.label}{format_number(values[d.key])}{d.unit}" for d in document.format.figures
                if d.outcome and values.get(d.key)]
    if any(d.outcome for d in document.format.figures):
        items["answered"] = "、".join(answered)
    linked_tasks = document.linked.get(TASKS)
    if linked_tasks is not None:
        items["tasks"] = task_names(linked_tasks)
    return items


def task_names(tasks_document: Document) -> Names:
    """``tasks.total``, ``tasks.done`` … and ``tasks.summary`` for a year's task table."""
    progress = task_tables.Progress(tasks_document.tasks)
    return Names({
        "total": progress.total,
        "done": progress.done,
        "ongoing": progress.ongoing,
        "not_started": progress.not_started,
        "summary": progress.summary(),
        "unfinished": "".join(progress.unfinished_lines()) or "无",
    })


def figures_paragraph(document: Document, items: dict) -> str:
    """The generated paragraph of the year's figures (those ``names`` holds a change for:
    the figures with a value), or "" when none is stated."""
    yoy = items["yoy"]
    phrases = []
    for definition in document.format.figures:
        if definition.key not in yoy or not definition.phrase or isinstance(items[definition.key], str):
            continue
        phrase = definition.phrase.format(value=format_number(items[definition.key]))
        change = getattr(yoy, definition.key)
        phrases.append((definition.joined if phrases else "") + (f"{phrase}，{change}" if change else phrase))
    if not phrases:
        return ""
    return f"{items['report'].cutoff}，{document.agency}" + "".join(phrases) + "。"


def tasks_paragraphs(document: Document) -> list[str]:
    """The 落实情况 of the year's task table, as the file asks (概括, 逐项 or 不写)."""
    tasks_document = document.linked.get(TASKS)
    detail = document.fields.get("tasks_detail", DETAIL_SUMMARY)
    if tasks_document is None or detail == DETAIL_NONE or not tasks_document.tasks:
        return []
    progress = task_tables.Progress(tasks_document.tasks)
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


def build_document_draft(document: Document, findings: list[Finding] | tuple[Finding, ...] = (), *,
                         previous: Document | None = None, by: str = "") -> Draft:
    """The draft of a document. ``by``: for a task table, "牵头处室" prints the tasks under
    each division instead of under the headings."""
    kind = document.format
    items = names(document, previous)
    opening: list[str] = []
    sections: list[DraftSection] = []
    closing: list[DraftSection] = []  # an unheaded section after the first: printed last
    if kind.entry("task"):
        table, grid = task_tables.by_division(document) if by else task_tables.task_table(document)
        if document.fields.get("basis"):
            opening.append(f"根据{document.fields['basis']}，现将{document.year}年政务公开工作任务分解如下。")
        sections.append(DraftSection("", (Block(TABLE, table=PrintedTable(table, grid, ()), marker=f"table-{table.key}"),)))
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
            blocks += [Block(PARAGRAPH, line, marker=f"tasks-{n}") for n, line in enumerate(tasks_paragraphs(document), 1)]
        written = _section_blocks(document, section.key, items, heading, section.required)
        if written and written[0].kind == PLACEHOLDER and blocks:
            written = []  # the generated sentences stand in for a section not yet written
        sections.append(DraftSection(heading, tuple(blocks + written)))
    sections += [DraftSection(heading, tuple(paragraphs(narrative.render(text, items, mark=f"fig-section{n}"))))
                 for n, (heading, text) in enumerate(document.free_sections, 1)]
    date = document.fields.get("date")
    shown_title = title(document) + ("（按牵头处室）" if by else "")
    return Draft(
        title=shown_title,
        opening=tuple(opening),
        sections=(*sections, *closing),
        signature=(document.fields.get("signature") or document.agency,
                   chinese_date(date) if date else placeholder("日期")),
        published=date,
        findings=tuple(finding_line(f) for f in findings),
        template=kind.word,
        signed=kind.signature,
        addressee=f"{document.fields['addressee']}：" if document.fields.get("addressee") else "",
    )

