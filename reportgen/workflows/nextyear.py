"""Turning last year's data file into this year's: ``reportgen next-year``.

The new file is last year's, edited in place with tomlkit so that the clerk's comments
and key order survive:
- the year moves on; the publication date becomes the new deadline, to be corrected;
- figures the cross-year rules carry (上年结转, 现行有效件数, 上一年项目数量) start from
  last year's; every other figure starts at 0; stated totals go (they are computed);
- narrative is kept, each text marked for review so that it is rewritten, not reused;
- where the statutory format changes (2020 → 2021), a table whose keys changed is
  rebuilt from the new format, and the keys that no longer exist are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import re

import tomlkit
from tomlkit.items import InlineTable, Table as TomlTable

from reportgen.model import totals
from reportgen.checks import crossyear
from reportgen.workflows import scaffold
from reportgen.formats import statutory
from reportgen.checks.check import check_file
from reportgen.model.text import unfilled
from reportgen.sources.datafile import read_text
from reportgen.sources.schema import slots
from reportgen.errors import InputError
from reportgen.model import KINDS, Figure, Report, deadline
from reportgen.formats.statutory import Format, Table


@dataclass
class NextYear:
    path: Path
    text: str
    report: Report  # last year's
    carried: list[str] = field(default_factory=list)  # Chinese descriptions
    dropped: list[str] = field(default_factory=list)  # keys that no longer exist
    notes: list[str] = field(default_factory=list)


def next_year(source: Path, target: Path | None = None) -> NextYear:
    """This year's file from last year's. Pure apart from reading ``source``."""
    checked = check_file(source, previous=None)
    report = checked.report
    if report is None:
        reasons = "；".join(f.message for f in checked.findings if f.is_error)
        raise InputError(f"无法读取上年文件 {source}：{reasons}")
    assert isinstance(report, Report)  # an annual report (datafiles.next_year sends other kinds elsewhere)
    year = report.year + 1
    fmt = statutory.format_for_year(year)
    assert fmt is not None  # the year after one with a format has one too
    try:
        doc = tomlkit.parse(read_text(source))
    except RecursionError:
        raise InputError(f"无法读取上年文件 {source}：花括号或方括号嵌套的层数太多。") from None
    result = NextYear(target or crossyear.path_for_year(source, report.year, year), "", report)
    if checked.errors:
        result.notes.append(f"注意：上年文件有 {checked.errors} 个错误，结转的数字可能不对，请先核对上年数据。")

    meta = doc["report"]
    meta["year"] = year
    if report.kind in KINDS:
        meta["published"] = due = deadline(year, report.kind)
        result.notes.append(f"发布日期暂定为法定期限 {due.isoformat()}，请改为实际发布日期。")
    if "format" in meta:
        del meta["format"]
        result.notes.append("删除了 report.format：表格格式按新年度自动选用。")
    if fmt is not report.format:
        result.notes.append(f"{year} 年度起使用{fmt.label}，表格按新格式调整。")

    carried = crossyear.carried(fmt, report)
    for table in fmt.tables.values():
        _next_table(doc, fmt, report, table, carried, result)
    _next_fees(doc, fmt, result)
    _next_texts(doc, fmt, report, result)
    result.text = retitle(tomlkit.dumps(doc), report.year, year, source)
    return result


def retitle(text: str, old: int, new: int, source: Path | None = None) -> str:
    """The new years in the title line at the top of the file ("# 某局 2025 年…数据文件",
    "…2025 年工作总结及 2026 年工作思路"): every year of the report moves by the same step,
    all at once, so that next year's plan becomes the year after's. The comments below it
    describe last year's file (where it came from, when it was published): they are kept
    as written, under a line that says so."""
    step = new - old
    lines = text.split("\n")
    if not lines or not lines[0].startswith("#"):
        return text
    lines[0] = re.sub(
        r"(?<!\d)((?:19|20)\d\d)(\s*年)",
        lambda m: f"{int(m[1]) + step if old <= int(m[1]) <= old + 1 else m[1]}{m[2]}",
        lines[0],
    )
    if source is not None and len(lines) > 1 and lines[1].startswith("#"):
        lines.insert(1, f"# 由 reportgen next-year 从上年的 {source.name} 生成；下面的说明是上年文件的，请按本年核对。")
    return "\n".join(lines)


def _cell_keys(fmt: Format, table_key: str) -> set[str]:
    computed = totals.computed_keys(fmt)
    return {c.key for c in fmt.tables[table_key].cells() if c.key not in computed} if table_key in fmt.tables else set()


def _next_table(doc, fmt: Format, report: Report, table: Table, carried: dict[str, Figure], result: NextYear) -> None:
    old_keys = _cell_keys(report.format, table.key)
    new_keys = _cell_keys(fmt, table.key)
    for key in sorted(new_keys & set(carried)):
        value = carried[key].written
        if value:
            result.carried.append(f"{key}（{fmt.cell_by_key()[key].short_name}）= {value}")
    units = report.units
    if table.key not in doc or old_keys != new_keys:
        rebuilt = scaffold.table_section(fmt, table, carried, units)
        if table.key in doc:
            result.dropped += sorted(old_keys - new_keys)
            doc[table.key] = rebuilt  # in place: the table keeps its position
        else:
            doc.add(table.key, rebuilt)
        return
    section = doc[table.key]
    computed = totals.computed_keys(fmt)
    for key in sorted(_written_cells(section, table.key, fmt)):
        if key in computed:
            _delete(section, key)
        elif key not in carried and report.figure(key).blank:
            continue  # a cell the agency leaves blank ("") stays blank
        else:
            scaffold.set_figure(section, key, carried.get(key, Figure()).written)
    for key in sorted(new_keys & set(carried)):
        if (carried[key].value or carried[key].unread) and _get(section, key) is None:
            scaffold.set_figure(section, key, carried[key].written)


def _written_cells(section, table_key: str, fmt: Format) -> set[str]:
    """The cell keys a table section actually writes, including row groups written as one
    row (requests.other); its unknown keys are left alone."""
    cells = set(fmt.cell_by_key()) | {key for key, slot in slots(fmt).items() if slot.group is not None}
    found = set()

    def walk(node, prefix: str) -> None:
        for name, value in node.items():
            key = f"{prefix}.{name}"
            if key in cells:
                found.add(key)
            elif isinstance(value, (dict, TomlTable, InlineTable)):
                walk(value, key)

    walk(section, table_key)
    return found


def _parts(key: str) -> list[str]:
    return key.split(".")[1:]


def _get(section, key: str):
    node = section
    for part in _parts(key):
        if not isinstance(node, (dict, TomlTable, InlineTable)) or part not in node:
            return None
        node = node[part]
    return node


def _delete(section, key: str) -> None:
    *path, last = _parts(key)
    node = section
    for part in path:
        node = node[part]
    del node[last]


def _next_fees(doc, fmt: Format, result: NextYear) -> None:
    if fmt.has_fees:
        if "processing_fees" in doc:
            for name in ("notices", "amount"):
                doc["processing_fees"][name] = 0
        else:
            fees = tomlkit.table()
            fees.add("notices", 0)
            fees.add("amount", 0)
            doc.add("processing_fees", fees)
    elif "processing_fees" in doc:
        result.dropped += [f"processing_fees.{k}" for k in doc["processing_fees"]]
        del doc["processing_fees"]


def _next_texts(doc, fmt: Format, report: Report, result: NextYear) -> None:
    if "text" not in doc:
        doc.add("text", tomlkit.table())
    texts = doc["text"]
    keys = fmt.text_keys()
    for key in list(texts):
        if key not in keys:
            result.dropped.append(f"text.{key}")
            del texts[key]
    required = fmt.required_texts(report.kind)
    marked = []
    anchor = next((k for k in reversed(list(texts)) if k in keys), None)
    for key in keys:
        old = report.text.get(key, "")
        if not unfilled(old):
            texts[key] = for_review(old)
            marked.append(fmt.text_heading(key))
        elif key in required and key in texts:
            texts[key] = scaffold.multiline(scaffold.TEXT_PROMPT)
        elif key in required:
            _insert_after(doc, anchor, key, scaffold.multiline(scaffold.TEXT_PROMPT))
            texts = doc["text"]
            texts[key].comment(fmt.text_heading(key).replace("／", ""))
            anchor = key
    if marked:
        result.notes.append(review_note(len(marked)))


def for_review(old: str):
    """Last year's text in this year's file: kept, the review mark at its top (once)."""
    body = old.strip("\n").replace(crossyear.REVIEW_MARK + "\n", "")
    return scaffold.multiline(f"{crossyear.REVIEW_MARK}\n{body}")


def review_note(count: int) -> str:
    return f"保留了上年的文字（{count} 处），每处开头加了“{crossyear.REVIEW_MARK}”，请逐段改写。"


def _insert_after(doc, anchor: str | None, key: str, item) -> None:
    """Add a key to [text] right after ``anchor`` (before the comments that head the next
    table). tomlkit has no public insert, so the table is rebuilt in order from its public
    ``body``: comments, blank lines and values keep their places."""
    table = doc["text"]
    if anchor is None:
        table.add(key, item)
        return
    rebuilt = tomlkit.table()
    for name, existing in table.value.body:
        if name is None:
            rebuilt.add(existing)
        else:
            rebuilt.add(name, existing)
            if name.key == anchor:
                rebuilt.add(key, item)
    doc["text"] = rebuilt
