"""Writing files to disk: safe file names, atomic writes, and the folder every write stays in.

Every file reportgen writes, from every command and from the page, is created here
(``write_atomic``, ``copy_atomic``, ``append_line``, ``make_folder``). While ``confined(root)``
holds (each command and each request of the page sets it to the folder it was told to use),
the folder a file goes into is resolved, links and all, at the moment of writing, and a folder
outside ``root`` (an agency subfolder that is a link leading out, a dangling link) is refused
with ``OutsideFolderError`` before anything is created; the file is then written into that
resolved folder. Whatever the confinement, an existing name that is not a regular file (a
pipe, a device, a folder) is never opened or replaced, and a record is never appended through
a link.

A file is first written to a hidden temporary file in its folder, then renamed over its
final name, so that an interrupted run never leaves a half-written file. The file gets the
permissions any other program's new file would get (0666 less the user's umask), so that
colleagues on a shared office folder can open it.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from reportgen.errors import OutputError, OutsideFolderError, os_reason
from reportgen.filenames import TEMP_PREFIX, safe_name  # noqa: F401  (safe_name: for every writer)


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
    if not regular_or_absent(source):
        raise OutputError(
            f"无法读取 {source}，没有备份：{os_reason(FileNotFoundError(2, 'No such file or directory'))}"
        )
    try:
        reading = open(source, "rb")
    except OSError as problem:
        raise OutputError(f"无法读取 {source}，没有备份：{os_reason(problem)}") from None
    with reading:
        _atomic(path, lambda stream: shutil.copyfileobj(reading, stream, 1 << 20))


_ROOT: ContextVar[Path | None] = ContextVar("reportgen_output_root", default=None)


@contextmanager
def confined(root: Path | str):
    """Every file written while this holds (in this thread, and in the threads and forked
    processes it starts) is created inside ``root``, links resolved when it is written."""
    token = _ROOT.set(Path(os.path.realpath(root)))
    try:
        yield
    finally:
        _ROOT.reset(token)


def confinement() -> Path | None:
    """The folder writes are confined to now (None: not confined)."""
    return _ROOT.get()


def _within(real: Path, root: Path) -> bool:
    return real == root or root in real.parents


def _refuse_outside(folder: Path, real: Path, root: Path) -> None:
    raise OutsideFolderError(
        f"{folder} 实际指向 {real}，不在要写入的文件夹 {root} 中"
        "（路径中有指向外面的链接），没有写入，文件夹中的文件没有改动。"
    )


def make_folder(folder: Path) -> Path:
    """The folder a file is to be written into, created if missing, as its real path: links
    resolved now, and refused (OutsideFolderError) if it leads out of the confinement."""
    folder = Path(folder)
    root = _ROOT.get()
    real = Path(os.path.realpath(folder))
    if root is not None and not _within(real, root):
        _refuse_outside(folder, real, root)
    try:
        os.makedirs(real, exist_ok=True)
    except OSError as problem:
        raise OutputError(f"无法在 {folder} 中写文件：{os_reason(problem)}") from None
    return real if root is not None else folder


def _still_there(real: Path, folder: Path) -> None:
    """The folder resolves where it did when it was checked (a link swapped in meanwhile
    would send the rename elsewhere)."""
    root = _ROOT.get()
    if root is not None and Path(os.path.realpath(real)) != real:
        _refuse_outside(folder, Path(os.path.realpath(real)), root)


def regular_or_absent(path: Path) -> bool:
    """Whether ``path`` may be written over: absent, or a regular file (a link is followed
    only to a regular file inside the confinement). Raises OutsideFolderError otherwise, so
    that no pipe or device is ever opened, waited on or replaced."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as problem:
        raise OutputError(f"无法写入 {path}：{os_reason(problem)}") from None
    if stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(path))
        root = _ROOT.get()
        if root is not None and not _within(real, root):
            raise OutsideFolderError(f"{path} 是指向文件夹外面的链接（指向 {real}），没有写入，也没有读取。")
        try:
            info = os.stat(path)
        except OSError:
            return False  # a dangling link: replaced by the new file, nothing followed
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"无法写入 {path}：{os_reason(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))}")
    if not stat.S_ISREG(info.st_mode):
        raise OutsideFolderError(f"{path} 不是普通文件（是管道、设备或特殊文件），没有写入，也没有读取。")
    return True


def append_line(path: Path, text: str) -> bool:
    """Append ``text`` to a record file, created inside the confinement; never through a
    link or into a pipe. Returns whether the file was created."""
    real = make_folder(Path(path).parent) / Path(path).name
    regular_or_absent(real)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    existed = os.path.lexists(real)
    try:
        handle = os.open(real, flags, new_file_mode())
    except OSError as problem:
        raise OutputError(f"无法写入 {path}：{os_reason(problem)}") from None
    try:
        os.write(handle, text.encode("utf-8"))
    except OSError as problem:
        raise OutputError(f"无法写入 {path}：{os_reason(problem)}") from None
    finally:
        os.close(handle)
    return not existed


def _atomic(path: Path, fill) -> None:
    """A temporary file in the folder, filled by ``fill(stream)``, closed and renamed. An
    error while writing or closing (a full disk reports itself at the latest when the file
    is closed, also on a network drive) removes the temporary file and leaves the old one."""
    folder = make_folder(path.parent)
    regular_or_absent(folder / path.name)
    try:
        handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    except OSError as problem:
        raise OutputError(f"无法在 {path.parent} 中写文件：{os_reason(problem)}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            fill(stream)
        os.chmod(temporary, new_file_mode())
        _still_there(folder, path.parent)
        os.replace(temporary, folder / path.name)
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
