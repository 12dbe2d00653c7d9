"""Checking a data file: every finding at once, each with its file, line and key.

``check_file`` is the entry point a script calls; the CLI's ``check`` and ``build`` use it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from datetime import date

from reportgen import kinds as kind_definitions
from reportgen.checks import arithmetic
from reportgen.checks import crossyear
from reportgen.checks import narrative, statements
from reportgen.draft import prose
from reportgen.sources import schema
from reportgen.errors import InputError, os_reason
from reportgen.checks.findings import UNFILLED, Finding, count, error, warning
from reportgen.model import KINDS, Report, deadline
from reportgen.draft.prose import PROMPT, chinese_date
from reportgen.sources.tomlfile import TomlSyntaxError, key_lines, parse


@dataclass(frozen=True)
class Previous:
    """Last year's report of the same agency, for the cross-year checks."""

    report: Report
    path: Path


@dataclass
class CheckResult:
    path: Path
    report: Report | None
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
        if self.deadline:
            notes.append(f"法定公开期限：{chinese_date(self.deadline)}前（{self.report.kind}报告）")
        if self.previous:
            notes.append(f"已与上年报告核对：{self.previous.path}")
        return notes


def read_text(path: Path) -> str:
    """A data file's text. Raises InputError if it cannot be read as UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} 是一个文件夹，不是数据文件") from None
    except OSError as problem:
        raise InputError(f"无法读取文件 {path}：{os_reason(problem)}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise InputError(
            f"{path} 第{line}行：文件不是 UTF-8 编码（可能是 GBK）。"
            "请在编辑器中“另存为”UTF-8 编码后重试。"
        ) from None


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
    """Check a returned fill-in form: findings name the sheet and cell."""
    from reportgen.sources import workbook
    from reportgen.workflows.importing import data_file

    try:
        returned = workbook.read(path)
    except InputError as problem:
        return CheckResult(path, None, [error("file", str(problem), file=str(path))])
    text = data_file(returned.imported, header=False)
    result = check_text(text, path, _Finder(path, previous))
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
            "previous", f"{wanted} 是 {last.year} 年度的报告，不是上一年（{report.year - 1} 年度），"
            "没有做跨年度核对。", key="report.year")
    return Previous(last, wanted)


def read_report(path: Path) -> Report | None:
    """A data file read into a report without checking it (None if it cannot be read):
    for last year's file, whose own findings are not this check's business."""
    try:
        data = parse(read_text(path))
    except (InputError, TomlSyntaxError):
        return None
    return schema.read(data, source=path)[0]


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
            path, None,
            [error("syntax", message, file=str(path), line=problem.line, col=problem.column,
                   actual=problem.detail)],
        )
    kind, problem = kind_definitions.of(data)
    if kind is None:
        return _placed(CheckResult(path, None, [error("document", problem, key="document")]), text)
    if not kind.statutory:
        return _check_document(data, kind, text, path, previous)
    data = {key: value for key, value in data.items() if key != kind_definitions.DOCUMENT_KEY}
    foreign = _other_kinds_keys(data)
    report, findings = schema.read({k: v for k, v in data.items() if k not in foreign}, source=path)
    findings = foreign_findings(foreign) + [_with_2008_hint(f, data) for f in findings]
    last = None
    if report is not None:
        link_annual(report, path)
        findings += arithmetic.check(report.format, report.figures, arithmetic.completed(report))
        findings += completeness(report)
        findings += blank_findings(report)
        findings += collapsed_findings(report)
        findings += narrative_findings(report)
        findings += deadline_findings(report)
        findings += summary_findings(report, path)
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


def _check_document(data: dict, kind, text: str, path: Path, previous) -> CheckResult:
    """A data file of another kind (task table, work summary, pre-2019 report)."""
    from reportgen.checks import kinds as kind_checks

    wanted = previous.wanted if isinstance(previous, _Finder) else None
    document, findings, last = kind_checks.check(data, kind, text, path, wanted)
    found = Previous(last, Path(last.source)) if last is not None else None
    return _placed(CheckResult(path, document, findings, found), text)


def _other_kinds_keys(data: dict) -> list[str]:
    """Top-level keys of an annual report's file that belong to another document kind."""
    return [key for key in data if key not in schema.TOP_KEYS
            and kind_definitions.owner_of(key, kind_definitions.annual())]


