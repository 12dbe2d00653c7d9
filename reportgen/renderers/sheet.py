"""A draft's list tables as an Excel workbook: the task table circulates as a spreadsheet.

One sheet per list table: the title in a merged first row, the header row repeated on
every printed page and frozen on screen, a merged row for each group heading, text
wrapped in its cell, A4 landscape, fitted to the page width. Written with openpyxl.
"""

from __future__ import annotations


from reportgen.draft.report_draft import TABLE, Draft, PrintedTable
from reportgen.formats.layout import CAPTION, HEADER
from reportgen.renderers.workbooks import saved

# Excel column widths are in characters of the default font; a weight of 1 is this many.
CHARACTERS_PER_WEIGHT = 4.6
LINE_HEIGHT = 15  # points per line of 10.5 pt text
SHEET_NAME_LIMIT = 31


def _lines(text: str, width: float) -> int:
    """How many lines a cell's text takes at a column width (CJK characters count 2)."""
    units = sum(1 if ch.isascii() else 2 for ch in text)
    return max(1, -(-units // max(int(width) - 1, 1)))


def render(draft: Draft) -> bytes:
    """The workbook of a draft's list tables (a draft without one gets its title only)."""
    from openpyxl import Workbook  # imported when first used: start-up time
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    tables: list[PrintedTable | None] = [
        b.table
        for s in draft.sections
        for b in s.blocks
        if b.kind == TABLE and b.table is not None and not b.table.grid.whole
    ]  # a TABLE block holds its table
    for printed in tables or [None]:
        sheet = book.create_sheet(printed.table.short_name[:SHEET_NAME_LIMIT] if printed else "Sheet1")
        sheet.cell(1, 1, draft.title).font = Font(bold=True, size=16)
        sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 30
        if printed is None:
            continue
        grid = printed.grid
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)
        widths = [w * CHARACTERS_PER_WEIGHT for w in grid.weights] or [12.0] * grid.width
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        for r, row in enumerate(grid.rows, 2):
            lines = 1
            for cell in row:
                target = sheet.cell(r, cell.column + 1, cell.text)
                bold = cell.role in (HEADER, CAPTION)
                target.font = Font(name="宋体", bold=bold, size=10.5)
                horizontal = cell.align or ("center" if cell.role == HEADER else "left")
                target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
                span = sum(widths[cell.column : cell.column + cell.colspan])
                lines = max(lines, _lines(cell.text, span))
                for c in range(cell.column, cell.column + cell.colspan):
                    sheet.cell(r, c + 1).border = border
                if cell.colspan > 1:
                    sheet.merge_cells(
                        start_row=r, start_column=cell.column + 1, end_row=r, end_column=cell.column + cell.colspan
                    )
            sheet.row_dimensions[r].height = LINE_HEIGHT * lines + 4
        sheet.freeze_panes = sheet.cell(2 + grid.header_rows, 1)
        sheet.print_title_rows = f"2:{1 + grid.header_rows}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
    book.properties.title = draft.title
    book.properties.creator = "reportgen"
    return saved(book, draft.published)
