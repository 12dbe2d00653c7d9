"""Checking a data file: every finding at once, each with its file, line and key.

``check_file`` is the entry point a script calls; the CLI's ``check`` and ``build`` use it.
Every source is read into the model first (a TOML file by ``reportgen.sources.schema``, a
returned fill-in form by ``reportgen.sources.workbook``, a published report by
``reportgen.sources.published``), and the same checks run on what it holds:
``check_data`` for the annual report, ``reportgen.checks.kind_checks`` for the other kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from reportgen import kinds as kind_definitions
from reportgen.checks import annual, arithmetic, crossyear, links
from reportgen.checks import kind_checks
from reportgen.errors import InputError
from reportgen.model import KINDS, Document, Report, deadline
from reportgen.model import totals
from reportgen.model.findings import Finding, count, error, warning
from reportgen.model.text import chinese_date
from reportgen.checks.findings import UNFILLED
from reportgen.sources import schema
from reportgen.sources.datafile import read_report, read_text
from reportgen.sources.tomlfile import TomlSyntaxError, key_lines, parse


@dataclass(frozen=True)
class Previous:
    """Last year's report (or document of another kind) of the same agency, for the cross-year checks."""

    report: Report | Document
    path: Path


@dataclass
class CheckResult:
    path: Path
    report: Report | Document | None  # a document of another kind than the annual report
    findings: list[Finding] = field(default_factory=list)
    previous: Previous | None = None

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def unfilled_sections(self) -> int:
        """How many required sections are still 【待填写】."""
        return sum(1 for f in self.findings if f.code == UNFILLED)

    @property
    def document_kind(self) -> str | None:
        """The kind of document read, by id: annual, tasks, summary, annual2008 (None if unread)."""
        if self.report is None:
            return None
        return self.report.format.id if not isinstance(self.report, Report) else kind_definitions.ANNUAL

    @property
    def deadline(self) -> date | None:
        return deadline(self.report.year, self.report.kind) if self.report and self.report.kind in KINDS else None

    def notes(self) -> list[str]:
        """What the check established besides findings, in Chinese."""
        notes = []
        if self.deadline and self.report is not None:  # a deadline is a report's
            notes.append(f"法定公开期限：{chinese_date(self.deadline)}前（{self.report.kind}报告）")
        if self.previous:
            notes.append(f"已与上年报告核对：{self.previous.path}")
        return notes


AUTO = crossyear.AUTO


