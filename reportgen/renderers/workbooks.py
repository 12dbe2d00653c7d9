"""Saving an openpyxl workbook so that the same input gives the same bytes.

openpyxl's ``Workbook.save`` stamps the document properties with the time it is saved
(``dcterms:modified``) and its zip entries with the clock; reportgen's other files carry
fixed times (``zipwriter``). Every Excel file reportgen writes (the task table, the
aggregate's 数据一览, the fill-in form) is saved here instead, through openpyxl's own
writer (``openpyxl.writer.excel.ExcelWriter``) into a zip whose every entry has the zip
format's fixed time, with the document created and modified at the document's own date (its
publication date, or the day after its year). Each part is compressed once, as openpyxl does.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

NO_DATE = date(1980, 1, 1)  # a document without a date of its own: the zip format's own epoch
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _FixedTimes(zipfile.ZipFile):
    """A zip whose entries all carry ``ZIP_TIME``, whether written from bytes or from a file."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16  # what ZipFile.writestr gives a name
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source:  # openpyxl writes each worksheet to a temporary file first
            self.writestr(arcname or str(filename), source.read(), compress_type, compresslevel)


def saved(book, moment: date | None) -> bytes:
    """The bytes of ``book`` with fixed document times (``moment``, or NO_DATE)."""
    from openpyxl.writer.excel import (
        ExcelWriter,  # imported when first used: start-up time
    )

    stamp = datetime.combine(moment or NO_DATE, datetime.min.time())
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    ExcelWriter(book, _FixedTimes(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return buffer.getvalue()
