"""Reading a data file from disk: its text, what kind of document it is, and (for the files a
check reads beside the one it checks: last year's, the same year's other documents) the
report or document it holds, without checking it."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportgen import kinds as kind_definitions
from reportgen import untrusted
from reportgen.errors import InputError
from reportgen.model import Document, Report
from reportgen.sources import kind_data as document_source
from reportgen.sources import schema
from reportgen.sources.tomlfile import TomlSyntaxError, parse


def read_text(path: Path) -> str:
    """A data file's text. Raises InputError if it cannot be read as UTF-8, or if it leads
    out of the folder the page serves (``untrusted.leads_out``): never read, as if absent."""
    if untrusted.leads_out(path):
        raise InputError(f"{path} 没有读取：{untrusted.LEADS_OUT}。")
    raw = untrusted.read_file(path, "数据文件", untrusted.MAX_DATA_FILE)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise InputError(f"{path} 第{line}行：{_not_utf8(raw)}") from None


@dataclass(frozen=True)
class Layout:
    """How a person's editor saved a data file: with a byte order mark (Notepad), with CRLF
    line ends (Windows). A file written from a person's file (next year's, the page's save)
    is written the same way, so that it is all CRLF where the person's was, and keeps its BOM."""

    bom: bool = False
    crlf: bool = False

    @classmethod
    def of(cls, raw: bytes) -> Layout:
        """The layout of a file's bytes: CRLF when most of its lines end so."""
        return cls(raw.startswith(codecs.BOM_UTF8), raw.count(b"\r\n") * 2 > raw.count(b"\n"))

    @classmethod
    def read(cls, path: Path) -> Layout:
        return cls.of(untrusted.read_file(path, "数据文件", untrusted.MAX_DATA_FILE))

    def encode(self, text: str) -> bytes:
        """The text's UTF-8 bytes, every line ending as this layout's, the BOM as this layout has it."""
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")


def _not_utf8(raw: bytes) -> str:
    """What a data file that is not UTF-8 is, and how to save it as UTF-8."""
    how = (
        "请用记事本打开这个文件，点“文件”→“另存为”，在“编码”中选“UTF-8”后保存（WPS、Word："
        "另存为“纯文本”，编码选 UTF-8），然后重试。"
    )
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "文件不是 UTF-8 编码，无法读取。" + how
    return (
        "文件不是 UTF-8 编码，而是 GBK 编码（Windows 中文版记事本、Excel 的默认编码）；数据文件要用 UTF-8 编码。" + how
    )


REMEMBERED = 256 * 1024  # a data file is a few kilobytes; a larger one is parsed each time


def _parsed_beside(text: str) -> dict:
    """A file beside the one checked, parsed; remembered by its text (read each time), so that
    a page checking each keystroke parses last year's file and the work summary once. Read
    only: the readers below build a new report from it each time."""
    return _remembered(text) if len(text) <= REMEMBERED else parse(text)


@lru_cache(maxsize=16)
def _remembered(text: str) -> dict:
    return parse(text)


def read_report(path: Path) -> Report | None:
    """A data file read into a report without checking it (None if it cannot be read):
    for last year's file, whose own findings are not this check's business."""
    return read_report_and_findings(path)[0]


def read_report_and_findings(path: Path) -> tuple[Report | None, list]:
    """A data file read into a report, with the findings of reading it (its keys and types),
    but none of the checks of what it says."""
    try:
        data = _parsed_beside(read_text(path))
    except (InputError, TomlSyntaxError):
        return None, []
    kind, _ = kind_definitions.of(data)
    if kind is None or not kind.statutory:
        return None, []
    return schema.read({k: v for k, v in data.items() if k != kind_definitions.DOCUMENT_KEY}, source=path)


_DOCUMENT_LINE = re.compile(r'^\s*document\s*=\s*["\']([^"\'\n]*)["\']', re.M)
PEEK = 4096  # the document line is at the top of a file


def kind_of_file(path: Path) -> str:
    """The kind id a data file declares, read from its first lines ("" if unreadable, or
    leading out of the folder the page serves)."""
    if untrusted.leads_out(path):
        return ""
    try:
        with untrusted.open_regular(path, text=True) as handle:  # a pipe is refused, never waited on
            head = handle.read(PEEK)
    except (OSError, InputError):
        return ""
    match = _DOCUMENT_LINE.search(head)
    if match is None:
        return kind_definitions.ANNUAL
    kind = kind_definitions.named(match.group(1))
    return kind.id if kind else ""


def read_document(path: Path, year: int) -> Document | None:
    """Another kind's data file read without checking it (None if it cannot be read)."""
    try:
        data = _parsed_beside(read_text(path))
    except (InputError, TomlSyntaxError):
        return None
    kind, _ = kind_definitions.of(data)
    if kind is None or kind.statutory:
        return None
    document, _ = document_source.read(data, kind, source=path)
    return document if document is not None and document.year == year else None
