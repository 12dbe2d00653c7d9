"""``reportgen refresh``: new figures into a draft a person has edited, keeping every edit.

The draft is rendered anew from the current data and merged into the edited one marker by
marker (``reportgen.renderers.merge``): nothing outside the markers changes, a marker a
person edited is kept (a conflict) unless ``force``. Then, by the rule every writer follows
(``reportgen.output.manifest``), the draft is backed up and written atomically, and
recorded as holding a person's edits, so that a later ``build`` does not replace it.

The data file is the one named, else the one recorded when the draft was built, relative
to the draft's folder (so that a folder copied or moved with its data refreshes from its
own data, never from the original's). A data file of another agency, year or document
kind is refused unless ``force``. A PDF printed from the Word draft is printed again; the
report's other drafts that still show old figures are named, with the command that
updates each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.checks.check import AUTO, check_file
from reportgen import untrusted
from reportgen.errors import RefreshError, ReportgenError
from reportgen.formats import statutory
from reportgen.draft.kind_drafts import title as document_title
from reportgen.draft.report_draft import title as title_of
from reportgen.model import Document
from reportgen.output.writing import shown
from reportgen.output.manifest import EDITED, OURS, Manifest, digest
from reportgen.renderers import markers
from reportgen.renderers.filetypes import DOCX, INFOGRAPHICS, MD, PDF, SUFFIXES, kind_of
from reportgen.renderers.pdf import LibreOffice
from reportgen.renderers.merge import Change, Record, marker_label, merge, tally  # noqa: F401  (part of this module's API)
from reportgen.workflows import siblings
from reportgen.workflows.build import Renderers, DraftFiles, draft_record, identity, pdf_record, render_drafts


@dataclass
class RefreshResult:
    path: Path
    data: Path
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)  # a person's wording of the current figures, kept
    warnings: list[str] = field(default_factory=list)
    backup: Path | None = None
    printed: Path | None = None  # the PDF printed again from the refreshed Word draft
    stale: list[siblings.Stale] = field(default_factory=list)  # the report's other drafts still showing old figures

    @property
    def written(self) -> bool:
        return self.backup is not None


def refresh(
    path: Path,
    data: Path | None = None,
    renderers: Renderers | None = None,
    force: bool = False,
    previous=AUTO,
    office=None,
    print_pdf: bool = True,
    compact: bool = True,
) -> RefreshResult:
    """Refresh the draft at ``path`` (.docx or .md). ``office``: the LibreOffice to print
    the PDF beside a Word draft with (found when needed); ``print_pdf=False`` leaves the
    PDF to the caller (a batch prints all its PDFs at the end). The folder's record is
    compacted afterwards (one line per file, rewritten atomically) unless ``compact`` is
    False: a batch, whose workers append to it side by side, compacts it once at the end."""
    path = Path(path)
    if kind_of(path) in INFOGRAPHICS:
        raise RefreshError(_picture(path))
    if path.suffix.lower() not in (".docx", ".md"):
        raise RefreshError(f"{path}：只能更新 reportgen 生成的 Word（.docx）或 Markdown（.md）草稿。")
    if not path.is_file():
        raise RefreshError(f"找不到草稿：{path}")
    manifest = Manifest(path.parent)
    entry = manifest.entry(path)
    source = Path(data) if data is not None else _recorded_source(path, manifest)
    checked = check_file(source, previous=previous)
    report = checked.report
    if report is not None and entry.get("format") and entry["format"] != report.format.id:
        raise RefreshError(
            f"{path} 是按{_label(entry['format'])}生成的，而数据文件 {source} 现在使用{report.format.label}"
            "（报告年度或格式变了），表格结构不同，无法逐格更新。请用 reportgen build 重新生成草稿。"
        )
    if report is None or checked.errors:
        raise RefreshError(
            f"数据文件 {source} 有 {max(checked.errors, 1)} 个错误，没有更新草稿。请先运行 reportgen check {shown(source)}。"
        )
    result = RefreshResult(path, source)
    lock = _lock_file(path)
    if lock is not None:
        result.warnings.append(
            f"{path.name} 可能正在 Word 或 WPS 中打开（有锁定文件 {lock.name}）。请先关闭，否则保存时会覆盖这次更新。"
        )
    renderers = renderers or Renderers.prepare()
    last = checked.previous.report if checked.previous else None
    if isinstance(report, Document) != isinstance(last, Document):
        last = None
    kind = DOCX if path.suffix.lower() == ".docx" else MD
    drafted: list = []
    fresh = render_drafts(report, renderers, (kind,), previous=last, drafted=drafted)
    recorded = Record.of(entry)
    pristine = manifest.state(path) == OURS
    merged = merge(path, fresh[kind], recorded, force)
    _same_report(path, report, entry, merged, force)
    result.changes, result.conflicts, result.deleted = merged.changes, merged.conflicts, merged.deleted
    result.kept = merged.kept
    if merged.updated is not None:
        about = draft_record(kind, merged.updated, source, report)
        _keep_edits_edited(about, recorded, merged)
        # a draft that held a person's edits still does: the next build does not replace it
        result.backup = manifest.rewrite(path, merged.updated, about, edits=not pristine)
    stem = path.name[: -len(path.suffix)]
    pdf = path.with_name(stem + SUFFIXES[PDF])
    if kind == DOCX and print_pdf and pdf.exists() and not result.conflicts:
        _print_again(path, pdf, manifest, office, result)
    render = DraftFiles(fresh, drafted[0], renderers, None, stem)
    result.stale = siblings.stale(
        path.parent, stem, source, render, manifest, {path} | ({pdf} if result.printed or not print_pdf else set())
    )
    if kind == DOCX and result.conflicts:  # a PDF of a Word draft still in conflict would contradict itself
        result.stale = [
            siblings.Stale(s.path, s.command, len(result.conflicts)) if s.path == pdf else s for s in result.stale
        ]
    if compact:
        Manifest(path.parent).compact()
    return result


def _keep_edits_edited(about: dict, recorded: Record, merged) -> None:
    """A person's text kept in a marker stays a person's text next time: its recorded
    digest stays the one reportgen wrote ("" when the draft had no record, which no text
    matches). Its figures' digest: the current figures when the person's text states them
    or the data's did not change (so that only a later change of figures is a conflict),
    the old ones while it is a conflict (so that it stays one until resolved)."""
    for change in merged.kept + merged.conflicts:
        about["markers"][change.marker] = (recorded.markers or {}).get(change.marker, "")
        if change in merged.kept:
            about["figures"][change.marker] = markers.digest(markers.figures(change.new))
        elif change.marker in recorded.figures:
            about["figures"][change.marker] = recorded.figures[change.marker]
        else:
            about["figures"].pop(change.marker, None)


def _picture(path: Path) -> str:
    """Why a file of the 图解 is not refreshed, and the command that draws it again."""
    source = Manifest(path.parent).source_of(path)
    data = shown(os.path.normpath(source)) if source is not None else "数据文件.toml"
    return (
        f"{path}：图解是由数据画出的图片，refresh 不更新图解（refresh 只更新 Word 和 Markdown 草稿）。"
        f"要换成新数字，请重新生成：reportgen build {data} -o {shown(path.parent)} --to 图解"
        "（图解被人改过时加 --force，会先备份原文件，人改的内容要在新图上重做）。"
    )


def _recorded_source(path: Path, manifest: Manifest) -> Path:
    source = manifest.source_of(path)
    how = f"请在命令中写明数据文件：reportgen refresh {shown(path)} --data 数据文件.toml"
    if source is None:
        raise RefreshError(
            f"{path}：生成记录中没有它的数据文件（{manifest.path.name} 不在草稿旁边，或没有这份草稿）。{how}"
        )
    if not source.is_file():
        raise RefreshError(
            f"找不到生成 {path.name} 时的数据文件：{source}（生成记录中写的是相对于草稿所在文件夹的位置）。"
            f"草稿文件夹和数据文件夹要一起复制或移动；数据文件移到了别处时，{how}"
        )
    plain = Path(os.path.normpath(source))  # out/../data/x.toml → data/x.toml, as every message names it
    return plain if plain.is_file() and os.path.samefile(plain, source) else source


def _same_report(path: Path, report, entry: dict, merged, force: bool) -> None:
    """Refuse the data of another agency, year or document kind than the draft's."""
    if force:
        return
    said = other_report(report, entry.get("report"), merged.texts.get("title"))
    if said:
        raise RefreshError(refused(path, said))


