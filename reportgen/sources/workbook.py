"""Reading a returned fill-in form (``reportgen form``) back as a data file.

Each input cell of the form has a defined name ``rg_<key>``; the reader finds every figure
by that name, so rows a clerk inserted do not shift anything. It reads what the clerk
typed, never a value a formula cached: the 总计 cells are formulas and are computed again
by the tool, and a formula typed into an input cell is refused. The result is an
``Imported`` (like a published report's), written as a data file by
``reportgen.workflows.importing.data_file``; ``locations`` says which sheet and cell each key
came from, so that findings can name them (表三 申请办理!E14).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zipfile import BadZipFile

from reportgen import untrusted
from reportgen.errors import InputError
from reportgen.formats import layout, statutory
from reportgen.model import totals
from reportgen.formats.form import META, SHEETS, defined_name
from reportgen.sources.imported import Imported
from reportgen.sources.schema import slots


@dataclass
class Returned:
    imported: Imported
    locations: dict[str, str] = field(default_factory=dict)  # key → "表三 申请办理!E14"
    warnings: list[str] = field(default_factory=list)


def read(path: Path) -> Returned:
    from openpyxl import load_workbook  # imported when first used: start-up time
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if path.suffix.lower() in (".xls", ".et"):
        raise InputError(
            f"{path}：这是旧版 Excel/WPS 表格（{path.suffix}），请在 Excel 或 WPS 中“另存为”.xlsx 后再读取。"
        )
    if path.name.startswith("~$"):
        raise InputError(f"{path}：这是 Excel/WPS 打开文件时留下的锁定文件，不是填报表。")
    try:
        data = untrusted.read_file(path, "填报表")
    except InputError as problem:
        if "没有权限" in str(problem):
            raise InputError(f"{problem}（文件可能正在 WPS 或 Excel 中打开）") from None
        raise
    untrusted.open_package(data, path, ".xlsx")  # refused here if damaged, a bomb or XML attacks
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)  # lazy reading: quick
        return _read_book(book, path)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, AttributeError, SyntaxError):
        # openpyxl reads the sheets only now: a damaged sheet's XML (ElementTree's ParseError is a
        # SyntaxError) or a workbook that is not what it claims
        raise InputError(f"{path}：不是有效的 .xlsx 文件，或其中的工作表已损坏，无法读取。") from None


def _read_book(book, path: Path) -> Returned:
    if META not in book.sheetnames:
        raise InputError(
            f"{path}：不是 reportgen 的填报表（缺少说明表 {META}），无法读取。请用 reportgen form 生成的表格填报。"
        )
    meta = {row[0]: row[1] for row in book[META].iter_rows(values_only=True) if row and row[0]}
    fmt = statutory.formats().get(str(meta.get("format")))
    if fmt is None:
        raise InputError(f"{path}：填报表的格式“{meta.get('format')}”不认识，请用本版 reportgen form 重新生成。")
    returned = Returned(Imported(str(path), format=fmt))
    values: dict[str, object] = {}
    cells, formats = {}, {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "value", None) is not None:
                    cells[(sheet.title, cell.coordinate)] = cell.value
                    if '"' in (cell.number_format or ""):
                        formats[(sheet.title, cell.coordinate)] = cell.number_format
    for key, (sheet_name, coordinate) in _named_cells(book, path).items():
        if sheet_name not in book.sheetnames:
            raise InputError(
                f"{path}：工作表“{sheet_name}”被删除或改名了（{key} 在其中），无法读取。"
                f"请用原来的表格填报，或把工作表名改回“{sheet_name}”。"
            )
        returned.locations[key] = f"{sheet_name}!{coordinate}"
        value = cells.get((sheet_name, coordinate))
        if isinstance(value, str) and value.startswith("="):
            raise InputError(f"{path}：{sheet_name}!{coordinate}（{key}）中是公式“{value}”，请直接填写数字。")
        values[key] = value
        if note := _note(formats.get((sheet_name, coordinate), "")):
            values[key] = {"value": value, "note": note}
    for sheet_name in SHEETS.values():
        if sheet_name not in book.sheetnames:
            raise InputError(f"{path}：工作表“{sheet_name}”被删除或改名了，无法读取。")
    collapsed = frozenset(key for key in str(meta.get("collapsed") or "").split(",") if key)
    _moved_rows(cells, fmt, returned, collapsed)
    values.update(_typed_totals(cells, fmt, returned, collapsed))
    _fill(returned, values, fmt, meta)
    return returned


_NOTE = re.compile(r'"（(?P<note>.*)）"\s*$')


def _note(number_format: str) -> str:
    """The note a figure's cell prints after it (its number format 0"（其中修订3件）")."""
    match = _NOTE.search(number_format)
    return match["note"] if match else ""


