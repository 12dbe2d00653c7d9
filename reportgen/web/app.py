"""``reportgen serve``: the year's work on a local page, over a folder laid out like data/.

    app = create_app(Path("data"), token, port)    # a Starlette application; uvicorn serves it

Pages: the folder (every agency and year, each file's state, the deadline, a chart of the
main figures across years); a report (the three statutory tables laid out as printed, an
input in each figure cell, the text sections, checked on the server at each change with the
same checks as ``reportgen check``); drafts to download; an edited Word draft to refresh; a
published report or a returned form to import; the report as JSON. Every request passes
``reportgen.web.security.Guard`` first. The work itself is done by the workflows, as for the
command line.
"""

from __future__ import annotations

import re
import tempfile
import time
from datetime import date
from pathlib import Path, PureWindowsPath
from urllib.parse import quote

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reportgen import kinds as kind_definitions
from reportgen.checks.check import check_as_file, check_file
from reportgen.checks.crossyear import path_for_year
from reportgen.errors import ReportgenError
from reportgen.filenames import not_data
from reportgen.formats import layout, statutory
from reportgen.model import KINDS, Document, Report, deadline, format_number, totals
from reportgen.model.names import lookup, names
from reportgen.output.files import safe_name, write_atomic
from reportgen.output.manifest import Manifest
from reportgen.renderers.opendata import report_json
from reportgen.renderers.files import DOCX, HTML, JSON, MD, PDF, SUFFIXES, XLSX
from reportgen.web import documents
from reportgen.web.security import Folder, Guard, OutsideFolder
from reportgen.sources.tomlfile import segments
from reportgen.workflows import datafiles, editing, importing
from reportgen.workflows import refresh as refreshing
from reportgen.workflows import roster as rosters
from reportgen.workflows.build import draft_file, offered

MAX_UPLOAD = 30 * 1024 * 1024
DRAFTS = "草稿"  # where uploaded drafts are kept, in the folder
CHART = (("新收申请", "requests.new.total"), ("办结", "requests.total.total"), ("复议", "appeals.review.total"),
         ("诉讼", "appeals.lawsuit_direct.total"))


SHOWN_ELSEWHERE = (".last_year", "._delete")  # inputs with no finding of their own beside them
ROSTER_NAMES = ("名单.csv", "名单.toml")  # a roster in the folder is read without being named


def create_app(root: Path, token: str, port: int, roster: Path | None = None) -> Guard:
    folder = Folder(root)
    templates = Environment(loader=PackageLoader("reportgen.web", "templates"), autoescape=True,
                            trim_blocks=True, lstrip_blocks=True)
    pages = Pages(folder, templates, roster)
    app = Starlette(routes=[
        Route("/", pages.folder_page),
        Route("/report/{path:path}", pages.report_page),
        Route("/check/{path:path}", pages.check, methods=["POST"]),
        Route("/save/{path:path}", pages.save, methods=["POST"]),
        Route("/draft/{kind}/{path:path}", pages.draft),
        Route("/refresh/{path:path}", pages.refresh, methods=["POST"]),
        Route("/import", pages.import_file, methods=["POST"]),
        Route("/new", pages.new_file, methods=["POST"]),
        Route("/api/annual/{agency}/{year:int}", pages.api),
        Mount("/static", StaticFiles(packages=[("reportgen.web", "static")]), name="static"),
    ], exception_handlers={OutsideFolder: pages.outside, ReportgenError: pages.unusable, HTTPException: pages.refused,
                           404: pages.not_found, 500: pages.crashed})
    return Guard(app, token, port)


