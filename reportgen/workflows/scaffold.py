"""New data files for a clerk to fill in: every key present, with its Chinese label.

``new_file`` writes what ``reportgen init`` saves: figures at 0, narrative with 【待填写】
prompts, and a comment beside every key naming its statutory label. ``table_section``
is also how ``reportgen next-year`` rebuilds a table whose format changed.
"""

from __future__ import annotations


from decimal import Decimal
from functools import cache

import tomlkit
from tomlkit.items import InlineTable, Item, Table as TomlTable

from reportgen.model import totals
from reportgen.model import Figure, Number, deadline
from reportgen.model.text import PROMPT
from reportgen.sources.schema import FEE_FIELDS, FIELDS
from reportgen.formats.statutory import Cell, Format, Table

TEXT_PROMPT = f"{PROMPT}】"


def multiline(text: str) -> Item:
    """A TOML multi-line string written as the clerk expects to see it, one line per paragraph."""
    body = text.replace("\\", "\\\\").replace('"""', '""\\"')
    if not body.endswith("\n"):
        body += "\n"
    return tomlkit.parse(f'x = """\n{body}"""\n')["x"]


def number(value: Number | str) -> Item:
    return tomlkit.item(value)


def _groups(table: Table, computed: frozenset[str]) -> dict[str, list[Cell]]:
    """The table's non-computed cells, grouped under the first key below the table."""
    groups: dict[str, list[Cell]] = {}
    for cell in table.cells():
        if cell.key in computed:
            continue
        first = cell.key.split(".")[1]
        groups.setdefault(first, []).append(cell)
    return groups


def _label(cells: list[Cell], table: Table) -> str:
    """What a group of cells is called: its row, or the column group they share."""
    rows = {c.row.name for c in cells}
    if len(rows) == 1 and next(iter(rows)):
        name = next(iter(rows))
        return name.split("／", 1)[1] if name.startswith("三、本年度办理结果／") else name
    return cells[0].column.name.rsplit("／", 1)[0]


def _leaf(cell: Cell, group: str) -> str:
    """The key of a cell inside its group's inline table ("" when the group is the cell)."""
    return cell.key.split(".", 2)[2] if cell.key.count(".") > 1 else ""


def table_section(
    fmt: Format, table: Table, values: dict[str, Figure], units: dict[str, str] | None = None
) -> TomlTable:
    """A table's section: one line per row (or column group), every figure present."""
    section = tomlkit.table()
    groups = _groups(table, totals.computed_keys(fmt))
    columns_shared = table.kind == "matrix" and len({c.row.name for cells in groups.values() for c in cells}) > 1
    if columns_shared:
        legend = "、".join(f"{c.id} {c.name.rsplit('／', 1)[-1]}" for c in table.rows[0].columns if c.id != "total")
        section.add(tomlkit.comment(f"各列：{legend}"))
    for key, cells in groups.items():
        label = _label(cells, table)
        if len(cells) == 1 and not _leaf(cells[0], key):
            section.add(key, number(values.get(cells[0].key, Figure()).written))
            section[key].comment(f"{label}：{cells[0].column.name}")
            continue
        written: dict = {}
        for cell in cells:
            written[_leaf(cell, key)] = values.get(cell.key, Figure()).written
            if cell.column.unit_key:
                written[cell.column.unit_key] = (units or {}).get(cell.key, cell.column.default_unit)
        section.add(key, inline(written))
        if columns_shared:
            section[key].comment(label)
        else:
            names = "、".join(f"{_leaf(c, key)} {c.column.name.rsplit('／', 1)[-1]}" for c in cells)
            section[key].comment(f"{label}：{names}")
    return section


def inline(values: dict):
    """An inline table as reportgen writes one, with a space inside each brace:
    ``{ natural_person = 0, commercial = 0 }``."""
    return tomlkit.parse(f"x = {toml_text(values)}\n")["x"]


def toml_value(value) -> Item:
    """A value as an item, written the way reportgen writes it (amounts with every decimal)."""
    return tomlkit.parse(f"x = {toml_text(value)}\n")["x"]


def toml_text(value) -> str:
    """A value as reportgen writes it in a data file: amounts with every decimal, inline
    tables as ``{ a = 1, b = "" }``."""
    if isinstance(value, dict):
        body = ", ".join(f"{name} = {toml_text(item)}" for name, item in value.items())
        return f"{{ {body} }}" if body else "{}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return tomlkit.item(value).as_string()


