"""What several commands take, declared once: typed Typer parameters (``Annotated``) with
their Chinese help, the converters that say in Chinese what is wrong with a value, and the
few steps from parameters to what the workflows take.

Modules of the pipeline are imported inside the functions that use them, so that starting
``reportgen`` costs only what the command run needs (start-up time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportgen.errors import ReportgenError, UsageError


# ------------------------------------------------------------------ converters


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise typer.BadParameter(f"“{text}”无效，应为整数。") from None


def positive(text: str) -> int:
    number = integer(text)
    if number < 1:
        raise typer.BadParameter(f"“{text}”无效，应为 1 或更大的整数。")
    return number


def choice(*allowed: str):
    def check(text: str) -> str:
        if text not in allowed:
            raise typer.BadParameter(f"“{text}”无效，只能是：{'、'.join(allowed)}。")
        return text

    return check


# ------------------------------------------------------------------ parameters


def _year(required: bool, help: str):
    return Annotated[
        int if required else Optional[int],
        typer.Option("--year", "-y", metavar="年度", parser=integer, help=help, show_default=False),
    ]


Year = _year(True, "报告年度。")
YearOfFolders = _year(False, "报告年度（给出文件夹或名单时需要）。")
YearOfFormat = _year(False, "报告年度，决定使用哪个版本的表格格式（年度报告必填）。")
YearOfForms = _year(False, "报告年度（生成空白表格或按名单生成时需要）。")


Inputs = Annotated[
    list[Path],
    typer.Argument(
        metavar="文件或文件夹",
        show_default=False,
        help="数据文件或文件夹；文件夹中取文件名含年度的 .toml（如 2025.toml）。",
    ),
]
Previous = Annotated[
    Optional[Path],
    typer.Option(
        "--previous",
        metavar="文件",
        show_default=False,
        help="上一年度的数据文件，用于跨年度核对（默认自动使用同一文件夹中上一年的文件）。",
    ),
]
Roster = Annotated[
    Optional[Path],
    typer.Option(
        "--roster",
        metavar="名单",
        show_default=False,
        help="应报送单位名单（.toml 或 .csv，第一行要有“机关名称”一列，可以有“类别”一列）。",
    ),
]
Jobs = Annotated[
    Optional[int],
    typer.Option(
        "--jobs",
        "-j",
        metavar="个数",
        parser=positive,
        show_default=False,
        help="同时处理的进程数（默认等于 CPU 核数）。",
    ),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force", help="覆盖生成后被人改过的文件（先把原文件备份在它旁边，文件名加“.备份-1”，如 2025.备份-1.toml）。"
    ),
]
Templates = Annotated[
    Optional[Path],
    typer.Option(
        "--templates",
        metavar="文件夹",
        show_default=False,
        help="模板文件夹（含 report.docx 和 report.md.j2）；默认用 ./templates 或自带模板。",
    ),
]
Document = Annotated[
    Optional[str],
    typer.Option(
        "--document",
        "-d",
        metavar="种类",
        show_default=False,
        help="文档种类：“年度报告”、“任务分解表”、“工作总结”、“2008年条例年度报告”（默认年度报告）。",
    ),
]
ReportKind = Annotated[
    str,
    typer.Option(
        "--kind", metavar="类别", parser=choice("部门", "政府"), help="报告类别：部门 或 政府（默认：部门）。"
    ),
]

# build and batch
To = Annotated[
    str,
    typer.Option(
        "--to",
        metavar="种类",
        help="生成哪些文件：docx（Word）、md（Markdown）、html（门户网站网页和粘贴用的网页片段）、"
        "pdf（由 Word 草稿经 LibreOffice 生成）、xlsx（任务分解表的 Excel 表）、json（年度报告的数字和文字，"
        "供门户网站作为开放数据发布，格式见 docs/schema/）、infographic 或 图解（年度报告的图解：SVG、PNG 和"
        "附文字说明的网页片段），用逗号分隔。"
        "默认：年度报告和工作总结 docx,md；任务分解表 docx,md,xlsx。",
    ),
]
AllowErrors = Annotated[
    bool,
    typer.Option(
        "--allow-errors", help="数据有错误也生成草稿；草稿标有【数据待核】，文末列出全部问题（图解在图上标注）。"
    ),
]
Accent = Annotated[
    str,
    typer.Option(
        "--accent",
        metavar="颜色",
        parser=choice("红", "蓝", "red", "blue"),
        help="图解的主色：红 或 蓝，与门户网站的主色一致（默认：红）。",
    ),
]
BlankZeros = Annotated[bool, typer.Option("--blank-zeros", help="表格中的 0 印成空白（默认印 0）。")]
FontPreset = Annotated[
    Optional[str],
    typer.Option(
        "--fonts",
        metavar="预设",
        parser=choice("gb2312", "windows", "noto"),
        show_default=False,
        help="字体预设：gb2312（公文字体，默认）、windows（没有 GB2312 字体的 Windows 电脑：宋体、仿宋、黑体、"
        "楷体，标题加粗）、noto（只有思源/Noto 字体的电脑）。下面的 --font-* 可再单独更换。",
    ),
]


def font(option: str, what: str):
    return Annotated[Optional[str], typer.Option(option, metavar="字体", show_default=False, help=what)]


FontTitle = font("--font-title", "标题字体（默认方正小标宋简体）。")
FontBody = font("--font-body", "正文字体（默认仿宋_GB2312）。")
FontHeading = font("--font-heading", "一级标题字体（默认黑体）。")
FontSubheading = font("--font-subheading", "二级标题字体（默认楷体_GB2312）。")
FontTable = font("--font-table", "表格字体（默认宋体）。")


# ------------------------------------------------------------------ from parameters to workflows


def document_kind(value: str | None):
    from reportgen import kinds

    if not value:
        return kinds.annual()
    kind = kinds.named(value)
    if kind is None:
        raise UsageError(f"不认识的文档种类“{value}”。可用的文档种类：{kinds.choices()}。")
    return kind


def draft_kinds(value: str) -> tuple[str, ...]:
    """--to, as the file kinds to make; () for each document kind's own."""
    from reportgen.renderers.filetypes import ALIASES, KINDS

    if not value:
        return ()
    parts = (part.strip().lower() for part in value.replace("，", ",").split(",") if part.strip())
    chosen = tuple(dict.fromkeys(ALIASES.get(part, part) for part in parts))
    if not chosen or any(k not in KINDS for k in chosen):
        called = {kind: alias for alias, kind in ALIASES.items()}  # 图解, as the README writes it
        listed = "、".join(f"{called[k]} 或 {k}" if k in called else k for k in KINDS)
        raise UsageError(f"--to 的值“{value}”无效，只能是：{listed}，可用逗号分隔。")
    return chosen


