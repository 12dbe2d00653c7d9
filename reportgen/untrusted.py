"""Opening files reportgen did not write: the one place every reader goes through.

A published report, a returned fill-in form, an edited draft, a data file: any of them may
be damaged, foreign or built to do harm. Here each is read with limits, so that no input
takes more than a few hundred megabytes of memory, and every refusal is a Chinese message
naming the file:

- ``read_file``: regular files only (not a pipe, a device, or a link to one), up to a size;
- ``open_package``: a .docx or .xlsx (a zip package), every part decompressed once in small
  steps and counted, so that a zip bomb is refused before it is unpacked, whatever its
  directory claims; no part may declare a DTD (Office never writes one: entities are how
  XML bombs and external-entity attacks work);
- ``parse_xml``: lxml with entities, DTDs, the network and huge trees off;
- ``count``: a number a file states (a span, a repeat) as an int within bounds;
- ``reading_within``: the folder the files read *beside* a file (last year's, the same year's
  other documents) must resolve into; ``leads_out`` says whether one does not. The page sets
  it for each request to its folder, as ``reportgen.output.writing.confined`` holds writes
  in; the readers of files beside another honour it (a link leading out is as if absent,
  and said so). The commands set no such bound: a file named on the command line is read.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from reportgen.errors import InputError, os_reason

MB = 1024 * 1024
MAX_FILE = 30 * MB  # a report, a form or a draft is far smaller (a Word draft with pictures: a few MB)
MAX_DATA_FILE = 5 * MB  # a data file (.toml) is a few kilobytes
MAX_UNPACKED = 120 * MB  # everything in a package, unpacked
MAX_XML_PART = 25 * MB  # one XML part unpacked (a report's document.xml is well under 1 MB)
MAX_RATIO = 150  # unpacked ÷ packed for a part of more than 1 MB: beyond it, a zip bomb
MAX_PARTS = 3000
_STEP = 1 * MB  # decompressed at most this much at a time


_READING: ContextVar[Path | None] = ContextVar("reportgen_reading_root", default=None)
LEADS_OUT = "经由链接指向文件夹外面"  # why a file beside another was not read (the folder page says the same)


@contextmanager
def reading_within(root: Path | str):
    """While this holds (in this thread and the threads it starts), a file looked up beside
    another resolves inside ``root``, links and all, or is not read (``leads_out``)."""
    token = _READING.set(Path(os.path.realpath(root)))
    try:
        yield
    finally:
        _READING.reset(token)


def leads_out(path: Path) -> bool:
    """Whether ``path`` resolves, links followed now, outside the folder reads beside a file
    are bound to (False when no bound is set, as for the commands)."""
    root = _READING.get()
    if root is None:
        return False
    real = Path(os.path.realpath(path))
    return real != root and root not in real.parents


def read_file(path: Path, what: str = "文件", limit: int = MAX_FILE) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Raises InputError."""
    path = Path(path)
    try:
        info = os.stat(path)  # follows a link: a link to a device is refused as the device
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except OSError as problem:
        raise InputError(f"无法读取 {path}：{os_reason(problem)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} 是一个文件夹，不是{what}。") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} 不是普通文件（是管道、设备或特殊文件），没有读取。")
    if info.st_size > limit:
        raise InputError(f"{path}：文件太大（{_size(info.st_size)}），超过 {_size(limit)}，不像一份{what}，没有读取。")
    try:
        with open_regular(path) as handle:
            data = handle.read(limit + 1)
    except OSError as problem:
        raise InputError(f"无法读取 {path}：{os_reason(problem)}") from None
    if len(data) > limit:  # it grew while being read
        raise InputError(f"{path}：文件太大，超过 {_size(limit)}，没有读取。")
    return data


