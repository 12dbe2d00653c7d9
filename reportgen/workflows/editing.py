"""Changing a data file from a page's form (``reportgen serve``): what a person typed goes
into the file's text with tomlkit, so that only the values that changed differ; every
comment, the order and each untouched line stay byte for byte.

A value is compared with the file's before it is set: a figure typed as the file has it
(41, where the file says ``{ value = 41, note = "其中修订3件" }``) is no change, and a
figure changed keeps its note. What cannot be a figure is written as typed, so that the
check names it, as it would in a file a person wrote.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import tomlkit

from reportgen import untrusted
from reportgen.checks.check import CheckResult, check_as_file, check_parsed
from reportgen.errors import InputError, ReportgenError
from reportgen.formats.statutory import Format
from reportgen import kinds
from reportgen.kinds import Entry, Field, Kind
from reportgen.model import UNREAD, Report
from reportgen.output.writing import write_atomic
from reportgen.sources import schema
from reportgen.sources.datafile import Layout
from reportgen.sources.tomlfile import MAX_FIGURE_DIGITS, Segment, TomlSyntaxError, parse, segments
from reportgen.workflows import scaffold

# The report's own fields a page may change, by their data-file key.
FIELDS = (
    "report.agency",
    "report.kind",
    "report.published",
    "report.contact.office",
    "report.contact.address",
    "report.contact.postcode",
    "report.contact.phone",
    "report.download.site",
    "report.download.url",
    "processing_fees.notices",
    "processing_fees.amount",
)


class Conflict(ReportgenError):
    """The file changed on disk since the page was loaded."""


@dataclass(frozen=True)
class Loaded:
    path: Path
    text: str
    version: str  # a digest of the bytes read: a save is refused if the file no longer has it
    layout: Layout = Layout()  # a save writes the file as its editor saved it (BOM, CRLF)


def version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def load(path: Path) -> Loaded:
    data = untrusted.read_file(path, "数据文件", untrusted.MAX_DATA_FILE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path} 不是 UTF-8 编码，请在编辑器中另存为 UTF-8 后再打开。") from None
    return Loaded(path, text, version(data), Layout.of(data))


@dataclass(frozen=True)
class Edited:
    """A file's text as a page's form leaves it: what would be saved, byte for byte, and
    (parsed once, when first asked for) what it holds; None if it is not TOML."""

    text: str

    @property
    def data(self) -> dict | None:
        try:
            return _parsed(self.text)
        except InputError:
            return None


@dataclass(frozen=True)
class _Shape:
    """What editing needs to know of a file's text: its data, kind, format and row groups
    written as one row. Remembered by the text: each keystroke edits the same saved text."""

    data: dict
    kind: Kind | None
    fmt: Format | None
    group_keys: dict[str, str]


REMEMBERED = 256 * 1024  # a data file is a few kilobytes; a larger one is not remembered


def _parsed(text: str) -> dict:
    return _parsed_remembered(text) if len(text) <= REMEMBERED else parsed(text)


@lru_cache(maxsize=8)
def _parsed_remembered(text: str) -> dict:
    return parsed(text)  # read only: every caller builds what it changes anew


def _shape(text: str) -> _Shape:
    return _shape_remembered(text) if len(text) <= REMEMBERED else _shape_of(text)


@lru_cache(maxsize=8)
def _shape_remembered(text: str) -> _Shape:
    return _shape_of(text)


def _shape_of(text: str) -> _Shape:
    data = _parsed(text)
    kind, _ = kinds.of(data)
    if kind is not None and not kind.statutory:
        return _Shape(data, kind, None, {})
    report, _ = schema.read({key: value for key, value in data.items() if key != kinds.DOCUMENT_KEY})
    return _Shape(data, kind, report.format if report is not None else None, group_keys(report))


def opened(loaded: Loaded) -> Edited:
    """The file as loaded, for a page to show and check (its parse remembered for the edits)."""
    edited = Edited(loaded.text)
    try:
        _shape(loaded.text)
    except InputError:
        pass  # not TOML: the check says where
    return edited


def apply_form(text: str, values: dict[str, str]) -> Edited:
    """The file's text with what a page's form says in it (by data-file key), whatever kind
    of file it is. The text is read for its kind and format once, not checked, and not read
    again while it stays the same. Raises InputError if it is not TOML."""
    shape = _shape(text)
    if shape.kind is not None and not shape.kind.statutory:
        return Edited(apply_document(text, shape.kind, values, shape.data))
    return Edited(apply(text, shape.fmt, values, shape.group_keys, shape.data))


def group_keys(report: Report | None) -> dict[str, str]:
    """A row group written as one row: its figures' cell keys (the first sub-row's) → the
    key the file writes them under."""
    if report is None:
        return {}
    found = {}
    for table in report.format.tables.values():
        for group in table.row_groups():
            if group.key in report.collapsed or group.name in report.collapsed:
                for column in group.row.columns:
                    found[f"{table.key}.{group.leaves[0]}.{column.id}"] = f"{group.key}.{column.id}"
    return found


def apply(
    text: str,
    fmt: Format | None,
    values: dict[str, str],
    group_keys: dict[str, str] | None = None,
    current: dict | None = None,
) -> str:
    """The file's text with the typed ``values`` (by data-file key) in it. ``group_keys``
    maps a figure's key to the key the file states it under (a row group written as one
    row); ``current``: the text parsed, if it has been. Raises InputError if the text is not TOML."""
    current = parsed(text) if current is None else current
    document = tomlkit.parse(text)
    cells = {cell.key for cell in fmt.cells()} if fmt is not None else set()
    for key, typed in values.items():
        key = (group_keys or {}).get(key, key)
        old = _lookup(current, key)
        if key.startswith("text."):
            written = typed.replace("\r\n", "\n").strip("\n")
            if (old or "").strip("\n") != written:
                _set_text(document, key[5:], written)
        elif key in cells or key.split(".")[0] in (fmt.tables if fmt else {}):
            new = figure(typed)
            stated = old["value"] if isinstance(old, dict) else old
            if _same(stated, new):
                continue
            if isinstance(old, dict) and old.get("note") and new not in ("", UNREAD):
                new = {"value": new, "note": old["note"]}
            table = key.split(".")[0]
            if table not in document:
                document.add(table, tomlkit.table())
            scaffold.set_figure(document[table], key, new)
        elif key in FIELDS:
            new = figure(typed) if key.startswith("processing_fees.") else _field(key, typed)
            if not _same(old, new):
                _set(document, key, new)
    return tomlkit.dumps(document)


def check(edited: Edited, path: Path) -> CheckResult:
    """The check of ``edited.text`` as the file at ``path`` would be checked holding it (last
    year's file beside it included): the page's findings, saved or not. The check takes the
    text and what it holds, parsed once: it sees exactly what would be saved."""
    data = edited.data
    if data is None:
        return check_as_file(edited.text, path)  # not TOML: said with its line
    return check_parsed(edited.text, data, path)


def entries_changed(before: str, after: str) -> bool:
    """Whether an entry ([[task]], …) was added or removed: the page is then laid out again."""

    def arrays(text):
        return [part.name for part in segments(text) if part.array]

    return before != after and arrays(before) != arrays(after)


def save(loaded_version: str, path: Path, text: str, now: Loaded | None = None) -> str:
    """Write the text over the file if the file still is as it was loaded; the new version.
    ``now``: the file as just read, if it has been. The file is written as its editor saved
    it (a Notepad file keeps its BOM, and CRLF on every line). Raises Conflict (a Chinese message) if
    someone changed the file meanwhile."""
    now = now or load(path)
    if now.version != loaded_version:
        raise Conflict(
            f"{path.name} 在您打开这一页之后被改过（可能是在编辑器中），没有保存，以免覆盖别人的修改。"
            "请重新载入这一页，再把您的修改填上。"
        )
    data = now.layout.encode(text)
    write_atomic(path, data)
    return version(data)


_INTEGER = re.compile(r"^[+-]?\d+$")


def figure(typed: str):
    """A figure as typed into a cell: a whole number, an amount, "" (blank), "未读出", or the
    text as typed (which the check reports)."""
    text = typed.strip().replace(",", "").replace("，", "")
    if text in ("", UNREAD):
        return text
    _not_too_long(text)
    if _INTEGER.match(text):
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return typed.strip()
    return value if value.is_finite() else typed.strip()


def _not_too_long(text: str) -> None:
    """A number typed with more digits than any report's (Python would not even convert one of
    more than 4,300): refused in Chinese, as ``reportgen check`` refuses it in a file."""
    digits = sum(char.isdigit() for char in text)
    if digits > MAX_FIGURE_DIGITS and re.fullmatch(r"[+-]?[\d.]+", text):
        raise InputError(f"填写的数字有 {digits} 位，报告中的数字最多 {MAX_FIGURE_DIGITS} 位，没有采用，请检查。")


def _field(key: str, typed: str):
    if key == "report.published":
        try:
            return date.fromisoformat(typed.strip())
        except ValueError:
            return typed.strip()
    return typed.strip()


def _same(old, new) -> bool:
    """Whether a typed value says what the file says. A figure or text the file leaves out
    is 0 or empty: shown so on the page, and written only if changed."""
    if old is None:
        return new in (0, "")
    if isinstance(old, (int, Decimal)) and not isinstance(old, bool) and isinstance(new, (int, Decimal)):
        return Decimal(old) == Decimal(new) and type(old) is type(new)
    return old == new


def _lookup(data: dict, key: str):
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(document, key: str, value) -> None:
    *path, last = key.split(".")
    node = document
    for part in path:
        if part not in node:
            node.add(part, tomlkit.table())
        node = node[part]
    node[last] = value


def _set_text(document, name: str, value: str) -> None:
    if "text" not in document:
        document.add("text", tomlkit.table())
    document["text"][name] = scaffold.multiline(value) if "\n" in value else value


def parsed(text: str) -> dict:
    try:
        return parse(text)
    except TomlSyntaxError as problem:
        raise InputError(
            f"数据文件有 TOML 语法错误（第{problem.line}行：{problem.message}），请先在编辑器中改正。"
        ) from None


# ------------------------------------------------------------ the other document kinds
#
# A task table writes its [[heading]] and [[task]] entries in any order, and tomlkit moves
# the entries of an array together when it writes a document. So a document of another
# kind is changed part by part: each table or entry (``tomlfile.segments``) that changes is
# parsed, changed and written on its own, and the others stay as they are, byte for byte.
# The page names an entry's field ``task.3.lead`` (the third [[task]], as findings count),
# a figure ``figures.requests`` and its ``figures.requests.last_year``, and asks for an
# entry to be removed with ``task.3._delete``. An entry numbered one past the last is new.

DELETE = "_delete"
FREE_SECTION = Entry(
    "section", "自拟的部分", (Field("heading", "标题", "text", True), Field("text", "正文", "text", True))
)
_LIST_SEPARATORS = re.compile(r"[、,，;；\n]")


def apply_document(text: str, kind: Kind, values: dict[str, str], current: dict | None = None) -> str:
    """The text of a data file of ``kind`` with the typed ``values`` in it; ``current``: the
    text parsed, if it has been."""
    current = parsed(text) if current is None else current
    parts = segments(text)
    changes: dict[tuple, dict[str, object]] = {}  # (name, entry number or 0) → key → new value, None: remove
    deleted: set[tuple] = set()
    for key, typed in values.items():
        name, _, rest = key.partition(".")
        if name == "report" and (field := kind.field(rest)):
            _change(changes, ("report", 0), rest, (current.get("report") or {}).get(rest), _typed(field, typed))
        elif name == "text" and kind.section(rest):
            new = typed.replace("\r\n", "\n").strip("\n")
            old = (current.get("text") or {}).get(rest)
            if (old or "").strip("\n") != new:
                changes.setdefault(("text", 0), {})[rest] = new or None
        elif name == "figures" and kind.figure(rest.split(".")[0]):
            _figure(changes, current.get("figures") or {}, rest, values)
        elif (entry := entry_of(kind, name)) and rest.count(".") == 1:
            number, field_key = rest.split(".")
            if not number.isdigit() or int(number) < 1:
                continue
            listed = current.get(name)
            entries: list = listed if isinstance(listed, list) else []
            if int(number) > len(entries) + 1:  # only the entry after the last is new
                continue
            old_entry = entries[int(number) - 1] if int(number) <= len(entries) else {}
            if field_key == DELETE:
                if typed and int(number) <= len(entries):
                    deleted.add((name, int(number)))
            elif field := entry.field(field_key):
                _change(changes, (name, int(number)), field_key, old_entry.get(field_key), _typed(field, typed))
    order = {"report": [f.key for f in kind.fields]} | {e.name: [f.key for f in e.fields] for e in entries_of(kind)}
    for (name, _), keys in changes.items():  # a key the file lacks is added in the kind's order
        keys_order = order.get(name, [])
        sorted_keys = sorted(keys, key=lambda k: keys_order.index(k) if k in keys_order else len(keys_order))
        changes[(name, _)] = {k: keys[k] for k in sorted_keys}
    return _rewrite(parts, changes, deleted)


def entries_of(kind: Kind) -> tuple[Entry, ...]:
    """The kind's entries, and [[section]] where the kind allows sections of one's own."""
    return kind.entries + ((FREE_SECTION,) if kind.free_sections else ())


def entry_of(kind: Kind, name: str) -> Entry | None:
    return next((entry for entry in entries_of(kind) if entry.name == name), None)


def _change(changes: dict, where: tuple, key: str, old, new) -> None:
    if new == "" and old is None:
        return
    if isinstance(old, str) and new == [old]:  # a list of one written as text: said the same way
        return
    if old != new:
        changes.setdefault(where, {})[key] = None if new == "" else new


def _figure(changes: dict, figures: dict, rest: str, values: dict[str, str]) -> None:
    """A figure and its last year's, typed in two inputs, written as the file writes them:
    ``41``, or ``{ value = 41, last_year = 37 }`` (keeping a note)."""
    key = rest.split(".")[0]
    if rest != key:  # the last_year input: done with its figure
        if f"figures.{key}" in values:
            return
    old = figures.get(key)
    old_value, old_last = (old.get("value"), old.get("last_year")) if isinstance(old, dict) else (old, None)
    new_value = figure(values.get(f"figures.{key}", "" if old_value is None else str(old_value)))
    new_last = figure(values.get(f"figures.{key}.last_year", "" if old_last is None else str(old_last)))
    if _same_stated(old_value, new_value) and _same_stated(old_last, new_last):
        return
    if new_last == "" and not (isinstance(old, dict) and old.get("note")):
        new = None if new_value == "" and old is None else new_value
    else:
        new = {"value": new_value}
        if new_last != "":
            new["last_year"] = new_last
        if isinstance(old, dict) and old.get("note"):
            new["note"] = old["note"]
    changes.setdefault(("figures", 0), {})[key] = new


def _same_stated(old, new) -> bool:
    """As ``_same``, but a figure a document leaves out is not stated (not 0)."""
    if old is None:
        return new == ""
    return _same(old, new)


def _typed(field: Field, typed: str):
    """A field's value as typed, as its type writes it; what cannot be one stays as typed
    (the check names it)."""
    text = typed.replace("\r\n", "\n").strip()
    if not text:
        return ""
    if field.type in ("year", "int"):
        _not_too_long(text)
        return int(text) if _INTEGER.match(text) else text
    if field.type == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if field.type == "list":
        return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]
    return text


def _rewrite(parts: list[Segment], changes: dict, deleted: set) -> str:
    counts: dict[str, int] = {}
    out, last_of = [], {}
    for part in parts:
        name = ".".join(part.name)
        where = (name, 0)
        if part.array:
            counts[name] = counts.get(name, 0) + 1
            where = (name, counts[name])
            if where in deleted:
                changes.pop(where, None)  # removed, whatever else was typed in it
                continue
        body = part.text
        if where in changes:
            body = _changed(part, changes.pop(where))
        out.append(body)
        last_of[name] = len(out)
    for (name, number), keys in sorted(changes.items(), key=lambda item: item[0]):
        keys = {k: v for k, v in keys.items() if v is not None}
        if not keys:
            continue
        header = f"[[{name}]]" if number else f"[{name}]"
        body = header + "\n" + "".join(f"{k} = {_item_text(v)}\n" for k, v in keys.items())
        at = last_of.get(name, len(out))
        if at and not out[at - 1].endswith("\n\n"):
            body = "\n" + body
        out.insert(at, body)
        last_of = {n: (i + 1 if i >= at else i) for n, i in last_of.items()}
        last_of[name] = at + 1
    return "".join(out)


def _changed(part: Segment, keys: dict) -> str:
    document = tomlkit.parse(part.text)
    node: Any = document
    for piece in part.name:
        node = node[piece]
    if part.array:
        node = node[0]
    for key, value in keys.items():
        if value is None:
            if key in node:
                del node[key]
        elif isinstance(value, dict):
            scaffold.replace_item(node, key, scaffold.toml_value(value))
        else:
            item = value if isinstance(value, tomlkit.items.Item) else _item(value)
            if key in node:
                scaffold.replace_item(node, key, item)
            else:
                node[key] = item
    return tomlkit.dumps(document)


def _item(value):
    """A value as written in a file: text of several lines one line per paragraph."""
    return scaffold.multiline(value) if isinstance(value, str) and "\n" in value else tomlkit.item(value)


def _item_text(value) -> str:
    if isinstance(value, dict):
        return scaffold.toml_text(value)
    return (value if isinstance(value, tomlkit.items.Item) else _item(value)).as_string()
