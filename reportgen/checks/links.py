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

from pathlib import Path

from reportgen import kinds as kind_definitions
from reportgen import untrusted
from reportgen.checks import arithmetic, crossyear
from reportgen.filenames import not_data
from reportgen.model import Document, Report, format_number, totals
from reportgen.model.findings import Finding, warning
from reportgen.model.names import Unread, lookup
from reportgen.model.names import names as report_names
from reportgen.model.text import missing_texts, same_agency
from reportgen.sources.datafile import kind_of_file, read_document, read_report_and_findings


def _same_year_names(path: Path, year: int) -> list[Path]:
    """The data files beside ``path`` whose name carries ``year``, ``path`` itself left out."""
    try:
        return sorted(
            p
            for p in path.parent.glob("*.toml")
            if str(year) in p.name and not not_data(p) and p.resolve() != path.resolve()
        )
    except (OSError, RuntimeError):
        return []


def siblings(path: Path, year: int) -> dict[str, Path]:
    """The same year's other data files beside ``path``, by kind id (the first of each); a
    file leading out of the folder the page serves is not one (``leading_out`` names it)."""
    found: dict[str, Path] = {}
    for candidate in _same_year_names(path, year):
        if untrusted.leads_out(candidate):
            continue
        kind = kind_of_file(candidate)
        if kind and kind not in found:
            found[kind] = candidate
    return found


def leading_out(path: Path, year: int, key: str = "report.year") -> list[Finding]:
    """A warning for each file beside ``path`` that is not read because it leads out of the
    folder the page serves: last year's (the file of year − 1) and the same year's others."""
    found = []
    last = crossyear.path_for_year(path, year, year - 1)
    if last != path and untrusted.leads_out(last) and last.is_file():
        found.append(not_used(last, "上年的文件", "没有与上年核对，也没有与上年比较", key))
    for candidate in _same_year_names(path, year):
        if untrusted.leads_out(candidate):
            found.append(not_used(candidate, "同一年度的文件", "没有与它核对，也没有引用它的内容", key))
    return found


def not_used(path: Path, what: str, so: str, key: str) -> Finding:
    """Why a file beside the one checked was not used: it is a link leading out of the folder."""
    return warning(
        "outside",
        f"{what} {path.name} 没有读取：{untrusted.LEADS_OUT}（这样的链接读和写都拒绝），{so}。"
        "如要使用，请把文件本身复制到这个文件夹中。",
        key=key,
    )


def read_annual(path: Path, year: int) -> tuple[Report | None, str]:
    """The annual report of ``year`` in a file, unchecked, and "" — or why its figures are not
    to be used elsewhere yet (it has errors, or sections still to be written)."""
    report, findings = read_report_and_findings(path)
    if report is None or report.year != year:
        return None, ""
    errors = sum(1 for f in findings if f.is_error)
    errors += sum(1 for f in arithmetic.check(report.format, report.figures, totals.completed(report)) if f.is_error)
    errors += sum(1 for figure in report.figures.values() if figure.unread)
    unwritten = len(missing_texts(report))
    if errors or unwritten:
        parts = [f"有 {errors} 个错误" if errors else "", f"{unwritten} 个部分还是【待填写】" if unwritten else ""]
        return report, f"{path.name} 还没有填好（{'，'.join(p for p in parts if p)}）"
    return report, ""


def same_year(path: Path, year: int, agency: str, wanted) -> tuple[dict[str, Report | Document], dict[str, str]]:
    """The same agency's documents of ``year`` beside ``path``, for the kinds ``wanted``, by
    kind id: the annual report as a ``Report``, the others as ``Document``s (a task table
    only if it has tasks); and, by kind id, those found but not to be drawn on yet, and why
    (an annual report with errors or sections still to be written). The folder is searched once."""
    found: dict[str, Report | Document] = {}
    unready: dict[str, str] = {}
    for kind, candidate in siblings(path, year).items():
        if kind not in wanted:
            continue
        why = ""
        read: Report | Document | None
        if kind == kind_definitions.ANNUAL:
            read, why = read_annual(candidate, year)
        else:
            read = read_document(candidate, year)
        if (
            read is None
            or not same_agency(read.agency, agency)
            or (isinstance(read, Document) and kind == "tasks" and not read.tasks)
        ):
            continue
        if why:
            unready[kind] = why
        else:
            found[kind] = read
    return found, unready


def summary_against_annual(
    summary: Document, report, summary_path: Path, report_path: Path, from_annual: bool = False
) -> list[Finding]:
    """A finding for each figure the work summary states that the annual report states
    otherwise. ``from_annual``: the annual report is the file being checked (the finding
    then names the annual report's key)."""
    names = report_names(report)
    cutoff = summary.partial_to
    found = []
    for definition in summary.format.figures:
        stated = summary.figures.get(definition.key)
        if not definition.annual or stated is None or stated.value is None:
            continue
        parts = [lookup(names, key) for key in definition.annual]
        if any(p is None or isinstance(p, Unread) for p in parts):
            continue
        annual = sum(parts)
        if annual == stated.value or (cutoff is not None and stated.value < annual):
            continue
        cells = "＋".join(definition.annual)
        if cutoff is not None:
            message = (
                f"工作总结 {summary_path.name} 截至{cutoff.month}月{cutoff.day}日的“{definition.label}”"
                f"{format_number(stated.value)}{definition.unit}，比年度报告 {report_path.name} 全年的"
                f"{format_number(annual)}{definition.unit}（{cells}）还多。请核对两份文件。"
            )
        else:
            message = (
                f"工作总结 {summary_path.name} 写“{definition.label}”{format_number(stated.value)}{definition.unit}，"
                f"年度报告 {report_path.name} 是 {format_number(annual)}{definition.unit}（{cells}）。"
                "同一年度的两份文件数字应一致，请核对。"
            )
        key = definition.annual[0] if from_annual else f"figures.{definition.key}"
        found.append(warning("summary-annual", message, key=key, expected=annual, actual=stated.value))
    return found
