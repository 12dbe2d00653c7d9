"""Drafts handed out by the local page, and edited drafts uploaded to it (``reportgen serve``).

A draft downloaded from the page is written nowhere, but what tells a person's edit from
reportgen's text (the digests of the text and of the figures inside each marker) is noted
in the folder's 草稿/ (``.reportgen-handed-out.jsonl``, the last ``KEPT`` drafts). When an
edited draft comes back, it is kept in 草稿/ (an earlier upload of the same name backed up
first) and refreshed by the rules of ``reportgen refresh``, never forced: the record used
is the handed-out draft whose markers it matches most (or the record of an earlier upload
of the same name); a draft that matches none counts as edited throughout. The result says
what refresh says in the terminal: each change, each conflict and where the backups are.

    name, data = hand_out(Path("data/x/2025.toml"), "docx", Path("data/草稿"))
    done = refresh_upload(Path("data/草稿/改过的.docx"), uploaded_bytes, Path("data/x/2025.toml"))
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reportgen.checks.check import check_file
from reportgen.errors import OutputError, RefreshError, os_reason
from reportgen.output.writing import make_folder, write_atomic
from reportgen.output.manifest import Manifest, ignore_beside
from reportgen.renderers.filetypes import DOCX, MD
from reportgen.renderers.markers import digest
from reportgen.renderers.merge import marker_texts
from reportgen.workflows.build import draft_file, marker_record
from reportgen.workflows.refresh import RefreshResult, other_report, refresh, refused

HANDED_OUT = ".reportgen-handed-out.jsonl"
KEPT = 200  # drafts handed out that are remembered, the latest


@dataclass
class Uploaded:
    """What became of an uploaded draft: the refresh, and the earlier upload's backup."""

    refreshed: RefreshResult
    earlier: Path | None = None  # the earlier upload of the same name, backed up

    @property
    def backups(self) -> list[Path]:
        return [p for p in (self.earlier, self.refreshed.backup) if p is not None]


def hand_out(source: Path, kind: str, drafts: Path | None) -> tuple[str, bytes]:
    """A draft to download (``build.draft_file``), its markers noted in ``drafts`` (if given)."""
    name, data = draft_file(source, kind)
    if kind in (DOCX, MD) and drafts is not None:
        entry = {"kind": kind, **marker_record(kind, data)}
        lines = _handed_out(drafts)[-(KEPT - 1) :] + [entry]
        try:
            _drafts_folder(drafts)
            write_atomic(drafts / HANDED_OUT, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines).encode())
        except OSError as problem:
            raise OutputError(f"无法写入 {drafts / HANDED_OUT}：{os_reason(problem)}") from None
    return name, data


def _drafts_folder(drafts: Path) -> None:
    """草稿/ inside the folder (links resolved now), with a .gitignore that keeps all of it
    out of version control: uploads, their backups, the record of drafts handed out."""
    make_folder(drafts)
    ignore_beside(drafts, ("*",))


def refresh_upload(target: Path, data: bytes, source: Path) -> Uploaded:
    """Keep an uploaded draft at ``target`` and refresh it from ``source``, every edit kept."""
    texts = _same_report(target.name, data, source)  # another report's draft: refused, nothing written
    folder = target.parent
    _drafts_folder(folder)
    manifest = Manifest(folder)
    earlier = manifest.backup(target) if target.exists() else None
    write_atomic(target, data)
    kind = DOCX if target.suffix.lower() == ".docx" else MD
    candidates = [manifest.entry(target), *(e for e in _handed_out(folder) if e.get("kind") == kind)]
    about = {**_closest(candidates, texts), "source": str(Path(source).resolve())}
    manifest.record({target: data}, {target: about}, edits=True)  # a person's draft, with what it was made as
    try:
        return Uploaded(refresh(target, source, print_pdf=False), earlier)
    finally:  # one line per file in 草稿/'s record, also when the refresh failed
        Manifest(folder).compact()


def _same_report(name: str, data: bytes, source: Path) -> dict[str, str]:
    """The marker texts of an uploaded draft, read from a staged copy outside the folder;
    RefreshError, by the very check and words of ``reportgen refresh``, when the draft is
    of another agency, year or document kind than the data file (its title says whose it is)."""
    with tempfile.TemporaryDirectory(prefix="reportgen-upload-") as work:
        staged = Path(work) / ("draft" + Path(name).suffix.lower())
        staged.write_bytes(data)
        texts = marker_texts(staged)
    report = check_file(source).report
    if report is not None and (said := other_report(report, None, texts.get("title"))):
        raise RefreshError(refused(name, said, "请在这份草稿自己的报告页上传。"))
    return texts


def _closest(candidates: list[dict], texts: dict[str, str]) -> dict:
    """The markers' record of the draft the upload was made from: the one whose markers
    the upload's texts match most; none ({}: edited throughout) if it matches none."""
    best, score = {}, 0
    for entry in candidates:
        recorded = entry.get("markers") or {}
        matched = sum(1 for name, text in texts.items() if recorded.get(name) == digest(text))
        if matched > score:
            best, score = {k: entry[k] for k in ("markers", "figures") if k in entry}, matched
    return best


def _handed_out(drafts: Path) -> list[dict]:
    try:
        lines = (drafts / HANDED_OUT).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("markers"), dict):
            found.append(entry)
    return found
