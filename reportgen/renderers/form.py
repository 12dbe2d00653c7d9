"""The fill-in form: an .xlsx workbook laid out like the statutory tables, for units to fill.

Sheets 基本信息, 表二 主动公开, 表三 申请办理, 表四 复议诉讼 and 文字. The tables come from the
same layout grid as the Word and Markdown tables (``reportgen.formats.layout``): the same
rows, columns, merged headers and labels. Label cells are locked and input cells unlocked;
counts take whole numbers ≥ 0 and amounts decimals; 总计 cells are formulas; conditional
formatting shows an unbalanced 勾稽关系 (R1) while the clerk types; each table prints on A4.
No macros.

Every input cell carries a workbook-level defined name ``rg_<key>``, so that the reader
(``reportgen.sources.workbook``) finds each figure by its key even after a clerk inserted
rows. A hidden sheet ``_reportgen`` states the format and year.
"""

from __future__ import annotations

import math
from datetime import date

from reportgen.formats import layout
from reportgen.formats.form import META, SHEETS, defined_name
from reportgen.renderers.workbooks import saved
from reportgen.formats.statutory import AMOUNT, SIGNED, Format, Table
from reportgen.model import Number, Report, totals
from reportgen.model.totals import BalanceCheck, SumCheck
from reportgen.sources.schema import FEE_FIELDS, FIELDS, slots

LABEL_FILL = "F2F2F2"
INPUT_FILL = "FFFFFF"
ALARM_FILL = "FFC7CE"


def workbook(fmt: Format, report: Report | None, agency: str, year: int, kind: str) -> bytes:
    """The form's bytes: prefilled from ``report`` when given, else blank."""
    from openpyxl import Workbook  # imported when first used: start-up time
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
    from openpyxl.workbook.defined_name import DefinedName

    book = Workbook()
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=10.5)

    def style(name: str, fill: str, align: str, locked: bool, bold: bool = False) -> str:
        book.add_named_style(
            NamedStyle(
                name,
                font=Font(name="宋体", size=12, bold=True) if bold else font,
                fill=PatternFill("solid", fgColor=fill),
                border=border,
                alignment=Alignment(horizontal=align, vertical="center", wrap_text=True),
                protection=Protection(locked=locked),
            )
        )
        return name

    # Named styles: one assignment a cell, which keeps writing a thousand forms quick.
    styles = {
        "label-center": style("表格栏目", LABEL_FILL, "center", True),
        "label-left": style("表格行名", LABEL_FILL, "left", True),
        "title": style("表格标题", LABEL_FILL, "center", True, bold=True),
        "input-center": style("填写数字", INPUT_FILL, "center", False),
        "input-left": style("填写文字", INPUT_FILL, "left", False),
        "font": font,
    }
    names: dict[str, str] = {}  # key → "'sheet'!$C$4"

    def name(sheet, cell, key: str) -> None:
        reference = f"'{sheet.title}'!${cell.column_letter}${cell.row}"
        names[key] = reference
        book.defined_names[defined_name(key)] = DefinedName(defined_name(key), attr_text=reference)

    _info_sheet(book.active, fmt, report, agency, year, kind, styles, name)
    figures = totals.completed(report) if report else {}
    for table in fmt.tables.values():
        _table_sheet(book.create_sheet(SHEETS[table.key]), fmt, table, report, figures, styles, name)
    _text_sheet(book.create_sheet(SHEETS["text"]), fmt, report, kind, styles, name)
    meta = book.create_sheet(META)
    meta.append(["format", fmt.id])
    meta.append(["year", year])
    meta.append(["agency", agency])
    meta.append(["collapsed", ",".join(sorted(report.collapsed)) if report else ""])
    meta.sheet_state = "hidden"
    book.properties.creator = "reportgen"
    return saved(book, date(year + 1, 1, 1) if isinstance(year, int) and 2000 <= year < 9999 else None)


