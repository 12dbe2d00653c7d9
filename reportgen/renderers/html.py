"""The web page of a draft, for the portal's 政府信息公开年报 column.

Two files: a complete page (``page=True``) and a fragment to paste into a CMS editor. Both
come from ``templates/report.html.j2``. The statutory tables are real HTML tables built
from the same layout grid as the Word and Markdown tables: exact ``rowspan``/``colspan``,
``<th scope>`` for every header, a caption above the table's scrolling box, and inline styles (CMS editors strip
style sheets). Wide tables scroll inside their own box on a phone. There is no script, and
every text is escaped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from jinja2 import TemplateError as JinjaError
from markupsafe import Markup, escape

from reportgen.draft.report_draft import TABLE, Draft, PrintedTable
from reportgen.errors import TemplateError
from reportgen.formats.layout import BLANK, CAPTION, CORNER, LABEL, VALUE, Grid, Skeleton
from reportgen.renderers import templates as template_folder

CELL = "border:1px solid #000;padding:0.15em 0.3em;vertical-align:middle;"
TABLE_STYLE = (
    "border-collapse:collapse;margin:0 auto;font-family:SimSun,'宋体','Noto Serif CJK SC',serif;"
    "font-size:0.8em;line-height:1.35;min-width:{min_width}em;"
)
MIN_WIDTH = 36  # em: a statutory table's columns stay readable; narrower screens scroll the table's box


def caption(printed: PrintedTable) -> str:
    """A table's caption: “表三 收到和处理政府信息公开申请情况”, “任务分解表 2026年政务公开任务分解表”."""
    if not printed.grid.whole:  # a list table: its own title (a task table's short name says no more)
        return printed.table.title
    return f"{printed.table.short_name} {printed.table.title.split('、', 1)[-1]}"


def html_table(printed: PrintedTable, label: str = "") -> Markup:
    """A printed table as an accessible HTML table, named by the element ``label`` (its
    caption, printed above the table's scrolling box so that a phone shows it whole)."""
    skeleton = _skeleton(printed.grid, label)
    return Markup(skeleton.fill([_escaped(text) for text in printed.values]))


@lru_cache(maxsize=8192)
def _escaped(text: str) -> str:
    return str(escape(text))


def _scope(cell) -> str:
    if cell.role == LABEL:
        return "rowgroup" if cell.rowspan > 1 else "row"
    return "colgroup" if cell.colspan > 1 else "col"


@lru_cache(maxsize=64)
def _skeleton(grid: Grid, label: str) -> Skeleton:
    min_width = MIN_WIDTH
    if grid.weights:  # a list table is as wide as its columns need, and scrolls in its box on a phone
        min_width = max(MIN_WIDTH, round(sum(grid.weights) * 1.75))
    style = TABLE_STYLE.format(min_width=min_width)
    named = f' aria-labelledby="{escape(label)}"' if label else ""
    lines = [f'<table{named} style="{style}">']
    if grid.weights:  # a list table: columns in proportion, as in Word
        total = sum(grid.weights)
        lines.append(
            "<colgroup>" + "".join(f'<col style="width:{w / total:.1%};">' for w in grid.weights) + "</colgroup>"
        )
    head = grid.header_rows
    if head:
        lines.append("<thead>")
    for index, row in enumerate(grid.rows):
        if head and index == head:
            lines.append("</thead><tbody>")
        cells = []
        for cell in row:
            spans = "".join(
                f' {name}="{n}"' for name, n in (("colspan", cell.colspan), ("rowspan", cell.rowspan)) if n > 1
            )
            if cell.role == VALUE:
                cells.append(f'<td{spans} style="{CELL}text-align:center;">{Skeleton.MARK}</td>')
            elif cell.role == BLANK:
                cells.append(f'<td{spans} style="{CELL}"></td>')
            elif cell.role == CORNER:
                cells.append(f'<td{spans} style="{CELL}font-size:0.9em;">{escape(cell.text)}</td>')
            elif cell.role == LABEL and not grid.whole:  # a list table's body: data, not row headers
                align = cell.align or "left"
                cells.append(f'<td{spans} style="{CELL}text-align:{align};">{escape(cell.text)}</td>')
            else:
                align = cell.align or ("left" if cell.role == LABEL else "center")
                weight = "bold" if cell.role == CAPTION else "normal"
                cells.append(
                    f'<th{spans} scope="{_scope(cell)}" style="{CELL}text-align:{align};'
                    f'font-weight:{weight};">{escape(cell.text)}</th>'
                )
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>" if head else "</table>")
    if not head:
        lines.insert(1, "<tbody>")
    return Skeleton("\n".join(lines), len(grid.values))


def _template(path: Path):
    return template_folder.jinja(path, "网页模板")


def render(draft: Draft, folder: Path, page: bool = True) -> str:
    """The complete page (``page``) or the fragment to paste into a CMS editor."""
    path = template_folder.path_of(template_folder.HTML, folder)
    numbers = iter(range(1, 1000))
    sections = []
    for section in draft.sections:
        blocks = []
        for b in section.blocks:
            table = b.table if b.kind == TABLE else None  # a TABLE block holds its table
            name = f"reportgen-table-{next(numbers)}" if table is not None else ""
            blocks.append(
                SimpleNamespace(
                    kind=b.kind,
                    text=b.text,
                    id=name,
                    html=html_table(table, name) if table is not None else "",
                    label=caption(table) if table is not None else "",
                )
            )
        sections.append(SimpleNamespace(heading=section.heading, blocks=blocks))
    try:
        text = _template(path).render(
            page=page,
            title=draft.title,
            title_lines=draft.title_lines,
            flagged=draft.flagged,
            flag_note=draft.flag_note,
            opening=draft.opening,
            sections=sections,
            signature=draft.signature,
            findings=draft.findings,
            signed=draft.signed,
            addressee=draft.addressee,
        )
    except JinjaError as problem:
        raise TemplateError(f"网页模板 {path} 有错误：{problem}") from None
    return re.sub(r"\n{2,}", "\n", text).strip() + "\n"
