"""Building drafts: check a data file, render its Word and Markdown drafts, write them.

    from reportgen.workflows.build import Renderers, build_file
    renderers = Renderers.prepare()              # templates compiled once
    result = build_file("data/x/2025.toml", Path("output"), renderers)

A file with errors is not built unless ``allow_errors`` is given; the draft is then
flagged 【数据待核】 and lists the findings at its end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.renderers import markdown as render_markdown
from reportgen.renderers import templates as template_folder
from reportgen.checks.check import AUTO, CheckResult, check_file
from reportgen.draft.document import build_draft, title
from reportgen.model import Document, Report
from reportgen.errors import EditedDraftError
from reportgen.output.files import inside, safe_name
from reportgen.output.manifest import Manifest
from reportgen.renderers.fonts import Fonts

DOCX = "docx"
MD = "md"
HTML = "html"
PDF = "pdf"
XLSX = "xlsx"  # a document's list tables (the task table) as a workbook
FRAGMENT = "fragment"  # the web page's body, to paste into a portal CMS editor
KINDS = (DOCX, MD, HTML, PDF, XLSX)  # what --to may name
DEFAULT_KINDS = (DOCX, MD)  # for the annual report; other document kinds name theirs (kinds/*.toml)
# The files of each kind, and their names' endings.
FILES = {DOCX: (DOCX,), MD: (MD,), HTML: (HTML, FRAGMENT), PDF: (), XLSX: (XLSX,)}
SUFFIXES = {DOCX: ".docx", MD: ".md", HTML: ".html", FRAGMENT: ".网页片段.html", PDF: ".pdf", XLSX: ".xlsx"}


@dataclass
class Renderers:
    """The templates, prepared once and reused for every draft."""

    folder: Path
    word: object  # reportgen.renderers.word.WordTemplate: the annual report's
    fonts: Fonts = Fonts()
    others: dict = field(default_factory=dict)  # other kinds' Word templates, by file name, prepared when first used

    @classmethod
    def prepare(cls, folder: Path | None = None, fonts: Fonts = Fonts()) -> Renderers:
        from reportgen.renderers.word import WordTemplate

        found = template_folder.find(folder)
        return cls(found, WordTemplate(found / template_folder.WORD, fonts), fonts)

    def word_template(self, name: str):
        """The Word template of a document kind (report.docx, tasks.docx …)."""
        if name == template_folder.WORD:
            return self.word
        if name not in self.others:
            from reportgen.renderers.word import WordTemplate

            self.others[name] = WordTemplate(template_folder.path_of(name, self.folder), self.fonts)
        return self.others[name]

    def render(self, kind: str, draft) -> bytes:
        """One file of a draft: DOCX, MD, HTML (the page), FRAGMENT (the page's body) or XLSX."""
        if kind == DOCX:
            return self.word_template(draft.template).render(draft)
        if kind in (HTML, FRAGMENT):
            from reportgen.renderers import html

            return html.render(draft, self.folder, page=kind == HTML).encode("utf-8")
        if kind == XLSX:
            from reportgen.renderers import sheet

            return sheet.render(draft)
        return render_markdown.render(draft, self.folder).encode("utf-8")


@dataclass
class BuildResult:
    source: Path
    check: CheckResult
    outputs: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    reason: str = ""  # why nothing was built, in Chinese
    pending_pdf: tuple[Path, bytes] | None = None  # the PDF to print from these Word bytes (write_pdfs)
    edited: list[Path] = field(default_factory=list)  # drafts not overwritten: a person edited them

    @property
    def built(self) -> bool:
        """Drafts were written, or a PDF is to be printed from them (``--to pdf`` alone)."""
        return bool(self.outputs or self.pending_pdf)


def output_stem(report: Report | Document, source: Path, by: str = "") -> str:
    """The file name of a report's drafts, without extension: agency, year and title."""
    if isinstance(report, Document):
        from reportgen.draft.kinds import title as document_title

        name = document_title(report) + (f"（按{by}）" if by else "")
    else:
        name = title(report)
    return safe_name(name, fallback=f"{source.parent.name}-{source.stem}")


def kinds_for(report: Report | Document, wanted=None) -> tuple[str, ...]:
    """The files to make: those asked for, else the document kind's own (kinds/*.toml).
    XLSX only for a kind that prints a list table."""
    made = tuple(wanted) if wanted else (report.format.outputs if isinstance(report, Document) else DEFAULT_KINDS)
    if not (isinstance(report, Document) and report.format.columns):
        made = tuple(k for k in made if k != XLSX)
    return made


def render_drafts(
    report: Report,
    renderers: Renderers,
    kinds=KINDS,
    findings=(),
    blank_zeros: bool = False,
    previous: Report | None = None,
    drafted: list | None = None,
    by: str = "",
) -> dict[str, bytes]:
    """The bytes of each file of a report's drafts, by file kind (see ``FILES``); the Word
    file too when a PDF is asked for, since the PDF is printed from it. Pure: writes nothing.
    The draft itself is appended to ``drafted`` when given."""
    if isinstance(report, Document):
        from reportgen.draft.kinds import build_document_draft

        draft = build_document_draft(report, findings, previous=previous, by=by)
    else:
        draft = build_draft(report, findings, previous=previous, blank_zeros=blank_zeros)
    if drafted is not None:
        drafted.append(draft)
    wanted = [name for kind in kinds for name in FILES.get(kind, (kind,))]
    if PDF in kinds and DOCX not in wanted:
        wanted.append(DOCX)
    return {name: renderers.render(name, draft) for name in dict.fromkeys(wanted)}


def build_file(
    source: Path | str,
    out_dir: Path,
    renderers: Renderers,
    *,
    kinds=(),
    allow_errors: bool = False,
    blank_zeros: bool = False,
    taken: dict[Path, Path] | None = None,
    previous=AUTO,
    force: bool = False,
    manifest: Manifest | None = None,
    year: int | None = None,
    by: str = "",
) -> BuildResult:
    """Check and build one data file.

    ``taken`` maps outputs already written in this run to their sources, so that two
    files of the same agency and year do not overwrite each other. A draft a person has
    edited since it was generated is not overwritten unless ``force`` (then it is backed
    up first); ``manifest`` is the output folder's record of what reportgen wrote. With
    ``year``, a file of another year is refused."""
    source = Path(source)
    checked = check_file(source, previous=previous)
    result = BuildResult(source, checked)
    if checked.report is None:
        result.reason = "数据文件无法读取，没有生成草稿。"
        return result
    if year is not None and checked.report.year != year:
        result.reason = f"这是 {checked.report.year} 年度的数据文件，不是 {year} 年度的，没有生成草稿。"
        return result
    if checked.errors and not allow_errors:
        result.reason = "数据有错误，没有生成草稿（修正后重试，或用 --allow-errors 生成标有【数据待核】的草稿）。"
        return result
    if by and not (isinstance(checked.report, Document) and checked.report.tasks):
        result.reason = "--by 牵头处室 只用于任务分解表（document = \"任务分解表\"）。"
        return result
    flagged = checked.findings if checked.errors else ()
    last = checked.previous.report if checked.previous else None
    if isinstance(checked.report, Document) != isinstance(last, Document):
        last = None
    kinds = kinds_for(checked.report, kinds)
    drafted: list = []
    drafts = render_drafts(checked.report, renderers, kinds, flagged, blank_zeros, last, drafted, by)
    stem = output_stem(checked.report, source, by)
    for_pdf = drafts[DOCX] if PDF in kinds else None
    if DOCX not in kinds:
        drafts.pop(DOCX, None)
    paths = {kind: inside(out_dir, f"{stem}{SUFFIXES[kind]}") for kind in drafts}
    if for_pdf is not None:
        paths[PDF] = inside(out_dir, f"{stem}{SUFFIXES[PDF]}")
    taken = {} if taken is None else taken
    clash = next((taken[p] for p in paths.values() if p in taken and taken[p] != source), None)
    if clash is not None:
        result.reason = f"与 {clash} 的草稿同名（同一机关、同一年度），没有覆盖。"
        return result
    manifest = manifest or Manifest(out_dir)
    try:
        if for_pdf is not None:  # an edited PDF stops the whole report, before anything is written
            manifest.check(paths[PDF], b"", force)
        about = {paths[kind]: draft_record(kind, data, source, checked.report, drafted[0]) for kind, data in drafts.items()}
        result.backups = manifest.write({paths[kind]: data for kind, data in drafts.items()}, force, about)
    except EditedDraftError as edited:
        result.reason = str(edited)
        result.edited = [p for kind, p in paths.items() if kind in (DOCX, MD) and p.exists()
                         and manifest.check_quietly(p, drafts.get(kind, b""))]
        return result
    for kind, path in paths.items():
        taken[path] = source
        if kind != PDF:
            result.outputs.append(path)
    if for_pdf is not None:
        result.pending_pdf = (paths[PDF], for_pdf)
    return result


def draft_record(kind: str, data: bytes, source: Path, report: Report, draft=None) -> dict:
    """What the output folder's record keeps of a draft for ``reportgen refresh``: its data
    file, its format, and a digest of the text inside each of its markers."""
    from reportgen.renderers import markers

    entry = {"source": str(Path(source).resolve()), "format": report.format.id}
    if kind == DOCX and draft is not None:  # worked out from the draft: no need to read the file again
        from reportgen.renderers.word import marker_texts

        texts = marker_texts(draft)
    elif kind == DOCX:
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as package:
            texts = markers.docx_texts(package.read("word/document.xml"))
    elif kind == MD:
        texts = markers.md_texts(data.decode("utf-8"))
    else:
        return entry
    entry["markers"] = {name: markers.digest(text) for name, text in texts.items()}
    return entry


def write_pdfs(pending: list[tuple[Path, bytes]], manifest: Manifest, force: bool = False,
               processes: int = 1, office=None) -> list[tuple[Path, list[Path]]]:
    """Print each pending PDF (path, Word bytes) with LibreOffice, a few processes side by
    side, and write them. Returns each written PDF with the backups made."""
    from reportgen.renderers.pdf import LibreOffice

    if not pending:
        return []
    office = office or LibreOffice.find()
    printed = office.convert_parallel({str(path): data for path, data in pending}, processes)
    written = []
    for path, _ in pending:
        backups = manifest.write({path: printed[str(path)]}, force)
        written.append((path, backups))
    return written
