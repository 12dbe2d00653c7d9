"""Checking a data file of a kind other than the annual report.

The kind's definition lists its checks by name (``checks = ["tasks"]``); ``CHECKS`` maps
each name to its function. Every kind with text also gets the narrative checks: sections
still to be written, placeholders that name nothing, last year's text not yet rewritten.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reportgen.checks import crossyear, links, task_rules as tasks
from reportgen.checks.findings import UNFILLED
from reportgen.checks.texts import placeholder_findings, review_findings
from reportgen.kinds import Kind
from reportgen.model import Document, format_number
from reportgen.model.findings import Finding, warning
from reportgen.model.names import ANNUAL, document_names, figure_values
from reportgen.model.text import unfilled
from reportgen.sources import kind_data as document_source
from reportgen.sources.datafile import read_document
from reportgen.sources.tomlfile import array_key_lines


def figures(document: Document) -> list[Finding]:
    """Figures left blank ("") are still to be filled in."""
    blank = [d for d in document.format.figures if d.key in document.figures and document.figures[d.key].value is None]
    if not blank:
        return []
    return [
        warning(
            "blank",
            f'{len(blank)} 个数字还没有填写（写成 ""）：{"、".join(d.label for d in blank)}。草稿中将显示【待填写】。',
            key=f"figures.{blank[0].key}",
        )
    ]


def outcomes(document: Document) -> list[Finding]:
    """A pre-2019 report: the answers given, and those still being handled, add up to the
    requests received."""
    values = figure_values(document)
    answers = [d for d in document.format.figures if d.outcome and d.key in values]
    if "requests" not in values or not answers:
        return []
    answered = sum(values[d.key] for d in answers) + values.get("pending", 0)
    if answered == values["requests"]:
        return []
    parts = "＋".join(f"{d.label}{format_number(values[d.key])}" for d in answers)
    if values.get("pending"):
        parts += f"＋正在办理{format_number(values['pending'])}"
    return [
        warning(
            "outcomes",
            f"答复的件数（{parts}＝{format_number(answered)}）与受理的申请"
            f"{format_number(values['requests'])}件不相等。请核对；尚未答复的写在 pending（正在办理）中。",
            key="figures.requests",
            expected=values["requests"],
            actual=answered,
        )
    ]


def annual_link(document: Document) -> list[Finding]:
    if ANNUAL in document.unready:
        return [unready_annual(document)] if document.partial_to is None else []
    report = document.linked.get(ANNUAL)
    if report is None or document.source is None or report.source is None:
        return []
    return links.summary_against_annual(document, report, Path(document.source), Path(report.source))


def unready_annual(document: Document) -> Finding:
    """The same year's annual report is there but not filled in: its figures are not taken."""
    wanted = [
        d.label
        for d in document.format.figures
        if d.annual and (document.figures.get(d.key) is None or document.figures[d.key].value is None)
    ]
    said = f"：{'、'.join(wanted)}，草稿中显示【待填写】" if wanted else ""
    return warning(
        "annual-unready",
        f"同一文件夹中本年度的年度报告 {document.unready[ANNUAL]}，"
        f"没有从中取数{said}。年度报告填好并通过检查后，数字自动取自年度报告。",
        key=f"figures.{next(d.key for d in document.format.figures if d.annual)}"
        if any(d.annual for d in document.format.figures)
        else "report",
    )


CHECKS = {
    "tasks": tasks.check,
    "figures": figures,
    "outcomes": outcomes,
    "annual_link": annual_link,
}


def text_findings(document: Document, previous: Document | None, source: str = "") -> list[Finding]:
    """Placeholders naming nothing, last year's text not yet rewritten, sections still to be
    written. ``source``: the file's text, to give the line of a free section's finding."""
    kind = document.format
    found = []
    names = document_names(document, previous)
    unheaded = [s.key for s in kind.sections if not s.heading]
    titles = {s.key: s.title(document.year) for s in reversed(kind.sections)}  # the first of a key, as kind.section
    texts: list[tuple[str, int | None, str, str]] = [
        (f"text.{key}", None, titles[key] or ("开头一段" if key == unheaded[0] else "结尾一段"), text)
        for key, text in document.text.items()
    ]  # [text] holds only the kind's sections' keys (kind_data)
    lines = array_key_lines(source, "section") if document.free_sections else []
    for n, (heading, text) in enumerate(document.free_sections):
        line = lines[n].get("text", lines[n].get("")) if n < len(lines) else None
        texts.append(("section", line, heading or f"第 {n + 1} 个 [[section]]", text))
    for key, line, heading, text in texts:
        for finding in placeholder_findings(text, names, key, heading) + review_findings(text, key, heading):
            found.append(replace(finding, line=line) if line else finding)
    if not document.free_sections:
        for section in kind.sections:
            text = document.text.get(section.key, "")
            if section.required and unfilled(text):
                found.append(
                    warning(
                        UNFILLED,
                        f"“{section.title(document.year)}”还没有内容，草稿中将显示【待填写】。",
                        key=f"text.{section.key}",
                    )
                )
    return found


def link(document: Document, path: Path) -> None:
    """Attach the same year's other documents the kind draws on (``links`` in its definition)."""
    if document.format.links:
        found, unready = links.same_year(path, document.year, document.agency, document.format.links)
        document.linked.update(found)
        document.unready.update(unready)


def previous_document(document: Document, path: Path, wanted) -> Document | None:
    """Last year's document of the same kind: the file named, or the one of year − 1 beside it."""
    wanted = crossyear.previous_path(path, document.year, wanted)
    if wanted is None:
        return None
    last = read_document(wanted, document.year - 1)
    return last if last is not None and last.format is document.format else None


def check(
    data: dict, kind: Kind, text: str, path: Path, previous
) -> tuple[Document | None, list[Finding], Document | None]:
    """(document, findings, last year's document) for a parsed data file of ``kind``."""
    document, found = document_source.read(data, kind, source=path, text=text)
    if document is None:
        return None, found, None
    link(document, path)
    found += links.leading_out(path, document.year)
    last = previous_document(document, path, previous)
    for name in kind.checks:
        found += CHECKS[name](document)
    if kind.sections:
        found += text_findings(document, last, text)
    return document, found, last
