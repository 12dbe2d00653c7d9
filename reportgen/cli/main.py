"""The ``reportgen`` command line: a thin layer over the Python API.

This is the only module that knows about Typer. It parses arguments, calls the API,
prints in Chinese and chooses the exit code:

    0  no errors (warnings allowed)
    1  errors found in the data, or a file could not be read or written
    2  the command itself was used wrongly

Domain errors (``ReportgenError``) and usage errors are caught in one place,
``ReportgenGroup.main``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
import time
import unicodedata
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from typer import _click, rich_utils
from typer.core import TyperCommand, TyperGroup

from reportgen import __version__
from reportgen.workflows import aggregate
from reportgen.workflows import batch
from reportgen.workflows import build
from reportgen.workflows import nextyear
from reportgen.workflows import roster
from reportgen.workflows import scaffold
from reportgen.formats import statutory
from reportgen.checks.check import AUTO, check_file
from reportgen.errors import ReportgenError
from reportgen.draft.document import build_draft
from reportgen.checks.findings import format_file, format_finding, format_summary, to_json
from reportgen.model import KINDS
from reportgen.output.files import Manifest, safe_name, write_atomic
from reportgen.workflows.reference import format_reference
from reportgen.renderers.word import Fonts

# ------------------------------------------------------------ Chinese help text
# Typer prints its help and error frames with English words; these are its own
# constants, replaced once here so that every screen a clerk sees is Chinese.
rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
rich_utils.OPTIONS_PANEL_TITLE = "选项"
rich_utils.COMMANDS_PANEL_TITLE = "命令"
rich_utils.ERRORS_PANEL_TITLE = "错误"
rich_utils.DEFAULT_STRING = "[默认：{}]"
rich_utils.REQUIRED_LONG_STRING = "[必填]"
rich_utils.RICH_HELP = "运行 '{command_path} {help_option}' 查看帮助。"

HELP_OPTION_TEXT = "显示本帮助并退出。"


class _ChineseHelp:
    """Chinese usage line and help-option text for commands and groups."""

    def format_usage(self, ctx, formatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option


class ReportgenCommand(_ChineseHelp, TyperCommand):
    pass


class ReportgenGroup(_ChineseHelp, TyperGroup):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the CLI; the one place where errors become messages and exit codes."""
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click.exceptions.NoArgsIsHelpError as problem:
            typer.echo(problem.ctx.get_help())
            code = 2
        except _click.exceptions.UsageError as problem:
            typer.echo(usage_message(problem), err=True)
            code = 2
        except ReportgenError as problem:
            typer.echo(f"错误：{problem}", err=True)
            code = 1
        except (typer.Abort, KeyboardInterrupt):
            typer.echo("已中断。", err=True)
            code = 130
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


_NOT_ONE_OF = re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.*?)\.?$")
_NOT_INTEGER = re.compile(r"valid integer")


def usage_message(problem: _click.exceptions.UsageError) -> str:
    """A click usage error, in Chinese."""
    exceptions = _click.exceptions
    if isinstance(problem, exceptions.NoSuchOption):
        text = f"没有这个选项：{problem.option_name}。"
        if problem.possibilities:
            text += f"您是否要用 {'、'.join(sorted(problem.possibilities))}？"
    elif isinstance(problem, exceptions.MissingParameter):
        name = problem.param.get_error_hint() if problem.param else "参数"
        is_argument = getattr(problem.param, "param_type_name", "") == "argument"
        text = f"缺少{'参数' if is_argument else '选项'} {name}。"
    elif isinstance(problem, exceptions.BadParameter):
        name = problem.param.get_error_hint() if problem.param else (problem.param_hint or "参数")
        detail = problem.message.removeprefix("Value error, ")
        if match := _NOT_ONE_OF.search(detail):
            text = f"{name} 的值“{match['value']}”无效，只能是：{match['choices'].replace(chr(39), '')}。"
        elif match := _NOT_INTEGER.search(detail):
            text = f"{name} 的值无效，应为整数。"
        else:
            text = f"{name} 的值无效：{detail}"
    elif isinstance(problem, exceptions.BadOptionUsage):
        if "requires an argument" in problem.message:
            text = f"选项 {problem.option_name} 后面要写一个值。"
        else:
            text = f"选项 {problem.option_name} 的用法不对：{problem.message}"
    elif problem.message.startswith("No such command"):
        commands = "、".join(problem.ctx.command.list_commands(problem.ctx)) if problem.ctx else ""
        text = f"没有这个命令。可用的命令：{commands}。"
    else:
        text = f"用法错误：{problem.message}"
    lines = [f"错误：{text}"]
    if problem.ctx is not None:
        lines.insert(0, problem.ctx.get_usage())
        lines.append(f"运行 '{problem.ctx.command_path} --help' 查看帮助。")
    return "\n".join(lines)