def _protect(sheet) -> None:
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _print_a4(sheet, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def _label(cell, text: str, styles, bold: bool = False, align: str = "center") -> None:
    cell.value = text
    cell.style = styles["title"] if bold else styles[f"label-{align}"]


def _input(cell, value, styles, align: str = "center") -> None:
    cell.value = value
    cell.style = styles[f"input-{align}"]


def _info_sheet(sheet, fmt: Format, report, agency, year, kind, styles, name) -> None:
    sheet.title = SHEETS["info"]
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 60
    _label(sheet.cell(1, 1), f"{agency}{year}年政府信息公开工作年度报告 数据填报表", styles, bold=True)
    sheet.merge_cells("A1:B1")
    values = {
        "report.agency": agency,
        "report.year": year,
        "report.kind": kind,
        "report.published": report.published if report and report.published else None,
    }
    if report:
        contact, download = report.contact, report.download
        values.update(
            {
                "report.contact.office": contact.office,
                "report.contact.address": contact.address,
                "report.contact.postcode": contact.postcode,
                "report.contact.phone": contact.phone,
                "report.download.site": download.site,
                "report.download.url": download.url,
            }
        )
    row = 3
    for field in FIELDS:
        if field.key == "report.format":
            continue
        _label(sheet.cell(row, 1), field.label, styles, align="left")
        cell = sheet.cell(row, 2)
        _input(cell, values.get(field.key) or None, styles, align="left")
        if field.key == "report.published":
            cell.number_format = "yyyy-mm-dd"
        name(sheet, cell, field.key)
        row += 1
    for key, slot in slots(fmt).items():  # the units amounts are stated in (采购总金额：万元)
        if slot.unit_of is not None:
            _label(sheet.cell(row, 1), f"{slot.unit_of.table.short_name} {slot.label}", styles, align="left")
            cell = sheet.cell(row, 2)
            _input(cell, report.unit(slot.unit_of.key, "") or None if report else None, styles, align="left")
            name(sheet, cell, key)
            row += 1
    from openpyxl.worksheet.datavalidation import DataValidation  # imported when first used: start-up time

    choice = DataValidation(
        type="list",
        formula1='"部门,政府"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="报告类别",
        error="只能填“部门”或“政府”。",
    )
    sheet.add_data_validation(choice)
    choice.add(sheet.cell(5, 2))
    _protect(sheet)
    _print_a4(sheet, landscape=False)


def _table_sheet(sheet, fmt: Format, table: Table, report, figures, styles, name) -> None:
    from openpyxl.utils import get_column_letter  # imported when first used: start-up time
    from openpyxl.worksheet.datavalidation import DataValidation

    collapsed = {group.leaves[0]: group for group in table.row_groups() if report and group.key in report.collapsed}
    grid = layout.grid(table, frozenset(group.name for group in collapsed.values()))
    top = 3  # a title row, a blank row, then the table
    _label(sheet.cell(1, 1), f"{table.short_name} {table.title}", styles, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)
    computed = totals.computed_keys(fmt)
    sums = totals.checks(fmt).totals
    validations = {
        "count": DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="件数",
            error="请填写 0 或正整数。",
        ),
        "signed": DataValidation(
            type="whole",
            operator="between",
            formula1="-100000000",
            formula2="100000000",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="增减",
            error="请填写整数，减少写负数。",
        ),
        "amount": DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="金额",
            error="请填写 0 或正数（可带小数）。",
        ),
    }
    for validation in validations.values():
        sheet.add_data_validation(validation)
    where: dict[str, str] = {}  # cell key → its address, for formulas
    stated = report.figures if report else {}
    for r, row in enumerate(grid.rows):
        for cell in row:
            target = sheet.cell(top + r, cell.column + 1)
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=top + r,
                    start_column=cell.column + 1,
                    end_row=top + r + cell.rowspan - 1,
                    end_column=cell.column + cell.colspan,
                )
            if cell.role != layout.VALUE:
                _label(target, cell.text, styles, align="left" if cell.role == layout.LABEL else "center")
                continue
            shows = cell.cell
            assert shows is not None  # a VALUE cell shows a figure
            key = shows.key
            where[key] = target.coordinate
            if key in computed:
                continue  # a formula, filled in below once every part has its address
            figure = stated.get(key)
            value: Number | str | float | None
            if report is None:
                value = 0  # a form to fill in: every figure starts at 0 (the statute: 没有的填 0)
            elif figure is None:
                value = figures[key].value
            else:
                value = None if figure.blank else figure.written
            if value is not None and not isinstance(value, (int, str)):
                value = float(value)
            _input(target, value, styles)
            kind = "amount" if shows.type == AMOUNT else "signed" if shows.type == SIGNED else "count"
            validations[kind].add(target)
            shown = "0.00####" if shows.type == AMOUNT else "0"
            if figure is not None and figure.note:  # the note printed after the figure: 41（其中修订3件）
                shown += '"（' + figure.note.replace('"', "”") + '）"'
            if shown != "0":
                target.number_format = shown
            group = collapsed.get(shows.row.id)
            name(sheet, target, f"{group.key}.{shows.column.id}".rstrip(".") if group else key)
    for key, address in where.items():
        if key in computed:
            parts = "+".join(where[p.key] for p in sums[key].parts if p.key in where)
            target = sheet[address]
            _label(target, f"=SUM({parts})" if "+" in parts else f"={parts}", styles)
    _alarms(sheet, fmt, table, where)
    for column in range(1, grid.width + 1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = (
            30
            if column <= max(grid.label_columns, 1) and table.kind == "blocks"
            else (14 if column <= grid.label_columns else 9)
        )
    if grid.label_columns >= 3:
        sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width, sheet.column_dimensions["C"].width = (
            8,
            12,
            34,
        )
    _row_heights(sheet, grid, top)
    note = sheet.cell(top + len(grid.rows) + 1, 1)
    note.value = "灰色格子是栏目和自动计算的总计，不能修改；白色格子填数字，没有的填 0。勾稽关系不平衡时相关格子变红。"
    note.font = styles["font"]
    _protect(sheet)
    _print_a4(sheet, landscape=table.key != "proactive")


def _alarms(sheet, fmt: Format, table: Table, where: dict[str, str]) -> None:
    """Conditional formats, one for each instance of an arithmetic rule (勾稽关系): its cells
    turn red exactly when that relation does not hold, as ``reportgen check`` reports it.

    A rule is tested on the figures a clerk typed: totals enter it as the sum of the input
    cells they add up (never through another total's formula), and a sum rule tests a total
    only where a clerk typed over its formula. References are absolute, so that every cell
    of a rule tests the rule itself, not a copy shifted to the cell's own position."""
    from openpyxl.formatting.rule import FormulaRule  # imported when first used: start-up time
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor=ALARM_FILL, bgColor=ALARM_FILL)
    checks = totals.checks(fmt)

    def typed(cells) -> str:
        return _ranges([where[key] for cell in cells for key in _leaves(cell.key, checks.totals) if key in where])

    every: list[SumCheck | BalanceCheck] = [*checks.sums, *checks.balances]
    for check in every:
        if (check.total if isinstance(check, SumCheck) else check.left[0]).table is not table:
            continue
        if isinstance(check, SumCheck):
            cells = [check.total, *check.parts]
            total = _absolute(where[check.total.key]) if check.total.key in where else ""
            # ISFORMULA came with Excel 2013: the file format spells it _xlfn.ISFORMULA
            formula = f"AND(NOT(_xlfn.ISFORMULA({total})),ROUND({total}-SUM({typed(check.parts)}),6)<>0)"
        else:
            cells = [*check.left, *check.right]
            formula = f"ROUND(SUM({typed(check.left)})-SUM({typed(check.right)}),6)<>0"
        if any(c.key not in where for c in cells):
            continue  # a cell merged into a row group stated as one row
        sheet.conditional_formatting.add(
            " ".join(where[c.key] for c in cells), FormulaRule(formula=[formula], fill=red)
        )


