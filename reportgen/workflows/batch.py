"""Building every agency's report for a year at once: ``reportgen batch``.

Each worker process prepares the templates once and then builds one agency after
another; results come back as small records, so memory stays flat however many agencies
there are. One agency's failure (bad TOML, failed checks, an exception in a renderer)
never stops the others. Every draft is written atomically, so an interrupted batch
leaves each output complete or absent.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from reportgen.workflows import roster as rosters
from reportgen.workflows.build import KINDS, BuildResult, Renderers, build_file
from reportgen.output.files import Manifest, remove_stale_temporaries
from reportgen.renderers.word import Fonts

OK = "成功"
WARNED = "有警告"
ERRORS = "有错误"
NOT_BUILT = "未生成"
CRASHED = "失败"
CLASH = "重名"
STATUSES_OK = (OK, WARNED)


@dataclass(frozen=True)
class Options:
    kinds: tuple[str, ...] = KINDS
    allow_errors: bool = False
    blank_zeros: bool = False
    force: bool = False
    templates: Path | None = None
    fonts: Fonts = Fonts()


@dataclass
class AgencyResult:
    """One row of a batch summary."""

    source: str
    agency: str = ""
    status: str = OK
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in STATUSES_OK


@dataclass
class BatchReport:
    """What a batch did, agency by agency, and what the roster says is missing."""

    year: int
    results: list[AgencyResult] = field(default_factory=list)
    missing: list[rosters.Unit] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def failed(self) -> list[AgencyResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.missing and not self.interrupted

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "agencies": len(self.results),
            "succeeded": len(self.results) - len(self.failed),
            "failed": len(self.failed),
            "missing": [asdict(u) for u in self.missing],
            "extra": self.extra,
            "interrupted": self.interrupted,
            "results": [asdict(r) for r in self.results],
        }


# ------------------------------------------------------------------ inputs


def collect(inputs: Iterable[Path], year: int | None) -> list[Path]:
    """The data files named, and in folders those whose name carries the year (2025.toml)."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            if year is None:
                raise ValueError("a folder needs a year")
            found += sorted(p for p in item.rglob("*.toml") if str(year) in p.name and not p.name.startswith("."))
        else:
            found.append(item)
    return list(dict.fromkeys(found))


# ------------------------------------------------------------------ workers

_worker: dict = {}


def _start_worker(out_dir: Path, options: Options) -> None:
    _worker["renderers"] = Renderers.prepare(options.templates, options.fonts)
    _worker["manifest"] = Manifest(out_dir)
    _worker["out_dir"] = out_dir
    _worker["options"] = options


def _summarise(source: Path, built: BuildResult) -> AgencyResult:
    checked = built.check
    result = AgencyResult(
        str(source),
        agency=checked.report.agency if checked.report else "",
        errors=checked.errors,
        warnings=checked.warnings,
        outputs=[str(p) for p in built.outputs],
    )
    first_error = next((f.message for f in checked.findings if f.is_error), "")
    if checked.errors:
        result.status = ERRORS
        result.message = f"共 {checked.errors} 个错误。第一个：{first_error}"
        if built.built:
            result.message += "草稿已生成，标有【数据待核】。"
    elif not built.built:
        result.status, result.message = NOT_BUILT, built.reason
    elif checked.warnings:
        result.status = WARNED
    return result


def build_one(source: Path, year: int) -> AgencyResult:
    """Build one agency in a prepared worker. Never raises: a crash becomes a result."""
    options: Options = _worker["options"]
    try:
        built = build_file(
            source,
            _worker["out_dir"],
            _worker["renderers"],
            kinds=options.kinds,
            allow_errors=options.allow_errors,
            blank_zeros=options.blank_zeros,
            force=options.force,
            manifest=_worker["manifest"],
            year=year,
        )
        return _summarise(source, built)
    except Exception as crash:  # one agency's crash must not stop the others
        where = traceback.extract_tb(crash.__traceback__)[-1]
        return AgencyResult(
            str(source), status=CRASHED,
            message=f"程序出错：{type(crash).__name__}: {crash}（{Path(where.filename).name}:{where.lineno}）",
        )