# ------------------------------------------------------------------ commands

app = typer.Typer(
    cls=ReportgenGroup,
    name="reportgen",
    help="起草《政府信息公开工作年度报告》：检查数据、生成 Word 和 Markdown 草稿。",
    no_args_is_help=True,
    add_completion=False,
    options_metavar="[选项]",
    pretty_exceptions_show_locals=False,
    subcommand_metavar="命令 [参数]...",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"reportgen {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_show_version, is_eager=True, help="显示版本号并退出。"
    ),
) -> None:
    """起草《政府信息公开工作年度报告》：检查数据、生成 Word 和 Markdown 草稿。

    每个机关每年一个 TOML 数据文件，如 data/某某市财政局/2024.toml。
    """


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


FILES_ARGUMENT = typer.Argument(..., help="数据文件（.toml），可以写多个。", metavar="文件", show_default=False)


PREVIOUS_OPTION = typer.Option(
    None, "--previous", help="上一年度的数据文件，用于跨年度核对（默认自动使用同一文件夹中上一年的文件）。"
)


def _previous_for(files: List[Path], previous: Optional[Path]):
    if previous is not None and len(files) > 1:
        raise typer.BadParameter("only one file may be given with --previous", param_hint="'--previous'")
    return AUTO if previous is None else previous


INPUTS_ARGUMENT = typer.Argument(
    ..., help="数据文件或文件夹；文件夹中取文件名含年度的 .toml（如 2025.toml）。", metavar="文件或文件夹", show_default=False
)


