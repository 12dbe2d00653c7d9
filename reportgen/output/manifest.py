"""The record of what reportgen wrote into an output folder, to protect edited drafts.

``.reportgen-manifest.jsonl`` holds one line per file reportgen wrote: its name and the
SHA-256 of its bytes. A draft whose bytes no longer match its record was edited by a person
(or was never written by reportgen), and is not overwritten without ``force``.

While a run writes drafts, each worker appends one line per draft (an append of a short
line is atomic, so parallel workers never mix their lines, and a kill leaves at most one
cut line, which is ignored). Before and after a run, ``compact`` rewrites the record
atomically with one current line per file, so that it stays small over years of use.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from reportgen.errors import EditedDraftError, OutputError, os_reason
from reportgen.output.files import new_file_mode, write_atomic

MANIFEST = ".reportgen-manifest.jsonl"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Manifest:
    """What reportgen wrote into an output folder: file name → SHA-256 of its bytes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / MANIFEST
        self.hashes: dict[str, str] = {}
        self.entries: dict[str, dict] = {}  # file → its whole record (source, format, markers)
        self.lines = 0
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                self.lines += 1
                try:
                    entry = json.loads(line)
                    self.hashes[entry["file"]] = entry["sha256"]
                    self.entries[entry["file"]] = entry
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a kill: ignore it

    def compact(self) -> None:
        """Rewrite the record with one line per file that still exists (atomically).
        Call it when no other process is writing into the folder."""
        current = {name: sha for name, sha in self.hashes.items() if (self.folder / name).exists()}
        if self.lines == len(current) and current == self.hashes:
            return
        self.hashes = current
        self.entries = {name: entry for name, entry in self.entries.items() if name in current}
        self.lines = len(current)
        text = "".join(_line(name, sha, self.entries.get(name)) for name, sha in sorted(current.items()))
        write_atomic(self.path, text.encode("utf-8"))

    def record(self, written: dict[Path, bytes], about: dict[Path, dict] | None = None) -> None:
        """Note what was written (one append for all of a report's drafts); ``about`` adds
        what ``reportgen refresh`` needs of a draft: its data file, format and markers."""
        lines = []
        for path, data in written.items():
            self.hashes[path.name] = digest(data)
            entry = {"file": path.name, "sha256": self.hashes[path.name], **((about or {}).get(path) or {})}
            self.entries[path.name] = entry
            lines.append(_line(path.name, self.hashes[path.name], entry))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            with open(self.path, "a", encoding="utf-8") as log:
                log.write("".join(lines))
            if created:
                os.chmod(self.path, new_file_mode())
        except OSError as problem:
            raise OutputError(f"无法写入生成记录 {self.path}：{os_reason(problem)}") from None
        self.lines += len(lines)

    def check(self, path: Path, data: bytes, force: bool = False) -> str:
        """Decide about writing ``data`` to ``path``: "new", "same" (already these bytes),
        "ours" (reportgen's unedited draft) or "backup" (force given; backed up first).
        Raises EditedDraftError when a person may have edited the file."""
        if not path.exists():
            return "new"
        current = path.read_bytes()
        if current == data:
            return "same"
        recorded = self.hashes.get(path.name)
        if recorded == digest(current):
            return "ours"
        if not force:
            why = "在生成后被修改过" if recorded else "不是本程序生成的，或生成记录已丢失"
            raise EditedDraftError(
                f"{path} {why}，为免丢失修改，没有覆盖。要把新数字更新到改过的草稿中，请运行 reportgen refresh {path}；"
                "确需重新生成，请加 --force（会先把原文件备份）。", path
            )
        return "backup"

    def check_quietly(self, path: Path, data: bytes) -> bool:
        """Whether a person edited ``path`` (it differs from ``data`` and from reportgen's record)."""
        try:
            self.check(path, data)
        except EditedDraftError:
            return True
        return False

    def write(self, outputs: dict[Path, bytes], force: bool = False, about: dict[Path, dict] | None = None) -> list[Path]:
        """Write several drafts that belong together, all or none: if any of them may hold a
        person's edits (and ``force`` is not given), EditedDraftError is raised before
        anything is written. Returns the backups made."""
        decisions = {path: self.check(path, data, force) for path, data in outputs.items()}
        backups = []
        for path, data in outputs.items():
            if decisions[path] == "backup":
                backups.append(self.backup(path))
            if decisions[path] != "same":
                write_atomic(path, data)
        self.record(outputs, about)
        return backups

    def backup(self, path: Path) -> Path:
        """Copy a file aside before it is overwritten: X.docx → X.备份-1.docx."""
        number = 1
        while True:
            copy = path.with_name(f"{path.stem}.备份-{number}{path.suffix}")
            if not copy.exists():
                try:
                    shutil.copy2(path, copy)
                except OSError as problem:
                    raise OutputError(f"无法备份 {path}：{os_reason(problem)}") from None
                return copy
            number += 1


def _line(name: str, sha: str, entry: dict | None = None) -> str:
    return json.dumps({**(entry or {}), "file": name, "sha256": sha}, ensure_ascii=False) + "\n"
