"""``reportgen refresh``: new figures into a draft a person has edited, keeping every edit.

Everything a draft took from the data is marked (``reportgen.renderers.markers``). Refresh
renders the draft anew from the current data and, marker by marker, puts the new content in
place of the old. Nothing outside the markers is touched: in a Word draft only
word/document.xml changes, and in it only what the markers hold. A marker whose text the
clerk changed by hand is a conflict: the clerk's text is kept unless ``force``. A marker the
clerk deleted is reported, not put back. The file is backed up, then written atomically.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.checks.check import AUTO, check_file
from reportgen.errors import ReportgenError
from reportgen.output.files import write_atomic
from reportgen.output.manifest import Manifest
from reportgen.renderers import markers
from reportgen.workflows.build import DOCX, MD, Renderers, draft_record, render_drafts

DOCUMENT = "word/document.xml"


class RefreshError(ReportgenError):
    """A draft that cannot be refreshed (a Chinese message)."""


@dataclass
class Change:
    marker: str
    old: str
    new: str
    cells: list[str] = field(default_factory=list)  # for a table: the cells that changed


@dataclass
class RefreshResult:
    path: Path
    data: Path
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    backup: Path | None = None

    @property
    def written(self) -> bool:
        return self.backup is not None


def refresh(path: Path, data: Path | None = None, renderers: Renderers | None = None, force: bool = False,
            previous=AUTO) -> RefreshResult:
    path = Path(path)
    if path.suffix.lower() not in (".docx", ".md"):
        raise RefreshError(f"{path}：只能更新 reportgen 生成的 Word（.docx）或 Markdown（.md）草稿。")
    if not path.is_file():
        raise RefreshError(f"找不到草稿：{path}")
    manifest = Manifest(path.parent)
    entry = manifest.entries.get(path.name, {})
    source = Path(data) if data is not None else (Path(entry["source"]) if entry.get("source") else None)
    if source is None:
        raise RefreshError(f"{path}：生成记录中没有它的数据文件，请在命令中写明数据文件：reportgen refresh {path} 数据.toml")
    checked = check_file(source, previous=previous)
    report = checked.report
    if report is not None and entry.get("format") and entry["format"] != report.format.id:
        raise RefreshError(
            f"{path} 是按{_label(entry['format'])}生成的，而数据文件 {source} 现在使用{report.format.label}"
            "（报告年度或格式变了），表格结构不同，无法逐格更新。请用 reportgen build 重新生成草稿。")
    if report is None or checked.errors:
        raise RefreshError(f"数据文件 {source} 有 {max(checked.errors, 1)} 个错误，没有更新草稿。请先运行 reportgen check {source}。")
    result = RefreshResult(path, source)
    lock = _lock_file(path)
    if lock is not None:
        result.warnings.append(f"{path.name} 可能正在 Word 或 WPS 中打开（有锁定文件 {lock.name}）。请先关闭，"
                               "否则保存时会覆盖这次更新。")
    renderers = renderers or Renderers.prepare()
    last = checked.previous.report if checked.previous else None
    kind = DOCX if path.suffix.lower() == ".docx" else MD
    fresh = render_drafts(report, renderers, (kind,), previous=last)[kind]
    recorded = entry.get("markers", {})
    if kind == DOCX:
        updated = _refresh_docx(path, fresh, recorded, force, result)
    else:
        updated = _refresh_md(path, fresh, recorded, force, result)
    if updated is not None:
        result.backup = manifest.backup(path)
        write_atomic(path, updated)
        about = draft_record(kind, updated, source, report)
        for marker in (c.marker for c in result.conflicts):  # a kept edit stays an edit next time
            if marker in recorded:
                about["markers"][marker] = recorded[marker]
        manifest.record({path: updated}, {path: about})
    return result


def _label(format_id: str) -> str:
    from reportgen.formats import statutory

    fmt = statutory.formats().get(format_id)
    return fmt.label if fmt else f"{format_id} 年版格式"


def _lock_file(path: Path) -> Path | None:
    for candidate in (path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:]),
                      path.with_name(".~lock." + path.name + "#")):
        if candidate.exists():
            return candidate
    return None


def _decide(name: str, old: str, new: str, recorded: dict, force: bool, result: RefreshResult) -> bool:
    """Whether to put the new content in: unchanged markers need nothing, edited ones are
    conflicts unless forced."""
    if old == new:
        return False
    change = Change(name, old, new)
    if name in recorded and markers.digest(old) != recorded[name] and not force:
        result.conflicts.append(change)
        return False
    result.changes.append(change)
    return True


# ------------------------------------------------------------------ Word


def _refresh_docx(path: Path, fresh: bytes, recorded: dict, force: bool, result: RefreshResult) -> bytes | None:
    from lxml import etree

    raw = path.read_bytes()
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise RefreshError(f"{path}：文件受密码保护或是旧版 .doc 格式，无法更新。请去掉密码、另存为 .docx 后重试。")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            entries = [(info, package.read(info.filename)) for info in package.infolist()]
    except zipfile.BadZipFile:
        raise RefreshError(f"{path}：不是有效的 .docx 文件（已损坏），无法更新。") from None
    parts = {info.filename: data for info, data in entries}
    if DOCUMENT not in parts:
        raise RefreshError(f"{path}：不是 Word 文档（没有 {DOCUMENT}）。")
    try:
        old_root = etree.fromstring(parts[DOCUMENT])
    except etree.XMLSyntaxError as problem:
        raise RefreshError(f"{path}：Word 文档内容已损坏（{problem}）。") from None
    with zipfile.ZipFile(io.BytesIO(fresh)) as package:
        new_root = etree.fromstring(package.read(DOCUMENT))
    old_regions, new_regions = markers.docx_regions(old_root), markers.docx_regions(new_root)
    if not old_regions:
        raise RefreshError(f"{path} 中没有 reportgen 的标记，不是 reportgen 生成的草稿（或标记已被删除），无法更新。")
    ids = [int(b.get(f"{markers.W}id", "0")) for b in old_root.iter(f"{markers.W}bookmarkStart")
           if (b.get(f"{markers.W}id") or "").isdigit()]
    next_id = max(ids, default=0) + 1000
    for name, new in new_regions.items():
        old = old_regions.get(name)
        if old is None:
            result.deleted.append(name)
            continue
        old_text, new_text = markers.text_of(old.elements()), markers.text_of(new.elements())
        if not _decide(name, old_text, new_text, recorded, force, result):
            continue
        if old.table is not None:
            result.changes[-1].cells = _cell_changes(old.table, new.table)
            replacement = copy.deepcopy(new.table)
            for mark in replacement.iter(f"{markers.W}bookmarkStart", f"{markers.W}bookmarkEnd"):
                mark.set(f"{markers.W}id", str(next_id))  # a pair: both ends get the same new id
            next_id += 1
            old.table.getparent().replace(old.table, replacement)
        else:
            for element in old.elements():
                element.getparent().remove(element)
            anchor = old.start
            for element in new.elements():
                copied = copy.deepcopy(element)
                anchor.addnext(copied)
                anchor = copied
    if not result.changes:
        return None
    document = etree.tostring(old_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for info, data in entries:  # every other part exactly as it was
            package.writestr(info, document if info.filename == DOCUMENT else data)
    return out.getvalue()


def _cell_changes(old_table, new_table) -> list[str]:
    old, new = markers.table_cells(old_table), markers.table_cells(new_table)
    return _changed_cells(old, new)


def _row_label(cells: list[str], row: int) -> str:
    """The label just before a row's first figure (its most specific label)."""
    labels = []
    for text in cells:
        if text and text.replace(".", "").replace("-", "").isdigit():
            break
        if text:
            labels.append(text)
    return labels[-1] if labels else f"第{row + 1}行"


