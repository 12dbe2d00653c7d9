"""The Markdown draft: headings and paragraphs, statutory tables as HTML ``<table>``.

Pipe tables cannot merge cells, so tables are HTML with ``rowspan``/``colspan`` (an HTML
block in CommonMark/GFM: no blank line inside). Narrative text is escaped for Markdown,
table cells for HTML; the template renders with autoescape on and undefined names as
errors.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from jinja2 import TemplateError as JinjaError
from markupsafe import Markup, escape

from reportgen.renderers import templates as template_folder
from reportgen.draft.report_draft import TABLE, Draft, PrintedTable
from reportgen.errors import TemplateError
from reportgen.formats.layout import CAPTION, CORNER, HEADER, VALUE, Grid, Skeleton

_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START = re.compile(r"^(#|>|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$))")


def md(text: str) -> Markup:
    """Escape text so that CommonMark prints it literally, as one paragraph."""
    text = _INLINE.sub(r"\\\1", str(text))
    text = _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)
    return Markup(text)


def html_table(printed: PrintedTable) -> Markup:
    """A printed table as one HTML block, with merged cells."""
    return Markup(_html_skeleton(printed.grid).fill([_escaped(text) for text in printed.values]))


@lru_cache(maxsize=8192)
def _escaped(text: str) -> str:
    return str(escape(text))


@lru_cache(maxsize=64)
def _html_skeleton(grid: Grid) -> Skeleton:
    lines = ['<table border="1" cellspacing="0" cellpadding="3">']  # ruling lines even as plain HTML
    for row in grid.rows:
        cells = []
        for cell in row:
            tag = "th" if cell.role in (CORNER, HEADER, CAPTION) else "td"
            spans = "".join(
                f' {name}="{n}"' for name, n in (("colspan", cell.colspan), ("rowspan", cell.rowspan)) if n > 1
            )
            text = Skeleton.MARK if cell.role == VALUE else escape(cell.text)
            cells.append(f"<{tag}{spans}>{text}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table>")
    return Skeleton("\n".join(lines), len(grid.values))


def _template(folder: Path):
    return template_folder.jinja(folder / template_folder.MARKDOWN, "Markdown 模板", True, (("md", md),))


class _Marks:
    """The markers of one draft as they are made: the text each holds, by name (the first
    of a name, as ``markers.md_texts`` reads a file)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def __call__(self, name: str, content: Markup, inline: bool = False) -> Markup:
        """Content from the data between paired comments ``<!-- rg:name -->`` … ``<!-- /rg:name -->``,
        for ``reportgen refresh``. Block content gets the comments on lines of their own, so that
        Markdown still reads the block as a paragraph, a heading or a table."""
        self.texts.setdefault(name, _BLANK_LINES.sub("\n\n", str(content)).strip())
        if inline:
            return Markup(f"<!-- rg:{name} -->{content}<!-- /rg:{name} -->")
        return Markup(f"<!-- rg:{name} -->\n{content}\n<!-- /rg:{name} -->")


_BLANK_LINES = re.compile(r"\n{3,}")


def _block_md(block, mark: _Marks) -> Markup:
    if block.kind == TABLE:
        return mark(block.marker or "table", html_table(block.table))
    if block.marker:
        return mark(block.marker, md(block.text))
    if block.segments and not block.segments[0][1]:  # a line may not start with a comment
        return Markup("").join(mark(name, md(text), inline=True) if name else md(text) for text, name in block.segments)
    return md(block.text)


def _context(draft: Draft, mark: _Marks) -> dict:
    sections = [  # namespaces, not dicts: see render_word.WordTemplate.context
        SimpleNamespace(
            heading=section.heading,
            blocks=[
                SimpleNamespace(
                    kind=b.kind, text=b.text, md=_block_md(b, mark), html=_block_md(b, mark) if b.kind == TABLE else ""
                )
                for b in section.blocks
            ],
        )
        for section in draft.sections
    ]
    return dict(
        title=draft.title,
        marked_title=mark("title", Markup("# ") + md(draft.title)),
        marked_opening=tuple(mark("opening", md(p)) if i == 0 else md(p) for i, p in enumerate(draft.opening)),
        marked_date=mark("date", escape(draft.signature[1]), inline=True),
        flagged=draft.flagged,
        flag_note=draft.flag_note,
        opening=draft.opening,
        sections=sections,
        signature=draft.signature,
        findings=draft.findings,
        signed=draft.signed,
        addressee=draft.addressee,
    )


def marker_texts(draft: Draft) -> dict[str, str]:
    """The text inside each marker of a draft's Markdown file, as ``markers.md_texts`` reads
    it back, worked out from the draft itself as the markers are made (a build records it
    for every draft; a test holds the two equal). A marker the template leaves out is here
    too, and never looked at: refresh compares the markers a file holds."""
    mark = _Marks()
    _context(draft, mark)
    return mark.texts


def render(draft: Draft, folder: Path) -> str:
    """The Markdown text of a draft."""
    try:
        text = _template(folder).render(**_context(draft, _Marks()))
    except JinjaError as problem:
        raise TemplateError(f"Markdown 模板 {folder / template_folder.MARKDOWN} 有错误：{problem}") from None
    return _BLANK_LINES.sub("\n\n", text)