def _leaves(key: str, sums: dict) -> list[str]:
    """The input cells a total adds up (itself, if it is not a total)."""
    if key not in sums:
        return [key]
    return [leaf for part in sums[key].parts for leaf in _leaves(part.key, sums)]


def _ranges(coordinates: list[str]) -> str:
    """Absolute references, a column's consecutive cells as one range: $D$8:$D$28,$E$6."""
    by_column: dict[str, list[int]] = {}
    for coordinate in coordinates:
        letters = coordinate.rstrip("0123456789")
        by_column.setdefault(letters, []).append(int(coordinate[len(letters) :]))
    parts = []
    for letters, rows in by_column.items():
        rows.sort()
        start = previous = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            parts.append(f"${letters}${start}" + (f":${letters}${previous}" if previous != start else ""))
            if row is not None:
                start = previous = row
    return ",".join(parts)


def _absolute(coordinate: str) -> str:
    """D6 → $D$6."""
    letters = coordinate.rstrip("0123456789")
    return f"${letters}${coordinate[len(letters) :]}"


def _row_heights(sheet, grid, top: int) -> None:
    """Rows tall enough for their wrapped labels (a spreadsheet does not grow them itself)."""

    from openpyxl.utils import get_column_letter

    width = {c: sheet.column_dimensions[get_column_letter(c + 1)].width or 9 for c in range(grid.width)}
    for r, row in enumerate(grid.rows):
        lines = 1
        for cell in row:
            if cell.role == layout.VALUE or not cell.text:
                continue
            room = sum(width[c] for c in range(cell.column, cell.column + cell.colspan)) - 1
            needed = math.ceil(len(cell.text) * 2 / max(room, 2))  # CJK characters take two columns
            lines = max(lines, math.ceil(needed / cell.rowspan))
        sheet.row_dimensions[top + r].height = 15 * lines


def _text_sheet(sheet, fmt: Format, report, kind: str, styles, name) -> None:
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    _label(sheet.cell(1, 1), "各部分文字（每段一行，可以直接粘贴）", styles, bold=True)
    sheet.merge_cells("A1:B1")
    row = 3
    required = fmt.required_texts(kind)
    for section in fmt.sections:
        keys = [(section.text, section.heading)] if section.text else []
        keys += [(t.text, f"{section.heading}{t.heading}") for t in section.themes if t.applies_to(kind)]
        for key, heading in keys:
            _label(sheet.cell(row, 1), heading + ("" if key in required else "（可不填）"), styles, align="left")
            cell = sheet.cell(row, 2)
            _input(cell, (report.text.get(key) or None) if report else None, styles, align="left")
            sheet.row_dimensions[row].height = 120
            name(sheet, cell, f"text.{key}")
            row += 1
    if fmt.has_fees:
        for field in FEE_FIELDS:
            _label(sheet.cell(row, 1), f"六、{field.label}", styles, align="left")
            cell = sheet.cell(row, 2)
            value = None
            if report:
                value = report.fees.notices if field.key.endswith("notices") else report.fees.amount
                value = float(value) if value is not None and not isinstance(value, int) else value
            _input(cell, value, styles)
            name(sheet, cell, field.key)
            row += 1
    _protect(sheet)
    _print_a4(sheet, landscape=False)


def title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开数据填报表"
