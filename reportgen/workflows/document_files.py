"""``init``, ``keys`` and ``next-year`` for the document kinds other than the annual report.

All three are written from the kind's definition (``reportgen/kinds/*.toml``):

- ``new_file``: a data file with every field, section and figure of the kind, prompts where
  text is to be written and "" where figures are (one example heading and task for a task
  table);
- ``reference``: the kind's keys as Markdown tables, as ``reportgen keys`` prints them;
- ``next_year``: next year's file from this year's, edited with tomlkit so that comments and
  key order survive. A task table carries its unfinished tasks (状态 not 完成) with their
  headings; a work summary or pre-2019 report keeps its text marked for rewriting and
  keeps each figure as next year's ``last_year``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from reportgen.checks import crossyear
from reportgen.checks.check import check_file
from reportgen.model.text import unfilled
from reportgen.sources.datafile import read_text
from reportgen.model.text import chinese_number, placeholder
from reportgen.errors import InputError
from reportgen.kinds import DOCUMENT_KEY, Kind
from reportgen.model import DONE, Document
from reportgen.sources.kind_data import TYPE_WORDS, normalise_path
from reportgen.workflows.nextyear import for_review, retitle, review_note


def _short(kind: Kind) -> str:
    return kind.aliases[0] if kind.aliases else kind.name


def file_name(kind: Kind, year: int) -> str:
    return kind.file.format(year=year)


# ------------------------------------------------------------------ init


def new_file(kind: Kind, agency: str, year: int) -> str:
    """The text of a new data file of ``kind`` for one agency and year."""
    lines = [
        f"# {kind.title(agency, year)} 数据文件",
        "#",
        f"# 由 reportgen init 生成。{kind.intro}",
        "# 把【待填写】换成内容；不需要的可选项可以删掉。填好后运行 reportgen check 检查，reportgen build 生成草稿。",
        f"# 每个键的含义见 docs/reference.md，或运行 reportgen keys --document {_short(kind)}。",
        "",
        f'{DOCUMENT_KEY} = "{_short(kind)}"',
        "",
        "[report]",
    ]
    for f in kind.fields:
        value = {"agency": _quoted(agency), "year": str(year)}.get(f.key)
        if value is not None:
            lines.append(f"{f.key} = {value}    {_note(f)}")
        else:
            lines.append(f"# {f.key} = …    {_note(f)}")
    if kind.figures:
        lines += [
            "",
            '# 数字：不知道时保持 ""；要与上年（或去年同期）比较时写成 { value = 120, last_year = 100 }。',
            "[figures]",
        ]
        lines += [f'{d.key} = ""    # {d.label}（{d.unit}）' for d in kind.figures]
    if kind.sections:
        lines += ["", "# 文字：每行一段；正文中可以用 {{ 名称 }} 引用上面的数字（名称见 reportgen keys）。", "[text]"]
        for section in kind.sections:
            heading = section.title(year) or section.prompt
            lines += [
                "",
                f"# {heading}" + ("" if section.required else "（可不填）"),
                f'{section.key} = """',
                placeholder(section.prompt or heading),
                '"""',
            ]
    if kind.free_sections:
        lines += [
            "",
            "# 也可以不按上面的提纲，自拟各部分的标题：每部分一个 [[section]]（写了 [[section]]，",
            "# [text] 中只用开头和结尾两段）。",
            "# [[section]]",
            '# heading = "一、……"',
            '# text = """',
            "# ……",
            '# """',
        ]
    if kind.entry("heading"):
        lines += [
            "",
            "# 分组标题：path 是“一”或“一（一）”。",
            "[[heading]]",
            'path = "一"',
            f'title = "{placeholder("第一部分的标题")}"',
            "",
            "[[heading]]",
            'path = "一（一）"',
            f'title = "{placeholder("分组标题")}"',
        ]
    if (entry := kind.entry("task")) is not None:
        lines += ["", "# 每项任务一个 [[task]]，复制下面这一段填写。序号可以不写，按先后自动编号。", "[[task]]"]
        example = {
            "heading": '"一（一）"',
            "task": _quoted(placeholder("工作任务")),
            "requirement": _quoted(placeholder("工作要求")),
            "lead": f"[{_quoted(placeholder('牵头处室'))}]",
            "assist": "[]",
        }
        for f in entry.fields:
            if f.key in example:
                lines.append(f"{f.key} = {example[f.key]}    {_note(f)}")
            elif f.key not in ("number", "carried"):
                lines.append(f'# {f.key} = ""    {_note(f)}')
    return "\n".join(lines) + "\n"


def _note(f) -> str:
    """A field's comment in a new file: label, hint and choices."""
    return f"# {f.label}" + (f"：{f.hint}" if f.hint else "") + (f"（{'、'.join(f.choices)}）" if f.choices else "")