def check_file(path: Path | str, previous: Path | str | None = AUTO) -> CheckResult:
    """Check a data file. ``previous``: last year's file; by default the file of year − 1
    beside it, if there is one; None for no cross-year checks."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xls", ".et"):
        return check_workbook(path, previous)
    try:
        text = read_text(path)
    except InputError as problem:
        return CheckResult(path, None, [error("file", str(problem), file=str(path))])
    return check_text(text, path, _Finder(path, previous))


def check_workbook(path: Path, previous=AUTO) -> CheckResult:
    """Check a returned fill-in form: the form read into the model, and findings that name
    the sheet and cell."""
    from reportgen.sources import workbook  # start-up time: only a returned form needs these
    from reportgen.sources.imported import to_data

    try:
        returned = workbook.read(path)
    except InputError as problem:
        return CheckResult(path, None, [error("file", str(problem), file=str(path))])
    result = check_data(to_data(returned.imported), path, _Finder(path, previous))
    placed = []
    for finding in result.findings:
        key = finding.key
        while key and key not in returned.locations:
            key = key.rpartition(".")[0]
        cell = returned.locations.get(key, "")
        placed.append(replace(finding, cell=cell, line=None if cell else finding.line))
    placed += [warning("form", w, file=str(path)) for w in returned.warnings]
    result.findings = placed
    return result


class _Finder:
    """Finds last year's report for a report read from ``path``; ``wanted`` as check_file's ``previous``."""

    def __init__(self, path: Path, wanted):
        self.path, self.wanted = path, wanted

    def __call__(self, report: Report) -> Previous | Finding | None:
        return _previous(report, self.path, self.wanted)


def _previous(report: Report, path: Path, wanted) -> Previous | Finding | None:
    wanted = crossyear.previous_path(path, report.year, wanted)
    if wanted is None:
        return None
    last = read_report(wanted)
    if last is None:
        return warning("previous", f"上年报告 {wanted} 无法读取，没有做跨年度核对。", key="report.year")
    if last.year != report.year - 1:
        return warning(
            "previous",
            f"{wanted} 是 {last.year} 年度的报告，不是上一年（{report.year - 1} 年度），没有做跨年度核对。",
            key="report.year",
        )
    return Previous(last, wanted)


def check_as_file(text: str, path: Path | str) -> CheckResult:
    """Check the text a data file is about to hold (a page's unsaved changes), as
    ``check_file`` would check the file, last year's file beside it included."""
    return check_text(text, path, _Finder(Path(path), AUTO))


def check_parsed(text: str, data: dict, path: Path | str) -> CheckResult:
    """``check_as_file`` for text already parsed: ``data`` is what ``text`` holds (the page's
    editing parses a keystroke's text once and hands over both)."""
    return check_data(data, path, _Finder(Path(path), AUTO), text)


def check_text(text: str, path: Path | str = "<数据>", previous=None) -> CheckResult:
    """Check a data file's text. ``previous`` maps the report to last year's (a ``Previous``),
    a finding explaining why there is none, or None."""
    path = Path(path)
    text = text.removeprefix("\ufeff")  # Windows editors often save UTF-8 with a BOM
    try:
        data = parse(text)
    except TomlSyntaxError as problem:
        message = f"TOML 语法错误：{problem.message}。"
        return CheckResult(
            path,
            None,
            [
                error(
                    "syntax",
                    message,
                    file=str(path),
                    line=problem.line,
                    col=problem.column,
                    actual=_line(text, problem.line),
                )
            ],
        )
    return check_data(data, path, previous, text)


def _line(text: str, number: int | None) -> str | None:
    """What is written on a line of the file, to show beside a syntax error."""
    lines = text.splitlines()
    return lines[number - 1].strip() or None if number and number <= len(lines) else None


def check_data(data: dict, path: Path | str = "<数据>", previous=None, text: str = "") -> CheckResult:
    """Check what a data file holds, as the TOML reader gives it (or as another source gives
    the same: ``reportgen.sources.imported.to_data``). ``text``: the file's text, to give each
    finding its line."""
    path = Path(path)
    kind, problem = kind_definitions.of(data)
    if kind is None:
        return _placed(CheckResult(path, None, [error("document", problem, key="document")]), text)
    if not kind.statutory:
        wanted = previous.wanted if isinstance(previous, _Finder) else None
        document, findings, last = kind_checks.check(data, kind, text, path, wanted)
        found = None
        if last is not None:
            assert last.source is not None  # last year's document is read from its file
            found = Previous(last, Path(last.source))
        return _placed(CheckResult(path, document, findings, found), text)
    data = {key: value for key, value in data.items() if key != kind_definitions.DOCUMENT_KEY}
    foreign = annual.other_kinds_keys(data)
    report, findings = schema.read({k: v for k, v in data.items() if k not in foreign}, source=path)
    findings = annual.foreign_findings(foreign) + [annual.with_2008_hint(f, data) for f in findings]
    last = None
    if report is not None:
        annual.link_annual(report, path)
        findings += links.leading_out(path, report.year)
        findings += arithmetic.check(report.format, report.figures, totals.completed(report))
        findings += annual.completeness(report)
        findings += annual.unread_findings(report)
        findings += annual.blank_findings(report)
        findings += annual.collapsed_findings(report)
        findings += annual.narrative_findings(report)
        findings += annual.deadline_findings(report)
        findings += annual.summary_findings(report, path)
        found = previous(report) if previous else None
        if isinstance(found, Finding):
            findings.append(found)
        elif found is not None:
            last = found
            findings += crossyear.check(report, found.report, found.path)
    return _placed(CheckResult(path, report, findings, last), text)


def _placed(result: CheckResult, text: str) -> CheckResult:
    """The result with each finding given its file and line, errors first."""
    lines = key_lines(text) if result.findings else {}
    result.findings = [_place(f, str(result.path), lines, text) for f in result.findings]
    result.findings.sort(key=lambda f: (not f.is_error, f.line or 0))
    return result


def _place(finding: Finding, path: str, lines: dict[str, int], text: str) -> Finding:
    """Attach the file and the line: of the quoted text within a narrative if the finding
    has one, else of the key (or of its nearest written parent)."""
    line = finding.line
    key = finding.key
    if line is None and finding.snippet and key in lines:
        line = _line_of(text, finding.snippet, lines[key])
    while line is None and key:
        line = lines.get(key)
        key = key.rpartition(".")[0]
    return replace(finding, file=path, line=line)


def _line_of(text: str, snippet: str, start: int) -> int:
    """The line, from ``start`` on, where ``snippet`` (or its first line) is written."""
    first = snippet.splitlines()[0] if snippet else ""
    for number, line in enumerate(text.splitlines()[start - 1 :], start):
        if first and first in line:
            return number
    return start
