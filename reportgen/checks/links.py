"""The year's documents of one agency, checked against each other.

An agency's documents of a year sit in one folder, the year in each file's name:
``2025.toml`` (the annual report), ``2025-任务分解表.toml``, ``2025-工作总结.toml``. Each
says its kind in its ``document`` line. From them:

- the annual report's section 六 may cite the task table (``{{ tasks.summary }}``);
- the work summary takes figures it does not state from the annual report, and states
  the task table's 落实情况;
- a work summary and an annual report that state different figures produce a finding,
  whichever of the two is checked. A summary's figures as of a cut-off date before
  31 December are partial: only one larger than the year's is reported.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportgen import kinds as kind_definitions
from reportgen.checks.findings import Finding, warning
from reportgen.filenames import not_data
from reportgen.model import Document, format_number

_DOCUMENT_LINE = re.compile(r'^\s*document\s*=\s*["\']([^"\'\n]*)["\']', re.M)
PEEK = 4096  # the document line is at the top of a file


def kind_of_file(path: Path) -> str:
    """The kind id a data file declares, read from its first lines ("" if unreadable)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            head = handle.read(PEEK)
    except OSError:
        return ""
    match = _DOCUMENT_LINE.search(head)
    if match is None:
        return kind_definitions.ANNUAL
    kind = kind_definitions.named(match.group(1))
    return kind.id if kind else ""


def siblings(path: Path, year: int) -> dict[str, Path]:
    """The same year's other data files beside ``path``, by kind id (the first of each)."""
    found: dict[str, Path] = {}
    try:
        candidates = sorted(p for p in path.parent.glob("*.toml")
                            if str(year) in p.name and not not_data(p) and p.resolve() != path.resolve())
    except OSError:
        return found
    for candidate in candidates:
        kind = kind_of_file(candidate)
        if kind and kind not in found:
            found[kind] = candidate
    return found


def same_agency(a: str, b: str) -> bool:
    """Two names of one agency (spaces and full-width forms aside)."""
    from reportgen.workflows.roster import normalise

    return normalise(a) == normalise(b)


def read_document(path: Path, year: int) -> Document | None:
    """Another kind's data file read without checking it (None if it cannot be read)."""
    from reportgen.checks.check import read_text
    from reportgen.errors import InputError
    from reportgen.sources import document as document_source
    from reportgen.sources.tomlfile import TomlSyntaxError, parse

    try:
        data = parse(read_text(path))
    except (InputError, TomlSyntaxError):
        return None
    kind, _ = kind_definitions.of(data)
    if kind is None or kind.statutory:
        return None
    document, _ = document_source.read(data, kind, source=path)
    return document if document is not None and document.year == year else None


def read_annual(path: Path, year: int):
    from reportgen.checks.check import read_report

    report = read_report(path)
    return report if report is not None and report.year == year else None


def same_year(path: Path, year: int, agency: str, wanted) -> dict[str, object]:
    """The same agency's documents of ``year`` beside ``path``, by kind id, for the kinds
    ``wanted``: the annual report as a ``Report``, the others as ``Document``s (a task table
    only if it has tasks). The folder is searched once."""
    found: dict[str, object] = {}
    for kind, candidate in siblings(path, year).items():
        if kind not in wanted:
            continue
        read = read_annual(candidate, year) if kind == kind_definitions.ANNUAL else read_document(candidate, year)
        if read is None or not same_agency(read.agency, agency) or (kind == "tasks" and not read.tasks):
            continue
        found[kind] = read
    return found


def summary_against_annual(summary: Document, report, summary_path: Path, report_path: Path,
                           from_annual: bool = False) -> list[Finding]:
    """A finding for each figure the work summary states that the annual report states
    otherwise. ``from_annual``: the annual report is the file being checked (the finding
    then names the annual report's key)."""
    from reportgen.draft import prose

    names = prose.names(report)
    cutoff = summary.partial_to
    found = []
    for definition in summary.format.figures:
        stated = summary.figures.get(definition.key)
        if not definition.annual or stated is None or stated.value is None:
            continue
        parts = [prose.lookup(names, key) for key in definition.annual]
        if any(p is None for p in parts):
            continue
        annual = sum(parts)
        if annual == stated.value or (cutoff is not None and stated.value < annual):
            continue
        cells = "＋".join(definition.annual)
        if cutoff is not None:
            message = (f"工作总结 {summary_path.name} 截至{cutoff.month}月{cutoff.day}日的“{definition.label}”"
                       f"{format_number(stated.value)}{definition.unit}，比年度报告 {report_path.name} 全年的"
                       f"{format_number(annual)}{definition.unit}（{cells}）还多。请核对两份文件。")
        else:
            message = (f"工作总结 {summary_path.name} 写“{definition.label}”{format_number(stated.value)}{definition.unit}，"
                       f"年度报告 {report_path.name} 是 {format_number(annual)}{definition.unit}（{cells}）。"
                       "同一年度的两份文件数字应一致，请核对。")
        key = definition.annual[0] if from_annual else f"figures.{definition.key}"
        found.append(warning("summary-annual", message, key=key, expected=annual, actual=stated.value))
    return found
