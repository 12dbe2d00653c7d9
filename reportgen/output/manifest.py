"""The one rule for every file reportgen writes: nothing a person edited is ever lost.

Every file reportgen writes (drafts in every format, data files from ``init``,
``next-year`` and ``import``, fill-in forms, audit results) goes through ``Manifest.write``
or ``write_file`` here, and nowhere else:

- a file that does not exist, or already holds these bytes, or is exactly what reportgen
  last wrote there, is written;
- a file that changed after reportgen last wrote it (or that reportgen never wrote) is a
  person's: it is never replaced without ``force``, and with ``force`` it is first copied
  to a numbered backup beside it with its own extension (``X.备份-1.docx``,
  ``2025.备份-1.toml``);
- a file reportgen rewrote while keeping a person's edits (``reportgen refresh``) is
  recorded as holding edits, so that it stays a person's file for the next ``build``.

The record is ``.reportgen-manifest.jsonl`` in each folder written to: one line per file,
its name, the SHA-256 of its bytes, and what else a later command needs (the data file
it came from, relative to the folder so that the folder can be copied or moved with its
data; the report's agency and year; the text digests of a draft's markers; the Word
draft a PDF was printed from).

While a batch writes drafts, each worker appends one line per draft (an append of a short
line is atomic, so parallel workers never mix their lines, and a kill leaves at most one
cut line, which is ignored). Before and after a run, ``compact`` rewrites the record
atomically with one current line per file, so that it stays small over years of use.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import EditedDraftError, OutsideFolderError
from reportgen.filenames import MANIFEST, backup_name
from reportgen.output.writing import (
    append_line,
    copy_atomic,
    make_folder,
    new_file_mode,
    regular_or_absent,
    write_atomic,
)

# What writing a file would do to the file on disk.
NEW = "new"  # there is no file
SAME = "same"  # it already holds these bytes
OURS = "ours"  # it is what reportgen last wrote: no one changed it
EDITED = "edited"  # a person's: changed since reportgen wrote it, or never written by reportgen


OWN = ("file", "sha256", "edits")  # what a line says of its own file only: never taken from ``about``


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in pieces (a draft may be large)."""
    hashed = hashlib.sha256()
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            hashed.update(piece)
    return hashed.hexdigest()


@dataclass
class Written:
    """What one ``write`` did."""

    written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # a person's files, left as they are
    unchanged: list[Path] = field(default_factory=list)  # among ``written``: already held these bytes


