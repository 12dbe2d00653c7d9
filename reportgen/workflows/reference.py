"""The reference of data-file keys, generated from the statutory formats and the schema.

``docs/reference.md`` is this module's output; a test keeps it current. ``reportgen keys``
prints the part for one year.
"""

from __future__ import annotations

from reportgen import kinds
from reportgen.formats import statutory
from reportgen.workflows.document_files import reference as kind_reference
from reportgen.model.totals import computed_keys
from reportgen.sources.schema import FEE_FIELDS, FIELDS, TYPE_WORDS, Field, wanted
from reportgen.formats.statutory import Format, Table


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _fields(fields: tuple[Field, ...]) -> list[str]:
    lines = [_row("键", "含义", "必填", "写法"), _row("---", "---", "---", "---")]
    for f in fields:
        lines.append(_row(f"`{f.key}`", f.label, "是" if f.required else "", wanted(f)))
    return lines


def _texts(fmt: Format) -> list[str]:
    lines = [_row("键", "位置", "说明"), _row("---", "---", "---")]
    for section in fmt.sections:
        if section.text:
            note = "开头段落" if section.themes else ("必填" if section.required else "")
            lines.append(_row(f"`text.{section.text}`", section.heading, note))
        for theme in section.themes:
            notes = ["必填" if theme.required else "可不填"]
            if theme.kinds:
                notes.append("仅" + "、".join(theme.kinds) + "报告")
            lines.append(_row(f"`text.{theme.text}`", f"{section.heading} {theme.heading}", "，".join(notes)))
    return lines


def _table(table: Table, computed: frozenset[str]) -> list[str]:
    lines = [f"### {table.short_name} `[{table.key}]` {table.title}", ""]
    rows = [r for r in table.rows]
    if table.kind == "matrix" and len(rows) > 1:
        columns = rows[0].columns
        lines.append(
            f"每个数字的键是 `{table.key}.行.列`，例如 `{table.key}.{rows[0].id}.{columns[0].id}`；"
            f"一行可以写成 `{rows[0].id} = {{ {columns[0].id} = 3, {columns[1].id} = 1 }}`。"
            f'原报告留空的格子写成 `""`，如 `{rows[0].id} = {{ {columns[0].id} = 3, {columns[1].id} = "" }}`'
            "（按 0 计算，草稿中印成空白）。"
        )
        lines += ["", "行：", "", _row("行", "法定栏目", "说明"), _row("---", "---", "---")]
        for row in rows:
            auto = all(f"{table.key}.{row.id}.{c.id}" in computed for c in columns)
            lines.append(_row(f"`{row.id}`", row.name, "总计，由程序计算" if auto else ""))
        lines += ["", "列：", "", _row("列", "法定栏目", "说明"), _row("---", "---", "---")]
        for column in columns:
            auto = all(f"{table.key}.{r.id}.{column.id}" in computed for r in rows)
            lines.append(_row(f"`{column.id}`", column.name, "总计，由程序计算" if auto else ""))
    else:
        lines += [_row("键", "法定栏目", "写法"), _row("---", "---", "---")]
        for cell in table.cells():
            how = TYPE_WORDS[cell.type] + '，留空写 ""' + ("；总计，由程序计算" if cell.key in computed else "")
            name = "／".join(p for p in (cell.row.name, cell.column.name) if p)
            lines.append(_row(f"`{cell.key}`", name, how))
            if cell.column.unit_key:
                unit_key = ".".join(p for p in (table.key, cell.row.id, cell.column.unit_key) if p)
                lines.append(_row(f"`{unit_key}`", f"{name}的单位", f"文字，不填为“{cell.column.default_unit}”"))
    lines.append("")
    return lines


def _placeholders(fmt: Format) -> list[str]:
    """The names narrative text may use in {{ … }} placeholders."""
    lines = [
        "### 正文中可以引用的数字",
        "",
        "正文中可以写 `{{ 名称 }}` 代替手工输入的数字，重新生成草稿时文字会随表格更新，例如"
        "“全年共收到政府信息公开申请{{ requests.new.total }}件”。可以使用的名称：",
        "",
        "- 表格中的每一个数字，名称就是上面表格里的键，包括由程序计算的总计，"
        "如 `requests.new.total`（一、本年新收政府信息公开申请数量／总计）、`appeals.review.total`。",
    ]
    for table in fmt.tables.values():
        for node in _subtotal_nodes(table.row_tree):
            column = table.rows[0].columns[-1].id
            lines.append(
                f"- `{table.key}.{node.subtotal}.列`：{table.short_name}“{node.label}”各项之和，"
                f"如 `{table.key}.{node.subtotal}.{column}`。"
            )
    if fmt.has_fees:
        lines.append("- `fees.notices`、`fees.amount`：信息处理费的收费通知件数、收取金额（元）。")
    lines += [
        "- `report.year`、`report.agency`：报告年度、机关名称。",
        "- 同一文件夹中有本年度的任务分解表（如 `2025-任务分解表.toml`）时，“六、其他需要报告的事项”等处可以引用"
        "任务落实情况：`tasks.total`、`tasks.done`、`tasks.ongoing`、`tasks.not_started`（任务总数、已完成、推进中、未启动），"
        "`tasks.summary`（“全年8项任务已完成7项，正在推进1项。”），`tasks.unfinished`（每项未完成的任务及原因）。",
        "",
        "占位符中只能写名称，不能写计算、函数或 `{% %}` 语句。",
        "",
    ]
    return lines


