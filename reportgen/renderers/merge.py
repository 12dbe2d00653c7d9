"""A fresh draft's marked content merged into a draft a person has edited.

Everything a draft took from the data is marked (``reportgen.renderers.markers``). Merging
takes the edited draft and a fresh rendering of the same report and, marker by marker,
puts the fresh content in place of the old. Nothing outside the markers is touched: in a
Word draft only word/document.xml changes, and in it only what the markers hold. A marker
whose text a person changed (its digest differs from the one recorded when reportgen wrote
it; every marker of a draft with no record) keeps the person's text unless ``force``:

- silently, when it states the figures the fresh draft states (the person reworded it, or
  typed the new figures into their own wording), or when the data's figures for it did
  not change since it was written (the record keeps a digest of its figures);
- otherwise as a conflict, the fresh text shown beside it.

A marker the person deleted is reported, not put back. Markdown is compared as content:
CRLF or LF line ends and a byte-order mark are not edits, and are kept as the file has them.

``merge`` is used by ``reportgen refresh`` to update a draft, and by ``build`` to tell
whether a draft it may not replace still shows the current figures (``up_to_date``).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen import kinds, untrusted
from reportgen.errors import InputError, RefreshError
from reportgen.formats import statutory
from reportgen.renderers import markers
from reportgen.renderers.cellnames import changed_cells

DOCUMENT = "word/document.xml"


@dataclass
class Change:
    marker: str
    old: str
    new: str
    cells: list[str] = field(default_factory=list)  # for a table: the cells that changed


@dataclass
class Merge:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)  # a person's wording kept: it states the current figures
    texts: dict[str, str] = field(default_factory=dict)  # the text of each marker in the draft as it was
    updated: bytes | None = None  # the merged draft; None when nothing changed


@dataclass(frozen=True)
class Record:
    """What the record says of a draft's markers when reportgen wrote it: the digest of
    each one's text and of its figures. ``None`` markers: the draft has no record, so every
    marker counts as a person's."""

    markers: dict | None = None
    figures: dict = field(default_factory=dict)

    @classmethod
    def of(cls, entry: dict | None) -> Record:
        entry = entry or {}
        return cls(entry.get("markers") or None, entry.get("figures") or {})

    def edited(self, name: str, text: str) -> bool:
        if self.markers is None:
            return True
        return name in self.markers and markers.digest(text) != self.markers[name]


def merge(path: Path, fresh: bytes, recorded: Record | dict | None = None, force: bool = False) -> Merge:
    """Merge the marked content of ``fresh`` (a draft's bytes) into the draft at ``path``
    (.docx or .md). ``recorded``: what the record says of the draft's markers (a Record,
    or the digests of their texts); None or empty: the draft has no record."""
    if not isinstance(recorded, Record):
        recorded = Record(recorded or None)
    result = Merge()
    if Path(path).suffix.lower() == ".docx":
        _merge_docx(Path(path), fresh, recorded, force, result)
    else:
        _merge_md(Path(path), fresh, recorded, force, result)
    return result


def up_to_date(path: Path, fresh: bytes, entry: dict | None = None) -> bool:
    """Whether every marker of the draft at ``path`` already states what ``fresh`` states
    (a person's wording of the same figures counts; markers a person deleted aside).
    ``entry``: the draft's record, if any. Raises RefreshError for a file that is not a
    reportgen draft (no markers, damaged)."""
    found = merge(path, fresh, Record.of(entry))
    return not found.changes and not found.conflicts


def _decide(name: str, old: str, new: str, recorded: Record, force: bool, result: Merge) -> bool:
    """Whether to put the new content in: unchanged markers need nothing; a person's text
    is kept (silently when it states the current figures, or when the data's figures for
    it did not change; else as a conflict) unless forced."""
    result.texts[name] = old
    if old == new:
        return False
    change = Change(name, old, new)
    if force or not recorded.edited(name, old):
        result.changes.append(change)
        return True
    now = markers.figures(new)
    if markers.figures(old) == now or recorded.figures.get(name) == markers.digest(now):
        result.kept.append(change)
    else:
        result.conflicts.append(change)
    return False