def _named_cells(book, path: Path) -> dict[str, tuple[str, str]]:
    found = {}
    for name, definition in book.defined_names.items():
        if not name.startswith("rg_"):
            continue
        simple = _REFERENCE.fullmatch(definition.attr_text or "")
        if simple:  # the form's own 'sheet'!$D$6: read directly, quicker than openpyxl's tokenizer
            found[_key_of(name)] = (simple["sheet"].replace("''", "'"), simple["cell"].replace("$", ""))
            continue
        try:
            destinations = list(definition.destinations)
        except Exception:  # a reference the clerk broke (#REF!)
            destinations = []
        if (
            not destinations
            or "#REF" in (definition.attr_text or "").upper()
            or not re.fullmatch(r"\$?[A-Z]{1,3}\$?[0-9]+", destinations[0][1] or "")
        ):
            raise InputError(_deleted_cell(path, name, definition.attr_text or ""))
        sheet, coordinate = destinations[0]
        found[_key_of(name)] = (sheet, coordinate.replace("$", ""))
    if not found:
        raise InputError(f"{path}：表格中没有 reportgen 的填报格子（名称 rg_…），无法读取。")
    return found


def _deleted_cell(path: Path, name: str, reference: str) -> str:
    """A cell the clerk deleted (Excel writes 'sheet'!#REF!), said as the clerk sees it: the
    sheet, and the table, row and column the cell was for."""
    sheet = re.match(r"'?((?:[^'!]|'')+)'?!", reference)
    where = "工作表“" + sheet[1].replace("''", "'") + "”中" if sheet else ""
    key = _key_of(name)
    label = next(
        (_cell_label(cell) for fmt in statutory.formats().values() for cell in fmt.cells() if cell.key == key), ""
    )
    what = f"填写“{label}”的格子" if label else "一个填报格子"
    return (
        f"{path}：{where}{what}被删除了（删除了整行、整列或这一格），无法读取。"
        "请用原来的表格填报，或在原来的表格中把这一格补回来。"
    )


def _cell_label(cell) -> str:
    parts = (cell.table.short_name, cell.row.name, cell.column.name)
    return " ".join(part.replace("／", " ") for part in parts if part)


_REFERENCE = re.compile(r"'(?P<sheet>(?:[^']|'')+)'!(?P<cell>\$?[A-Z]{1,3}\$?[0-9]+)")
_KEYS: dict[str, str] = {}


def _key_of(name: str) -> str:
    if not _KEYS:
        for fmt in statutory.formats().values():
            for key in slots(fmt):
                _KEYS[defined_name(key)] = key
    return _KEYS.get(name, name[3:])


def _moved_rows(cells: dict, fmt, returned: Returned, collapsed: frozenset[str] = frozenset()) -> None:
    """Rows a clerk inserted: everything is still read by name; say so, and list what was
    typed into the inserted rows (which belongs to no statutory cell)."""
    for table in fmt.tables.values():
        sheet_name = SHEETS[table.key]
        grid = layout.grid(
            table, frozenset(key.split(".", 1)[1] for key in collapsed if key.startswith(f"{table.key}."))
        )
        expected_rows = {
            cell.cell.key: 3 + r for r, row in enumerate(grid.rows) for cell in row if cell.cell is not None
        }  # the VALUE cells: only they show a figure
        moved = False
        rows_used = set()
        for key, row in expected_rows.items():
            location = returned.locations.get(key)
            if location is None:
                continue
            actual = int("".join(ch for ch in location.split("!")[1] if ch.isdigit()))
            rows_used.add(actual)
            moved |= actual != row
        if moved:
            returned.warnings.append(f"{sheet_name}中插入或删除了行；各格已按栏目名称读取，数字没有错位。")
            first, last = min(rows_used), max(rows_used)
            for row in range(first, last + 1):
                if row in rows_used:
                    continue
                typed = sorted(
                    coordinate
                    for (name, coordinate), value in cells.items()
                    if name == sheet_name
                    and value not in (None, "")
                    and int("".join(ch for ch in coordinate if ch.isdigit())) == row
                )
                if typed:
                    returned.warnings.append(
                        f"{sheet_name}第{row}行是插入的行，其中的内容（{'、'.join(typed)}）"
                        "不属于任何法定栏目，没有读取。"
                    )


