"""Building drafts: check a data file, render its Word and Markdown drafts, write them.

    from reportgen.workflows.build import Renderers, build_file
    renderers = Renderers.prepare()              # templates compiled once
    result = build_file("data/x/2025.toml", Path("output"), renderers)

A file with errors is not built unless ``allow_errors`` is given; the draft is then
flagged 【数据待核】 and lists the findings at its end.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.checks.check import AUTO, CheckResult, check_file
from reportgen.draft.report_draft import build_draft, title
from reportgen.draft.kind_drafts import build_document_draft
from reportgen.draft.kind_drafts import title as document_title
from reportgen import kinds as document_kinds
from reportgen import untrusted
from reportgen.errors import InputError, RefreshError
from reportgen.model import Document, Report
from reportgen.output.writing import inside, safe_name, shown
from reportgen.output.manifest import EDITED, OURS, SAME, Manifest, digest
from reportgen.renderers import html, infographic, markers, opendata, sheet
from reportgen.renderers import markdown as render_markdown
from reportgen.renderers import templates as template_folder
from reportgen.renderers.fonts import Fonts
from reportgen.renderers.merge import docx_figures, up_to_date
from reportgen.renderers.pdf import LibreOffice
from reportgen.renderers.word import WordTemplate, marker_texts
from reportgen.workflows import siblings
from reportgen.workflows.siblings import Stale

from reportgen.renderers.filetypes import kind_of
from reportgen.renderers.filetypes import (  # noqa: F401  (part of this module's API)
    DEFAULT_KINDS,
    DOCX,
    FILES,
    FRAGMENT,
    HTML,
    INFOGRAPHIC,
    INFOGRAPHIC_HTML,
    INFOGRAPHIC_PNG,
    INFOGRAPHIC_STATEMENT,
    INFOGRAPHICS,
    JSON,
    KINDS,
    MD,
    PDF,
    SUFFIXES,
    XLSX,
)


@dataclass
class Renderers:
    """The templates, prepared once and reused for every draft."""

    folder: Path
    word: object  # reportgen.renderers.word.WordTemplate: the annual report's
    fonts: Fonts = Fonts()
    others: dict = field(default_factory=dict)  # other kinds' Word templates, by file name, prepared when first used
    accent: str = "red"  # the 图解's colour (--accent)
    _drawn: tuple = field(default=(None,), repr=False, compare=False)  # the last draft's 图解: (draft, picture, SVG)

    @classmethod
    def prepare(cls, folder: Path | None = None, fonts: Fonts = Fonts(), accent: str = "红") -> Renderers:
        found = template_folder.find(folder)
        return cls(
            found, WordTemplate(found / template_folder.WORD, fonts), fonts, accent=infographic.accent_of(accent)
        )

    def word_template(self, name: str):
        """The Word template of a document kind (report.docx, tasks.docx …)."""
        if name == template_folder.WORD:
            return self.word
        if name not in self.others:
            self.others[name] = WordTemplate(template_folder.path_of(name, self.folder), self.fonts)
        return self.others[name]

    def render(self, kind: str, draft, stem: str = "") -> bytes:
        """One file of a draft: DOCX, MD, HTML (the page), FRAGMENT (the page's body), XLSX, JSON
        or a file of the 图解 (``stem``: the name its fragment calls the PNG by); INFOGRAPHIC_STATEMENT:
        what the 图解 states."""
        if kind in (*INFOGRAPHICS, INFOGRAPHIC_STATEMENT):
            return self.picture(kind, draft, stem)
        if kind == DOCX:
            return self.word_template(draft.template).render(draft)
        if kind in (HTML, FRAGMENT):
            return html.render(draft, self.folder, page=kind == HTML).encode("utf-8")
        if kind == XLSX:
            return sheet.render(draft)
        if kind == JSON:
            return opendata.report_json(draft.report)
        return render_markdown.render(draft, self.folder).encode("utf-8")

    def picture(self, kind: str, draft, stem: str = "", **about) -> bytes:
        """The 图解 of a draft's report: the SVG, its PNG or the portal's fragment. ``about``:
        the title and source of a picture that is not one agency's report (a region's summary)."""
        if self._drawn[0] is not draft:
            drawn = infographic.picture(
                draft.report, draft.previous, accent=self.accent, flagged=len(draft.findings), **about
            )
            self._drawn = (draft, drawn, infographic.svg(drawn, self.folder))
        _, drawn, svg = self._drawn
        if kind == INFOGRAPHIC_STATEMENT:
            return infographic.statement(drawn).encode("utf-8")
        if kind == INFOGRAPHIC_HTML:
            image = (stem or draft.title) + SUFFIXES[INFOGRAPHIC_PNG]
            return infographic.fragment(drawn, image, self.folder).encode("utf-8")
        return infographic.png_bytes(svg) if kind == INFOGRAPHIC_PNG else svg.encode("utf-8")


@dataclass
class BuildResult:
    source: Path
    check: CheckResult
    outputs: list[Path] = field(default_factory=list)  # written now
    backups: list[Path] = field(default_factory=list)
    reason: str = ""  # why nothing was built, in Chinese
    pending_pdf: tuple | None = None  # (the PDF, the Word bytes to print it from, its record): write_pdfs
    kept: list[Path] = field(default_factory=list)  # a person's drafts, not replaced (no --force)
    stale: list[Stale] = field(default_factory=list)  # drafts that do not show the current data
    why_kept: dict[Path, str] = field(default_factory=dict)  # a kept draft that is behind: why and what to do
    unchanged: list[Path] = field(default_factory=list)  # among ``outputs``: already held these bytes
    skipped: str = ""  # the formats asked for that this document kind does not have, and why (Chinese)
    none_offered: bool = False  # nothing built: none of the formats asked for is this document kind's

    @property
    def built(self) -> bool:
        """Drafts were written, or a PDF is to be printed from them (``--to pdf`` alone)."""
        return bool(self.outputs or self.pending_pdf)

    @property
    def edited(self) -> list[Path]:
        """The drafts kept because a person edited them that refresh can update."""
        return [p for p in self.kept if p.suffix in (".docx", ".md")]

    @property
    def complete(self) -> bool:
        """Every draft of the report shows the current data."""
        return bool(self.built or self.kept) and not self.stale


def output_stem(report: Report | Document, source: Path, by: str = "") -> str:
    """The file name of a report's drafts, without extension: agency, year and title."""
    if isinstance(report, Document):
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
    if isinstance(report, Document):  # open data and the 图解: the annual report's statutory figures
        made = tuple(k for k in made if k not in (JSON, INFOGRAPHIC))
    return made