def open_regular(path: Path, text: bool = False):
    """``path`` opened for reading without waiting: a pipe or device swapped in after it was
    looked at is refused as it is opened (no reader ever blocks on one). Raises OSError
    (or InputError for a file that is not regular)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise InputError(f"{path} 不是普通文件（是管道、设备或特殊文件），没有读取。")
        if hasattr(os, "set_blocking"):
            os.set_blocking(handle, True)
    except BaseException:
        os.close(handle)
        raise
    if text:
        return open(handle, encoding="utf-8-sig", errors="replace")
    return open(handle, "rb")


def _size(count: int) -> str:
    return f"{count / MB:.0f} MB" if count >= MB else f"{count / 1024:.0f} KB"


def open_package(data: bytes, path: Path | str, what: str = ".docx") -> zipfile.ZipFile:
    """A zip package (``what``: ".docx", ".xlsx") checked part by part before anyone reads it. Raises
    InputError naming the file: not a zip, damaged, too big unpacked, a zip bomb, a DTD."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InputError(
            f"{path}：不是有效的 {what} 文件（已损坏，或其实是其他格式）。如果是受密码保护的文件，请先去掉密码再试。"
        ) from None
    if len(infos) > MAX_PARTS:
        raise InputError(
            f"{path}：文件中有 {len(infos)} 个部分，远多于正常的 {what} 文件，可能是损坏或恶意的文件，没有读取。"
        )
    total = 0
    for info in infos:
        unpacked = _check_part(package, info, path, MAX_UNPACKED - total)
        total += unpacked
    return package


def _check_part(package: zipfile.ZipFile, info: zipfile.ZipInfo, path, room: int) -> int:
    """Unpack one part in small steps, counting; its size as unpacked."""
    xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    limit = min(room, MAX_XML_PART if xml else MAX_UNPACKED)
    unpacked = 0
    declares = False
    tail = b""
    try:
        with package.open(info) as part:
            while chunk := part.read(_STEP):
                if xml:
                    seen = (tail + chunk).upper()
                    declares = declares or b"<!DOCTYPE" in seen or b"<!ENTITY" in seen
                    tail = chunk[-16:]
                unpacked += len(chunk)
                if unpacked > limit:
                    raise InputError(
                        f"{path}：其中的 {info.filename} 解压后超过 {_size(limit)}，"
                        "可能是损坏或恶意的文件（压缩炸弹），没有读取。"
                    )
                if unpacked > MB and unpacked > MAX_RATIO * max(info.compress_size, 1):
                    raise InputError(
                        f"{path}：其中的 {info.filename} 压缩比异常（超过 {MAX_RATIO} 倍），"
                        "可能是恶意的文件（压缩炸弹），没有读取。"
                    )
    except RuntimeError:  # zipfile's word for an encrypted part
        raise InputError(f"{path}：文件有密码保护，请先去掉密码再试。") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise InputError(f"{path}：文件已损坏（{info.filename} 无法解压），没有读取。") from None
    if declares:
        raise InputError(
            f"{path}：其中的 {info.filename} 声明了 DTD 或实体（Office 文件从不这样写，"
            "这是 XML 攻击的写法），没有读取。"
        )
    return unpacked


MAX_PDF_STREAM = 100 * MB  # one stream of a PDF, decompressed
MAX_PDF_STREAMS = 300 * MB  # all of them
_STREAM = re.compile(rb"stream\r?\n")


def check_pdf(data: bytes, path: Path | str) -> None:
    """Refuse a PDF whose compressed streams would unpack to more than the limits (a PDF
    reader unpacks each stream whole). Each stream is unpacked in small steps and counted."""
    total = 0
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end != -1 else len(data)]
        inflater = zlib.decompressobj()
        size = 0
        try:
            chunk = inflater.decompress(body, _STEP)
            while chunk:
                size += len(chunk)
                if size > MAX_PDF_STREAM or total + size > MAX_PDF_STREAMS:
                    raise InputError(
                        f"{path}：PDF 中有一段内容解压后超过 {_size(MAX_PDF_STREAM)}，"
                        "可能是损坏或恶意的文件（压缩炸弹），没有读取。"
                    )
                chunk = inflater.decompress(inflater.unconsumed_tail, _STEP)
        except zlib.error:
            pass  # not a deflated stream (an image, or damage the PDF reader will report)
        total += size


def parse_xml(data: bytes, path: Path | str, part: str = ""):
    """An XML part as an lxml element, parsed with entities, DTDs and the network off.
    Raises InputError naming the file and the part."""
    from lxml import etree  # imported when first used: start-up time

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as problem:
        where = f"其中的 {part} " if part else ""
        line = f"第 {problem.lineno} 行" if getattr(problem, "lineno", None) else ""
        raise InputError(f"{path}：{where}内容已损坏{('（' + line + '）') if line else ''}，无法读取。") from None


def count(value, low: int = 1, high: int = 64, default: int = 1) -> int:
    """A count a file states (a cell's span): an int from ``low`` to ``high``, else ``default``."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(low, min(number, high))