def _subtotal_nodes(nodes):
    for node in nodes:
        if node.subtotal:
            yield node
        yield from _subtotal_nodes(node.children)


def format_reference(fmt: Format) -> str:
    years = f"{fmt.first_year}年及以后"
    later = [f.first_year for f in statutory.formats().values() if f.first_year > fmt.first_year]
    if later:
        years = f"{fmt.first_year}—{min(later) - 1}年"
    computed = computed_keys(fmt)
    lines = [
        f"## {fmt.label}：{years}的报告",
        "",
        "### 报告信息 `[report]`",
        "",
        *_fields(FIELDS),
        "",
        "### 正文 `[text]`",
        "",
        '每段文字写在三引号 `"""` 之间，每行一段；以“（一）”等编号开头、不以句号结尾的一行排成小标题。',
        "",
        *_texts(fmt),
        "",
    ]
    for table in fmt.tables.values():
        lines += _table(table, computed)
    if fmt.has_fees:
        lines += ["### 信息处理费 `[processing_fees]`（六、其他需要报告的事项）", "", *_fields(FEE_FIELDS), ""]
    lines += _placeholders(fmt)
    return "\n".join(lines)


def reference() -> str:
    """The whole reference document, in Markdown."""
    parts = [
        "# 数据文件说明",
        "",
        "<!-- 本文件由 `python -m reportgen.workflows.reference > docs/reference.md` 生成，请勿手工修改。 -->",
        "",
        "每个机关每年一个 TOML 数据文件，如 `data/qingchuan-finance/2025.toml`。"
        "键名用英文，下表给出每个键对应的法定栏目。",
        "",
        "- 不写的数字按 0 计算。",
        '- 原报告中留空的格子写成空字符串 `""`，如 `disclosed = { natural_person = 9, commercial = "" }`：'
        "按 0 参与全部勾稽关系，草稿中印成空白（写 0 的格子印 0），check 给出一条警告列出全部留空的格子；"
        '总计写成 `""` 时由程序算出并印出算出的数，check 列出这些总计。next-year 保留留空的格子。',
        "- 表三的（三）至（六）等分项的组，原报告只印一行合计时，可以写成一行：如 2021 年版 "
        "`other = { natural_person = 4, commercial = 2 }` 表示“（六）其他处理”整组（不写 1.至 3.三项）。"
        "各项勾稽关系按这一行计算，check 提示缺少分项；草稿中这一组的名称横跨各分项的栏目，每个数字合并为一格、只印一次，"
        "不会被误读为某一分项的数字。同时写整组和分项是错误。",
        "- 数字有合理范围：表三、表四每格不超过 1,000,000，行政许可、行政处罚、行政强制不超过 100,000,000，"
        "万元金额不超过 10,000,000，超出是错误（R6）；件数必须是整数；金额超过 6 位小数给出警告。",
        "- 表三、表四的“总计”由程序计算，不必填写；如果写了（例如从已发布的报告抄来），程序会核对，不会照抄。",
        '- 数字后面需要印说明时，写成 `{ value = 22, note = "其中修订16件" }`，草稿中印成“22（其中修订16件）”。',
        "- 金额（万元、元）按填写的小数位原样印出，如 `5949.088667`。",
        "- 表格格式按报告年度自动选用：2019、2020 年度用 2019 年版，2021 年度起用 2021 年版。",
        "- 报告年度应在 2008 年到明年之间；发布日期应在报告年度结束之后，最晚不超过报告年度后第二年年底，否则是错误。",
        "- 机关名称（`report.agency`）不能为空，报告标题以它开头。",
        "- “必填”的文字部分：必填（未填时 check 给出警告，草稿显示【待填写】）。"
        "填好之前也能生成草稿，便于边写边看；发布前 check 的警告应当清零。",
        "",
    ]
    for fmt in reversed(list(statutory.formats().values())):
        parts.append(format_reference(fmt))
    parts += [
        "",
        "# 其他文档",
        "",
        "同一机关同一年度的其他政务公开文档，也是每份一个数据文件，写在同一文件夹中，文件名带年度，"
        "如 `2025-任务分解表.toml`、`2025-工作总结.toml`；文件开头的 `document` 一行说明是哪种文档"
        "（没有这一行的是年度报告）。reportgen init --document、keys --document 按种类新建文件、列出键名。",
        "",
    ]
    for kind in kinds.kinds().values():
        if not kind.statutory:
            parts.append(kind_reference(kind))
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(reference(), end="")