SHORT_NAMES = {XLSX: "Excel 表", JSON: "开放数据", INFOGRAPHIC: "图解"}


def not_offered(report: Report | Document, asked, made) -> str:
    """The formats asked for that a document kind does not have, each with why, as one
    sentence ("" when there are none): 政务公开工作总结没有图解（只用于2019年起的年度报告）。"""
    left = [kind for kind in dict.fromkeys(asked or ()) if kind not in made]
    if not left:
        return ""
    listed = [
        kind.aliases[0] if kind.aliases else kind.name for kind in document_kinds.kinds().values() if kind.columns
    ]
    why = {
        XLSX: f"只用于{'、'.join(listed)}",
        JSON: "只用于2019年起的年度报告",
        INFOGRAPHIC: "只用于2019年起的年度报告",
    }
    own = report.format.label if isinstance(report, Document) else document_kinds.annual().name
    grouped: dict[str, list[str]] = {}
    for kind in left:
        grouped.setdefault(why.get(kind, ""), []).append(SHORT_NAMES.get(kind, kind))
    return f"{own}没有" + "，也没有".join(f"{'、'.join(names)}（{reason}）" for reason, names in grouped.items()) + "。"


def render_drafts(
    report: Report | Document,
    renderers: Renderers,
    kinds=KINDS,
    findings=(),
    blank_zeros: bool = False,
    previous: Report | Document | None = None,  # last year's, of the same kind (else ignored)
    drafted: list | None = None,
    by: str = "",
    stem: str = "",
) -> dict[str, bytes]:
    """The bytes of each file of a report's drafts, by file kind (see ``FILES``); the Word
    file too when a PDF is asked for, since the PDF is printed from it. Pure: writes nothing.
    The draft itself is appended to ``drafted`` when given."""
    if isinstance(report, Document):
        last = previous if isinstance(previous, Document) else None
        draft = build_document_draft(report, findings, previous=last, by=by)
    else:
        draft = build_draft(
            report, findings, previous=previous if isinstance(previous, Report) else None, blank_zeros=blank_zeros
        )
    if drafted is not None:
        drafted.append(draft)
    wanted = [name for kind in kinds for name in FILES.get(kind, (kind,))]
    if PDF in kinds and DOCX not in wanted:
        wanted.append(DOCX)
    return {name: renderers.render(name, draft, stem) for name in dict.fromkeys(wanted)}


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
        result.reason = '--by 牵头处室 只用于任务分解表（document = "任务分解表"）。'
        return result
    flagged = checked.findings if checked.errors else ()
    last = checked.previous.report if checked.previous else None
    if isinstance(checked.report, Document) != isinstance(last, Document):
        last = None
    asked, kinds = kinds, kinds_for(checked.report, kinds)
    result.skipped = not_offered(checked.report, asked, kinds)
    if not kinds:  # none of the formats asked for is one this document kind has
        result.reason, result.none_offered = result.skipped, True
        return result
    drafted: list = []
    stem = output_stem(checked.report, source, by)
    drafts = render_drafts(checked.report, renderers, kinds, flagged, blank_zeros, last, drafted, by, stem)
    fresh_word = drafts[DOCX] if PDF in kinds else None
    if DOCX not in kinds:
        drafts.pop(DOCX, None)
    paths = {kind: inside(out_dir, f"{stem}{SUFFIXES[kind]}") for kind in drafts}
    pdf = inside(out_dir, f"{stem}{SUFFIXES[PDF]}")
    taken = {} if taken is None else taken
    clash = next((taken[p] for p in [*paths.values(), pdf] if p in taken and taken[p] != source), None)
    if clash is not None:
        result.reason = f"与 {clash} 的草稿同名（同一机关、同一年度），没有覆盖。"
        return result
    manifest = manifest or Manifest(out_dir)
    about = {paths[kind]: draft_record(kind, data, source, checked.report, drafted[0]) for kind, data in drafts.items()}
    if any(kind in INFOGRAPHICS for kind in drafts):  # what the picture states, kept for the stale check
        drawn = digest(renderers.render(INFOGRAPHIC_STATEMENT, drafted[0]))
        for kind in INFOGRAPHICS:
            if kind in paths:
                about[paths[kind]]["drawn"] = drawn
    done = manifest.write({paths[kind]: data for kind, data in drafts.items()}, force, about)
    result.outputs, result.backups, result.kept = done.written, done.backups, done.kept
    result.unchanged = done.unchanged
    if fresh_word is not None:
        word = _word_to_print(inside(out_dir, f"{stem}{SUFFIXES[DOCX]}"), fresh_word, manifest, result)
        if word is not None and manifest.state(pdf) == EDITED and not force:
            result.kept.append(pdf)
        elif (
            word is not None and manifest.state(pdf) == OURS and manifest.entry(pdf).get("printed_from") == digest(word)
        ):
            result.outputs.append(pdf)  # already the print of this very Word draft: not printed again
            result.unchanged.append(pdf)
        elif word is not None:
            result.pending_pdf = (pdf, word, draft_record(PDF, word, source, checked.report))
    for path in [*paths.values(), pdf]:
        taken[path] = source
    render = DraftFiles(drafts, drafted[0], renderers, fresh_word, stem)
    printing = {pdf} if result.pending_pdf else set()
    result.stale = siblings.stale(out_dir, stem, source, render, manifest, set(result.outputs) | printing)
    behind = {s.path: s for s in result.stale}
    for path in result.kept:
        if path in behind:  # in conflict only: resolved by hand in the draft, not by refresh
            refreshable = behind[path].command.startswith("reportgen refresh")
            hint = (
                f"{behind[path].advice}；"
                if behind[path].places
                else _refresh_hint(path)
                if refreshable
                else PICTURE_HINT
                if kind_of(path) in INFOGRAPHICS
                else ""
            )
            result.why_kept[path] = manifest.edited_message(path, hint)
    if result.kept and not result.built and result.why_kept:
        result.reason = next(iter(result.why_kept.values()))
    return result


