"""Reading a data file of a kind other than the annual report into a ``Document``.

The keys a file may hold come from its kind's definition (``reportgen.kinds``):

    document = "任务分解表"   the kind
    [report]                 the kind's fields (机关名称, 年度, 日期 …)
    [text]                   the text of each section of the kind's outline
    [[section]]              free-form sections (heading, text), where the kind allows them
    [figures]                the kind's figures: 2128, "" (blank), or { value, last_year, note }
    [[heading]], [[task]]    the kind's entries

As for the annual report, reading never stops at the first problem: every unknown key,
wrong type or missing field becomes a finding that names the key (and, for an entry, its
line), and whatever could be read is kept.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from decimal import Decimal

from reportgen import kinds as kind_definitions
from reportgen.model.findings import Finding, error
from reportgen.kinds import Kind
from reportgen.model import NOT_XML, Document, Heading, Stated, Task
from reportgen.formats.statutory import EARLIEST_YEAR, latest_year
from reportgen.sources.schema import TOP_KEYS, agency_problem, show
from reportgen.sources.tomlfile import array_key_lines

ORDINAL = "一二三四五六七八九十"
LIMIT = 100_000_000  # the largest plausible figure of a summary or a pre-2019 report (as rule R6)
PATH = re.compile(rf"^([{ORDINAL}]{{1,3}})(（[{ORDINAL}]{{1,3}}）)?$")
TYPE_WORDS = {
    "text": "文字（加英文双引号）",
    "year": "四位数年份",
    "date": "日期（如 2026-12-07，不加引号）",
    "int": "正整数",
    "list": '文字或文字的列表，如 ["办公室", "信息中心"]',
    "choice": "以下之一",
    "path": "标题编号，如“一”或“一（一）”",
}


def normalise_path(value: str) -> str:
    """“一(一)”, “一、（一）” and “一 （一）” are all “一（一）”."""
    return re.sub(r"[\s、.．]", "", value.replace("(", "（").replace(")", "）"))


class _Reader:
    def __init__(self, kind: Kind, text: str):
        self.kind = kind
        self.text = text
        self.findings: list[Finding] = []

    def problem(self, message: str, key: str, line: int | None = None, code: str = "type", **extra) -> None:
        """An error about a value ("type" unless said otherwise, as in ``sources.schema``)."""
        self.findings.append(error(code, message, key=key, line=line, **extra))

    def table(self, data: dict, name: str) -> dict:
        """The ``[name]`` table of a file ({} when absent, or after a finding when it is not a table)."""
        raw = data.get(name, {})
        if isinstance(raw, dict):
            return raw
        self.problem(f"[{name}] 应是一个表（以 [{name}] 一行开头）。", name)
        return {}

    def unknown(self, key: str, options, line: int | None = None, what: str = "") -> None:
        name = key.rsplit(".", 1)[-1]
        message = f"未知的键“{key}”，其中的内容没有被读取。"
        guess = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
        if guess:
            message += f"是否应为“{guess[0]}”？"
        elif owner := kind_definitions.owner_of(name, self.kind) if "." not in key else None:
            message += f'这是{owner.name}的键，本文件是{self.kind.name}（document = "{self.kind.aliases[0] if self.kind.aliases else self.kind.name}"）。'
        elif options:
            message += f"{what}可用的键：{'、'.join(options)}。"
        self.findings.append(error("unknown-key", message, key=key, line=line))

    def value(self, field, value, key: str, line: int | None = None):
        """A field's value, checked against its type (None after a finding)."""
        ok = True
        if field.type == "year":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif field.type == "date":
            ok = isinstance(value, date) and not isinstance(value, datetime)
        elif field.type == "int":
            ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        elif field.type == "list":
            if isinstance(value, str):
                value = [part for part in re.split(r"[、，,；;\n]", value)]
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            if ok:
                value = tuple(v.strip() for v in value if v.strip())
        else:
            ok = isinstance(value, str)
        if not ok:
            self.problem(
                f"“{field.label}”应为{TYPE_WORDS[field.type]}，文件中写的是 {show(value)}。",
                key,
                line,
                expected=TYPE_WORDS[field.type],
                actual=show(value),
            )
            return None
        texts = value if isinstance(value, tuple) else (value,) if isinstance(value, str) else ()
        for text in texts:
            if found := NOT_XML.search(text):
                self.problem(
                    f"“{field.label}”中有不能写入 Word 文档的控制字符 U+{ord(found.group()):04X}，请删除后重试。",
                    key,
                    line,
                    code="character",
                )
                return None
        if isinstance(value, str):
            value = value.strip()
        if field.type == "choice" and value not in field.choices:
            choices = "、".join(f"“{c}”" for c in field.choices)
            self.problem(
                f"“{field.label}”只能填 {choices}，文件中写的是 {show(value)}。",
                key,
                line,
                expected=choices,
                actual=show(value),
            )
            return None
        if field.type == "path":
            value = normalise_path(value)
            if not PATH.match(value):
                self.problem(f"“{field.label}”应为{TYPE_WORDS['path']}，文件中写的是 {show(value)}。", key, line)
                return None
        return value

    # -- the parts of a file

    def report(self, data: dict) -> dict:
        raw = self.table(data, "report")
        values: dict[str, object] = {}
        for key, value in raw.items():
            field = self.kind.field(key)
            if field is None:
                self.unknown(f"report.{key}", [f.key for f in self.kind.fields], what=f"{self.kind.name}的 [report] 中")
                continue
            read = self.value(field, value, f"report.{key}")
            if read is not None:
                values[key] = read
        for field in self.kind.fields:
            if field.required and field.key not in values and field.key not in raw:
                self.findings.append(
                    error("missing", f"缺少必填项“report.{field.key}”（{field.label}）。", key=f"report.{field.key}")
                )
        if isinstance(agency := values.get("agency"), str) and (problem := agency_problem(agency)):
            self.problem(f"“机关名称”{problem}", "report.agency")
            values.pop("agency")
        year = values.get("year")
        if isinstance(year, int):
            problem = self.kind.year_problem(year)
            if not EARLIEST_YEAR <= year <= latest_year():
                problem = f"年度 {year} 不合理：应在 {EARLIEST_YEAR} 年到 {latest_year()} 年之间。"
            if problem:
                self.findings.append(error("year", problem, key="report.year", actual=year))
                values.pop("year")
        return values

    def texts(self, data: dict) -> dict[str, str]:
        raw = self.table(data, "text")
        texts = {}
        keys = [s.key for s in self.kind.sections]
        for key, value in raw.items():
            if key not in keys:
                self.unknown(f"text.{key}", keys, what=f"{self.kind.name}的 [text] 中")
                continue
            section = self.kind.section(key)
            assert section is not None  # key is one of the kind's sections' keys
            read = self.value(_text_field(section.title(0) or key), value, f"text.{key}")
            if read is not None:
                texts[key] = read
        return texts

    def sections(self, data: dict) -> tuple[tuple[str, str], ...]:
        raw = data.get("section", [])
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            self.problem("自拟的部分应写成 [[section]]，每个下面有 heading 和 text。", "section")
            return ()
        lines = array_key_lines(self.text, "section")
        found = []
        for number, entry in enumerate(raw, 1):
            at = lines[number - 1] if number <= len(lines) else {}
            for key in entry:
                if key not in ("heading", "text"):
                    self.unknown(f"section[{number}].{key}", ["heading", "text"], at.get(key, at.get("")))
            heading = self.value(
                _text_field("标题"), entry.get("heading", ""), f"section[{number}].heading", at.get("heading")
            )
            text = self.value(_text_field("正文"), entry.get("text", ""), f"section[{number}].text", at.get("text"))
            if heading == "":
                self.findings.append(
                    error(
                        "missing",
                        f'第 {number} 个自拟部分（[[section]]）没有标题（heading），如 heading = "一、健全工作机制"。',
                        key=f"section[{number}].heading",
                        line=at.get(""),
                    )
                )
            elif heading is not None and text is not None:
                found.append((heading, text))
        return tuple(found)

    def figures(self, data: dict) -> dict[str, Stated]:
        raw = self.table(data, "figures")
        figures = {}
        for key, value in raw.items():
            definition = self.kind.figure(key)
            if definition is None:
                self.unknown(
                    f"figures.{key}", [f.key for f in self.kind.figures], what=f"{self.kind.name}的 [figures] 中"
                )
                continue
            parts = value if isinstance(value, dict) else {"value": value}
            for part in parts:
                if part not in ("value", "last_year", "note"):
                    self.unknown(f"figures.{key}.{part}", ["value", "last_year", "note"])
            number = self.number(definition, parts.get("value", ""), f"figures.{key}")
            last = self.number(definition, parts.get("last_year", ""), f"figures.{key}.last_year")
            note = parts.get("note", "")
            if not isinstance(note, str):
                self.problem(f"“{definition.label}”的说明应为文字。", f"figures.{key}.note")
                note = ""
            if number is not False and last is not False:
                figures[key] = Stated(number, last, note.strip())
        return figures

    def number(self, definition, value, key: str):
        """A figure's value: a number, None for "" (blank), or False after a finding."""
        if value == "":
            return None
        whole = isinstance(value, int) and not isinstance(value, bool)
        ok = (
            whole or (definition.type == "amount" and isinstance(value, Decimal) and value.is_finite())
        ) and value >= 0
        if ok and value > LIMIT:
            self.problem(
                f"“{definition.label}”{value}不合理（超过 {LIMIT:,}），请核对是否多打了数字。",
                key,
                code="R6",
                expected=f"不超过 {LIMIT:,}",
                actual=show(value),
            )
            return False
        if not ok:
            wanted = "非负整数" if definition.type == "count" else "非负数（可带小数）"
            self.problem(
                f'“{definition.label}”应为{wanted}（不知道时写 ""），文件中写的是 {show(value)}。',
                key,
                expected=wanted,
                actual=show(value),
            )
            return False
        return value

    def entries(self, data: dict, name: str) -> list[tuple[int, dict, dict[str, int]]]:
        """Each ``[[name]]`` entry read: (its position from 1, its values, its lines)."""
        entry = self.kind.entry(name)
        assert entry is not None, name  # called only for entries the kind defines
        raw = data.get(name, [])
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem(f"{entry.label}应写成 [[{name}]]，每项一段。", name)
            return []
        lines = array_key_lines(self.text, name)
        read = []
        for position, item in enumerate(raw, 1):
            at = lines[position - 1] if position <= len(lines) else {}
            values = {}
            for key, value in item.items():
                field = entry.field(key)
                where = f"{name}[{position}].{key}"
                if field is None:
                    self.unknown(
                        where,
                        [f.key for f in entry.fields],
                        at.get(key, at.get("")),
                        what=f"{entry.label}（[[{name}]]）中",
                    )
                    continue
                value = self.value(field, value, where, at.get(key, at.get("")))
                if value is not None:
                    values[key] = value
            for field in entry.fields:
                if field.required and not values.get(field.key) and field.key not in item:
                    self.findings.append(
                        error(
                            "missing",
                            f"第 {position} 个{entry.label}缺少{field.label}（{field.key}）。",
                            key=f"{name}[{position}].{field.key}",
                            line=at.get(""),
                        )
                    )
                elif field.required and field.key in values and not values[field.key]:
                    self.findings.append(
                        error(
                            "missing",
                            f"第 {position} 个{entry.label}的{field.label}（{field.key}）是空的。",
                            key=f"{name}[{position}].{field.key}",
                            line=at.get(field.key, at.get("")),
                        )
                    )
            read.append((position, values, at))
        return read


