"""Building every agency's report for a year at once: ``reportgen batch``.

Each worker process prepares the templates once and then builds one agency after
another; results come back as small records, so memory stays flat however many agencies
there are. One agency's failure (bad TOML, failed checks, an exception in a renderer)
never stops the others. Every draft is written atomically, so an interrupted batch
leaves each output complete or absent.
"""

from __future__ import annotations

import csv
import io
import json
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from reportgen.errors import EditedDraftError, ReportgenError
from reportgen.output.writing import remove_stale_temporaries, write_atomic
from reportgen.output.manifest import EDITED, OURS, Manifest, digest
from reportgen.renderers.fonts import Fonts
from reportgen.workflows import pool
from reportgen.workflows import roster as rosters
from reportgen.workflows.build import PDF, BuildResult, Renderers, build_file, write_pdfs
from reportgen.workflows.refresh import refresh

OK = "成功"
WARNED = "有警告"
ERRORS = "有错误"
NOT_BUILT = "未生成"
CRASHED = "失败"
CLASH = "重名"
UNPROCESSED = "未处理"  # the run ended (interrupted) before this unit was started
STALE = "未更新"  # a person's drafts kept: some still show old figures (refresh, or --force)
SKIPPED = "已跳过"  # none of the formats asked for is this document kind's (a task table --to 图解)
STATUSES_OK = (OK, WARNED)
UNREADABLE = rosters.UNREADABLE


@dataclass(frozen=True)
class Options:
    kinds: tuple[str, ...] = ()  # () : each document kind's own files
    allow_errors: bool = False
    blank_zeros: bool = False
    force: bool = False
    templates: Path | None = None
    fonts: Fonts = Fonts()
    refresh: bool = False  # edited drafts get the new figures (reportgen refresh) instead of a refusal
    accent: str = "红"  # the 图解's colour


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
    document: str = ""  # the kind of document (annual, tasks, summary, annual2008); "" if unread
    stale: list[str] = field(default_factory=list)  # drafts still showing old figures: "path：command"
    detail: str = ""  # a crash's technical detail, for the maintainers (summary.json only)
    unchanged: bool = False  # every draft already held what this run made: nothing written
    skipped: str = ""  # the formats asked for that this document kind does not have, and why
    # the PDF the parent still has to print (write_pdfs' item), None once printed; never in the summary
    pending_pdf: tuple | None = field(default=None, repr=False, compare=False)

    def summary(self) -> dict:
        """The row of summary.json."""
        row = asdict(replace(self, pending_pdf=None))
        del row["pending_pdf"]
        return row

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
    running: bool = False  # the summary is being written while the batch runs
    processed: int = 0
    summary_paths: tuple[Path, Path] | None = None
    roster: list[rosters.Unit] | None = None
    summary_backups: list[Path] = field(default_factory=list)  # summary files a person edited, backed up (--force)

    @property
    def unprocessed(self) -> list[AgencyResult]:
        return [r for r in self.results if r.status == UNPROCESSED]

    @property
    def failed(self) -> list[AgencyResult]:
        return [r for r in self.results if not r.ok and r.status not in (UNPROCESSED, SKIPPED)]

    @property
    def skipped(self) -> list[AgencyResult]:
        """Files of a document kind that has none of the formats asked for: not a failure."""
        return [r for r in self.results if r.status == SKIPPED]

    @property
    def succeeded(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.missing and not self.interrupted and not self.unprocessed

    @property
    def state(self) -> str:
        if self.running:
            return "进行中"
        return "已中断" if self.interrupted or self.unprocessed else "已完成"

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "state": self.state,
            "running": self.running,
            "agencies": len(self.results),
            "succeeded": self.succeeded,
            "failed": len(self.failed),
            "skipped": len(self.skipped),
            "unprocessed": len(self.unprocessed),
            "missing": [asdict(u) for u in self.missing],
            "extra": self.extra,
            "interrupted": self.interrupted,
            "results": [r.summary() for r in self.results],
        }


# ------------------------------------------------------------------ workers

_worker: dict = {}


