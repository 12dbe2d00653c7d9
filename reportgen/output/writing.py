"""Writing files to disk: safe file names and atomic writes.

A file is first written to a hidden temporary file in its folder, then renamed over its
final name, so that an interrupted run never leaves a half-written file. The file gets the
permissions any other program's new file would get (0666 less the user's umask), so that
colleagues on a shared office folder can open it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from reportgen.errors import OutputError, os_reason
from reportgen.filenames import TEMP_PREFIX

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)
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


def shown(path: Path | str) -> str:
    """A path as it is typed on a command line: quoted when it holds a space or a quote."""
    text = str(path)
    if any(ch.isspace() or ch in "'\"$`&|;()<>" for ch in text):
        return "'" + text.replace("'", "'\\''") + "'"
    return text


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` completely or not at all."""
    _atomic(path, lambda stream: stream.write(data))


def copy_atomic(source: Path, path: Path) -> None:
    """Copy a file completely or not at all (a backup on a nearly full disk leaves nothing)."""
    try:
        reading = open(source, "rb")
    except OSError as problem:
        raise OutputError(f"无法读取 {source}，没有备份：{os_reason(problem)}") from None
    with reading:
        _atomic(path, lambda stream: shutil.copyfileobj(reading, stream, 1 << 20))


def _atomic(path: Path, fill) -> None:
    """A temporary file in the folder, filled by ``fill(stream)``, closed and renamed. An
    error while writing or closing (a full disk reports itself at the latest when the file
    is closed, also on a network drive) removes the temporary file and leaves the old one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    except OSError as problem:
        raise OutputError(f"无法在 {path.parent} 中写文件：{os_reason(problem)}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            fill(stream)
        os.chmod(temporary, new_file_mode())
        os.replace(temporary, path)
    except BaseException as problem:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(problem, OSError):
            raise OutputError(f"无法写入 {path}：{os_reason(problem)}") from None
        raise


_UMASK: list[int] = []


def new_file_mode() -> int:
    """The mode a new file gets: 0666 less the umask, read once per process."""
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return 0o666 & ~_UMASK[0]


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files a killed run left behind. Returns how many."""
    removed = 0
    if folder.is_dir():
        for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