FORCE_HINT = "确实要用这个数据文件更新，请加 --force。"


def refused(path: Path | str, said: str, hint: str = FORCE_HINT) -> str:
    """Why a draft is not updated from a data file of another report, in Chinese."""
    return f"{path} 与数据文件不是同一份报告：{said}。没有更新草稿。请核对数据文件；{hint}"


def other_report(report, was: dict | None, title: str | None) -> str:
    """How the draft differs from the report of the data file ("" when it is the same
    report): by its record (``was``: agency, year, document kind) when it has one, else by
    its own title (what a draft uploaded on the page, or one without a record, says of
    itself). A title a person retouched (a line break, 年度, a note after it) is still the
    same report; one of another agency, year or document kind is not."""
    fresh = identity(report)
    if was is not None:
        if not any(was.get(k) != fresh[k] for k in ("agency", "year", "document")):
            return ""
        said = f"草稿是{was.get('agency')} {was.get('year')} 年度的，数据文件是{fresh['agency']} {fresh['year']} 年度的"
        return said + ("（文档种类也不同）" if was.get("document") != fresh["document"] else "")
    if title is None:  # the title's marker was deleted: nothing says whose it is
        return ""
    own = report_title(report)
    if _same_title(title, own, report):
        return ""
    return f"草稿的标题是“{_bare(title)}”，数据文件的是“{own}”"