def office(kinds: tuple[str, ...]):
    """LibreOffice, when PDFs are asked for: a missing LibreOffice is said before any work."""
    from reportgen.renderers.filetypes import PDF

    if PDF not in kinds:
        return None
    from reportgen.renderers.pdf import LibreOffice

    return LibreOffice.find()


def picture_face(kinds: tuple[str, ...]) -> None:
    """A Chinese face for the 图解's PNG, when it is asked for: its absence is said before any work."""
    from reportgen.renderers.filetypes import INFOGRAPHIC

    if INFOGRAPHIC in kinds:
        from reportgen.renderers.png import require_face

        require_face()


def fonts(
    preset: str | None,
    title: str | None,
    body: str | None,
    heading: str | None,
    subheading: str | None,
    table: str | None,
):
    from reportgen.renderers.fonts import PRESETS, Fonts

    chosen = Fonts(title, body, heading, subheading, table)
    return chosen.over(PRESETS[preset]) if preset else chosen


def previous_for(files: list[Path], previous: Path | None):
    from reportgen.checks.check import AUTO

    if previous is not None and len(files) > 1:
        raise UsageError("--previous 只能和一个数据文件一起使用。")
    return AUTO if previous is None else previous


def data_files(inputs: list[Path], year: int | None) -> list[Path]:
    from reportgen.sources.file_search import collect

    if any(p.is_dir() for p in inputs) and year is None:
        raise UsageError("给出文件夹时需要用 --year 指定年度。")
    files = collect(inputs, year)
    if not files:
        raise ReportgenError(
            f"在 {'、'.join(map(str, inputs))} 中没有找到 {year} 年度的数据文件（文件名应含年度，如 {year}.toml）。"
        )
    return files


def statutory_format(year: int):
    from reportgen.formats import statutory

    try:
        return statutory.require_format(year)
    except ReportgenError as problem:
        if statutory.EARLIEST_YEAR <= year < statutory.first_statutory_year():
            raise ReportgenError(
                f"{problem}2019 年以前的年度报告（2008 年条例）请加 --document 2008年条例年度报告。"
            ) from None
        raise


def roster(path: Path | None):
    from reportgen.workflows import roster as rosters

    return rosters.load(path) if path else None


def roster_lines(units, missing, extra_files, year, unreadable=()) -> list[str]:
    """What the roster says: who never filed, who filed a file that cannot be read (filed,
    counted once: never 未报送), and files of no listed unit. ``unreadable``: (unit, file, reason)."""
    if units is None:
        return []
    lines = [
        f"名单中 {len(missing)} 个单位没有 {year} 年度的数据文件（未报送）：" + "、".join(u.agency for u in missing)
        if missing
        else f"名单中的 {len(units)} 个单位都已报送。"
    ]
    if unreadable:
        lines.append(f"{len(unreadable)} 个单位已报送，但文件无法读取（已报送，无法读取）：")
        lines += [f"  {agency}（{file}）：{why}" for agency, file, why in unreadable]
    if extra_files:
        lines.append("不在名单中的数据文件：" + "、".join(extra_files))
    return lines


def backed_up(backups) -> str:
    return "".join(f"（原文件已备份为：{b}）" for b in backups)