# ------------------------------------------------------------------ Word


def marker_texts(path: Path) -> dict[str, str]:
    """The text inside each marker of the draft at ``path`` (.docx or .md), read as refresh
    reads it. Raises RefreshError for a file that is not a reportgen draft."""
    if Path(path).suffix.lower() == ".docx":
        _, root = _read_docx(Path(path))
        regions = markers.docx_regions(root)
        return {name: markers.text_of(region.elements()) for name, region in regions.items()}
    return markers.md_texts(_read_md(Path(path)))


def docx_figures(word: bytes) -> dict[str, str]:
    """The digest of the figures inside each marker of a Word draft's bytes (read safely: it
    may be a person's): what a PDF printed from it states. {} for what is not a Word draft."""
    try:
        with untrusted.open_package(word, "Word 草稿", ".docx") as package:
            root = untrusted.parse_xml(package.read(DOCUMENT), "Word 草稿", DOCUMENT)
    except (InputError, KeyError):
        return {}
    return {
        name: markers.digest(markers.figures(markers.text_of(region.elements())))
        for name, region in markers.docx_regions(root).items()
    }


def _read_docx(path: Path):
    """A Word draft's parts, and its document.xml parsed (safely: it may come from anywhere)."""
    try:
        raw = untrusted.read_file(path, "Word 草稿")
        if raw.startswith(b"\xd0\xcf\x11\xe0"):
            raise RefreshError(f"{path}：文件受密码保护或是旧版 .doc 格式，无法更新。请去掉密码、另存为 .docx 后重试。")
        with untrusted.open_package(raw, path, ".docx") as package:
            entries = [(info, package.read(info.filename)) for info in package.infolist()]
        parts = {info.filename: data for info, data in entries}
        if DOCUMENT not in parts:
            raise RefreshError(f"{path}：不是 Word 文档（没有 {DOCUMENT}）。")
        return entries, untrusted.parse_xml(parts[DOCUMENT], path, DOCUMENT)
    except InputError as problem:
        raise RefreshError(
            f"{problem}无法更新。" if str(problem).endswith("。") else f"{problem}，无法更新。"
        ) from None


def _merge_docx(path: Path, fresh: bytes, recorded: Record, force: bool, result: Merge) -> None:
    from lxml import etree  # imported when first used: start-up time

    entries, old_root = _read_docx(path)
    with zipfile.ZipFile(io.BytesIO(fresh)) as package:
        new_root = etree.fromstring(package.read(DOCUMENT))
    old_regions, new_regions = markers.docx_regions(old_root), markers.docx_regions(new_root)
    if not old_regions:
        raise RefreshError(f"{path} 中没有 reportgen 的标记，不是 reportgen 生成的草稿（或标记已被删除），无法更新。")
    ids = [
        int(b.get(f"{markers.W}id", "0"))
        for b in old_root.iter(f"{markers.W}bookmarkStart")
        if (b.get(f"{markers.W}id") or "").isdigit()
    ]
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
            result.changes[-1].cells = changed_cells(
                name, markers.table_cells(old.table), markers.table_cells(new.table), word=True
            )
            assert new.table is not None  # a marker marks a table in both drafts or in neither
            replacement = copy.deepcopy(new.table)
            for mark in replacement.iter(f"{markers.W}bookmarkStart", f"{markers.W}bookmarkEnd"):
                mark.set(f"{markers.W}id", str(next_id))  # a pair: both ends get the same new id
            next_id += 1
            old.table.getparent().replace(old.table, replacement)
        else:
            for element in old.elements():
                element.getparent().remove(element)
            anchor = old.start
            assert anchor is not None  # not a table: an inline region, opened by its bookmarkStart
            for element in new.elements():
                copied = copy.deepcopy(element)
                anchor.addnext(copied)
                anchor = copied
    if not result.changes:
        return
    document = etree.tostring(old_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for info, data in entries:  # every other part exactly as it was
            package.writestr(info, document if info.filename == DOCUMENT else data)
    result.updated = out.getvalue()


def _html_cell_changes(marker: str, old: str, new: str) -> list[str]:
    def rows(html: str) -> list[list[str]]:
        return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]

    return changed_cells(marker, rows(old), rows(new), word=False)


