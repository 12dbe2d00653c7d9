"""The ``reportgen`` command line: a thin layer over the Python API.

``main`` picks the command, parses its arguments (``reportgen.cli.parser``), runs it
(``reportgen.cli.commands``) and chooses the exit code:

    0  no errors (warnings allowed)
    1  errors found in the data, or a file could not be read or written
    2  the command itself was used wrongly
    130 interrupted (Ctrl-C)

Domain errors (``ReportgenError``) and usage errors are caught here, in one place. Only
the standard library is imported at start; each command imports what it needs when it
runs, so that ``reportgen --help`` and ``reportgen check`` start quickly.
"""

from __future__ import annotations

import sys

from reportgen import __version__
from reportgen.cli.parser import UsageError, terminal_width, wrap, pad, display_width
from reportgen.errors import ReportgenError

SUMMARY = "起草《政府信息公开工作年度报告》：检查数据，生成 Word、Markdown、网页和 PDF 草稿，导入已发布的报告，收发 Excel 填报表。"
DESCRIPTION = "每个机关每年一个 TOML 数据文件，如 data/某某市财政局/2025.toml。运行“reportgen 命令 --help”查看每个命令的用法。"


def main(argv: list[str] | None = None) -> int:
    """Run one command line; returns the exit code."""
    from reportgen.cli.commands import COMMANDS

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv or argv[0] in ("-h", "--help"):
            print(overview(COMMANDS))
            return 0 if argv else 2
        if argv[0] in ("-V", "--version"):
            print(f"reportgen {__version__}")
            return 0
        name, rest = argv[0], argv[1:]
        command = COMMANDS.get(name)
        if command is None:
            if name.startswith("-"):
                raise UsageError(f"没有这个选项：{name}。")
            raise UsageError(f"没有这个命令：{name}。可用的命令：{'、'.join(COMMANDS)}。")
        values = command.parse(rest)
        if values._help:
            print(command.help(), end="")
            return 0
        return command.run(values)
    except UsageError as problem:
        if problem.command is not None:
            print(problem.command.usage(), file=sys.stderr)
        print(f"错误：{problem}", file=sys.stderr)
        where = f"reportgen {problem.command.name}" if problem.command else "reportgen"
        print(f"运行 '{where} --help' 查看帮助。", file=sys.stderr)
        return 2
    except ReportgenError as problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a program that stopped reading (| head)
        return 1


def overview(commands: dict) -> str:
    width = terminal_width()
    lines = ["用法：reportgen [选项] 命令 [参数]...", ""]
    lines += wrap(SUMMARY, width, "  ") + wrap(DESCRIPTION, width, "  ")
    lines += ["", "命令："]
    column = max(display_width("  -V, --version"), *(display_width(f"  {name}") for name in commands)) + 2
    for name, command in commands.items():
        body = wrap(command.summary, width, " " * column)
        lines.append(pad(f"  {name}", column) + body[0].lstrip())
        lines += body[1:]
    lines += ["", "选项：", pad("  -V, --version", column) + "显示版本号并退出。", pad("  -h, --help", column) + "显示本帮助并退出。"]
    return "\n".join(lines)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