def _typed_totals(cells: dict, fmt, returned: Returned, collapsed: frozenset[str] = frozenset()) -> dict[str, object]:
    """The 总计 cells a clerk typed a figure over (the sheet's protection removed): each is
    read as the file's stated total, so that check compares it with the sum of its parts
    (a finding when they differ) instead of the draft silently printing another figure.
    A total still holding its formula is computed by the tool, as always. A total's cell
    has no name: it is found by its place in the table, in the row of a named cell of its
    own row (or the nearest one), so that rows a clerk inserted do not shift it."""
    from openpyxl.utils import get_column_letter  # imported when first used: start-up time

    computed = totals.computed_keys(fmt)
    typed: dict[str, object] = {}
    for table in fmt.tables.values():
        sheet_name = SHEETS[table.key]
        grid = layout.grid(
            table, frozenset(key.split(".", 1)[1] for key in collapsed if key.startswith(f"{table.key}."))
        )
        shift: dict[int, int] = {}  # grid row → how far a clerk's inserted rows moved it
        for r, row in enumerate(grid.rows):
            for cell in row:
                location = returned.locations.get(cell.cell.key) if cell.cell is not None else None  # VALUE
                if location and location.startswith(f"{sheet_name}!"):
                    actual = int("".join(ch for ch in location.split("!")[1] if ch.isdigit()))
                    shift.setdefault(r, actual - (3 + r))
        for r, row in enumerate(grid.rows):
            near = min(shift, key=lambda named: (abs(named - r), named), default=None)
            for cell in row:
                if cell.cell is None or cell.cell.key not in computed or near is None:  # not VALUE
                    continue
                coordinate = f"{get_column_letter(cell.column + 1)}{3 + r + shift[near]}"
                value = cells.get((sheet_name, coordinate))
                if value is None or (isinstance(value, str) and (value.startswith("=") or not value.strip())):
                    continue
                key = cell.cell.key
                typed[key] = value
                returned.locations[key] = f"{sheet_name}!{coordinate}"
    if typed:
        returned.warnings.append(
            f"{len(typed)} 个总计格子中的公式被改写成了数字（"
            + "、".join(returned.locations[k] for k in typed)
            + "），已按填写的数字核对。"
        )
    return typed


def _figure(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            number = Decimal(text)
        except ArithmeticError:
            return value  # text in a count cell: kept, so that check names the cell
        return int(number) if number == number.to_integral_value() and "." not in text else number
    return str(value)


def _fill(returned: Returned, values: dict, fmt, meta: dict) -> None:
    imported = returned.imported
    imported.agency = str(values.get("report.agency") or meta.get("agency") or "").strip()
    year = values.get("report.year") or meta.get("year")
    if year is not None and (isinstance(year, (int, float)) or str(year).isdigit()):
        imported.year = int(year)
    else:
        imported.year = int(meta.get("year", 0))
    imported.kind = str(values.get("report.kind") or "").strip()
    published = values.get("report.published")
    if isinstance(published, datetime):
        imported.published = published.date()
    elif isinstance(published, date):
        imported.published = published
    for key, value in values.items():
        if value is None:
            continue
        if key.startswith("report.contact."):
            imported.contact[key.rsplit(".", 1)[1]] = str(value).strip()
        elif key.startswith("report.download."):
            imported.download[key.rsplit(".", 1)[1]] = str(value).strip()
        elif key.startswith("text."):
            imported.texts[key[5:]] = str(value).replace("\r\n", "\n").strip()
        elif key.startswith("processing_fees."):
            imported.fees[key.rsplit(".", 1)[1]] = _figure(value) if _figure(value) != "" else 0
    cells = fmt.cell_by_key()
    every = slots(fmt)
    for key, value in values.items():
        slot = every.get(key)
        if slot is not None and slot.group is not None:  # a row group stated as one row
            imported.groups[key] = _stated(value)
        elif slot is not None and slot.unit_of is not None:
            if value not in (None, ""):
                imported.units[key] = str(value).strip()
        elif key in cells:
            imported.figures[key] = _stated(value)


def _stated(value):
    """A figure as a data file states it: the number, "" when blank, {value, note} with a note."""
    if isinstance(value, dict):
        figure = _figure(value["value"])
        return {"value": figure if figure != "" else 0, "note": value["note"]}
    return _figure(value)
