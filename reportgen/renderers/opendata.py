"""The report's figures as open data: JSON a portal can publish beside the report, and the
JSON Schema of each format year (docs/schema/), both made from the format definition.

    {"schema": "reportgen/annual/2021", "agency": "…", "year": 2025, "kind": "部门",
     "published": "2026-01-23", "contact": {…}, "download": {…},
     "tables": {"proactive": {"rules": {"issued": 0, …}, …},
                "requests": {"new": {"natural_person": 23, …, "total": 30}, …},
                "appeals": {"review": {"upheld": 0, …, "total": 1}, …}},
     "notes": {"proactive.normative_documents.in_force": "其中修订3件"},
     "fees": {"notices": 0, "amount": 0}, "texts": {"overview": "…", …}}

Every cell of every table is there, totals as printed (computed from their parts); a cell the
report leaves blank is null. Amounts keep exactly the decimals the data file gives.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from reportgen.formats.statutory import AMOUNT, SIGNED, Format
from reportgen.model import Report, format_number
from reportgen.model.totals import completed

SCHEMA_ID = "reportgen/annual/{format}"  # the name each file gives its schema (docs/schema/annual-<format>.json)
_DECIMAL = "\ue010{}\ue010"  # a private-use mark: an amount written into the JSON as the number it is
_MARKED = re.compile('"\ue010([^"\ue010]*)\ue010"')


def report_json(report: Report) -> bytes:
    """The report as JSON (UTF-8, Chinese as it is, keys in the format's order)."""
    full = completed(report)
    tables: dict = {}
    notes = {}
    for table in report.format.tables.values():
        node = tables.setdefault(table.key, {})
        for cell in table.cells():
            figure = full[cell.key]
            stated = report.figures.get(cell.key)
            value = None if (stated is not None and stated.blank) or figure.unread else figure.value
            _put(node, cell.key[len(table.key) + 1 :], value)
            if figure.note:
                notes[cell.key] = figure.note
    data = {
        "schema": SCHEMA_ID.format(format=report.format.id),
        "agency": report.agency,
        "year": report.year,
        "kind": report.kind,
        "published": report.published.isoformat() if report.published else None,
        "contact": {
            "office": report.contact.office,
            "address": report.contact.address,
            "postcode": report.contact.postcode,
            "phone": report.contact.phone,
        },
        "download": {"site": report.download.site, "url": report.download.url},
        "tables": tables,
        "notes": notes,
        "texts": {key: report.text.get(key, "") for key in report.format.text_keys()},
    }
    if report.format.has_fees:
        data["fees"] = {"notices": report.fees.notices, "amount": report.fees.amount}
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_decimal)
    return _MARKED.sub(r"\1", text).encode("utf-8") + b"\n"


def _decimal(value):
    if isinstance(value, Decimal):
        return _DECIMAL.format(format_number(value))
    raise TypeError(type(value).__name__)


def _put(node: dict, dotted: str, value) -> None:
    *path, last = dotted.split(".") if dotted else [""]
    for part in path:
        node = node.setdefault(part, {})
    if last:
        node[last] = value


def schema(fmt: Format) -> dict:
    """The JSON Schema (2020-12) of the open data of reports in ``fmt``."""
    tables = {}
    for table in fmt.tables.values():
        tree: dict = {}
        for cell in table.cells():
            kind: dict[str, object] = (
                {"type": ["number", "null"], "minimum": 0}
                if cell.type == AMOUNT
                else {"type": ["integer", "null"]}
                if cell.type == SIGNED
                else {"type": ["integer", "null"], "minimum": 0}
            )
            kind["description"] = cell.short_name if cell.row.id else cell.column.name
            _put(tree, cell.key[len(table.key) + 1 :], kind)
        tables[table.key] = _object(tree, table.full_name)
    text = {"type": "string"}
    properties = {
        "schema": {"const": SCHEMA_ID.format(format=fmt.id)},
        "agency": {"type": "string", "minLength": 1, "description": "机关名称"},
        "year": {"type": "integer", "minimum": fmt.first_year, "description": "报告年度"},
        "kind": {"enum": ["部门", "政府"], "description": "报告类别"},
        "published": {"type": ["string", "null"], "format": "date", "description": "发布日期"},
        "contact": _object({k: text for k in ("office", "address", "postcode", "phone")}, "联系方式"),
        "download": _object({k: text for k in ("site", "url")}, "电子版下载网站"),
        "tables": _object(tables, "法定表格：每一格都有，总计为各项之和，原报告留空的格子为 null"),
        "notes": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "数字后面印出的说明，按格子的键",
        },
        "texts": _object({key: text for key in fmt.text_keys()}, "各部分文字"),
    }
    if fmt.has_fees:
        properties["fees"] = _object(
            {"notices": {"type": "integer", "minimum": 0}, "amount": {"type": "number", "minimum": 0}}, "信息处理费"
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.format(format=fmt.id),
        "title": f"政府信息公开工作年度报告（{fmt.label}）的数据",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _object(properties: dict, description: str = "") -> dict:
    shaped = {
        key: _object(value)
        if isinstance(value, dict) and "type" not in value and "const" not in value and "enum" not in value
        else value
        for key, value in properties.items()
    }
    found = {"type": "object", "properties": shaped, "required": list(shaped), "additionalProperties": False}
    if description:
        found["description"] = description
    return found


def schema_json(fmt: Format) -> bytes:
    return json.dumps(schema(fmt), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


if __name__ == "__main__":  # python -m reportgen.renderers.opendata: writes docs/schema/
    from pathlib import Path

    from reportgen.formats.statutory import formats

    folder = Path(__file__).resolve().parents[2] / "docs" / "schema"
    folder.mkdir(parents=True, exist_ok=True)
    for found in formats().values():
        (folder / f"annual-{found.id}.json").write_bytes(schema_json(found))
