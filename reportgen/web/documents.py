"""The page of a document of another kind (task table, work summary, pre-2019 report),
laid out from the kind's definition (``reportgen/kinds/*.toml``): its fields, its figures
with last year's, its text sections with their prompts, and its entries (headings, tasks,
sections of one's own), each entry a group of inputs, with an empty one to add another.

Inputs are named as ``reportgen.workflows.editing.apply_document`` reads them."""

from __future__ import annotations

from datetime import date

from reportgen.kinds import Field, Kind
from reportgen.workflows.editing import DELETE, entries_of


LONG = {"task", "requirement", "progress", "text"}  # entry fields written as sentences: a text area


def form(kind: Kind, data: dict, year: int) -> dict:
    report, text, figures = (
        part if isinstance(part := data.get(name), dict) else {} for name in ("report", "text", "figures")
    )
    return {
        "fields": [_input(f"report.{f.key}", f, report.get(f.key)) for f in kind.fields],
        "figures": [_figure(figure, figures.get(figure.key)) for figure in kind.figures],
        "sections": [
            {
                "key": f"text.{s.key}",
                "id": f"text-{s.key}",
                "title": _section_title(kind, s, year),
                "prompt": s.prompt,
                "value": _shown(text.get(s.key)),
                "required": s.required,
            }
            for s in kind.sections
        ],
        "entries": [_entries(entry, data.get(entry.name)) for entry in entries_of(kind)],
        "delete": DELETE,
    }


def _section_title(kind: Kind, section, year: int) -> str:
    if section.heading:
        return section.title(year)
    first = kind.sections and kind.sections[0].key == section.key
    return "开头（不加标题）" if first else "结尾（不加标题）"


def _input(name: str, field: Field, value) -> dict:
    hint = "几个之间用顿号（、）分开" if field.type == "list" else field.hint  # the file's [ ] not typed here
    return {
        "key": name,
        "id": name.replace(".", "-"),
        "label": field.label,
        "type": field.type,
        "hint": hint,
        "choices": field.choices,
        "required": field.required,
        "value": _shown(value),
        "long": field.type == "text" and (field.key in LONG or len(_shown(value)) > 40 or "\n" in _shown(value)),
    }


def _figure(figure, stated) -> dict:
    value, last = (stated.get("value"), stated.get("last_year")) if isinstance(stated, dict) else (stated, None)
    return {
        "key": f"figures.{figure.key}",
        "id": f"figures-{figure.key}",
        "label": figure.label,
        "unit": figure.unit,
        "value": _shown(value),
        "last_year": _shown(last),
    }


def _entries(entry, raw) -> dict:
    items = raw if isinstance(raw, list) else []
    listed = []
    for number, item in enumerate(items, 1):
        item = item if isinstance(item, dict) else {}
        listed.append(
            {
                "number": number,
                "inputs": [_input(f"{entry.name}.{number}.{f.key}", f, item.get(f.key)) for f in entry.fields],
            }
        )
    new = len(items) + 1
    return {
        "name": entry.name,
        "label": entry.label,
        "items": listed,
        "new": new,
        "blank": [_input(f"{entry.name}.{new}.{f.key}", f, None) for f in entry.fields],
    }


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