def _start_worker(out_dir: Path, options: Options) -> None:
    _worker["renderers"] = Renderers.prepare(options.templates, options.fonts, options.accent)
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
        document=checked.document_kind or "",
    )
    result.stale = [f"{s.path}：{s.hint}" for s in built.stale]
    result.skipped = built.skipped
    result.unchanged = bool(built.outputs) and set(built.unchanged) == set(built.outputs) and not built.pending_pdf
    first_error = next((f.message for f in checked.findings if f.is_error), "")
    if checked.report is None:  # the unit filed a file that cannot be read: named from its folder
        result.status, result.agency = UNREADABLE, rosters.unreadable_agency(source)
        result.message = "；".join(_placed(f) for f in checked.findings if f.is_error)
    elif checked.errors:
        result.status = ERRORS
        result.message = f"共 {checked.errors} 个错误。第一个：{first_error}"
        if built.built:
            result.message += "草稿已生成，标有【数据待核】。"
    elif built.none_offered:
        result.status, result.message = SKIPPED, built.reason
    elif not built.built and not built.kept:
        result.status, result.message = NOT_BUILT, built.reason
    elif built.stale:
        result.status = STALE
        behind = {s.path for s in built.stale}
        result.message = "；".join(
            [f"{p.name} 被人改过，没有覆盖" for p in built.kept if p in behind]
            + [f"{s.path.name} 还是旧的数字（{s.hint}）" for s in built.stale]
        )
    elif checked.warnings:
        result.status = WARNED
        first = next(f for f in checked.findings if not f.is_error)
        result.message = f"共 {checked.warnings} 个警告。第一个：{_placed(first)}"
    return result


def _placed(finding) -> str:
    """A finding's message with its line, for one cell of the summary."""
    return (f"第{finding.line}行：" if finding.line else "") + finding.message


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
        result = _summarise(source, built)
        result.pending_pdf = built.pending_pdf  # printed by the parent, not part of the summary
        if options.refresh and built.edited:
            _refresh_unit(source, built, result, options.kinds)
        return result
    except MemoryError:
        return AgencyResult(str(source), status=CRASHED, message="内存不足，这个单位没有生成（文件可能过大或已损坏）。")
    except Exception as crash:  # one agency's crash must not stop the others
        where = traceback.extract_tb(crash.__traceback__)[-1]
        return AgencyResult(
            str(source),
            status=CRASHED,
            message="reportgen 程序出错，这个单位没有生成（不是数据的问题）。请把 summary.json 中这一行的 detail 报告给维护者。",
            detail=f"{type(crash).__name__}: {crash} ({Path(where.filename).name}:{where.lineno})",
        )


def _refresh_unit(source: Path, built: BuildResult, result: AgencyResult, kinds: tuple[str, ...]) -> None:
    """New figures into a unit's edited drafts, every edit kept; the PDF beside a refreshed
    Word draft is printed again with the others at the end of the batch."""
    done, conflicts, stale = [], 0, {s.path: s for s in built.stale}
    try:
        for path in built.edited:
            outcome = refresh(path, source, _worker["renderers"], print_pdf=False, compact=False)
            conflicts += len(outcome.conflicts)
            result.unchanged = result.unchanged and not outcome.changes
            done.append(
                f"{path.name}：更新 {len(outcome.changes)} 处"
                + (f"，{len(outcome.conflicts)} 处冲突" if outcome.conflicts else "")
            )
            result.outputs.append(str(path))
            if not outcome.conflicts:
                stale.pop(path, None)
            pdf = path.with_suffix(".pdf")
            if path.suffix == ".docx" and (PDF in kinds or pdf.exists()) and not outcome.conflicts:
                result.pending_pdf = (pdf, path.read_bytes())
                stale.pop(pdf, None)
    except ReportgenError as problem:
        result.status, result.message = NOT_BUILT, f"refresh 未完成：{problem}"
        return
    result.stale = [f"{s.path}：{s.hint}" for s in stale.values()]
    result.status = WARNED if conflicts or stale else OK
    result.message = "已用 refresh 更新改过的草稿：" + "；".join(done)
    if stale:
        result.status = STALE
        result.message += "；还是旧的数字：" + "；".join(f"{s.path.name}（{s.hint}）" for s in stale.values())