def foreign_findings(keys: list[str]) -> list[Finding]:
    found = []
    for key in keys:
        owners = kind_definitions.owners_of(key, kind_definitions.annual())
        names = "或".join(o.name for o in owners)
        declare = "或".join(f'document = "{o.aliases[0]}"' for o in owners)
        found.append(error(
            "other-kind", f"“{key}”是{names}的内容，不能写在年度报告中（本文件没有 document 一行，按年度报告读取）。"
            f"如果这是{names}，请在文件开头写 {declare}。", key=key))
    return found


def _with_2008_hint(finding: Finding, data: dict) -> Finding:
    """A year before 2019: point to the pre-2019 kind."""
    year = data.get("report", {}).get("year") if isinstance(data.get("report"), dict) else None
    old = kind_definitions.kinds().get("annual2008")
    if finding.code != "year" or old is None or not isinstance(year, int) or old.year_problem(year):
        return finding
    return replace(finding, message=finding.message + f"2019 年以前的年度报告（2008 年条例）请在文件开头写 "
                   f"document = \"{old.aliases[0]}\"，按第三十二条的六项起草，数字写在正文中。")


def link_annual(report: Report, path: Path) -> None:
    """The same agency's work summary of the year beside the file, to compare figures with,
    and its task table when the text cites it ({{ tasks.summary }})."""
    from reportgen.checks import links

    wanted = ("summary", "tasks") if any("tasks." in text for text in report.text.values()) else ("summary",)
    report.linked.update(links.same_year(path, report.year, report.agency, wanted))


def summary_findings(report: Report, path: Path) -> list[Finding]:
    """Figures the same year's work summary states otherwise."""
    from reportgen.checks import links

    summary = report.linked.get("summary")
    if summary is None:
        return []
    return links.summary_against_annual(summary, report, Path(summary.source), path, from_annual=True)


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


_POSTCODE = re.compile(r"^\d{6}$")


def collapsed_findings(report: Report) -> list[Finding]:
    """A warning for each row group stated as one row: the statute asks for the breakdown."""
    found = []
    for table in report.format.tables.values():
        for group in table.row_groups():
            if group.key in report.collapsed:
                rows = "、".join(table.row(leaf).name.rsplit("／", 1)[-1] for leaf in group.leaves)
                found.append(warning(
                    "collapsed",
                    f"{table.short_name}“{group.label}”只写了一行（{group.key}），没有分项（{rows}）。"
                    "各项勾稽关系按这一行计算；草稿中这一组合并为一行印出，数字只印一次。法定格式要求分项填写。",
                    key=group.key, table=table.full_name, row=group.label))
    return found


def blank_findings(report: Report) -> list[Finding]:
    """One warning listing the cells the file leaves blank (""), and one listing the blank
    totals the tool computed. A blank cell counts as 0 and prints empty."""
    computed = arithmetic.computed_keys(report.format)
    full = arithmetic.completed(report)
    cells = report.format.cell_by_key()
    blank = [key for key, figure in report.figures.items() if figure.blank]
    leaves = [key for key in blank if key not in computed]
    totals = [key for key in blank if key in computed]
    found = []
    if leaves:
        names = "、".join(f"{cells[k].table.short_name}“{cells[k].short_name}”" for k in leaves)
        found.append(warning(
            "blank", f"{len(leaves)} 个格子留空（写成 \"\"），按 0 计算，草稿中印成空白：{names}。"
            "法定表格每格都应填数字，没有的填 0。", key=leaves[0], related=tuple(leaves)))
    if totals:
        names = "、".join(f"{cells[k].table.short_name}“{cells[k].short_name}”＝{full[k]}" for k in totals)
        found.append(warning(
            "blank-total", f"{len(totals)} 个总计留空，已由各项相加算出，草稿中印出算出的数：{names}。",
            key=totals[0], related=tuple(totals)))
    return found


def completeness(report: Report) -> list[Finding]:
    """Warnings for what a published report needs but the file leaves empty."""
    found = []
    contact = report.contact
    for key, value, label in (
        ("report.contact.office", contact.office, "联系机构"),
        ("report.contact.phone", contact.phone, "联系电话"),
        ("report.download.site", report.download.site, "电子版下载网站"),
    ):
        if not value:
            found.append(warning(
                "missing", f"没有填写{label}（{key}）。报告开头要写明电子版下载地址和联系方式，草稿中将显示【待填写】。",
                key=key))
    if contact.postcode and not _POSTCODE.match(contact.postcode):
        found.append(warning(
            "postcode", f"邮政编码“{contact.postcode}”不是6位数字。", key="report.contact.postcode",
            expected="6位数字", actual=contact.postcode))
    for key, heading in missing_texts(report):
        found.append(warning(
            "empty-text", f"“{heading}”还没有内容，草稿中将显示【待填写】。", key=f"text.{key}"))
    return found