def offered(report: Report | Document) -> tuple[str, ...]:
    """The drafts a report can be had as: every kind for the annual report (open data
    included), a document kind's own outputs and the PDF printed from its Word draft."""
    if isinstance(report, Report):  # the 图解 as its three files: the SVG, the PNG, the portal's fragment
        return tuple(
            name for kind in kinds_for(report, KINDS) for name in (INFOGRAPHICS if kind == INFOGRAPHIC else (kind,))
        )
    own = kinds_for(report)
    return (*own, PDF) if DOCX in own and PDF not in own else own


def draft_file(source: Path, kind: str, renderers: Renderers | None = None) -> tuple[str, bytes]:
    """One draft of a data file as ``build --to kind`` makes it, as (file name, bytes),
    written nowhere: what the local page hands out. A report with errors gets the draft
    marked 【数据待核】. Raises InputError (Chinese) when it cannot be made."""
    checked = check_file(source)
    if checked.report is None:
        first = next((f.message for f in checked.findings if f.is_error), "")
        raise InputError(f"{source.name} 无法读取，没有生成草稿。{first}")
    if kind not in offered(checked.report):
        raise InputError(f"{checked.report.format.label}没有这种草稿。")
    last = checked.previous.report if checked.previous else None
    if isinstance(checked.report, Document) != isinstance(last, Document):
        last = None
    flagged = checked.findings if checked.errors else ()
    stem = output_stem(checked.report, source)
    drafts = render_drafts(checked.report, renderers or Renderers.prepare(), (kind,), flagged, previous=last, stem=stem)
    data = drafts[DOCX] if kind == PDF else drafts[kind]
    if kind == PDF:
        data = LibreOffice.find().convert({"draft.docx": data})["draft.docx"]
    return stem + SUFFIXES[kind], data