def _prepare_worker(out_dir: Path, options: Options, year: int) -> None:
    _start_worker(out_dir, options)
    _worker["year"] = year


def _build_next(source: Path) -> AgencyResult:
    return build_one(source, _worker["year"])


# ------------------------------------------------------------------ the batch

SUMMARY_INTERVAL = 1.0  # seconds between rewrites of the summary while a batch runs


def run(
    files: list[Path],
    out_dir: Path,
    year: int,
    options: Options = Options(),
    jobs: int | None = None,
    roster: list[rosters.Unit] | None = None,
    on_result: Callable[[int, int, AgencyResult], None] | None = None,
    on_pdf: Callable[[int, int], None] | None = None,
) -> BatchReport:
    """Build every file; ``on_result(done, total, result)`` is called as each finishes, and
    ``on_pdf(done, total)`` as the PDFs are printed at the end.

    The summary files (summary.json, summary.csv) are written before the first unit, with
    every unit 未处理 and the run marked 进行中, rewritten as units finish, and written
    once more at the end; so the summary on disk always describes this run. On Ctrl-C the
    units already started are finished and counted, and the rest stay 未处理."""
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    Manifest(out_dir).compact()
    jobs = pool.jobs_for(jobs, len(files))
    report = BatchReport(year, results=[AgencyResult(str(p), status=UNPROCESSED) for p in files], running=True)
    report.roster = roster
    report.summary_backups = guard_summaries(out_dir, options.force)
    writer = _SummaryWriter(report, out_dir)
    writer.write()
    started = time.perf_counter()
    index = {str(p): i for i, p in enumerate(files)}

    def done(result: AgencyResult) -> None:
        report.results[index[result.source]] = result
        report.processed += 1
        if on_result:
            on_result(report.processed, len(files), result)
        writer.maybe_write()

    try:
        with pool.StopRequest() as stop:
            if jobs == 1:
                _start_worker(out_dir, options)
                for path in files:
                    if stop.requested:
                        break
                    done(build_one(path, year))
            else:
                pool.run(_build_next, files, jobs, _prepare_worker, (out_dir, options, year), done, stop)
        report.interrupted = stop.requested
    except KeyboardInterrupt:  # a second Ctrl-C
        report.interrupted = True
    if report.interrupted:
        remove_stale_temporaries(out_dir)
        _not_printed(report, "批量生成被中断", out_dir)
    if not report.interrupted:
        try:
            _print_pdfs(report, out_dir, options, jobs, on_pdf)
        except KeyboardInterrupt:  # Ctrl-C while printing: LibreOffice is stopped, the summary still made
            report.interrupted = True
            _not_printed(report, "批量生成在印 PDF 时被中断", out_dir)
            remove_stale_temporaries(out_dir)
    report.elapsed = time.perf_counter() - started
    report.running = False
    _nothing_made(report)
    _mark_clashes(report)
    if roster is not None and not report.unprocessed:  # an unprocessed file's agency is unknown
        for result in report.results:
            if result.status == UNREADABLE:
                result.agency = rosters.unreadable_agency(result.source, roster)
        report.missing, report.extra = rosters.compare(
            roster,
            rosters.filed(
                roster, ((r.agency, r.source, r.document or None) for r in report.results if r.status != CRASHED)
            ),
        )
    writer.write()
    Manifest(out_dir).compact()  # one line per file, the summary files' included
    return report


def _nothing_made(report: BatchReport) -> None:
    """Files skipped because their kind has none of the formats asked for are not a failure
    when the batch made something; when it made nothing, they are what it could not make."""
    if report.interrupted or report.unprocessed or any(r.ok or r.outputs for r in report.results):
        return
    for result in report.skipped:
        result.status, result.skipped = NOT_BUILT, ""