def _changed_cells(old: list[list[str]], new: list[list[str]]) -> list[str]:
    changes = []
    for r, (a, b) in enumerate(zip(old, new)):
        label = _row_label(b, r)
        for c, (x, y) in enumerate(zip(a, b)):
            if x != y:
                changes.append(f"“{label}”第{c + 1}格：{x or '（空）'} → {y or '（空）'}")
    return changes


def _html_cell_changes(old: str, new: str) -> list[str]:
    def rows(html: str) -> list[list[str]]:
        return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]

    return _changed_cells(rows(old), rows(new))


# ------------------------------------------------------------------ Markdown


def _refresh_md(path: Path, fresh: bytes, recorded: dict, force: bool, result: RefreshResult) -> bytes | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RefreshError(f"{path}：不是 UTF-8 编码的 Markdown 文件，无法更新。") from None
    old_regions, new_regions = markers.md_regions(text), markers.md_regions(fresh.decode("utf-8"))
    if not old_regions:
        raise RefreshError(f"{path} 中没有 reportgen 的标记，不是 reportgen 生成的草稿（或标记已被删除），无法更新。")
    replacements = []
    for name, new in new_regions.items():
        old = old_regions.get(name)
        if old is None:
            result.deleted.append(name)
            continue
        if _decide(name, old["body"].strip(), new["body"].strip(), recorded, force, result):
            replacements.append((old.start("body"), old.end("body"), new["body"]))
            if "<table" in new["body"]:
                result.changes[-1].cells = _html_cell_changes(old["body"], new["body"])
    if not result.changes:
        return None
    for start, end, body in sorted(replacements, reverse=True):
        text = text[:start] + body + text[end:]
    return text.encode("utf-8")


def marker_label(name: str) -> str:
    """A marker, as a clerk would call it."""
    name = name.replace("-", "_")
    if name == "title":
        return "标题"
    if name == "date":
        return "落款日期"
    if name == "opening":
        return "开头段落"
    if name.startswith("table_"):
        return {"table_proactive": "表二", "table_requests": "表三", "table_appeals": "表四"}.get(name, name)
    if name.startswith("lead_"):
        return f"由数字生成的句子（{name[5:]}）"
    if name.startswith("fig_"):
        key, _, number = name[4:].rpartition("_")
        return f"正文 {key} 中的第 {number} 个数字"
    return name