def _quoted(text: str) -> str:
    return tomlkit.string(text).as_string()


# ------------------------------------------------------------------ keys


def reference(kind: Kind) -> str:
    """The keys of a kind's data file, as Markdown."""
    out = [f"## {kind.name}", "", f'数据文件开头写 `{DOCUMENT_KEY} = "{_short(kind)}"`。{kind.intro}', ""]
    out += ["### 基本信息 `[report]`", "", "| 键 | 含义 | 必填 | 写法 |", "| --- | --- | --- | --- |"]
    for f in kind.fields:
        out.append(f"| `report.{f.key}` | {f.label} | {'是' if f.required else ''} | {_how(f)} |")
    if kind.sections:
        out += [
            "",
            "### 正文 `[text]`",
            "",
            "每行一段；可以用 `{{ 名称 }}` 引用下面的数字。",
            "",
            "| 键 | 位置 | 说明 |",
            "| --- | --- | --- |",
        ]
        for s in kind.sections:
            where = s.title(2026).replace("2026年", "本年").replace("2027年", "下一年") or "（开头或结尾，不加标题）"
            out.append(
                f"| `text.{s.key}` | {where} | {'必填' if s.required else ''}{'；' if s.required and s.prompt else ''}{s.prompt} |"
            )
        if kind.free_sections:
            out += [
                "",
                "也可以用 `[[section]]`（`heading`、`text`）自拟各部分，代替上面的提纲（开头、结尾两段仍写在 `[text]` 中）。",
            ]
    if kind.figures:
        out += [
            "",
            "### 数字 `[figures]`",
            "",
            '写成 `120`，不知道时写 `""`；要比较时写成 `{ value = 120, last_year = 100 }`。'
            "正文中 `{{ 名称 }}` 印出数字，`{{ yoy.名称 }}` 印出“比上年（去年同期）增长20%”。",
            "",
            "| 键 | 含义 | 单位 | 对应年度报告 |",
            "| --- | --- | --- | --- |",
        ]
        for d in kind.figures:
            out.append(f"| `figures.{d.key}` | {d.label} | {d.unit} | {'＋'.join(f'`{k}`' for k in d.annual)} |")
        out += [
            "",
            "其他可引用的名称：`report.agency`、`report.year`、`report.next_year`、`report.cutoff`（“截至2026年12月7日”）"
            + ("、`answered`（答复情况，如“同意公开3件、不予公开1件”）" if any(d.outcome for d in kind.figures) else "")
            + (
                "；同一文件夹中有本年度任务分解表时：`tasks.total`、`tasks.done`、`tasks.ongoing`、`tasks.not_started`、"
                "`tasks.summary`（“全年31项任务已完成29项……”）、`tasks.unfinished`（未完成的任务及原因）"
                if kind.sections and any(s.tasks for s in kind.sections)
                else ""
            )
            + "。",
        ]
    for entry in kind.entries:
        out += [
            "",
            f"### {entry.label} `[[{entry.name}]]`",
            "",
            "| 键 | 含义 | 必填 | 写法 |",
            "| --- | --- | --- | --- |",
        ]
        for f in entry.fields:
            out.append(f"| `{f.key}` | {f.label} | {'是' if f.required else ''} | {_how(f)} |")
    return "\n".join(out) + "\n"


def _how(f) -> str:
    """How a field is written: its hint, else its type; and its choices."""
    how = f.hint or TYPE_WORDS[f.type]
    return how + (f"（{'、'.join(f.choices)}）" if f.choices else "")


# ------------------------------------------------------------------ next-year


@dataclass
class NextDocument:
    path: Path
    text: str
    document: Document  # this year's
    notes: list[str] = field(default_factory=list)


def next_year(source: Path, target: Path | None = None) -> NextDocument:
    checked = check_file(source, previous=None)
    document = checked.report
    if not isinstance(document, Document):
        reasons = "；".join(f.message for f in checked.findings if f.is_error)
        raise InputError(f"无法读取上年文件 {source}：{reasons}")
    kind = document.format
    year = document.year + 1
    if problem := kind.year_problem(year):
        raise InputError(
            f"{source} 是 {document.year} 年度的{kind.name}；{problem}请用 reportgen init --year {year} 新建。"
        )
    doc = tomlkit.parse(read_text(source))
    result = NextDocument(target or crossyear.path_for_year(source, document.year, year), "", document)
    if checked.errors:
        result.notes.append(f"注意：上年文件有 {checked.errors} 个错误，请先核对。")
    meta = doc["report"]
    meta["year"] = year
    for key in ("date", "cutoff", "title"):
        if key in meta:
            del meta[key]
    if "basis" in meta and str(document.year) in str(meta["basis"]):
        meta["basis"] = str(meta["basis"]).replace(f"{document.year}年", f"{year}年")
        result.notes.append(f"依据改为“{meta['basis']}”，请核对文件名称。")
    if kind.next_year == "carry_unfinished":
        _carry_tasks(doc, document, result)
    else:
        _keep_texts(doc, result)
        _figures_become_last_year(doc, result)
    result.text = retitle(tomlkit.dumps(doc), document.year, year, source)
    return result


