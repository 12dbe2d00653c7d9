"""Saving an openpyxl workbook so that the same input gives the same bytes.

openpyxl stamps a workbook's document properties with the time it is saved
(``dcterms:modified``), and its zip entries with the clock; reportgen's other files carry
fixed times (``zipwriter``). Every Excel file reportgen writes (the task table, the
aggregate's 数据一览, the fill-in form) is saved here: created and modified at the
document's own date (its publication date, or the day after its year), every entry at the
zip format's fixed time.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from reportgen.renderers.zipwriter import Member, package

CORE = "docProps/core.xml"
DCTERMS = "{http://purl.org/dc/terms/}"
NO_DATE = date(1980, 1, 1)  # a document without a date of its own: the zip format's own epoch


def saved(book, moment: date | None) -> bytes:
    """The bytes of ``book`` with fixed document times (``moment``, or NO_DATE)."""
    from lxml import etree  # imported when first used: start-up time

    stamp = datetime.combine(moment or NO_DATE, datetime.min.time())
    book.properties.created = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    members = []
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as saved_zip:
        for name in saved_zip.namelist():
            data = saved_zip.read(name)
            if name == CORE:
                root = etree.fromstring(data)
                for tag in ("created", "modified"):
                    for element in root.iter(f"{DCTERMS}{tag}"):
                        element.text = f"{stamp.isoformat()}Z"
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            members.append(Member.deflated(name, data))
    return package(members)
