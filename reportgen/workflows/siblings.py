"""Every draft of a report accounted for.

A report's drafts sit side by side in an output folder under one name: the Word and
Markdown drafts, the web page and its fragment, the PDF, a task table's workbook. After
``build``, ``refresh`` or ``batch --refresh`` each of them either shows the current data or
is named, with the command that updates it. A draft shows the current data when

- Word and Markdown: every marker holds what a fresh draft's does (a person's edits
  outside the markers do not matter);
- the web page, its fragment and the workbook (which have no markers): its bytes are a
  fresh draft's;
- the 图解 (SVG, PNG, fragment), which are drawn and cannot be refreshed: it states what a
  fresh picture states (its figures, their changes against last year, its flag and notes:
  the record keeps the digest of what each file stated when written, so that a person's
  edit of the file does not matter but a change of the data does; a file with no such
  record: its bytes are a fresh picture's). A stale one is made again by build (with
  --force when a person edited it, which backs it up first);
- the PDF: it follows its Word draft: it was printed from a fresh Word draft, or from the
  Word draft beside it as that is now, when that shows the current data or has just been
  refreshed (the record of the folder keeps the digest of the Word draft each PDF was
  printed from).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Callable

from reportgen import untrusted
from reportgen.errors import InputError, RefreshError
from reportgen.output.writing import shown
from reportgen.output.manifest import EDITED, Manifest, digest, file_digest
from reportgen.renderers.filetypes import (
    DOCX,
    FRAGMENT,
    HTML,
    INFOGRAPHIC_STATEMENT,
    INFOGRAPHICS,
    MD,
    NAMES,
    PDF,
    SUFFIXES,
    XLSX,
    kind_of,
)
from reportgen.renderers.merge import Record, docx_figures, marker_label, merge


@dataclass(frozen=True)
class Stale:
    """A draft that does not show the current data, and the command that updates it."""

    path: Path
    command: str
    conflicts: int = 0  # a PDF not printed: its Word draft has this many unresolved conflicts
    places: tuple[str, ...] = ()  # a Word or Markdown draft whose only problem is its conflicts: where they are

    def __str__(self) -> str:
        return f"{self.path} 还不是最新的数字：{self.advice}"

    @property
    def hint(self) -> str:
        """The command, or while a conflict is open, what to do by hand."""
        return self.advice if self.places or self.conflicts else self.command

    @property
    def advice(self) -> str:
        """What to do: the command that updates the draft, or, while a person's sentence is
        in conflict, to resolve it by hand (a command would only repeat the conflict)."""
        if self.places:
            return (
                f"有 {len(self.places)} 处冲突还没有改好（{'、'.join(self.places)}）：请在草稿中把这些地方"
                "改成新的数字（reportgen refresh 列出了按新数据应写成的样子）"
            )
        if self.conflicts:
            return f"Word 草稿中有 {self.conflicts} 处冲突，PDF 没有重新印出；改好冲突后再运行 {self.command}"
        return f"请运行 {self.command}"


ORDER = (DOCX, MD, HTML, FRAGMENT, XLSX, *INFOGRAPHICS, PDF)  # the PDF last: it depends on the Word draft
PICTURE = "图解"  # how a command names the 图解 (--to)


def stale(
    folder: Path,
    stem: str,
    source: Path,
    render: Callable[[str], bytes],
    manifest: Manifest,
    current: AbstractSet[Path] = frozenset(),
) -> list[Stale]:
    """The drafts named ``stem`` in ``folder`` that do not show what ``render(kind)``
    (a fresh rendering of the report from ``source``) shows. ``current``: the files just
    written or being printed, which are current by definition."""
    found: list[Stale] = []
    word = folder / f"{stem}{SUFFIXES[DOCX]}"
    source = Path(os.path.normpath(source))  # as recorded, relative to the folder: out/../data/x.toml → data/x.toml
    for kind in ORDER:
        path = folder / f"{stem}{SUFFIXES[kind]}"
        if path in current or not path.is_file():
            continue
        if kind in (DOCX, MD):
            try:
                merged = merge(path, render(kind), Record.of(manifest.entry(path)))
            except RefreshError:  # not a reportgen draft (or its markers are gone): it cannot be refreshed
                found.append(Stale(path, f"reportgen build {shown(source)} -o {shown(folder)} --to {kind} --force"))
                continue
            if merged.changes:
                found.append(Stale(path, f"reportgen refresh {shown(path)}"))
            elif merged.conflicts:  # only a person's sentences in conflict: refresh would only repeat them
                places = tuple(dict.fromkeys(marker_label(c.marker) for c in merged.conflicts))
                found.append(Stale(path, f"reportgen refresh {shown(path)}", places=places))
        elif kind == PDF:
            if not _printed_from_current(path, word, render, manifest, current, found):
                command = (
                    f"reportgen refresh {shown(word)}"
                    if word.is_file()
                    else f"reportgen build {shown(source)} -o {shown(folder)} --to pdf"
                )
                in_conflict = next((s for s in found if s.path == word and s.places), None)
                if in_conflict is not None:
                    command = f"reportgen build {shown(source)} -o {shown(folder)} --to pdf"
                found.append(Stale(path, command, len(in_conflict.places) if in_conflict else 0))
        elif kind in INFOGRAPHICS:
            if not _draws_current(path, kind, render, manifest):
                force = " --force" if manifest.state(path) == EDITED else ""
                found.append(Stale(path, f"reportgen build {shown(source)} -o {shown(folder)} --to {PICTURE}{force}"))
        elif _read(path) != render(kind):
            force = " --force" if manifest.state(path) == EDITED else ""
            found.append(
                Stale(
                    path,
                    f"reportgen build {shown(source)} -o {shown(folder)} --to {kind.replace(FRAGMENT, HTML)}{force}",
                )
            )
    return found


def _printed_from_current(
    pdf: Path, word: Path, render, manifest: Manifest, current: AbstractSet[Path], stale_so_far: list[Stale]
) -> bool:
    entry = manifest.entry(pdf)
    printed = entry.get("printed_from")
    if not printed:
        return False
    if printed == digest(render(DOCX)):
        return True
    states = entry.get("states")
    if states and all(docx_figures(render(DOCX)).get(name) == figures for name, figures in states.items()):
        return True  # printed from a Word draft stating the current figures (a person's wording aside)
    # the print of the Word draft as it is, which shows the current data or has just been
    # refreshed (its conflicts are said by refresh itself): naming the PDF would point back
    word_is_current = word.is_file() and (word in current or all(s.path != word for s in stale_so_far))
    return word_is_current and printed == file_digest(word)


def _draws_current(path: Path, kind: str, render, manifest: Manifest) -> bool:
    """A file of the 图解 states what a fresh picture does: as its record says it did when
    written (whatever a person did to the file since), or, with no such record, byte for byte."""
    recorded = manifest.entry(path).get("drawn")
    if recorded:
        return recorded == digest(render(INFOGRAPHIC_STATEMENT))
    return _read(path) == render(kind)


def _read(path: Path) -> bytes | None:
    try:
        return untrusted.read_file(path, "草稿")
    except InputError:
        return None


def describe(stale_drafts: list[Stale]) -> list[str]:
    """One line per stale draft, in Chinese, naming it by its kind."""
    return [
        f"{NAMES.get(kind_of(s.path), '草稿')} {s.path.name} 还是旧的数字，请运行：{s.command}"
        if not (s.places or s.conflicts)
        else f"{NAMES.get(kind_of(s.path), '草稿')} {s.path.name} 还是旧的数字：{s.advice}"
        for s in stale_drafts
    ]
