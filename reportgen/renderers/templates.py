"""Finding the templates: ``--templates DIR``, else ``./templates``, else the shipped copy.

A templates folder holds ``report.docx`` (the Word template, docxtpl) and ``report.md.j2``
(the Markdown template, Jinja). A clerk may copy it, put a letterhead into the Word
template and point ``--templates`` at the copy.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from reportgen.errors import TemplateError

WORD = "report.docx"
MARKDOWN = "report.md.j2"
HTML = "report.html.j2"  # optional in a clerk's folder: the shipped one is used when absent
NAMES = (WORD, MARKDOWN)


def path_of(name: str, folder: Path) -> Path:
    """A template of ``folder``, or the shipped one if the folder has none of that name."""
    own = folder / name
    return own if own.is_file() else shipped() / name


def shipped() -> Path:
    """The templates installed with the package (or, in a source checkout, the repo's)."""
    installed = Path(str(resources.files("reportgen"))) / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "templates"


def find(directory: Path | None = None, cwd: Path | None = None) -> Path:
    """The folder to read templates from. Raises TemplateError if a given one is incomplete."""
    if directory is not None:
        missing = [name for name in NAMES if not (directory / name).is_file()]
        if missing:
            raise TemplateError(f"模板文件夹 {directory} 中缺少：{'、'.join(missing)}")
        return directory
    local = (cwd or Path.cwd()) / "templates"
    if all((local / name).is_file() for name in NAMES):
        return local
    return shipped()


@lru_cache(maxsize=16)
def jinja(path: Path, what: str, keep_trailing_newline: bool = False, filters: tuple = ()):
    """The Jinja template at ``path``, compiled once: HTML-escaped, undefined names an error,
    block tags on lines of their own leave no blank line. ``filters``: (name, function) pairs.
    A template that does not compile is said as ``what`` (网页模板, Markdown 模板, …)."""
    from jinja2 import (  # imported when a draft is first rendered: start-up time
        Environment,
        FileSystemLoader,
        StrictUndefined,
        TemplateError as JinjaError,
    )

    env = Environment(
        loader=FileSystemLoader(str(path.parent)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
    env.filters.update(filters)
    try:
        return env.get_template(path.name)
    except JinjaError as problem:
        raise TemplateError(f"{what} {path} 有错误：{problem}") from None