def set_figure(section, key: str, value) -> None:
    """Set a figure, keeping the line's look: an inline table gains a key as
    ``{ a = 1, b = 1 }`` (not ``{ a = 1, b = 1}``), and a comment after the value stays in
    its column."""
    *path, last = key.split(".")[1:]
    if not path:
        replace_item(section, last, toml_value(value))
        return
    top = path[0]
    if top not in section:
        section[top] = tomlkit.inline_table()
    old = section[top]
    if not isinstance(old, InlineTable):
        node = old
        for part in path[1:]:
            node = node.setdefault(part, tomlkit.inline_table())
        node[last] = value
        return
    plain = old.unwrap()
    target = plain
    for part in path[1:]:
        target = target.setdefault(part, {})
    target[last] = value
    replace_item(section, top, inline(plain))


def replace_item(section, key: str, item) -> None:
    """Put ``item`` in place of ``section[key]``, keeping its comment where it was."""
    old = section[key] if key in section else None
    section[key] = item
    if old is None or not old.trivia.comment:
        return
    before = len(old.as_string()) + len(old.trivia.comment_ws)
    item.trivia.comment = old.trivia.comment
    item.trivia.comment_ws = " " * max(1, before - len(item.as_string()))


def _field_comment(label: str, hint: str) -> str:
    return f"{label}（{hint}）" if hint else label


def new_file(fmt: Format, agency: str, year: int, kind: str) -> str:
    """The text of a new data file for one agency and year."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"{agency}{year}年政府信息公开工作年度报告 数据文件（{fmt.name}格式）"))
    doc.add(tomlkit.comment("由 reportgen init 生成。填写说明："))
    doc.add(tomlkit.comment("- 把下面的 0 改成本年度的数字；表三、表四的“总计”由程序计算，不必填写。"))
    doc.add(tomlkit.comment('- 数字后面要印说明时写成 { value = 41, note = "其中修订3件" }。'))
    doc.add(tomlkit.comment("- 文字写在三引号之间，每行一段，把【待填写】换成正文；"))
    doc.add(
        tomlkit.comment("  可以用 {{ requests.new.total }} 这样的占位符引用表格中的数字（名称见 reportgen keys）。")
    )
    doc.add(tomlkit.comment("- 填好后运行 reportgen check 检查，reportgen build 生成草稿。"))
    doc.add(tomlkit.nl())

    report = tomlkit.table()
    values = {
        "report.agency": agency,
        "report.year": year,
        "report.kind": kind,
        "report.published": deadline(year, kind),
    }
    subtables: dict[str, TomlTable] = {}
    for field in FIELDS:
        if field.key == "report.format":
            continue
        parts = field.key.split(".")
        target = report
        if len(parts) == 3:
            target = subtables.setdefault(parts[1], tomlkit.table())
        target.add(parts[-1], values.get(field.key, ""))
        hint = (
            "请改为实际发布日期"
            if field.key == "report.published"
            else ("部门 或 政府" if field.key == "report.kind" else "")
        )
        target[parts[-1]].comment(_field_comment(field.label, hint))
    for name, table in subtables.items():
        report.add(name, table)
    doc.add("report", report)

    text = tomlkit.table()
    required = fmt.required_texts(kind)
    for section in fmt.sections:
        keys = [(section.text, section.heading)] if section.text else []
        keys += [(t.text, f"{section.heading}{t.heading}") for t in section.themes if t.applies_to(kind)]
        for key, heading in keys:
            text.add(tomlkit.comment(heading + ("" if key in required else "（可不填）")))
            if key == "other":
                text.add(
                    tomlkit.comment(
                        "同一文件夹中有本年度任务分解表时，可以写 {{ tasks.summary }}（“全年N项任务已完成M项……”）"
                        "和 {{ tasks.unfinished }}（未完成的任务及原因）。"
                    )
                )
            text.add(key, multiline(TEXT_PROMPT) if key in required else "")
    doc.add("text", text)

    return tomlkit.dumps(doc) + _tables_text(fmt)


@cache
def _tables_text(fmt: Format) -> str:
    """The table sections of a new file, the same for every agency: written once."""
    doc = tomlkit.document()
    for table in fmt.tables.values():
        section = table_section(fmt, table, {})
        doc.add(table.key, section)
        doc[table.key].comment(f"{table.number}、{table.title.split('、', 1)[1]}")
    if fmt.has_fees:
        fees = tomlkit.table()
        for field in FEE_FIELDS:
            name = field.key.split(".")[1]
            fees.add(name, 0)
            fees[name].comment(field.label)
        doc.add("processing_fees", fees)
        doc["processing_fees"].comment("六、信息处理费")
    return tomlkit.dumps(doc)