def _text_field(label: str):
    return kind_definitions.Field("text", label, "text")


def read(data: dict, kind: Kind, source=None, text: str = "") -> tuple[Document | None, list[Finding]]:
    """Read a parsed data file of ``kind``. Returns the document (None if it lacks its
    agency or year) and the findings."""
    reader = _Reader(kind, text)
    allowed = kind.top_keys()
    for key in data:
        if key not in allowed:
            owners = kind_definitions.owners_of(key, kind)
            if not owners and key in TOP_KEYS:  # the annual report's tables
                owners = [kind_definitions.annual()]
            if owners:
                names = "或".join(o.name for o in owners)
                reader.findings.append(
                    error(
                        "other-kind",
                        f"“{key}”是{names}的内容，不能写在{kind.name}中"
                        f'（本文件的 document = "{data.get("document")}"）。请把它移到{names}的数据文件中。',
                        key=key,
                    )
                )
            else:
                reader.unknown(key, allowed, what=f"{kind.name}的数据文件中")
    fields = reader.report(data)
    texts = reader.texts(data) if kind.sections else {}
    free = reader.sections(data) if kind.free_sections and "section" in data else ()
    figures = reader.figures(data) if kind.figures else {}
    headings: tuple[Heading, ...] = ()
    tasks: tuple[Task, ...] = ()
    if kind.entry("heading"):
        headings = tuple(
            Heading(values["path"], values["title"])
            for _, values, _ in reader.entries(data, "heading")
            if "path" in values and "title" in values
        )
    if kind.entry("task"):
        tasks = _tasks(reader.entries(data, "task"))
    if not fields.get("agency") or not fields.get("year"):
        return None, reader.findings
    document = Document(kind, fields["agency"], fields["year"], fields, texts, free, figures, headings, tasks, source)
    return document, reader.findings


def _tasks(entries) -> tuple[Task, ...]:
    """Tasks in file order; a task without a number gets the one after the task before it."""
    tasks, last = [], 0
    for _position, values, lines in entries:
        number = values.get("number") or last + 1
        last = number
        tasks.append(
            Task(
                number=number,
                task=values.get("task", ""),
                heading=values.get("heading", ""),
                requirement=values.get("requirement", ""),
                lead=values.get("lead", ()),
                assist=values.get("assist", ()),
                deadline=values.get("deadline", ""),
                status=values.get("status", ""),
                progress=values.get("progress", ""),
                carried=values.get("carried", 0),
                line=lines.get(""),
                key_lines=tuple((k, v) for k, v in lines.items() if k),
            )
        )
    return tuple(tasks)