class Progress:
    """A one-line progress bar on stderr: N/M, the agency just done, elapsed time, ETA.
    Silent when stderr is not a terminal."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, result) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        remaining = elapsed / done * (total - done) if done else 0
        filled = int(24 * done / total) if total else 24
        bar = "█" * filled + "·" * (24 - filled)
        name = (result.agency or Path(result.source).parent.name)[:14]
        line = f"\r[{bar}] {done}/{total} {name} 用时 {_clock(elapsed)} 剩余约 {_clock(remaining)}\x1b[K"
        sys.stderr.write(line + ("\n" if done == total else ""))
        sys.stderr.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    """Rows in aligned columns, counting CJK characters as two wide."""
    widths = [max(_width(str(r[i])) for r in [list(header), *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(str(c), w) for c, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(_pad(str(c), w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _load_roster(path: Optional[Path]):
    return roster.load(path) if path else None


def _inputs(inputs: List[Path], year: Optional[int]) -> List[Path]:
    if any(p.is_dir() for p in inputs) and year is None:
        raise typer.BadParameter("a folder needs --year", param_hint="'--year'")
    files = batch.collect(inputs, year)
    if not files:
        raise ReportgenError(f"在 {'、'.join(map(str, inputs))} 中没有找到 {year} 年度的数据文件（文件名应含年度，如 {year}.toml）。")
    return files


ROSTER_OPTION = typer.Option(None, "--roster", help="应报送单位名单（.toml 或 .csv），列出未报送的单位和名单外的文件。")


@app.command(cls=ReportgenCommand, options_metavar="[选项]")
def check(
    inputs: List[Path] = INPUTS_ARGUMENT,
    output: OutputFormat = typer.Option(OutputFormat.text, "--format", help="输出格式：text（文字）或 json（供程序读取）。"),
    previous: Optional[Path] = PREVIOUS_OPTION,
    year: Optional[int] = typer.Option(None, "--year", "-y", help="报告年度（给出文件夹或名单时需要）。"),
    roster_file: Optional[Path] = ROSTER_OPTION,
) -> None:
    """检查数据文件，一次列出全部问题。

    核对表格勾稽关系、必填项、键名和数值类型、与上年报告的衔接、公开期限和内容雷同。
    没有错误时退出码为 0（可以有警告），有错误或名单中有单位未报送时为 1，用法错误为 2。
    """
    if roster_file is not None and year is None:
        raise typer.BadParameter("--roster needs --year", param_hint="'--year'")
    units = _load_roster(roster_file)
    files = _inputs(inputs, year)
    wanted = _previous_for(files, previous)
    results = [check_file(path, previous=wanted) for path in files]
    pairs = [(str(r.path), r.findings) for r in results]
    missing, extra_files = [], []
    if units is not None:
        missing, extra_files = roster.compare(
            units, ((r.report.agency if r.report else "", str(r.path)) for r in results))
    if output is OutputFormat.json:
        extra = [
            {
                "deadline": r.deadline.isoformat() if r.deadline else None,
                "previous": str(r.previous.path) if r.previous else None,
            }
            for r in results
        ]
        document = json.loads(to_json(pairs, extra))
        if units is not None:
            document["missing"] = [u.agency for u in missing]
            document["extra"] = extra_files
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for result in results:
            typer.echo(format_file(str(result.path), result.findings, result.notes()))
            typer.echo()
        typer.echo(format_summary(pairs))
        _print_roster(units, missing, extra_files, year)
    raise typer.Exit(1 if any(not r.ok for r in results) or missing else 0)


def _print_roster(units, missing, extra_files, year) -> None:
    if units is None:
        return
    if missing:
        typer.echo(f"名单中 {len(missing)} 个单位没有 {year} 年度的数据文件（未报送）：" + "、".join(u.agency for u in missing))
    else:
        typer.echo(f"名单中的 {len(units)} 个单位都已报送。")
    if extra_files:
        typer.echo("不在名单中的数据文件：" + "、".join(extra_files))


def _kinds(value: str) -> tuple[str, ...]:
    kinds = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [k for k in kinds if k not in build.KINDS]
    if unknown or not kinds:
        raise typer.BadParameter(f"'{value}' is not one of 'docx', 'md'", param_hint="'--to'")
    return kinds


# Options build and batch share, declared once.
TO_OPTION = typer.Option("docx,md", "--to", help="生成哪些草稿：docx、md，用逗号分隔。")
ALLOW_ERRORS_OPTION = typer.Option(
    False, "--allow-errors", help="数据有错误也生成草稿；草稿标有【数据待核】，文末列出全部问题。"
)
BLANK_ZEROS_OPTION = typer.Option(False, "--blank-zeros", help="表格中的 0 印成空白（默认印 0）。")
TEMPLATES_OPTION = typer.Option(
    None, "--templates", help="模板文件夹（含 report.docx 和 report.md.j2）；默认用 ./templates 或自带模板。"
)
FORCE_OPTION = typer.Option(
    False, "--force", help="覆盖生成后被人改过的文件（先把原文件备份为“文件名.备份-1.docx”）。"
)
FONT_TITLE = typer.Option(None, "--font-title", help="标题字体（默认 方正小标宋简体）。")
FONT_BODY = typer.Option(None, "--font-body", help="正文字体（默认 仿宋_GB2312）。")
FONT_HEADING = typer.Option(None, "--font-heading", help="一级标题字体（默认 黑体）。")
FONT_SUBHEADING = typer.Option(None, "--font-subheading", help="二级标题字体（默认 楷体_GB2312）。")
FONT_TABLE = typer.Option(None, "--font-table", help="表格字体（默认 宋体）。")


@app.command("build", cls=ReportgenCommand, options_metavar="[选项]")
def build_command(
    files: List[Path] = FILES_ARGUMENT,
    out_dir: Path = typer.Option(Path("output"), "--output", "-o", help="草稿写到这个文件夹。"),
    to: str = TO_OPTION,
    allow_errors: bool = ALLOW_ERRORS_OPTION,
    blank_zeros: bool = BLANK_ZEROS_OPTION,
    templates_dir: Optional[Path] = TEMPLATES_OPTION,
    font_title: Optional[str] = FONT_TITLE,
    font_body: Optional[str] = FONT_BODY,
    font_heading: Optional[str] = FONT_HEADING,
    font_subheading: Optional[str] = FONT_SUBHEADING,
    font_table: Optional[str] = FONT_TABLE,
    previous: Optional[Path] = PREVIOUS_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """生成 Word（.docx）和 Markdown（.md）草稿。

    先检查数据；有错误时不生成（退出码 1），除非使用 --allow-errors。
    文件名由机关名称和年度组成，写在输出文件夹中。
    """
    kinds = _kinds(to)
    wanted = _previous_for(files, previous)
    fonts = Fonts(font_title, font_body, font_heading, font_subheading, font_table)
    renderers = build.Renderers.prepare(templates_dir, fonts)
    failed = 0
    written: dict[Path, Path] = {}
    manifest = Manifest(out_dir)
    for source in files:
        result = build.build_file(
            source, out_dir, renderers, kinds=kinds, allow_errors=allow_errors, blank_zeros=blank_zeros,
            taken=written, previous=wanted, force=force, manifest=manifest,
        )
        typer.echo(format_file(str(source), result.check.findings, result.check.notes()))
        if result.built:
            typer.echo("  已生成：" + "、".join(str(p) for p in result.outputs))
            for backup in result.backups:
                typer.echo(f"  原文件已备份为：{backup}")
            if result.check.errors:
                typer.echo("  注意：数据有错误，草稿已标注【数据待核】，文末列出了全部问题。")
        else:
            failed += 1
            typer.echo(f"  未生成：{result.reason}")
        typer.echo()
    built_count = len(files) - failed
    typer.echo(f"共 {len(files)} 个数据文件：生成 {built_count} 份草稿，{failed} 个未生成。草稿在 {out_dir}。")
    raise typer.Exit(1 if failed else 0)



@app.command("batch", cls=ReportgenCommand, options_metavar="[选项]")
def batch_command(
    inputs: List[Path] = INPUTS_ARGUMENT,
    year: int = typer.Option(..., "--year", "-y", help="报告年度。"),
    out_dir: Path = typer.Option(Path("output"), "--output", "-o", help="草稿和汇总清单写到这个文件夹。"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="同时处理的进程数（默认等于 CPU 核数）。", min=1),
    roster_file: Optional[Path] = ROSTER_OPTION,
    to: str = TO_OPTION,
    allow_errors: bool = ALLOW_ERRORS_OPTION,
    blank_zeros: bool = BLANK_ZEROS_OPTION,
    templates_dir: Optional[Path] = TEMPLATES_OPTION,
    force: bool = FORCE_OPTION,
    font_title: Optional[str] = FONT_TITLE,
    font_body: Optional[str] = FONT_BODY,
    font_heading: Optional[str] = FONT_HEADING,
    font_subheading: Optional[str] = FONT_SUBHEADING,
    font_table: Optional[str] = FONT_TABLE,
) -> None:
    """批量生成一个年度全部单位的草稿，最后列出每个单位的结果。

    一个单位出错不影响其他单位。结果同时写入输出文件夹中的 summary.json 和 summary.csv。
    全部成功（且名单中的单位都已报送）时退出码为 0，否则为 1。
    """
    fonts = Fonts(font_title, font_body, font_heading, font_subheading, font_table)
    options = batch.Options(_kinds(to), allow_errors, blank_zeros, force, templates_dir, fonts)
    build.Renderers.prepare(templates_dir, fonts)  # a broken template fails here, once, not per agency
    units = _load_roster(roster_file)
    files = _inputs(inputs, year)
    typer.echo(f"共 {len(files)} 个 {year} 年度的数据文件，开始生成……", err=True)
    outcome = batch.run(files, out_dir, year, options, jobs, units, Progress())
    json_path, csv_path = batch.write_summaries(outcome, out_dir)
    rows = batch.summary_rows(outcome)
    shown = rows if len(rows) <= 60 else [r for r in rows if r[2] not in batch.STATUSES_OK]
    if shown:
        drafts = lambda row: "、".join(Path(o).suffix.lstrip(".") for o in row[5].split("；") if o)  # noqa: E731
        typer.echo(format_table(batch.SUMMARY_COLUMNS[:6], [[*r[:5], drafts(r)] for r in shown]))
        for row in shown:
            if row[6] and row[2] not in batch.STATUSES_OK:
                typer.echo(f"  {row[0] or row[1]}：{row[6]}")
    if len(rows) > len(shown):
        typer.echo(f"（共 {len(rows)} 行，上面只列出未成功的；完整清单见 {csv_path}）")
    _print_roster(units, outcome.missing, outcome.extra, year)
    rate = len(outcome.results) / outcome.elapsed if outcome.elapsed else 0
    typer.echo(
        f"共 {len(outcome.results)} 个单位：成功 {len(outcome.results) - len(outcome.failed)}，"
        f"未成功 {len(outcome.failed)}"
        + (f"，未报送 {len(outcome.missing)}" if units is not None else "")
        + f"。用时 {outcome.elapsed:.1f} 秒（每秒 {rate:.0f} 份）。汇总清单：{json_path}、{csv_path}"
    )
    if outcome.interrupted:
        typer.echo("已中断：已完成的草稿都是完整的，未完成的没有写出。", err=True)
        raise typer.Exit(130)
    raise typer.Exit(0 if outcome.ok else 1)


@app.command("aggregate", cls=ReportgenCommand, options_metavar="[选项]")
def aggregate_command(
    inputs: List[Path] = INPUTS_ARGUMENT,
    year: int = typer.Option(..., "--year", "-y", help="报告年度。"),
    name: str = typer.Option(..., "--name", help="汇总单位的名称，如“某某市”。"),
    out_dir: Path = typer.Option(Path("output"), "--output", "-o", help="汇总表写到这个文件夹。"),
    templates_dir: Optional[Path] = TEMPLATES_OPTION,
    force: bool = FORCE_OPTION,
) -> None:
    """汇总多个单位的法定表格。

    逐格相加，生成汇总表（Word、Markdown）和各单位数据一览（Excel）。输入中若有汇总单位自己的报告（机关名称与 --name 相同），逐格核对它是否等于各单位之和。
    有数据错误而未计入的单位、或核对不一致时，退出码为 1。
    """
    if statutory.format_for_year(year) is None:
        raise ReportgenError(f"{year} 年度没有全国统一的报告格式（{statutory.first_statutory_year()} 年起才有）。")
    files = _inputs(inputs, year)
    result = aggregate.aggregate(files, name, year)
    if not result.members:
        raise ReportgenError("没有可以汇总的单位（每个输入文件都有错误或年度不符）。")
    renderers = build.Renderers.prepare(templates_dir)
    draft = replace(build_draft(result.total, summary=aggregate.summary_text(result)), title=aggregate.title(result))
    stem = safe_name(aggregate.title(result))
    outputs = {
        out_dir / f"{stem}.docx": renderers.render(build.DOCX, draft),
        out_dir / f"{stem}.md": renderers.render(build.MD, draft),
        out_dir / f"{safe_name(aggregate.overview_title(result))}.xlsx": aggregate.overview_xlsx(result),
    }
    for backup in Manifest(out_dir).write(outputs, force):
        typer.echo(f"原文件已备份为：{backup}")
    typer.echo(f"已汇总 {len(result.members)} 个单位：" + "、".join(r.agency for _, r in result.members))
    for path, why in result.excluded:
        typer.echo(f"  未计入：{path}：{why}")
    for line in result.warnings:
        typer.echo(f"  注意：{line}")
    if result.parent:
        path, parent = result.parent
        if result.differences:
            typer.echo(f"{parent.agency}自己的报告（{path}）与各单位之和有 {len(result.differences)} 处不一致：")
            for finding in result.differences:
                typer.echo(format_finding(finding))
        else:
            typer.echo(f"{parent.agency}自己的报告（{path}）与各单位之和逐格一致。")
    typer.echo("已生成：" + "、".join(str(p) for p in outputs))
    raise typer.Exit(0 if result.ok else 1)


@app.command(cls=ReportgenCommand, options_metavar="[选项]")
def init(
    agency: str = typer.Option(..., "--agency", help="机关名称，如“某某市财政局”。"),
    year: int = typer.Option(..., "--year", "-y", help="报告年度。"),
    kind: str = typer.Option("部门", "--kind", help="报告类别：部门 或 政府。"),
    path: Optional[Path] = typer.Option(None, "--output", "-o", help="新文件的路径（默认 data/<机关名称>/<年度>.toml）。"),
) -> None:
    """新建一个数据文件。

    全部键名都已列出并注明法定栏目，数字为 0，文字处写着【待填写】。不会覆盖已有的文件。
    """
    if kind not in KINDS:
        raise typer.BadParameter(f"'{kind}' is not one of '部门', '政府'", param_hint="'--kind'")
    fmt = statutory.format_for_year(year)
    if fmt is None:
        raise ReportgenError(f"{year} 年度没有全国统一的报告格式（{statutory.first_statutory_year()} 年起才有）。")
    target = path or Path("data") / safe_name(agency) / f"{year}.toml"
    _refuse_existing(target)
    write_atomic(target, scaffold.new_file(fmt, agency, year, kind).encode("utf-8"))
    typer.echo(f"已新建：{target}（{fmt.label}）")
    typer.echo(f"请填写数字和文字，然后运行：reportgen check {target}")


@app.command("next-year", cls=ReportgenCommand, options_metavar="[选项]")
def next_year_command(
    source: Path = typer.Argument(..., help="上一年度的数据文件，如 data/某局/2024.toml。", metavar="文件", show_default=False),
    path: Optional[Path] = typer.Option(None, "--output", "-o", help="新文件的路径（默认与上年文件同一文件夹，年度加一）。"),
) -> None:
    """由上年的数据文件生成本年的数据文件。

    上年“结转下年度继续办理”成为本年“上年结转”，现行有效件数等延续，本年发生的数字清零；
    文字保留，但每段都标上待改写；注释和键的顺序不变。不会覆盖已有的文件。
    """
    made = nextyear.next_year(source, path)
    _refuse_existing(made.path)
    write_atomic(made.path, made.text.encode("utf-8"))
    typer.echo(f"已生成 {made.report.year + 1} 年度的数据文件：{made.path}")
    if made.carried:
        typer.echo("从上年延续的数字：")
        for line in made.carried:
            typer.echo(f"  {line}")
    typer.echo("本年发生的数字（新收申请、办理结果、复议诉讼、收费等）已清零；"
               "填好前，check 会因上年结转的申请尚未办理而报告表三不平衡。")
    if made.dropped:
        typer.echo("新格式中已不存在、因而删除的键：")
        for key in made.dropped:
            typer.echo(f"  {key}")
    for note in made.notes:
        typer.echo(note)


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise ReportgenError(f"{path} 已经存在，没有覆盖。请换一个路径（-o），或先移走原文件。")


@app.command(cls=ReportgenCommand, options_metavar="[选项]")
def keys(
    year: int = typer.Option(..., "--year", "-y", help="报告年度，决定使用哪个版本的表格格式。"),
) -> None:
    """列出某一年度数据文件的全部键名，以及每个键对应的法定栏目。"""
    fmt = statutory.format_for_year(year)
    if fmt is None:
        raise ReportgenError(f"{year} 年度没有全国统一的报告格式（{statutory.first_statutory_year()} 年起才有）。")
    typer.echo(format_reference(fmt))


def run() -> None:
    """Console-script entry point."""
    app()
