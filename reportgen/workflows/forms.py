"""``reportgen form``: fill-in workbooks, prefilled from a data file, blank, or one per unit
of a roster (several processes side by side)."""

from __future__ import annotations

from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.formats import statutory
from reportgen.output.files import safe_name, write_atomic
from reportgen.renderers import form


def _write(path: Path, data: bytes, force: bool) -> Path:
    if path.exists() and not force:
        raise ReportgenError(f"{path} 已经存在，没有覆盖（确需覆盖请加 --force）。")
    write_atomic(path, data)
    return path


def from_data(source: Path, out: Path, force: bool = False) -> Path:
    from reportgen.checks.check import check_file
    from reportgen.model import Document

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


def blank(agency: str, year: int, kind: str, out: Path, force: bool = False) -> Path:
    fmt = statutory.require_format(year)
    data = form.workbook(fmt, None, agency, year, kind)
    return _write(out / f"{safe_name(form.title(agency, year))}.xlsx", data, force)


def _one(args) -> str:
    agency, year, kind, out, force = args
    return str(blank(agency, year, kind, out, force))


def for_roster(units, year: int, kind: str, out: Path, force: bool = False, jobs: int = 1) -> list[Path]:
    import multiprocessing

    statutory.require_format(year)
    tasks = [(unit.agency, year, kind, out, force) for unit in units]
    if jobs > 1 and len(tasks) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [Path(p) for p in pool.map(_one, tasks, chunksize=8)]
    return [Path(_one(task)) for task in tasks]