# ------------------------------------------------------------------ Markdown


def _read_md(path: Path) -> str:
    try:
        return untrusted.read_file(path, "Markdown 草稿").decode("utf-8")  # a BOM stays as it is
    except UnicodeDecodeError:
        raise RefreshError(f"{path}：不是 UTF-8 编码的 Markdown 文件，无法更新。") from None
    except InputError as problem:
        raise RefreshError(f"{problem}无法更新。") from None


def _merge_md(path: Path, fresh: bytes, recorded: Record, force: bool, result: Merge) -> None:
    text = _read_md(path)
    old_regions, new_regions = markers.md_regions(text), markers.md_regions(fresh.decode("utf-8"))
    if not old_regions:
        raise RefreshError(f"{path} 中没有 reportgen 的标记，不是 reportgen 生成的草稿（或标记已被删除），无法更新。")
    replacements = []
    for name, new in new_regions.items():
        old = old_regions.get(name)
        if old is None:
            result.deleted.append(name)
            continue
        was, now = markers.plain_lines(old["body"]), markers.plain_lines(new["body"])
        if _decide(name, was.strip(), now.strip(), recorded, force, result):
            crlf = "\r\n" in old["body"] or ("\n" not in old["body"] and "\r\n" in text)
            replacements.append((old.start("body"), old.end("body"), now.replace("\n", "\r\n") if crlf else now))
            if "<table" in new["body"]:
                result.changes[-1].cells = _html_cell_changes(name, old["body"], new["body"])
    if not result.changes:
        return
    for start, end, body in sorted(replacements, reverse=True):
        text = text[:start] + body + text[end:]
    result.updated = text.encode("utf-8")


def tally(changes: list[Change]) -> str:
    """How many places changed, and of what: "5 处（1 句、4 格）" — a table's cells counted one
    by one, the title or the date named, sentences and numbers in the text counted."""
    named: list[str] = []
    counts = {"句": 0, "个数字": 0, "格": 0}
    for change in changes:
        name = change.marker.replace("-", "_")
        if change.cells:
            counts["格"] += len(change.cells)
        elif name.startswith("lead_"):
            counts["句"] += 1
        elif name.startswith("fig_"):
            counts["个数字"] += 1
        else:
            named.append(marker_label(change.marker))
    total = sum(counts.values()) + len(named)
    parts = named + [f"{n} {unit}" for unit, n in counts.items() if n]
    return f"{total} 处" + (f"（{'、'.join(parts)}）" if parts else "")


def marker_label(name: str) -> str:
    """A marker, as a clerk would call it: by the heading of the part it is in."""
    name = name.replace("-", "_")
    fixed = {
        "title": "标题",
        "date": "落款日期",
        "opening": "开头段落",
        "table_proactive": "表二",
        "table_requests": "表三",
        "table_appeals": "表四",
        "lead_figures": "由数字生成的一段",
    }
    if name in fixed:
        return fixed[name]
    if name.startswith("table_"):
        return "表格"
    if name.startswith("lead_"):
        return f"“{_heading(name[5:])}”中由数字生成的句子"
    if name.startswith("fig_"):
        key, _, number = name[4:].rpartition("_")
        return f"“{_heading(key)}”正文中的第 {number} 个数字"
    if name.startswith("tasks_"):
        return "任务落实情况"
    return "由数据生成的内容"


def _heading(key: str) -> str:
    """The heading of the part of a report whose text (or section) key is ``key``."""
    if key.startswith("section") and key[7:].isdigit():
        return f"第 {key[7:]} 个自拟部分"
    for fmt in reversed(list(statutory.formats().values())):
        for section in fmt.sections:
            if key in (section.key, section.text):
                return section.heading
            for theme in section.themes:
                if key == theme.text:
                    return f"{section.heading}{statutory.LABEL_SEPARATOR}{theme.heading}"
    for kind in kinds.kinds().values():
        if (part := kind.section(key)) is not None and part.heading:
            return part.heading.replace("{year}", "本").replace("{next_year}", "下一")
    return "正文"
