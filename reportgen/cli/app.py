"""The ``reportgen`` Typer application. Each command lives in a module of its own beside
this one and registers itself with ``command``; ``reportgen.cli.main`` runs the app.

The help is Click's plain layout (``rich_markup_mode=None``) with a Chinese formatter
(``reportgen.cli.terminal.HelpFormatter``), set through the public ``context_class`` of
Typer's command classes. A mistyped command is answered in Chinese with the closest one.
"""

from __future__ import annotations

import difflib
import functools
import sys
from pathlib import Path
from typing import Annotated

import os

import typer
import typer.core

from reportgen import __version__
from reportgen.cli.terminal import HelpFormatter
from reportgen.errors import UsageError

SUMMARY = "起草《政府信息公开工作年度报告》：检查数据，生成 Word、Markdown、网页和 PDF 草稿，导入已发布的报告，收发 Excel 填报表。"
DESCRIPTION = (
    "每个机关每年一个 TOML 数据文件，如 data/某某市财政局/2025.toml。运行“reportgen 命令 --help”查看每个命令的用法。"
)


class Context(typer.Context):
    formatter_class = HelpFormatter


class Command(typer.core.TyperCommand):
    context_class = Context

    def collect_usage_pieces(self, ctx) -> list[str]:
        """“[选项] 文件...”: a list argument is shown with “...”, not in braces."""
        return [
            piece[1:-1] + "..." if piece.startswith("{") and piece.endswith("}") else piece
            for piece in super().collect_usage_pieces(ctx)
        ]

    def invoke(self, ctx):
        """Ctrl-C said as such (Typer turns it into a silent exit code 130)."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            print("已中断。", file=sys.stderr)
            raise


class Group(typer.core.TyperGroup):
    context_class = Context

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.commands:
            guess = difflib.get_close_matches(name, list(self.commands), n=1, cutoff=0.6)
            hint = f"您是否要用 {guess[0]}？" if guess else ""
            raise UsageError(f"没有这个命令：{name}。{hint}可用的命令：{'、'.join(self.commands)}。")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=Group,
    name="reportgen",
    help=f"{SUMMARY}\n\n{DESCRIPTION}",
    rich_markup_mode=None,
    add_completion=False,
    no_args_is_help=True,
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "show_default": False},
)


def command(name: str, summary: str, description: str = ""):
    """Register a command: its name, the one-line summary the list of commands shows, and
    the paragraphs its own help adds. A command that writes files writes them only inside
    the folder it was told to use (``WRITES_INTO``; ``reportgen.output.writing.confined``)."""
    text = summary + (f"\n\n{description.strip()}" if description.strip() else "")
    register = app.command(name, cls=Command, help=text, short_help=summary, options_metavar="[选项]")
    into = WRITES_INTO.get(name)
    if into is None:
        return register

    def confine(function):
        @functools.wraps(function)
        def confined_command(*args, **kwargs):
            from reportgen.output.writing import confined

            with confined(into(kwargs)):
                return function(*args, **kwargs)

        return register(confined_command)

    return confine


def _parent(path) -> Path:
    return Path(path).parent


# The folder each writing command was told to use: files it writes are created there or below,
# links resolved at the moment of writing (an agency subfolder linked out of it is refused).
WRITES_INTO = {
    "build": lambda given: given["output"],
    "batch": lambda given: given["output"],
    "aggregate": lambda given: given["output"],
    "form": lambda given: given["output"],
    "import": lambda given: given["output"],
    "audit": lambda given: _parent(given["output"]),
    "init": lambda given: _parent(given["output"]) if given.get("output") else Path("data"),
    "next-year": lambda given: _parent(given.get("output") or given["source"]),
    "refresh": lambda given: _parent(given["draft"]),
}


def _completion() -> None:
    """Typer's shells for Tab completion (bash, zsh, fish, PowerShell), which it registers
    with its own --install-completion; reportgen declares that option itself, with Chinese
    help, and registers them only when completion is asked for (start-up time)."""
    import typer.completion

    typer.completion.get_completion_inspect_parameters()


if "_REPORTGEN_COMPLETE" in os.environ:  # the shell asks for completions
    _completion()


def _install(ctx: typer.Context, param, value):
    _completion()
    return typer.completion.install_callback(ctx, param, value)


def _show(ctx: typer.Context, param, value):
    _completion()
    return typer.completion.show_callback(ctx, param, value)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reportgen {__version__}")
        raise typer.Exit()


@app.callback()
def _top(
    version: Annotated[
        bool, typer.Option("--version", "-V", is_eager=True, callback=_version, help="显示版本号并退出。")
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            is_eager=True,
            expose_value=False,
            callback=_install,
            help="为当前使用的命令行（bash、zsh、fish、PowerShell）安装 Tab 补全。",
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            is_eager=True,
            expose_value=False,
            callback=_show,
            help="显示 Tab 补全的脚本，以便复制或自行安装。",
        ),
    ] = False,
) -> None:
    """The options of ``reportgen`` itself, before any command."""
