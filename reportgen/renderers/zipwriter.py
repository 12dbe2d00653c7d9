"""A small, deterministic ZIP writer for .docx packages.

Every entry carries the same fixed time (1980-01-01 00:00, the earliest ZIP time), so the
same input gives the same bytes. A template's unchanging parts are compressed once
(``Member.deflated``) and copied into every package as they are; only the parts that
change per report are compressed per report.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

DOS_TIME = 0  # 00:00:00
DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
VERSION = 20  # 2.0: deflate
DEFLATE = 8
UTF8_NAMES = 0x0800


@dataclass(frozen=True)
class Member:
    """One compressed entry, ready to be written into any number of packages."""

    name: str
    crc: int
    size: int
    data: bytes  # raw deflate stream

    @classmethod
    def deflated(cls, name: str, content: bytes, level: int = 6) -> Member:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = compressor.compress(content) + compressor.flush()
        return cls(name, zlib.crc32(content), len(content), data)


def package(members: list[Member]) -> bytes:
    """The bytes of a ZIP archive holding ``members`` in order."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        name = member.name.encode("utf-8")
        fields = (VERSION, UTF8_NAMES, DEFLATE, DOS_TIME, DOS_DATE, member.crc, len(member.data), member.size)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(name), 0) + name
        local += (header, member.data)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, VERSION, *fields, len(name), 0, 0, 0, 0, 0, offset) + name
        )
        offset += len(header) + len(member.data)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(local) + directory + end