def report_title(report) -> str:
    return document_title(report) if isinstance(report, Document) else title_of(report)


def _bare(title: str) -> str:
    """A title as its words: no spaces or line breaks, no Markdown heading or emphasis marks."""
    return "".join(title.split()).strip("#*_")


def _same_title(title: str, own: str, report) -> bool:
    title, own = _bare(title), _bare(own)
    if title == own:
        return True
    lead = f"{report.agency}{report.year}年"
    rest = own[len(lead) :] if own.startswith(lead) else ""
    return bool(rest) and title.startswith(lead) and rest in title


def _print_again(word: Path, pdf: Path, manifest: Manifest, office, result: RefreshResult) -> None:
    """The PDF beside a Word draft, printed again from it (unless a person changed the PDF,
    or it already is the print of the Word draft as it is)."""
    state = manifest.state(pdf)
    if state == EDITED:
        result.warnings.append(f"{pdf.name} 在生成后被修改过，没有重新印出。")
        return
    try:
        data = untrusted.read_file(word, "Word 草稿")
        if state == OURS and manifest.entry(pdf).get("printed_from") == digest(data):
            return
        printed = (office or LibreOffice.find()).convert({str(pdf): data})[str(pdf)]
    except ReportgenError as problem:
        result.warnings.append(f"{pdf.name} 没有重新印出：{problem}")
        return
    manifest.write({pdf: printed}, False, {pdf: pdf_record(data, manifest.entry(word))})
    result.printed = pdf


def _label(format_id: str) -> str:
    fmt = statutory.formats().get(format_id)
    return fmt.label if fmt else f"{format_id} 年版格式"


def _lock_file(path: Path) -> Path | None:
    for candidate in (
        path.with_name("~$" + path.name),
        path.with_name("~$" + path.name[2:]),
        path.with_name(".~lock." + path.name + "#"),
    ):
        if candidate.exists():
            return candidate
    return None


__all__ = ["RefreshResult", "refresh", "marker_label", "markers", "tally"]