class Pages:
    def __init__(self, folder: Folder, templates: Environment, roster: Path | None = None):
        self.folder, self.templates, self.roster = folder, templates, roster
        self.remembered: dict[Path, tuple[tuple, object]] = {}  # the folder page's checks, until a file changes

    def check_file(self, path: Path):
        """``check_file``, remembered until the file or one beside it (last year's, the same
        year's other documents) changes: the folder page of a thousand reports stays quick."""
        key = tuple(sorted((p.name, stat.st_mtime_ns, stat.st_size)
                           for p in path.parent.glob("*.toml") for stat in [p.stat()]))  # the file and those beside it
        known = self.remembered.get(path)
        if known is None or known[0] != key:
            known = self.remembered[path] = (key, check_file(path))
        return known[1]

    def page(self, template: str, status: int = 200, **values) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(template).render(**values), status_code=status)

    # -- errors, said in Chinese on a page

    async def outside(self, request: Request, problem) -> HTMLResponse:
        return self.page("message.html.j2", 403, title="已拒绝", message="这个路径不在 reportgen serve 的文件夹中，已拒绝。")

    async def unusable(self, request: Request, problem: ReportgenError) -> HTMLResponse:
        """A file that cannot be used (not UTF-8, …): said as ``reportgen check`` says it."""
        return self.page("message.html.j2", 400, title="无法打开", message=str(problem))

    async def refused(self, request: Request, problem: HTTPException) -> HTMLResponse:
        """Starlette's own refusals (a form too long, a method not taken), said in Chinese."""
        if problem.status_code == 404:
            return await self.not_found(request, problem)
        message = {405: "这个地址不接受这种请求。"}.get(problem.status_code, "提交的内容无法读取（项目太多或太长），已拒绝。")
        return self.page("message.html.j2", problem.status_code, title="已拒绝", message=message)

    async def not_found(self, request: Request, problem) -> HTMLResponse:
        return self.page("message.html.j2", 404, title="找不到", message="找不到这一页或这个文件。")

    async def crashed(self, request: Request, problem) -> HTMLResponse:
        return self.page("message.html.j2", 500, title="出错",
                         message="reportgen 程序出错，没有完成（不是您的数据的问题）。请把操作步骤告诉维护者。")

    # -- the folder

    def files(self) -> list[Path]:
        rosters_here = {self.folder.root / name for name in ROSTER_NAMES}
        if self.roster is not None:
            rosters_here.add(self.roster.resolve())
        found = []
        for path in self.folder.root.rglob("*.toml"):
            real = path.resolve()  # a link leading out of the folder is not the folder's
            if path.is_file() and not not_data(path) and self.folder.root in real.parents and real not in rosters_here:
                found.append(path)
        return sorted(found)

    async def folder_page(self, request: Request) -> HTMLResponse:
        rows, series = [], {}
        for path in self.files():
            checked = self.check_file(path)
            report = checked.report
            agency = getattr(report, "agency", "") or path.parent.name
            year = getattr(report, "year", "") or (int(path.stem) if report is None and path.stem.isdigit() else "")
            state = "通过" if checked.ok else rosters.UNREADABLE if report is None else f"{checked.errors} 个错误"
            if checked.ok and checked.unfilled_sections:
                state = f"未填（{checked.unfilled_sections} 个部分）"
            due = deadline(report.year, report.kind) if isinstance(report, Report) and report.kind in KINDS else None
            following = path_for_year(path, year, year + 1) if isinstance(year, int) else None
            rows.append({"path": self.folder.relative(path), "agency": agency, "year": year,
                         "name": report.format.name if isinstance(report, Document) else "年度报告",
                         "state": state, "ok": checked.ok, "due": due, "warnings": checked.warnings,
                         "annual": isinstance(report, Report), "unread": report is None,
                         "next": self.folder.relative(following) if following and following.exists() else ""})
            if isinstance(report, Report):
                values = names(report)
                series.setdefault(agency, {})[report.year] = [lookup(values, key) or 0 for _, key in CHART]
        charts = {agency: chart(points) for agency, points in series.items()}
        roster = self.roster_view(rows, request.query_params.get("year", ""))
        return self.page("folder.html.j2", rows=rows, charts=charts, folder=str(self.folder.root), today=date.today(),
                         kinds=KINDS, documents=document_kinds(), roster=roster)

    def roster_view(self, rows: list[dict], asked: str) -> dict | None:
        """The roster's units against the folder's annual reports of one year (the latest
        held, or the one asked for): those not yet in (未报送), and reports of no listed unit."""
        path = self.roster or next((self.folder.root / n for n in ROSTER_NAMES if (self.folder.root / n).is_file()), None)
        if path is None:
            return None
        try:
            units = rosters.load(path)
        except ReportgenError as problem:
            return {"problem": str(problem)}
        years = sorted({row["year"] for row in rows if row["annual"]})
        year = int(asked) if asked.isdigit() else (years[-1] if years else date.today().year - 1)
        annual = rosters.filed(units, ((row["agency"], row["path"], "annual" if row["annual"] else None if row["unread"] else "")
                                       for row in rows if row["year"] == year))
        missing, extra = rosters.compare(units, annual)
        return {"name": path.name, "year": year, "years": years, "units": len(units), "extra": extra,
                "missing": [{"agency": u.agency, "kind": u.kind or "部门",
                             "due": deadline(year, u.kind) if u.kind in KINDS else None} for u in missing]}

    # -- a report

    def data_file(self, relative: str) -> Path:
        """The data file a page names, in the folder; 404 for anything else."""
        path = self.folder.path(relative)
        if path.suffix.lower() != ".toml" or not path.is_file() or not_data(path):
            raise HTTPException(404)
        return path

    def load(self, relative: str) -> tuple[Path, editing.Loaded]:
        path = self.data_file(relative)
        return path, editing.load(path)

    async def report_page(self, request: Request) -> HTMLResponse:
        relative = request.path_params["path"]
        path, loaded = self.load(relative)
        checked = check_as_file(loaded.text, path)
        report = checked.report
        cells = cell_findings(checked)
        common = dict(path=relative, version=loaded.version, checked=checked, report=report,
                      findings=findings(checked), cells=cells, shown=" ".join(sorted(cells)), marks=marks(checked),
                      kinds=offered(report) if report is not None else (), labels=DRAFT_LABELS)
        if isinstance(report, Document):
            return self.page("document.html.j2", form=documents.form(report.format, editing.parsed(loaded.text),
                                                                     report.year), **common)
        return self.page("report.html.j2", tables=tables(report), **common)

    async def check(self, request: Request) -> HTMLResponse:
        """The findings of the form as typed, not saved: the list, and beside each cell."""
        started = time.perf_counter()
        relative = request.path_params["path"]
        path, loaded = self.load(relative)
        form = await request.form()
        checked, problem = self.checked(loaded, path, form)
        cells = cell_findings(checked) if checked else {}
        inputs = {k for k in form.keys() if not k.startswith("_") and not k.endswith(SHOWN_ELSEWHERE)}
        # Only the texts beside cells that change: those with a finding now, or shown before.
        shown = set(str(form.get("_shown", "")).split())
        answer = self.page("findings.html.j2", checked=checked, findings=findings(checked) if checked else [],
                           cells=cells, problem=problem, totals=computed_totals,
                           keys=sorted((shown | set(cells)) & inputs), shown=" ".join(sorted(set(cells) & inputs)),
                           marks=marks(checked) if checked else "")
        answer.headers["Server-Timing"] = f"check;dur={(time.perf_counter() - started) * 1000:.1f}"  # bench/bench_serve.py
        return answer

    def checked(self, loaded: editing.Loaded, path: Path, form):
        try:
            text = editing.apply_form(loaded.text, _values(form))
        except ReportgenError as problem:
            return None, str(problem)
        return check_as_file(text, path), ""

    async def save(self, request: Request) -> HTMLResponse:
        relative = request.path_params["path"]
        path, loaded = self.load(relative)
        form = await request.form()
        try:
            text = editing.apply_form(loaded.text, _values(form))
            version = editing.save(str(form.get("_version", "")), path, text) if text != loaded.text else loaded.version
        except editing.Conflict as problem:
            return self.page("saved.html.j2", 409, problem=str(problem), path=relative)
        except ReportgenError as problem:
            return self.page("saved.html.j2", 400, problem=str(problem), path=relative)
        saved = self.page("saved.html.j2", version=version, changed=text != loaded.text, path=relative,
                          name=path.name)
        if _entries_changed(loaded.text, text):  # an entry added or removed: the page is laid out again
            saved.headers["HX-Refresh"] = "true"
        return saved

    # -- drafts, refresh, import

    async def draft(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        path = self.data_file(request.path_params["path"])
        if kind not in SUFFIXES:
            return await self.not_found(request, None)
        try:
            name, data = await run_in_threadpool(draft_file, path, kind)  # a PDF takes seconds: the page stays live
        except ReportgenError as problem:
            return self.page("message.html.j2", 400, title="无法生成", message=str(problem))
        return Response(data, media_type=_MEDIA.get(kind, "application/octet-stream"),
                        headers={"content-disposition": _attachment(name)})

    async def refresh(self, request: Request) -> Response:
        """An edited Word or Markdown draft uploaded: the figures of this data file put into it
        (the rules of ``reportgen refresh``), kept in the folder's 草稿/ with a backup, and
        handed back."""
        path = self.data_file(request.path_params["path"])
        upload = (await request.form(max_part_size=MAX_UPLOAD)).get("draft")
        if upload is None or not getattr(upload, "filename", ""):
            return self.page("message.html.j2", 400, title="没有文件", message="请选择要更新的 Word 或 Markdown 草稿。")
        name = uploaded_name(upload.filename)
        if Path(name).suffix.lower() not in (".docx", ".md"):
            return self.page("message.html.j2", 400, title="无法更新", message=f"{name}：只能更新 .docx 或 .md 草稿。")
        target = self.folder.path(f"{DRAFTS}/{name}")  # a 草稿 link leading out is refused
        target.parent.mkdir(exist_ok=True)
        drafts = target.parent
        data = await upload.read()
        if target.exists():  # an earlier upload of the same name: kept as a backup
            Manifest(drafts).backup(target)
        write_atomic(target, data)
        try:
            done = await run_in_threadpool(refreshing.refresh, target, path, force=True, print_pdf=False)
        except ReportgenError as problem:
            return self.page("message.html.j2", 400, title="无法更新", message=str(problem))
        return Response(target.read_bytes(), media_type=_MEDIA.get(target.suffix.lstrip("."), "application/octet-stream"),
                        headers={"content-disposition": _attachment(name),
                                 "x-reportgen-changes": str(len(done.changes))})

    async def import_file(self, request: Request) -> HTMLResponse:
        upload = (await request.form(max_part_size=MAX_UPLOAD)).get("report")
        if upload is None or not getattr(upload, "filename", ""):
            return self.page("message.html.j2", 400, title="没有文件", message="请选择要导入的报告或填报表。")
        name = uploaded_name(upload.filename)
        with tempfile.TemporaryDirectory(prefix="reportgen-upload-") as work:
            source = Path(work) / name
            source.write_bytes(await upload.read())
            try:
                done = await run_in_threadpool(importing.import_file, source, self.folder.root)
            except ReportgenError as problem:
                return self.page("message.html.j2", 400, title="无法导入", message=str(problem).replace(work + "/", ""))
        made = [{"path": self.folder.relative(d.target), "agency": d.imported.agency, "year": d.imported.year,
                 "unread": d.unread, "problems": d.imported.problems} for d in done]
        return self.page("imported.html.j2", made=made, name=name)

    async def new_file(self, request: Request) -> HTMLResponse:
        form = await request.form()
        try:
            if form.get("from"):  # next year's file from this year's
                made = datafiles.next_year(self.folder.path(str(form["from"])))
            else:
                year = int(str(form.get("year", "0")) or 0)
                agency = str(form.get("agency", "")).strip()
                document = kind_definitions.named(str(form.get("document", "") or "annual")) or kind_definitions.annual()
                folder = self.folder.root / safe_name(agency)
                if document.statutory:
                    made = datafiles.init(agency, year, document, statutory.require_format(year),
                                          str(form.get("kind", "部门")), output=folder / f"{year}.toml")
                else:
                    made = datafiles.init(agency, year, document, output=folder / document.file.format(year=year))
        except (ReportgenError, ValueError) as problem:
            message = str(problem) if isinstance(problem, ReportgenError) else "年度应为数字。"
            return self.page("message.html.j2", 400, title="无法新建", message=message)
        return self.page("message.html.j2", title="已新建", message=f"已新建 {made.path.name}。",
                         link="/report/" + quote(self.folder.relative(made.path)))

    async def api(self, request: Request) -> Response:
        agency, year = request.path_params["agency"], request.path_params["year"]
        for path in self.files():
            report = self.check_file(path).report  # remembered: the folder page has checked them
            if isinstance(report, Report) and report.agency == agency and report.year == year:
                return Response(report_json(report), media_type="application/json; charset=utf-8")
        return JSONResponse({"error": f"文件夹中没有 {agency} {year} 年度的年度报告。"}, status_code=404)


DRAFT_LABELS = {DOCX: "Word", MD: "Markdown", HTML: "网页", PDF: "PDF", JSON: "开放数据（JSON）", XLSX: "Excel 表格"}
_MEDIA = {XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", MD: "text/markdown; charset=utf-8",
          HTML: "text/html; charset=utf-8", PDF: "application/pdf", JSON: "application/json; charset=utf-8"}


def uploaded_name(filename: str) -> str:
    """An uploaded file's own name, whatever path a browser sent with it."""
    return safe_name(PureWindowsPath(filename).name, "上传的文件")


def document_kinds() -> list[tuple[str, str]]:
    """The kinds a new file may be, as (name written in the file, name shown)."""
    return [(kind.aliases[0] if kind.aliases else kind.name, kind.name) for kind in kind_definitions.kinds().values()]


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


def _entries_changed(before: str, after: str) -> bool:
    def arrays(text):
        return [part.name for part in segments(text) if part.array]

    return before != after and arrays(before) != arrays(after)


def _values(form) -> dict[str, str]:
    return {key: str(value) for key, value in form.items() if not key.startswith("_")}


def _first(checked) -> str:
    return next((f.message for f in checked.findings if f.is_error), "数据文件无法读取。")


def tables(report) -> list[dict]:
    """The statutory tables as the page lays them out: the printed grid, each figure cell
    with its key, what the file states and what the tool computes."""
    if not isinstance(report, Report):
        return []
    full = totals.completed(report)
    computed = totals.computed_keys(report.format)
    laid = []
    for table in report.format.tables.values():
        grid = layout.grid(table, report.collapsed)
        rows = []
        for row in grid.rows:
            cells = []
            for cell in row:
                item = {"role": cell.role, "text": cell.text, "colspan": cell.colspan, "rowspan": cell.rowspan}
                if cell.cell is not None:
                    key = cell.cell.key
                    stated = report.figures.get(key)
                    item.update(key=key, id=key.replace(".", "-"), computed=key in computed and stated is None,
                                value=_shown(stated) if stated is not None else ("" if key in computed else "0"),
                                total=str(full[key]), label=_label(cell.cell))
                cells.append(item)
            rows.append(cells)
        laid.append({"key": table.key, "title": table.full_name, "rows": rows})
    return laid


def _form_key(key: str | None) -> str:
    """A finding's key as the page names its input: ``task[3].lead`` is ``task.3.lead``."""
    return (key or "").replace("[", ".").replace("]", "")


def computed_totals(report) -> dict[str, str]:
    """The totals the tool computes where the file states none, by key, as shown."""
    if not isinstance(report, Report):
        return {}
    full = totals.completed(report)
    return {key: str(full[key]) for key in totals.computed_keys(report.format) if key not in report.figures}


def _shown(figure) -> str:
    if figure.unread:
        return "未读出"
    if figure.blank:
        return ""
    return format_number(figure.value)


def _label(cell) -> str:
    row = cell.row.name.replace("／", " ") if cell.row.name else ""
    return " ".join(part for part in (cell.table.short_name, row, cell.column.name.replace("／", " ")) if part)


def findings(checked) -> list[dict]:
    return [{"error": f.is_error, "message": f.message, "key": f.key, "id": _form_key(f.key).replace(".", "-"),
             "rule": f.code if f.code[:1] in "RX" and f.code[1:].isdigit() else ""} for f in checked.findings]


def cell_findings(checked) -> dict[str, list[dict]]:
    """Each cell's findings, by cell key: those that name it, or name it among their cells."""
    found: dict[str, list[dict]] = {}
    for finding in checked.findings:
        for key in dict.fromkeys([_form_key(finding.key), *finding.related]):
            if key:
                found.setdefault(key, []).append({"error": finding.is_error, "message": finding.message})
                break  # beside the cell it names; the others are in the list
    return found


_CELL_KEY = re.compile(r"^[A-Za-z0-9_.]+$")


def marks(checked) -> str:
    """A style rule marking every cell an error names (a broken rule's cells all), so that
    the page marks them without replacing the inputs being typed in."""
    keys = sorted({key for finding in checked.findings if finding.is_error
                   for key in (_form_key(finding.key), *finding.related) if key and _CELL_KEY.match(key)})
    if not keys:
        return ""
    return ",".join(f'[name="{key}"]' for key in keys) + "{background:#fdecec;border-color:#a40000}"


def chart(points: dict[int, list]) -> str:
    """A small SVG of the main figures across the years (a line each, the first and last
    year under it), drawn on the server."""
    years = sorted(points)
    width, height, pad, below = 220, 80, 8, 14
    top = max((v for year in years for v in points[year]), default=0) or 1
    colours = ("#1f5fa8", "#2e7d32", "#b26a00", "#8e24aa")
    lines = []
    xs = [pad + (width - 2 * pad) * (n / max(1, len(years) - 1)) for n in range(len(years))]
    if len(years) == 1:
        xs = [width / 2]
    for index, (label, _) in enumerate(CHART):
        coords = [f"{x:.1f},{height - below - pad - (height - below - 2 * pad) * (points[year][index] / top):.1f}"
                  for x, year in zip(xs, years)]
        if len(coords) == 1:
            x, y = coords[0].split(",")
            lines.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colours[index]}"><title>{label}</title></circle>')
        else:
            lines.append(f'<polyline fill="none" stroke="{colours[index]}" stroke-width="2" points="{" ".join(coords)}">'
                         f"<title>{label}</title></polyline>")
    ends = dict.fromkeys([(xs[0], years[0], "start" if len(years) > 1 else "middle"), (xs[-1], years[-1], "end")])
    for x, year, anchor in list(ends)[: 1 if len(years) == 1 else 2]:
        lines.append(f'<text x="{x:.1f}" y="{height - 2}" text-anchor="{anchor}">{year}</text>')
    said = "；".join(f"{year}年：" + "，".join(f"{label}{points[year][i]}" for i, (label, _) in enumerate(CHART))
                    for year in years)
    return (f'<svg role="img" aria-label="{said}" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            + "".join(lines) + "</svg>")
