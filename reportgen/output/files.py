"""Writing drafts to disk: safe file names and atomic writes.

A draft is first written to a hidden temporary file in the output folder, then renamed
over its final name, so that an interrupted run never leaves a half-written draft.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from reportgen.errors import EditedDraftError, OutputError

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)
TEMP_PREFIX = ".reportgen-"
MAX_NAME = 120


def safe_name(name: str, fallback: str = "report") -> str:
    """A file name with no path in it: separators, control and reserved characters become
    "_", leading and trailing dots and spaces go."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    cleaned = cleaned[:MAX_NAME].rstrip(" .")
    if not cleaned or set(cleaned) <= {"_", "."}:
        cleaned = _UNSAFE.sub("_", fallback).strip(" .") or "report"
    if _WINDOWS_RESERVED.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned


def inside(folder: Path, name: str) -> Path:
    """The path of ``name`` in ``folder``, refusing anything that would land elsewhere."""
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise OutputError(f"文件名 {name!r} 会写到输出文件夹 {folder} 之外，已拒绝。")
    return folder / name


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` completely or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    except OSError as problem:
        raise OutputError(f"无法在 {path.parent} 中写文件：{problem.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException as problem:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(problem, OSError):
            raise OutputError(f"无法写入 {path}：{problem.strerror}") from None
        raise


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files a killed run left behind. Returns how many."""
    removed = 0
    if folder.is_dir():
        for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


# ------------------------------------------------------------------ edited drafts

MANIFEST = ".reportgen-manifest.jsonl"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Manifest:
    """What reportgen wrote into an output folder: file name → SHA-256 of its bytes.

    A draft whose bytes no longer match its record was edited by a person (or was never
    written by reportgen), and is not overwritten without ``force``. The record is an
    append-only JSON-lines file, so that parallel workers can add to it safely; the last
    line for a name wins.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / MANIFEST
        self.hashes: dict[str, str] = {}
        lines = 0
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    self.hashes[entry["file"]] = entry["sha256"]
                    lines += 1
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a kill: ignore it
        if lines > 2 * len(self.hashes) + 100:
            self._compact()

    def _compact(self) -> None:
        text = "".join(json.dumps({"file": k, "sha256": v}, ensure_ascii=False) + "\n" for k, v in self.hashes.items())
        write_atomic(self.path, text.encode("utf-8"))

    def record(self, written: dict[Path, bytes]) -> None:
        """Note what was written (one append for all of a report's drafts)."""
        lines = []
        for path, data in written.items():
            self.hashes[path.name] = digest(data)
            lines.append(json.dumps({"file": path.name, "sha256": self.hashes[path.name]}, ensure_ascii=False) + "\n")
        with open(self.path, "a", encoding="utf-8") as log:
            log.write("".join(lines))

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
                f"{path} {why}，为免丢失修改，没有覆盖。确需重新生成，请加 --force（会先把原文件备份）。", path
            )
        return "backup"

    def write(self, outputs: dict[Path, bytes], force: bool = False) -> list[Path]:
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
        self.record(outputs)
        return backups

    def backup(self, path: Path) -> Path:
        """Copy a file aside before it is overwritten: X.docx → X.备份-1.docx."""
        number = 1
        while True:
            copy = path.with_name(f"{path.stem}.备份-{number}{path.suffix}")
            if not copy.exists():
                shutil.copy2(path, copy)
                return copy
            number += 1
