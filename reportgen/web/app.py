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

import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reportgen.errors import ReportgenError
from reportgen.filenames import not_data
from reportgen.model import KINDS, Document
from reportgen.web import documents, views
from reportgen.web.security import Confined, Folder, Guard, OutsideFolder
from reportgen.workflows import audit_folder, editing, importing
from reportgen.workflows import refresh as refreshing
from reportgen.workflows import upload as uploads
from reportgen.workflows.build import INFOGRAPHICS, kind_of, offered
from reportgen.workflows.folder import DRAFT_KINDS, DRAFT_LABELS, DataFolder, counts, document_kinds, uploaded_name

MAX_UPLOAD = 30 * 1024 * 1024
DRAFTS = "草稿"  # where uploaded drafts are kept, in the folder
SHOWN_ELSEWHERE = (".last_year", "._delete")  # inputs with no finding of their own beside them


def create_app(root: Path, token: str, port: int, roster: Path | None = None) -> Guard:
    folder = Folder(root)
    templates = Environment(
        loader=PackageLoader("reportgen.web", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    pages = Pages(folder, templates, roster)
    app = Starlette(
        routes=[
            Route("/", pages.folder_page),
            Route("/report/{path:path}", pages.report_page),
            Route("/check/{path:path}", pages.check, methods=["POST"]),
            Route("/save/{path:path}", pages.save, methods=["POST"]),
            Route("/draft/{kind}/{path:path}", pages.draft),
            Route("/refresh/{path:path}", pages.refresh, methods=["POST"]),
            Route("/drafts/{name}", pages.uploaded),
            Route("/import", pages.import_file, methods=["POST"]),
            Route("/new", pages.new_file, methods=["POST"]),
            Route("/api/annual/{agency}/{year:int}", pages.api),
            Route("/notice/{path:path}", pages.notice),
            Mount("/static", StaticFiles(packages=[("reportgen.web", "static")]), name="static"),
        ],
        exception_handlers={
            OutsideFolder: pages.outside,
            ReportgenError: pages.unusable,
            HTTPException: pages.refused,
            404: pages.not_found,
            500: pages.crashed,
        },
    )
    # every write, and every read beside the file asked for, inside the folder, links resolved
    return Guard(Confined(app, pages.data.writing, pages.data.reading), token, port)


class Pages:
    def __init__(self, folder: Folder, templates: Environment, roster: Path | None = None):
        self.folder, self.templates = folder, templates
        self.data = DataFolder(folder.root, roster)  # the folder's files, states and roster

    def page(self, template: str, status: int = 200, **values) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(template).render(**values), status_code=status)

    # -- errors, said in Chinese on a page

    async def outside(self, request: Request, problem) -> HTMLResponse:
        return self.page(
            "message.html.j2", 403, title="已拒绝", message="这个路径不在 reportgen serve 的文件夹中，已拒绝。"
        )

    async def unusable(self, request: Request, problem: Exception) -> HTMLResponse:
        """A file that cannot be used (not UTF-8, …): said as ``reportgen check`` says it.
        (Registered for ReportgenError; Starlette types every handler as taking an Exception.)"""
        return self.page("message.html.j2", 400, title="无法打开", message=str(problem))

    async def refused(self, request: Request, problem: Exception) -> HTMLResponse:
        """Starlette's own refusals (a form too long, a method not taken), said in Chinese."""
        assert isinstance(problem, HTTPException)  # the handler registered for HTTPException
        if problem.status_code == 404:
            return await self.not_found(request, problem)
        message = {405: "这个地址不接受这种请求。"}.get(
            problem.status_code, "提交的内容无法读取（项目太多或太长），已拒绝。"
        )
        return self.page("message.html.j2", problem.status_code, title="已拒绝", message=message)

    async def not_found(self, request: Request, problem) -> HTMLResponse:
        return self.page("message.html.j2", 404, title="找不到", message="找不到这一页或这个文件。")

    async def crashed(self, request: Request, problem) -> HTMLResponse:
        return self.page(
            "message.html.j2",
            500,
            title="出错",
            message="reportgen 程序出错，没有完成（不是您的数据的问题）。请把操作步骤告诉维护者。",
        )

    # -- the folder

    async def folder_page(self, request: Request) -> HTMLResponse:
        states = self.data.states()
        roster = self.data.roster_gaps(states, request.query_params.get("year", ""))
        category, sort = request.query_params.get("state", ""), request.query_params.get("sort", "")
        agencies = {s.agency for s in states if s.annual}
        return self.page(
            "folder.html.j2",
            rows=views.shown_files(states, category, sort),
            total=len(states),
            counts=counts(states, roster),
            category=category,
            sort=sort,
            sorts=views.SORTS,
            charts=views.charts(states) if len(agencies) <= views.CHARTS_SHOWN else {},
            folder=str(self.folder.root),
            kinds=KINDS,
            documents=document_kinds(),
            roster=roster,
            audit=await run_in_threadpool(audit_folder.audit_view, self.folder.root),
        )

    async def notice(self, request: Request) -> Response:
        """A 整改通知 (or 退回修改 notice) of the folder, to download."""
        path = self.folder.path(request.path_params["path"])
        if not path.is_file() or not audit_folder.is_notice(path):
            raise HTTPException(404)
        return Response(
            path.read_bytes(),
            media_type=_MEDIA.get(path.suffix.lstrip("."), "application/octet-stream"),
            headers={"content-disposition": _attachment(path.name)},
        )

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
        edited = editing.opened(loaded)
        checked = editing.check(edited, path)
        report = checked.report
        cells = views.cell_findings(checked)
        common = dict(
            path=relative,
            version=loaded.version,
            checked=checked,
            report=report,
            findings=views.findings(checked),
            cells=cells,
            shown=" ".join(sorted(cells)),
            marks=views.marks(checked),
            kinds=offered(report) if report is not None else (),
            labels=DRAFT_LABELS,
        )
        if isinstance(report, Document):
            return self.page(
                "document.html.j2", form=documents.form(report.format, edited.data or {}, report.year), **common
            )
        return self.page("report.html.j2", tables=views.tables(report), **common)

    async def check(self, request: Request) -> HTMLResponse:
        """The findings of the form as typed, not saved: the list, and beside each cell."""
        started = time.perf_counter()
        relative = request.path_params["path"]
        path, loaded = self.load(relative)
        form = await request.form()
        checked, problem = self.checked(loaded, path, form)
        cells = views.cell_findings(checked) if checked else {}
        inputs = {k for k in form.keys() if not k.startswith("_") and not k.endswith(SHOWN_ELSEWHERE)}
        # Only the texts beside cells that change: those with a finding now, or shown before.
        shown = set(str(form.get("_shown", "")).split())
        answer = self.page(
            "findings.html.j2",
            checked=checked,
            findings=views.findings(checked) if checked else [],
            cells=cells,
            problem=problem,
            totals=views.computed_totals,
            keys=sorted((shown | set(cells)) & inputs),
            shown=" ".join(sorted(set(cells) & inputs)),
            marks=views.marks(checked) if checked else "",
        )
        answer.headers["Server-Timing"] = (
            f"check;dur={(time.perf_counter() - started) * 1000:.1f}"  # bench/bench_serve.py
        )
        return answer

    def checked(self, loaded: editing.Loaded, path: Path, form):
        try:
            edited = editing.apply_form(loaded.text, _values(form))
        except ReportgenError as problem:
            return None, str(problem)
        return editing.check(edited, path), ""

    async def save(self, request: Request) -> HTMLResponse:
        relative = request.path_params["path"]
        path, loaded = self.load(relative)
        form = await request.form()
        try:
            text = editing.apply_form(loaded.text, _values(form)).text
            version = (
                editing.save(str(form.get("_version", "")), path, text, loaded)
                if text != loaded.text
                else loaded.version
            )
        except editing.Conflict as problem:
            return self.page("saved.html.j2", 409, problem=str(problem), path=relative)
        except ReportgenError as problem:
            return self.page("saved.html.j2", 400, problem=str(problem), path=relative)
        saved = self.page("saved.html.j2", version=version, changed=text != loaded.text, path=relative, name=path.name)
        if editing.entries_changed(loaded.text, text):  # an entry added or removed: the page is laid out again
            saved.headers["HX-Refresh"] = "true"
        return saved

    # -- drafts, refresh, import

    async def draft(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        path = self.data_file(request.path_params["path"])
        if kind not in DRAFT_KINDS:
            return await self.not_found(request, None)
        try:
            # a PDF takes seconds: the page stays live; a Word or Markdown draft is noted, so that its edits are known on upload
            name, data = await run_in_threadpool(uploads.hand_out, path, kind, self._drafts())
        except ReportgenError as problem:
            return self.page("message.html.j2", 400, title="无法生成", message=str(problem))
        return Response(
            data,
            media_type=_MEDIA.get(kind, "application/octet-stream"),
            headers={"content-disposition": _attachment(name)},
        )

    def _drafts(self) -> Path | None:
        """The folder's 草稿/, where uploads are kept (None if it is a link leading out)."""
        try:
            return self.folder.path(DRAFTS)
        except OutsideFolder:
            return None

    async def uploaded(self, request: Request) -> Response:
        """A draft kept in 草稿/ (an upload, refreshed), to download."""
        name = request.path_params["name"]
        target = self.folder.path(f"{DRAFTS}/{name}")
        if not target.is_file() or not_data(target) or target.suffix.lower() not in (".docx", ".md"):
            return await self.not_found(request, None)
        return Response(
            target.read_bytes(),
            media_type=_MEDIA.get(target.suffix.lstrip(".").lower(), "application/octet-stream"),
            headers={"content-disposition": _attachment(name)},
        )

    async def refresh(self, request: Request) -> Response:
        """An edited Word or Markdown draft uploaded: the figures of this data file put into it
        by the rules of ``reportgen refresh`` (every edit kept, conflicts shown, never forced),
        kept in the folder's 草稿/ with a backup; the page says what changed, then offers it."""
        path = self.data_file(request.path_params["path"])
        upload = (await request.form(max_part_size=MAX_UPLOAD)).get("draft")
        if not isinstance(upload, UploadFile) or not upload.filename:  # none, or a text field of that name
            return self.page("message.html.j2", 400, title="没有文件", message="请选择要更新的 Word 或 Markdown 草稿。")
        name = uploaded_name(upload.filename)
        if kind_of(name) in INFOGRAPHICS:
            return self.page(
                "message.html.j2",
                400,
                title="无法更新",
                message=(
                    f"{name}：图解是由数据画出的图片，不能上传更新（只能更新 .docx 或 .md 草稿）。"
                    "要换成新数字，请在本页重新下载图解。"
                ),
            )
        if Path(name).suffix.lower() not in (".docx", ".md"):
            return self.page("message.html.j2", 400, title="无法更新", message=f"{name}：只能更新 .docx 或 .md 草稿。")
        target = self.folder.path(f"{DRAFTS}/{name}")  # a 草稿 link leading out is refused
        data = await upload.read()
        try:  # an earlier upload of the same name: kept as a backup
            done = await run_in_threadpool(uploads.refresh_upload, target, data, path)
        except ReportgenError as problem:
            return self.page("message.html.j2", 400, title="无法更新", message=str(problem))
        answer = self.page(
            "refreshed.html.j2",
            done=done.refreshed,
            name=name,
            path=self.folder.relative(path),
            backups=[self.folder.relative(b) for b in done.backups],
            label=refreshing.marker_label,
            tally=refreshing.tally,
            download=f"/drafts/{quote(name)}",
        )
        answer.headers["x-reportgen-changes"] = str(len(done.refreshed.changes))
        answer.headers["x-reportgen-conflicts"] = str(len(done.refreshed.conflicts))
        return answer

    async def import_file(self, request: Request) -> HTMLResponse:
        upload = (await request.form(max_part_size=MAX_UPLOAD)).get("report")
        if not isinstance(upload, UploadFile) or not upload.filename:  # none, or a text field of that name
            return self.page("message.html.j2", 400, title="没有文件", message="请选择要导入的报告或填报表。")
        name = uploaded_name(upload.filename)
        with tempfile.TemporaryDirectory(prefix="reportgen-upload-") as work:
            source = Path(work) / name
            source.write_bytes(await upload.read())
            try:
                done = await run_in_threadpool(importing.import_file, source, self.folder.root, False, name)
            except ReportgenError as problem:
                return self.page("message.html.j2", 400, title="无法导入", message=str(problem).replace(work + "/", ""))
        made = [
            {
                "path": self.folder.relative(d.target),
                "agency": d.imported.agency,
                "year": d.imported.year,
                "unread": d.unread,
                "problems": d.imported.problems,
                "remarks": d.imported.remarks,
                "notes": d.imported.notes,
                "format": d.imported.format.label if d.imported.format else "",
                "errors": d.check.errors,
                "warnings": d.check.warnings,
            }
            for d in done
        ]
        return self.page("imported.html.j2", made=made, name=name)

    async def new_file(self, request: Request) -> HTMLResponse:
        form = await request.form()
        try:  # beside the page: a slow or odd file holds this request only (a pipe is refused unopened)
            if form.get("from"):  # next year's file from this year's: said as the command line says it
                following = await run_in_threadpool(self.data.next_year_made, self.folder.path(str(form["from"])))
                return self.page(
                    "nextyear.html.j2",
                    made=following,
                    agency=self._agency_of(following.path),
                    link="/report/" + quote(self.folder.relative(following.path)),
                    path=self.folder.relative(following.path),
                )
            else:
                made = await run_in_threadpool(
                    self.data.new_file,
                    str(form.get("agency", "")),
                    int(str(form.get("year", "0")) or 0),
                    str(form.get("document", "")),
                    str(form.get("kind", "部门")),
                )
        except (ReportgenError, ValueError) as problem:
            message = str(problem) if isinstance(problem, ReportgenError) else "年度应为数字。"
            return self.page("message.html.j2", 400, title="无法新建", message=message)
        return self.page(
            "message.html.j2",
            title="已新建",
            message=f"已新建 {made.name}。",
            link="/report/" + quote(self.folder.relative(made)),
        )

    def _agency_of(self, path: Path) -> str:
        return self.data.state(path).agency

    async def api(self, request: Request) -> Response:
        agency, year = request.path_params["agency"], request.path_params["year"]
        data = self.data.annual_json(agency, year)  # the checks remembered: the folder page has made them
        if data is None:
            return JSONResponse({"error": f"文件夹中没有 {agency} {year} 年度的年度报告。"}, status_code=404)
        return Response(data, media_type="application/json; charset=utf-8")


_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
    "infographic": "image/svg+xml",
    "infographic-png": "image/png",
    "infographic-html": "text/html; charset=utf-8",
}  # by a download's kind


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


def _values(form) -> dict[str, str]:
    return {key: str(value) for key, value in form.items() if not key.startswith("_")}
