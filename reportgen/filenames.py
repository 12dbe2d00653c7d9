"""The names of the files reportgen writes beside a person's files, and recognises again.

Shared by the stages that read folders (``sources``: which files are data) and the stage
that writes (``output``: backups, temporaries, the record of what was written), so it sits
below both.

- a backup of a file about to be replaced: ``X.备份-1.docx``, ``2025.备份-2.toml`` (the
  file's own extension, numbered);
- a temporary file while writing: ``.reportgen-….tmp`` (renamed over the final name);
- the record of what reportgen wrote into a folder: ``.reportgen-manifest.jsonl``;
- every name made from an agency, a year or an uploaded file: ``safe_name``.
"""

from __future__ import annotations

import re
from pathlib import Path

BACKUP = "备份"
MANIFEST = ".reportgen-manifest.jsonl"
TEMP_PREFIX = ".reportgen-"
_BACKUP_NAME = re.compile(rf"\.{BACKUP}-\d+(\.[^.]*)?$")


def backup_name(path: Path, number: int) -> Path:
    """X.docx → X.备份-1.docx; a name ending in a compound suffix keeps its last part."""
    return path.with_name(f"{path.stem}.{BACKUP}-{number}{path.suffix}")


def is_backup(path: Path | str) -> bool:
    return bool(_BACKUP_NAME.search(Path(path).name))


def not_data(path: Path | str) -> bool:
    """A file that is never a clerk's input: hidden, an Office lock file (~$…), or one of
    reportgen's backups."""
    name = Path(path).name
    return name.startswith((".", "~$")) or is_backup(name)


# ------------------------------------------------------------------ names made from agency names

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')  # not in a file name on Windows (and / nowhere)
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)( *\..*)?$", re.IGNORECASE)
# A name's UTF-8 bytes at most: Linux and macOS allow 255 bytes a name, and a backup's or a
# temporary's additions (".备份-12.docx", ".reportgen-….tmp") must still fit; 60 Chinese
# characters also keep a draft's path in a usual Windows folder under 260 characters.
MAX_NAME_BYTES = 180
_YEAR_ON = re.compile(r"(?<!\d)(19|20)\d\d(?!\d).*$")  # the year and what follows it (the document's kind)
ELLIPSIS = "…"


def safe_name(name: str, fallback: str = "report") -> str:
    """A file or folder name that is valid on Windows, macOS and Linux alike, made from a
    name reportgen derives (an agency, a title with its year, an uploaded file's name):
    characters Windows forbids (<>:"/\\|?*) and control characters become "_", leading and
    trailing dots and spaces go, Windows' reserved device names (CON, PRN, AUX, NUL,
    COM1-9, LPT1-9) get a "_" in front, and a name longer than MAX_NAME_BYTES is shortened
    in the agency's part, keeping the year and the document's kind (…2025年政府信息公开工作
    年度报告). An empty result falls back to ``fallback``, made safe the same way."""
    cleaned = _clean(name)
    if not cleaned or set(cleaned) <= {"_", "."}:
        cleaned = _clean(fallback) or "report"
    if len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        cleaned = _shorten(cleaned)
    if _WINDOWS_RESERVED.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned


def _clean(name: str) -> str:
    return _UNSAFE.sub("_", name).strip(" .")


def _cut(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` UTF-8 bytes."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", "ignore")


def _shorten(name: str) -> str:
    year_on = _YEAR_ON.search(name)
    tail = year_on.group(0) if year_on else ""
    room = MAX_NAME_BYTES - len((ELLIPSIS + tail).encode("utf-8"))
    head = name[: year_on.start()] if year_on else name
    if not tail or room < 12:  # no year, or the year's part alone is too long: cut at the end
        return _cut(name, MAX_NAME_BYTES).rstrip(" .") or "report"
    return _cut(head, room).rstrip(" .") + ELLIPSIS + tail