def _word_to_print(word: Path, fresh: bytes, manifest: Manifest, result: BuildResult) -> bytes | None:
    """The Word draft a PDF is printed from: the PDF is the print of the Word draft beside
    it. A person's Word draft is printed as it is if it shows the current figures; if it
    does not, no PDF is printed (refresh the Word draft first, which prints it again)."""
    if word in result.outputs or not word.exists() or manifest.state(word, fresh) in (SAME, OURS):
        return fresh
    try:
        return untrusted.read_file(word, "Word 草稿") if up_to_date(word, fresh, manifest.entry(word)) else None
    except (RefreshError, InputError):
        return None


def _refresh_hint(path: Path) -> str:
    if path.suffix in (".docx", ".md"):
        return f"要把新数字更新到改过的草稿中，请运行 reportgen refresh {shown(path)}；"
    return ""


PICTURE_HINT = "它还是旧的数字。图解是由数据画出的，不能用 refresh 更新，只能重新生成（人改的内容要在新图上重做）；"


class DraftFiles:
    """Each file of a report's draft, rendered when first asked for (the stale check needs
    the files a build was not asked to write)."""

    def __init__(self, drafts: dict[str, bytes], draft, renderers: Renderers, word: bytes | None, stem: str = ""):
        self.done = dict(drafts)
        if word is not None:
            self.done.setdefault(DOCX, word)
        self.draft, self.renderers, self.stem = draft, renderers, stem

    def __call__(self, kind: str) -> bytes:
        if kind not in self.done:
            self.done[kind] = self.renderers.render(kind, self.draft, self.stem)
        return self.done[kind]