def unfilled(text: str) -> bool:
    """Empty, or still the prompt ``reportgen init`` wrote."""
    return not text.strip() or PROMPT in text


def narrative_findings(report: Report) -> list[Finding]:
    """Placeholders that cannot be filled (errors), typed numbers that disagree with the
    tables, and next-year review marks still in place (warnings)."""
    found = []
    for key in report.format.text_keys():
        text = report.text.get(key, "")
        if not text:
            continue
        heading = report.format.text_heading(key)
        states = statements.may_state_figures(text)
        names = prose.names(report) if narrative.has_placeholders(text) or states else {}
        found += placeholder_findings(text, names, f"text.{key}", heading)
        if states:
            cells = functools.partial(prose.cells_of, report.format)
            for mismatch in statements.read(text, names, statements.blank_cells(report), cells):
                found.append(warning("text-figure", mismatch.message(), key=f"text.{key}",
                                     expected=mismatch.actual, actual=mismatch.typed, snippet=mismatch.sentence))
        found += review_findings(text, f"text.{key}", heading)
    return found


def placeholder_findings(text: str, names: dict, key: str, heading: str) -> list[Finding]:
    """An error for each placeholder of a text that cannot be filled in (any document kind)."""
    found = []
    for problem in narrative.problems(text, names):
        message = problem.message
        if "“tasks" in message and "tasks" not in names:
            message += "（同一文件夹中没有本年度的任务分解表。）"
        found.append(error("placeholder", f"“{heading}”第 {problem.line} 行：{message}", key=key,
                           snippet=problem.snippet))
    return found


def review_findings(text: str, key: str, heading: str) -> list[Finding]:
    """A warning while last year's text still carries next-year's review mark (any document kind)."""
    if crossyear.REVIEW_MARK not in text:
        return []
    return [warning("review", f"“{heading}”还是上年的文字，开头有“{crossyear.REVIEW_MARK}”标记。改写后删除这一行。",
                    key=key, snippet=crossyear.REVIEW_MARK)]


# A report is published after its year ends, and seldom more than a year late.
LATEST_PUBLICATION = 2  # years after the report year


def deadline_findings(report: Report) -> list[Finding]:
    if not report.published:
        return []
    year_end = date(report.year, 12, 31)
    if report.published <= year_end:
        return [error(
            "published",
            f"发布日期 {chinese_date(report.published)} 早于报告年度结束（{chinese_date(year_end)}）。"
            f"年度报告在年度结束后才能发布，请核对年份。",
            key="report.published", expected=f"晚于 {year_end.isoformat()}", actual=report.published.isoformat())]
    latest = date(report.year + LATEST_PUBLICATION, 12, 31)
    if report.published > latest:
        return [error(
            "published",
            f"发布日期 {chinese_date(report.published)} 不合理：{report.year} 年度的报告应在 "
            f"{report.year + 1} 年发布，最晚不超过 {chinese_date(latest)}。请核对年份。",
            key="report.published", expected=f"不晚于 {latest.isoformat()}", actual=report.published.isoformat())]
    if report.kind not in KINDS:
        return []
    due = deadline(report.year, report.kind)
    if report.published <= due:
        return []
    return [warning(
        "deadline",
        f"发布日期 {chinese_date(report.published)} 晚于法定期限 {chinese_date(due)}"
        f"（{report.kind}报告应在次年{due.month}月{due.day}日前公开，《条例》第四十九条）。",
        key="report.published", expected=f"不晚于 {due.isoformat()}", actual=report.published.isoformat())]


def missing_texts(report: Report) -> list[tuple[str, str]]:
    """(text key, heading) of each narrative the format requires that the file leaves empty.

    Where the format names required themes (2021: the five parts of 一), each theme is
    required; otherwise a section needs its own text or some theme's text.
    """
    def empty(key: str) -> bool:
        return unfilled(report.text.get(key, ""))

    missing = []
    for section in report.format.sections:
        themes = [t for t in section.themes if t.applies_to(report.kind)]
        if any(t.required for t in themes):
            missing.extend((t.text, f"{section.heading}{t.heading}") for t in themes if t.required and empty(t.text))
        elif section.text and (section.required or themes):
            if empty(section.text) and all(empty(t.text) for t in themes):
                missing.append((section.text, section.heading))
    return missing