def _task(args: tuple[Path, int]) -> AgencyResult:
    return build_one(*args)


# ------------------------------------------------------------------ the batch


def run(
    files: list[Path],
    out_dir: Path,
    year: int,
    options: Options = Options(),
    jobs: int | None = None,
    roster: list[rosters.Unit] | None = None,
    on_result: Callable[[int, int, AgencyResult], None] | None = None,
) -> BatchReport:
    """Build every file; ``on_result(done, total, result)`` is called as each finishes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files) or 1))
    report = BatchReport(year)
    started = time.perf_counter()
    tasks = [(path, year) for path in files]
    try:
        if jobs == 1:
            _start_worker(out_dir, options)
            outcomes = map(_task, tasks)
            _collect(outcomes, report, len(tasks), on_result)
        else:
            chunk = max(1, min(32, len(tasks) // (jobs * 8)))
            with multiprocessing.get_context(_start_method()).Pool(
                jobs, initializer=_start_worker, initargs=(out_dir, options)
            ) as pool:
                _collect(pool.imap_unordered(_task, tasks, chunksize=chunk), report, len(tasks), on_result)
    except KeyboardInterrupt:
        report.interrupted = True
        remove_stale_temporaries(out_dir)
    report.elapsed = time.perf_counter() - started
    report.results.sort(key=lambda r: r.source)
    _mark_clashes(report)
    if roster is not None:
        report.missing, report.extra = rosters.compare(roster, ((r.agency, r.source) for r in report.results))
    return report


def _start_method() -> str | None:
    """fork on Linux, where it is cheapest and safe; the platform's default elsewhere.
    Workers prepare their own templates, so any start method works."""
    return "fork" if sys.platform.startswith("linux") else None


def _collect(outcomes, report: BatchReport, total: int, on_result) -> None:
    for result in outcomes:
        report.results.append(result)
        if on_result:
            on_result(len(report.results), total, result)


def _mark_clashes(report: BatchReport) -> None:
    """Two files of the same agency and year write the same drafts: both are marked."""
    owners: dict[str, list[AgencyResult]] = {}
    for result in report.results:
        for output in result.outputs:
            owners.setdefault(output, []).append(result)
    for output, results in owners.items():
        if len(results) > 1:
            names = "、".join(r.source for r in results)
            for result in results:
                result.status = CLASH
                result.message = f"{names} 是同一机关同一年度的文件，草稿 {output} 只保留了其中一份。"


# ------------------------------------------------------------------ summary files

SUMMARY_COLUMNS = ("机关名称", "数据文件", "状态", "错误数", "警告数", "草稿", "说明")
MISSING = "未报送"


def summary_rows(report: BatchReport) -> list[list[str]]:
    extra = set(report.extra)
    rows = []
    for r in report.results:
        note = r.message + ("（不在名单中）" if r.source in extra else "")
        rows.append([r.agency, r.source, r.status, str(r.errors), str(r.warnings), "；".join(r.outputs), note])
    for unit in report.missing:
        rows.append([unit.agency, "", MISSING, "", "", "", f"没有 {report.year} 年度的数据文件"])
    return rows


def write_summaries(report: BatchReport, out_dir: Path) -> tuple[Path, Path]:
    """summary.json and summary.csv (UTF-8 with BOM, so that Excel opens it) in ``out_dir``."""
    import csv
    import io
    import json

    from reportgen.output.files import write_atomic

    json_path, csv_path = out_dir / "summary.json", out_dir / "summary.csv"
    write_atomic(json_path, json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(summary_rows(report))
    write_atomic(csv_path, buffer.getvalue().encode("utf-8-sig"))
    return json_path, csv_path