def draft_record(kind: str, data: bytes, source: Path, report: Report | Document, draft=None) -> dict:
    """What the output folder's record keeps of a draft for ``reportgen refresh``: its data
    file, whose report it is, its format, and a digest of the text inside each of its markers."""
    entry = {"source": str(Path(source).resolve()), "format": report.format.id, "report": identity(report)}
    return {**entry, **marker_record(kind, data, draft)}


def marker_record(kind: str, data: bytes, draft=None) -> dict:
    """The digests of the text and of the figures inside each marker of a Word or Markdown
    draft (nothing for other files): what tells a person's edit from reportgen's text."""
    if kind == DOCX and draft is not None:  # worked out from the draft: no need to read the file again
        texts = marker_texts(draft)
    elif kind == DOCX:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            texts = markers.docx_texts(package.read("word/document.xml"))
    elif kind == MD and draft is not None:  # from the draft too, as the markers were made
        texts = render_markdown.marker_texts(draft)
    elif kind == MD:
        texts = markers.md_texts(data.decode("utf-8"))
    else:
        return {}
    return {
        "markers": {name: markers.digest(text) for name, text in texts.items()},
        "figures": {name: markers.digest(markers.figures(text)) for name, text in texts.items()},
    }


def identity(report: Report | Document) -> dict:
    """Whose report a draft is: agency, year and document kind."""
    kind = report.format.id if isinstance(report, Document) else "annual"
    return {"agency": report.agency, "year": report.year, "document": kind}


PDF_KEYS = ("source", "format", "report")  # what a PDF's record takes from its Word draft's


def pdf_record(word: bytes, about: dict | None = None) -> dict:
    """A PDF's record: whose report it is and its data file, as its Word draft's record
    says (never the Word draft's own name, digest or markers), the digest of the Word
    draft it was printed from, and of the figures in each of that draft's markers (what
    the PDF states, still known once the Word draft is edited further)."""
    return {
        **{k: v for k, v in (about or {}).items() if k in PDF_KEYS},
        "printed_from": digest(word),
        "states": docx_figures(word),
    }


def write_pdfs(
    pending: list[tuple[Path, bytes] | tuple[Path, bytes, dict]],
    manifest: Manifest,
    force: bool = False,
    processes: int = 1,
    office=None,
    progress=None,
) -> list[tuple[Path, list[Path]]]:
    """Print each pending PDF (path, Word bytes[, what its record says]) with LibreOffice,
    a few processes side by side, and write them; ``progress(done, total)`` as they are
    printed. Without a record of its own, a PDF's says what its Word draft's does. Returns
    each written PDF with the backups made."""
    if not pending:
        return []
    office = office or LibreOffice.find()
    complete: dict[str, bytes] = {}
    try:
        printed = office.convert_parallel(
            {str(path): data for path, data, *_ in pending}, processes, progress, complete
        )
    except KeyboardInterrupt:  # Ctrl-C: the PDFs printed before it are written, and count
        _write_printed([p for p in pending if str(p[0]) in complete], complete, manifest, force)
        raise
    return _write_printed(pending, printed, manifest, force)


def _write_printed(
    pending: list, printed: dict[str, bytes], manifest: Manifest, force: bool
) -> list[tuple[Path, list[Path]]]:
    written = []
    for path, word, *about in pending:
        said = about[0] if about else manifest.entry(path.with_suffix(SUFFIXES[DOCX]))
        done = manifest.write({path: printed[str(path)]}, force, {path: pdf_record(word, said)})
        if done.written:
            written.append((path, done.backups))
    return written