def _carry_tasks(doc, document: Document, result: NextDocument) -> None:
    """Keep the tasks not completed, marked as carried over, and the headings they use."""
    kept = tomlkit.aot()
    used: set[str] = set()  # the headings of the carried tasks, and their parents
    unstated = 0
    for old, task in zip(list(doc.get("task", [])), document.tasks):
        if task.status == DONE:
            continue
        unstated += not task.status
        used |= {task.heading, task.heading.split("（", 1)[0]}
        for key in ("number", "status", "progress"):
            if key in old:
                del old[key]
        old["carried"] = task.carried or document.year
        if task.progress:
            old["progress"] = ""
            old["progress"].comment(f"上年落实情况：{task.progress}")
        kept.append(old)
    if "task" in doc:
        del doc["task"]
    renumbered: dict[str, str] = {}
    if "heading" in doc:
        kept_headings = tomlkit.aot()
        for entry in doc["heading"]:
            if normalise_path(str(entry.get("path", ""))) in used:  # as the reader reads “一(二)”
                kept_headings.append(entry)
        del doc["heading"]
        renumbered = _renumber([normalise_path(str(entry.get("path", ""))) for entry in kept_headings])
        for entry in kept_headings:
            path = normalise_path(str(entry.get("path", "")))
            if renumbered.get(path, path) != path:
                entry["path"] = renumbered[path]
        if len(kept_headings):
            doc.append("heading", kept_headings)
    for entry in kept:
        path = normalise_path(str(entry.get("heading", "")))
        if renumbered.get(path, path) != path:
            entry["heading"] = renumbered[path]
    if len(kept):
        doc.append("task", kept)
    moved = [f"“{old}”改为“{new}”" for old, new in renumbered.items() if old != new]
    if moved:
        result.notes.append("没有结转任务的分组标题已删去，其余标题重新连续编号：" + "、".join(moved) + "。")
    done = sum(1 for t in document.tasks if t.status == DONE)
    result.notes.append(
        f"上年 {len(document.tasks)} 项任务中，已完成的 {done} 项没有结转；结转 {len(kept)} 项"
        f"（标有 carried = {document.year}，草稿中注明“{document.year}年结转”），请补充本年的任务。"
    )
    if unstated:
        result.notes.append(f"其中 {unstated} 项上年没有填写状态，也一并结转；已完成的请删去。")


def _renumber(paths: list[str]) -> dict[str, str]:
    """Heading paths numbered again without gaps, in the order they come: the kept
    “一”“三（二）” become “一”“二（一）”."""
    tops: dict[str, str] = {}
    subs: dict[str, int] = {}
    mapping = {}
    for path in paths:
        top, _, rest = path.partition("（")
        if top not in tops:
            tops[top] = chinese_number(len(tops) + 1)
        if rest:
            subs[top] = subs.get(top, 0) + 1
            mapping[path] = f"{tops[top]}（{chinese_number(subs[top])}）"
        else:
            mapping[path] = tops[top]
    return mapping


def _keep_texts(doc, result: NextDocument) -> None:
    marked = 0
    texts = doc.get("text", {})
    for key in list(texts):
        if not unfilled(str(texts[key])):
            texts[key] = for_review(str(texts[key]))
            marked += 1
    for section in doc.get("section", []):
        if not unfilled(str(section.get("text", ""))):
            section["text"] = for_review(str(section["text"]))
            marked += 1
    if marked:
        result.notes.append(review_note(marked))


def _figures_become_last_year(doc, result: NextDocument) -> None:
    figures = doc.get("figures")
    if not figures:
        return
    for key in list(figures):
        value = figures[key]
        old = value.get("value", "") if isinstance(value, dict) else value
        old = old.unwrap() if hasattr(old, "unwrap") else old  # tomlkit's item would bring its CRLF trail along
        if old == "":
            figures[key] = ""
            continue
        comment = value.trivia.comment
        fresh = tomlkit.inline_table()
        fresh.update({"value": "", "last_year": old})
        figures[key] = fresh
        if comment:
            figures[key].comment(comment)
    result.notes.append('各项数字改为 ""（待填写），上年的数字写在 last_year 中，草稿据此写出与上年的比较。')