def _not_printed(report: BatchReport, why: str, out_dir: Path) -> None:
    """The units whose PDF was not printed (the run was interrupted) are not 成功: they do
    not have every format asked for. A PDF printed and written before the interruption,
    the print of the unit's Word draft as it is now, counts: that unit was done."""
    manifest = Manifest(out_dir)
    for result in report.results:
        if result.pending_pdf:
            path, word = result.pending_pdf[0], result.pending_pdf[1]
            result.pending_pdf = None
            if manifest.state(path) == OURS and manifest.entry(path).get("printed_from") == digest(word):
                result.outputs.append(str(path))
                continue
            result.status = UNPROCESSED
            result.message = f"其他草稿已生成，PDF 没有生成（{why}），请重新运行。"


def _print_pdfs(report: BatchReport, out_dir: Path, options: Options, jobs: int, on_pdf=None) -> None:
    """Print the PDFs of every unit built or refreshed, with ``jobs`` LibreOffice processes side by side."""
    units = [r for r in report.results if r.pending_pdf]
    if not units:
        return
    try:
        written = dict(
            write_pdfs(
                [r.pending_pdf for r in units if r.pending_pdf], Manifest(out_dir), options.force, jobs, progress=on_pdf
            )
        )
    except ReportgenError as problem:
        for result in units:
            result.status, result.message = CRASHED, f"PDF 没有生成：{problem}"
        return
    for result in units:
        assert result.pending_pdf  # units: those with a PDF to print
        path = result.pending_pdf[0]
        if path in written:
            result.outputs.append(str(path))
        else:
            result.status, result.message = STALE, f"{path.name} 被人改过，没有覆盖。"
        result.pending_pdf = None


class _SummaryWriter:
    """Writes summary.json and summary.csv now, and again at most once a second."""

    def __init__(self, report: "BatchReport", out_dir: Path):
        self.report = report
        self.out_dir = out_dir
        self.last = 0.0

    def write(self) -> None:
        self.report.summary_paths = write_summaries(self.report, self.out_dir)
        self.last = time.monotonic()

    def maybe_write(self) -> None:
        if time.monotonic() - self.last >= SUMMARY_INTERVAL:
            self.write()


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
        if r.skipped and r.status != SKIPPED:
            note += ("；" if note else "") + f"跳过：{r.skipped}"
        if r.status == UNPROCESSED:
            note = (
                "批量生成正在进行，或被强行终止：这个单位尚未确认完成，请重新运行。"
                if report.running
                else "批量生成中断，这个单位没有处理，请重新运行。"
            )
        rows.append([r.agency, r.source, r.status, str(r.errors), str(r.warnings), "；".join(r.outputs), note])
    for unit in report.missing:
        rows.append([unit.agency, "", MISSING, "", "", "", f"没有 {report.year} 年度的数据文件"])
    return rows


SUMMARIES = ("summary.json", "summary.csv")


def guard_summaries(out_dir: Path, force: bool) -> list[Path]:
    """The summary files follow the rule every file reportgen writes follows: one a person
    changed since reportgen wrote it (a note typed into summary.csv in Excel) stops the
    batch before any work, unless ``force``, which backs it up first. Returns the backups."""
    manifest = Manifest(out_dir)
    edited = [out_dir / name for name in SUMMARIES if manifest.state(out_dir / name) == EDITED]
    if edited and not force:
        raise EditedDraftError(manifest.edited_message(edited[0]), edited[0])
    return [manifest.backup(path) for path in edited]


def write_summaries(report: BatchReport, out_dir: Path) -> tuple[Path, Path]:
    """summary.json and summary.csv (UTF-8 with BOM, so that Excel opens it) in ``out_dir``,
    each recorded as written by reportgen (so that a person's later edit is noticed)."""
    json_path, csv_path = (out_dir / name for name in SUMMARIES)
    as_json = json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    write_atomic(json_path, as_json)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(summary_rows(report))
    as_csv = buffer.getvalue().encode("utf-8-sig")
    write_atomic(csv_path, as_csv)
    Manifest(out_dir).record({json_path: as_json, csv_path: as_csv})
    return json_path, csv_path
