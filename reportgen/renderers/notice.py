"""A 整改通知 (or 退回修改 notice) as Word and Markdown, from the templates ``notice.docx``
(docxtpl) and ``notice.md.j2`` (Jinja): an office's own templates folder may hold either,
else the shipped ones are used (scripts/make_notice_template.py writes notice.docx).

The notice is data (``Notice``) filled by the workflow; this module only lays it out. Text is
escaped (autoescape), undefined names are errors, and the zip is written with fixed times so
that the same notice gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jinja2 import Environment, StrictUndefined, TemplateError as JinjaError, TemplateSyntaxError, UndefinedError
from markupsafe import Markup, escape

from reportgen.errors import TemplateError
from reportgen.renderers import templates

WORD = "notice.docx"
MARKDOWN = "notice.md.j2"


@dataclass(frozen=True)
class Item:
    """One finding as the notice's table states it, in check's words."""

    number: int
    position: str
    published: str
    expected: str
    message: str


@dataclass
class Notice:
    title: str
    unit: str
    opening: list[str]
    findings: list[Item]
    closing: list[str]
    sender: str
    date: str
    extra: dict = field(default_factory=dict)  # what an office's own template may use besides
    title_lines: tuple[str, ...] = ()  # the title broken by meaning, as Word prints it (empty: one line)

    def context(self) -> dict:
        found = asdict(self)
        found.update(found.pop("extra"))
        found["title_lines"] = tuple(self.title_lines or (self.title,))
        found["title_text"] = self.title  # the title on one line, for templates that break it themselves
        return found

    def word_context(self) -> dict:
        """The context of the Word template: ``title`` holds its lines with a line break
        between them (the report's own title is printed so, renderers/word.py)."""
        found = self.context()
        found["title"] = _BREAK.join(escape(line) for line in found["title_lines"])
        return found


_BREAK = Markup('</w:t></w:r><w:r><w:br/></w:r><w:r><w:t xml:space="preserve">')


def template(name: str, folder: Path | None) -> Path:
    """The office's notice template in ``folder``, else the shipped one."""
    return templates.path_of(name, folder) if folder is not None else templates.shipped() / name


def word(notice: Notice, folder: Path | None = None) -> bytes:
    from docxtpl import DocxTemplate  # imported only when notices are written (start-up time)

    path = template(WORD, folder)
    try:
        document = DocxTemplate(str(path))
        document.render(notice.word_context(), Environment(autoescape=True, undefined=StrictUndefined), autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except (JinjaError, KeyError, ValueError, zipfile.BadZipFile) as problem:
        raise TemplateError(f"整改通知模板 {path} 无法使用：{_why(problem)}") from None
    return _fixed_times(buffer.getvalue())


def _why(problem: Exception) -> str:
    """What is wrong with a template, in Chinese (Jinja's own words stay out)."""
    if isinstance(problem, UndefinedError):
        name = re.search(r"'([^']+)' is undefined", str(problem))
        return f"模板中有本程序不提供的名称“{name.group(1) if name else ''}”。可用的名称见自带模板 notice.docx。"
    if isinstance(problem, TemplateSyntaxError):
        return f"模板标记写得不完整（第 {problem.lineno} 行附近）。请对照自带模板 notice.docx 修改。"
    if isinstance(problem, UnicodeDecodeError):
        return "不是 UTF-8 编码的文字文件。请用记事本另存为 UTF-8。"
    if isinstance(problem, OSError):
        return "无法读取这个文件。"
    if isinstance(problem, zipfile.BadZipFile):
        return "不是 Word 文件（.docx），或文件已损坏。"
    return "模板标记有误。请对照自带模板修改。"


def _fixed_times(data: bytes) -> bytes:
    """The same package with every entry dated 1980-01-01, so that a notice is reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _cell(text) -> str:
    """Text for a Markdown table cell: no line breaks, the bar escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown(notice: Notice, folder: Path | None = None) -> str:
    path = template(MARKDOWN, folder)
    environment = Environment(undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True)
    environment.filters["cell"] = _cell
    try:
        text = environment.from_string(path.read_text(encoding="utf-8-sig")).render(notice.context())
    except (JinjaError, OSError, UnicodeDecodeError) as problem:
        raise TemplateError(f"整改通知模板 {path} 无法使用：{_why(problem)}") from None
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"
