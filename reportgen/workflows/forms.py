"""``reportgen form``: fill-in workbooks, prefilled from a data file, blank, or one per unit
of a roster (several processes side by side)."""

from __future__ import annotations

from pathlib import Path

from reportgen.checks.check import check_file
from reportgen.errors import ReportgenError
from reportgen.formats import statutory
from reportgen.model import Document
from reportgen.output.writing import safe_name
from reportgen.output.manifest import write_file
from reportgen.renderers import form
from reportgen.workflows import pool

Made = tuple[Path, list[Path]]  # a form written, and the backups made of what it replaced


def _write(path: Path, data: bytes, force: bool) -> Made:
    """A form written by the rule: a form a unit has filled in is never replaced without
    ``force``, and then backed up first."""
    hint = "这份填报表可能已经填写过。"
    return path, write_file(path, data, force, hint=hint)


def from_data(source: Path, out: Path, force: bool = False) -> Made:
    checked = check_file(source, previous=None)
    report = checked.report
    if report is None:
        reasons = "；".join(f.message for f in checked.findings if f.is_error)
        raise ReportgenError(f"无法读取数据文件 {source}：{reasons}")
    if isinstance(report, Document):
        extra = f"任务分解表的 Excel 表用 reportgen build {source} --to xlsx 生成。" if report.tasks else ""
        raise ReportgenError(f"{source} 是{report.format.name}：填报表只用于年度报告的法定表格。{extra}")
    data = form.workbook(report.format, report, report.agency, report.year, report.kind or "部门")
    return _write(out / f"{safe_name(form.title(report.agency, report.year))}.xlsx", data, force)


def blank(agency: str, year: int, kind: str, out: Path, force: bool = False) -> Made:
    fmt = statutory.require_format(year)
    data = form.workbook(fmt, None, agency, year, kind)
    return _write(out / f"{safe_name(form.title(agency, year))}.xlsx", data, force)


def _one(args) -> Made | str:
    """One unit's form, or why it was not written (one unit's refusal does not stop the others)."""
    agency, year, kind, out, force = args
    try:
        return blank(agency, year, kind, out, force)
    except ReportgenError as problem:
        return str(problem)


def for_roster(units, year: int, kind: str, out: Path, force: bool = False, jobs: int = 1) -> list[Made | str]:
    """Each unit's blank form, of the unit's 类别 in the roster (else ``kind``): (path,
    backups), or a message saying why it was not written."""
    statutory.require_format(year)
    tasks = [(unit.agency, year, unit.kind or kind, out, force) for unit in units]
    return pool.map(_one, tasks, jobs, lost=_lost)


def _lost(args) -> str:
    return f"{args[0]}：填报表没有生成（处理它的进程意外退出），请重新运行。"
