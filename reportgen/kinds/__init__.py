"""Document kinds, loaded from the data files in ``reportgen/kinds/``.

An office writes several 政务公开 documents a year from the same facts. Each is a kind:

- ``annual``: the statutory 政府信息公开工作年度报告 (2019 on), whose schema, tables and
  checks are the statutory formats (``reportgen.formats``);
- ``tasks``: the 政务公开任务分解表, numbered tasks under headings;
- ``summary``: the 政务公开工作总结 with next year's 工作思路;
- ``annual2008``: the annual report under the 2008 条例 (2008–2018), figures in prose.

A kind's file names its data (``fields``: the ``[report]`` keys; ``sections``: the
``[text]`` keys and headings; ``figures``; ``entries`` such as ``[[task]]``), its
templates, its checks and its ``next-year`` behaviour. The reader, the checks, the draft,
``init``, ``keys`` and ``next-year`` all read this one definition. A data file says which
kind it is with ``document = "任务分解表"``; a file without it is an annual report.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportgen.errors import FormatDefinitionError

ANNUAL = "annual"
STATUTORY = "statutory"  # the engine of the annual report: reportgen.formats
DOCUMENT_KEY = "document"  # the data file's top-level key naming its kind


@dataclass(frozen=True)
class Field:
    """A key of ``[report]``, or of an entry such as ``[[task]]``."""

    key: str
    label: str
    type: str  # text, year, date, int, list, choice, path
    required: bool = False
    hint: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str  # the [text] key
    heading: str  # may hold {year} and {next_year}; "" for an unheaded opening or closing
    required: bool = False
    prompt: str = ""
    lead: str = ""  # "figures" (the generated figures paragraph) or a sentence template
    lead_needs: tuple[str, ...] = ()  # figures the lead sentence needs
    tasks: bool = False  # the year's task table's 落实情况 goes here

    def title(self, year: int) -> str:
        return self.heading.format(year=year, next_year=year + 1)


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    unit: str
    type: str = "count"  # count or amount
    phrase: str = ""  # how the generated paragraph states it, "{value}" for the figure
    annual: tuple[str, ...] = ()  # the annual report's names whose sum is the same figure
    outcome: bool = False  # an answer to a request (annual2008): outcomes add up to the requests
    joined: str = "；"  # what joins it to the figure before it in the generated paragraph


@dataclass(frozen=True)
class Entry:
    """A kind of ``[[name]]`` entry: its fields in the order a file writes them."""

    name: str
    label: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    width: float
    optional: bool = False


@dataclass(frozen=True)
class Kind:
    id: str
    name: str
    aliases: tuple[str, ...]
    engine: str
    file: str  # init's file name, {year} filled in
    title_pattern: str = ""
    word: str = "report.docx"
    outputs: tuple[str, ...] = ("docx", "md")
    checks: tuple[str, ...] = ()
    next_year: str = ""
    signature: bool = True
    free_sections: bool = False
    intro: str = ""
    first_year: int = 0
    last_year: int = 0
    fields: tuple[Field, ...] = ()
    sections: tuple[Section, ...] = ()
    figures: tuple[FigureDef, ...] = ()
    entries: tuple[Entry, ...] = ()
    columns: tuple[Column, ...] = ()
    links: tuple[str, ...] = ()  # the kinds of the same year's documents it draws on (annual, tasks)

    @property
    def label(self) -> str:  # as report.format.label, for messages that name either
        return self.name

    @property
    def statutory(self) -> bool:
        return self.engine == STATUTORY

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, self.id)

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def figure(self, key: str) -> FigureDef | None:
        return next((f for f in self.figures if f.key == key), None)

    def entry(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def title(self, agency: str, year: int) -> str:
        return self.title_pattern.format(agency=agency, year=year, next_year=year + 1)

    def top_keys(self) -> tuple[str, ...]:
        """The top-level keys a data file of this kind may hold."""
        keys = [DOCUMENT_KEY, "report"]
        if self.sections:
            keys.append("text")
        if self.free_sections:
            keys.append("section")
        if self.figures:
            keys.append("figures")
        keys += [e.name for e in self.entries]
        return tuple(keys)

    def year_problem(self, year: int) -> str:
        """Why this kind cannot be written for ``year`` (Chinese), "" if it can."""
        if self.last_year and year > self.last_year:
            return (
                f"{self.name}只适用于 {self.first_year}—{self.last_year} 年度；{year} 年度的年度报告"
                f'使用全国统一格式，请删去 document 一行（或写 document = "年度报告"）。'
            )
        if self.first_year and year < self.first_year:
            return f"{self.name}只适用于 {self.first_year} 年及以后。"
        return ""


FOLDER = Path(__file__).parent


def _field(key: str, raw: dict) -> Field:
    return Field(
        key,
        raw["label"],
        raw.get("type", "text"),
        raw.get("required", False),
        raw.get("hint", ""),
        tuple(raw.get("choices", ())),
    )


def _load(path: Path) -> Kind:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = []
        for name, entry in raw.get("entries", {}).items():
            order = entry.get("order", list(entry["fields"]))
            entries.append(Entry(name, entry["label"], tuple(_field(k, entry["fields"][k]) for k in order)))
        return Kind(
            id=raw["id"],
            name=raw["name"],
            aliases=tuple(raw.get("aliases", ())),
            engine=raw["engine"],
            file=raw["file"],
            title_pattern=raw.get("title", ""),
            word=raw.get("word", "report.docx"),
            outputs=tuple(raw.get("outputs", ("docx", "md"))),
            checks=tuple(raw.get("checks", ())),
            next_year=raw.get("next_year", ""),
            signature=raw.get("signature", True),
            free_sections=raw.get("free_sections", False),
            intro=raw.get("intro", ""),
            first_year=raw.get("first_year", 0),
            last_year=raw.get("last_year", 0),
            fields=tuple(_field(k, v) for k, v in raw.get("fields", {}).items()),
            sections=tuple(
                Section(
                    s["key"],
                    s.get("heading", ""),
                    s.get("required", False),
                    s.get("prompt", ""),
                    s.get("lead", ""),
                    tuple(s.get("lead_needs", ())),
                    s.get("tasks", False),
                )
                for s in raw.get("sections", ())
            ),
            figures=tuple(
                FigureDef(
                    k,
                    v["label"],
                    v["unit"],
                    v.get("type", "count"),
                    v.get("phrase", ""),
                    tuple(v.get("annual", ())),
                    v.get("outcome", False),
                    v.get("joined", "；"),
                )
                for k, v in raw.get("figures", {}).items()
            ),
            entries=tuple(entries),
            columns=tuple(
                Column(c["field"], c["label"], c["width"], c.get("optional", False)) for c in raw.get("columns", ())
            ),
            links=tuple(raw.get("links", ())),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as problem:
        raise FormatDefinitionError(f"文档种类定义 {path.name} 有错误：{problem!r}") from None


@cache
def kinds() -> dict[str, Kind]:
    """Every kind, by id, the annual report first."""
    loaded = [annual()] + [_load(path) for path in sorted(FOLDER.glob("*.toml")) if path.stem != ANNUAL]
    return {k.id: k for k in loaded}


def named(value: str) -> Kind | None:
    """The kind a data file's ``document`` value (or a --document option) names."""
    wanted = str(value).strip()
    return next((k for k in kinds().values() if wanted in k.names()), None)


@cache
def annual() -> Kind:
    """The annual report's kind, read on its own: a file without a document line needs no other."""
    return _load(FOLDER / f"{ANNUAL}.toml")


def choices() -> str:
    """The names a file may give, for messages: “年度报告”、“任务分解表”…"""
    return "、".join(f"“{k.aliases[0] if k.aliases else k.name}”" for k in kinds().values())


def of(data: dict) -> tuple[Kind | None, str]:
    """The kind of a parsed data file and "" — or None and why (Chinese)."""
    value = data.get(DOCUMENT_KEY)
    if value is None:
        return annual(), ""
    if not isinstance(value, str):
        return None, f'document 应写成文字，如 document = "任务分解表"；可用的文档种类：{choices()}。'
    kind = named(value)
    if kind is None:
        return None, f"不认识的文档种类“{value}”。可用的文档种类：{choices()}。"
    return kind, ""


def owners_of(key: str, current: Kind) -> list[Kind]:
    """The other kinds whose files use the top-level ``key`` (for “a key of another kind” messages)."""
    return [kind for kind in kinds().values() if kind is not current and not kind.statutory and key in kind.top_keys()]


def owner_of(key: str, current: Kind) -> Kind | None:
    found = owners_of(key, current)
    return found[0] if found else None