class Manifest:
    """What reportgen wrote into one folder: file name → its record."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST
        self.entries: dict[str, dict] = {}
        self.lines = 0
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines() if self.path.is_file() else []
        except OSError:
            lines = []
        for line in lines:
            self.lines += 1
            try:
                entry = json.loads(line)
                if isinstance(entry["sha256"], str):
                    self.entries[entry["file"]] = entry
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill: ignore it

    @property
    def hashes(self) -> dict[str, str]:
        return {name: entry.get("sha256", "") for name, entry in self.entries.items()}

    def entry(self, path: Path) -> dict:
        return self.entries.get(Path(path).name, {})

    # ------------------------------------------------------------------ the rule

    def state(self, path: Path, data: bytes | None = None) -> str:
        """NEW, SAME (only when ``data`` is given), OURS or EDITED."""
        path = Path(path)
        if not regular_or_absent(path):  # a pipe or a link leading out is refused, never opened
            return NEW
        if data is not None and _holds(path, data):
            return SAME
        recorded = self.entry(path)
        if recorded and not recorded.get("edits") and recorded.get("sha256") == file_digest(path):
            return OURS
        return EDITED

    def edited_message(self, path: Path, hint: str = "") -> str:
        recorded = self.entry(path)
        if recorded.get("edits"):
            why = "保存着人改过的内容（refresh 更新数字时保留了修改），为免丢失修改"
        elif recorded:
            why = "在本程序写出后被修改过，为免丢失修改"
        else:
            why = "已经存在，不是本程序写出的（或写出记录已丢失），为免丢失内容"
        return (
            f"{path} {why}，没有覆盖。{hint}"
            f"确需覆盖，请加 --force（会先把原文件备份为 {next_backup(Path(path)).name}）。"
        )

    def write(
        self,
        outputs: dict[Path, bytes],
        force: bool = False,
        about: dict[Path, dict] | None = None,
        together: bool = False,
        hint: str = "",
    ) -> Written:
        """Write files into this folder by the rule. A person's file is kept (listed in
        ``kept``), or backed up and replaced with ``force``. ``together``: the files
        belong together, so that if one is a person's, none is written and
        EditedDraftError names it."""
        self.writable()
        states = {path: self.state(path, data) for path, data in outputs.items()}
        edited = [path for path, state in states.items() if state == EDITED]
        if edited and together and not force:
            raise EditedDraftError(self.edited_message(edited[0], hint), edited[0])
        done = Written()
        recorded: dict[Path, bytes] = {}
        for path, data in outputs.items():
            if states[path] == EDITED and not force:
                done.kept.append(path)
                continue
            if states[path] == EDITED:
                done.backups.append(self.backup(path))
            if states[path] != SAME:
                write_atomic(path, data)
            else:
                done.unchanged.append(path)
            done.written.append(path)
            recorded[path] = data
        if recorded:
            self.record(recorded, about)
        return done

    def writable(self) -> None:
        """Refuse, before any file is written, a folder leading out of the confinement or a
        record that is a link or not a regular file (OutsideFolderError)."""
        make_folder(self.folder)
        if os.path.islink(self.path):
            raise OutsideFolderError(f"{self.path} 是一个链接，生成记录不能写在链接中，没有写入。")
        regular_or_absent(self.path)

    def rewrite(self, path: Path, data: bytes, about: dict | None = None, edits: bool = True) -> Path:
        """Replace a file with a version of itself that keeps a person's edits (refresh):
        the file is backed up first, whatever its state, and recorded as holding edits
        unless ``edits`` is False (it held none). Returns the backup."""
        self.writable()
        backup = self.backup(path)
        write_atomic(path, data)
        self.record({path: data}, {path: about} if about else None, edits=edits)
        return backup

    def record(self, written: dict[Path, bytes], about: dict[Path, dict] | None = None, edits: bool = False) -> None:
        """Note what was written (one append for all of a report's drafts); ``about`` adds
        what later commands need. ``edits``: the files hold a person's edits (refresh)."""
        lines = []
        for path, data in written.items():
            said = {k: v for k, v in ((about or {}).get(path) or {}).items() if k not in OWN}
            # the file's own name and digest, whatever ``about`` was copied from
            entry = {**self._portable(said), "file": path.name, "sha256": digest(data)}
            if edits:
                entry["edits"] = True
            self.entries[path.name] = entry
            lines.append(_line(entry))
        if append_line(self.path, "".join(lines)):  # inside the folder written to, never through a link
            ignore_beside(self.folder, (MANIFEST,))
        self.lines += len(lines)

    def _portable(self, about: dict) -> dict:
        """The data file's path relative to this folder, so that the record survives a copy
        or a move of the folder together with its data. A relative ``source`` is already
        relative to this folder (copied from another line of this record): it is worked out
        from the folder, never from the working directory."""
        if "source" not in about:
            return about
        source = Path(about["source"])
        source = (source if source.is_absolute() else self.folder.resolve() / source).resolve()
        try:
            relative = Path(os.path.relpath(source, self.folder.resolve())).as_posix()
        except ValueError:  # another drive (Windows): no relative path exists
            relative = str(source)
        return {**about, "source": relative}

    def source_of(self, path: Path) -> Path | None:
        """The data file a draft in this folder was made from, as recorded (None if not)."""
        recorded = self.entry(path).get("source")
        if not recorded:
            return None
        source = Path(recorded)
        return source if source.is_absolute() else self.folder / source

    def backup(self, path: Path) -> Path:
        """Copy a file aside before it is replaced: X.docx → X.备份-1.docx (the first free
        number), written to a temporary file and renamed, so that a full disk leaves no
        half-written backup."""
        copy = next_backup(path)
        copy_atomic(path, copy)
        return copy

    def compact(self) -> None:
        """Rewrite the record with one line per file that still exists (atomically).
        Call it when no other process is writing into the folder."""
        current = {name: entry for name, entry in self.entries.items() if (self.folder / name).exists()}
        if self.lines == len(current) and current.keys() == self.entries.keys():
            return
        self.entries = current
        self.lines = len(current)
        text = "".join(_line(entry) for _, entry in sorted(current.items()))
        write_atomic(self.path, text.encode("utf-8"))


def write_file(path: Path, data: bytes, force: bool = False, about: dict | None = None, hint: str = "") -> list[Path]:
    """Write one file by the rule, recorded in its folder's manifest. Raises
    EditedDraftError for a person's file without ``force``; returns the backups made."""
    path = Path(path)
    manifest = Manifest(path.parent)
    done = manifest.write({path: data}, force, {path: about} if about else None, together=True, hint=hint)
    return done.backups


def _holds(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _line(entry: dict) -> str:
    return json.dumps(entry, ensure_ascii=False) + "\n"


def next_backup(path: Path) -> Path:
    """The backup a file would get now: X.备份-N.docx with the first N not taken."""
    number = 1
    while os.path.lexists(backup_name(path, number)):
        number += 1
    return backup_name(path, number)


IGNORE = ".gitignore"


def ignore_beside(folder: Path, names: tuple[str, ...]) -> None:
    """A .gitignore in ``folder`` naming ``names`` and itself, written once, when the folder
    has none: an office that keeps data/ under version control sees no untracked file
    reportgen made (its record, an uploaded draft). A .gitignore of the office's own is left alone."""
    target = Path(folder) / IGNORE
    if target.exists():
        return
    try:
        with open(target, "x", encoding="utf-8") as ignore:
            ignore.write(
                "# reportgen 写出的记录和文件，不纳入版本管理（这个文件本身也不纳入）\n"
                + "".join(f"{name}\n" for name in (*names, IGNORE))
            )
        os.chmod(target, new_file_mode())
    except OSError:  # a read-only folder, or another process was first: nothing lost
        pass
