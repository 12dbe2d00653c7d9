"""The ``reportgen`` command line: a thin layer of Typer commands over the Python API.

``main`` runs the Typer app (``reportgen.cli.app``, its commands in the modules beside it)
and chooses the exit code, catching every error in this one place:

    0  no errors (warnings allowed)
    1  errors found in the data, or a file could not be read or written
    2  the command itself was used wrongly
    130 interrupted (Ctrl-C)

Click's usage errors (an unknown option, a missing argument, a bad value) are said in
Chinese here. Each command imports what it needs when it runs, so that ``reportgen --help``
and ``reportgen check`` start quickly.
"""

from __future__ import annotations

import difflib
import re
import sys

import typer

from reportgen.cli.app import app
from reportgen.cli.terminal import prepare_console, utf8_file_names

# The commands, in the order the help lists them.
from reportgen.cli import check, build, batch, aggregate, datafiles, published, refresh, forms, serve, doctor  # noqa: F401, E402, I001
from reportgen.errors import ReportgenError, UsageError, os_reason


def main(argv: list[str] | None = None) -> int:
    """Run one command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prepare_console()
    try:
        result = app(args=argv, prog_name="reportgen", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except UsageError as problem:
        return _usage(str(problem), argv)
    except ReportgenError as problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 1
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a program that stopped reading (| head)
        return 1
    except OSError as problem:
        if not problem.filename:
            return _crashed(problem)
        # a name the system refuses (longer than 255 bytes, …): said as every unreadable file is
        print(f"错误：无法使用 {problem.filename}：{os_reason(problem)}", file=sys.stderr)
        return 1
    except MemoryError:
        print("错误：内存不足，没有完成（输入的文件可能过大或已损坏）。", file=sys.stderr)
        return 1
    except Exception as problem:
        if type(problem).__name__ == "NoArgsIsHelpError":  # reportgen alone: the list of commands
            print(getattr(problem, "ctx", None).get_help())  # type: ignore[union-attr]  # it has one
            return 2
        message = click_usage_message(problem)
        if message is None:
            return _crashed(problem)
        return _usage(message, argv, getattr(problem, "ctx", None))


def _crashed(problem: Exception) -> int:
    """A bug in reportgen: said in Chinese, with the technical report in a file for the
    maintainers (never a traceback on the clerk's screen)."""
    import tempfile
    import time
    import traceback

    report = "".join(traceback.format_exception(problem))
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            prefix="reportgen-错误报告-",
            suffix=f"-{time.strftime('%Y%m%d-%H%M%S')}.txt",
            delete=False,
        ) as handle:
            handle.write(report)
        where = f"详细信息已写入 {handle.name}，请把这个文件发给 reportgen 的维护者。"
    except OSError:
        where = "请把执行的命令和所用的文件告诉 reportgen 的维护者。"
    print(f"错误：reportgen 程序出错，没有完成（这不是您的数据的问题）。{where}", file=sys.stderr)
    return 1


def _usage(message: str, argv: list[str], ctx=None) -> int:
    """A usage error: the command's usage line, the message, where to read more."""
    path = (
        ctx.command_path
        if ctx is not None
        else "reportgen" + (f" {argv[0]}" if argv and argv[0] in _commands() else "")
    )
    if ctx is not None:
        print(ctx.get_usage(), file=sys.stderr)
    print(f"错误：{message}", file=sys.stderr)
    print(f"运行 '{path} --help' 查看帮助。", file=sys.stderr)
    return 2


def _commands() -> list[str]:
    return [name for info in app.registered_commands if (name := info.name)]


# Click's words (typer's copy of Click 8.3: "argument(s)"; earlier Clicks: "argument", "arguments").
# tests/test_cli_usage.py fails when they change.
_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<extra>.*)\)$")


def click_usage_message(problem: Exception) -> str | None:
    """The Chinese for a usage error Click raised while reading the command line (by its
    documented exception types and their attributes), or None if it is not one."""
    if getattr(problem, "exit_code", None) != 2 or not hasattr(problem, "format_message"):
        return None
    kind = type(problem).__name__
    param = getattr(problem, "param", None)
    said = problem.format_message()
    if kind == "NoSuchOption":
        option = getattr(problem, "option_name", "")
        guess = difflib.get_close_matches(option.split("=")[0], _long_options(problem), n=1, cutoff=0.6)
        return f"没有这个选项：{option}。" + (f"您是否要用 {guess[0]}？" if guess else "")
    if kind == "MissingParameter" and param is not None:
        if param.param_type_name == "argument":
            return f"缺少参数 {param.metavar or param.name}。"
        return f"缺少选项 {_option_name(param)}。"
    if kind == "BadOptionUsage":
        option = getattr(problem, "option_name", "")
        if "requires an argument" in said:
            return f"选项 {option} 后面要写一个值。"
        if "does not take a value" in said:
            return f"选项 {option} 后面不能写值。"
        return f"选项 {option} 的用法不对。"
    if kind == "BadParameter" and param is not None:
        said_here = getattr(problem, "message", "")
        reason = said_here if re.search(r"[\u4e00-\u9fff]", said_here) else "无效。"
        return f"{_option_name(param)} 的值{reason}"
    if match := _EXTRA.match(said):
        return f"多出了参数：{match['extra']}。"
    return f"命令的写法不对：{said}"


def _option_name(param) -> str:
    if param.param_type_name == "argument":
        return param.metavar or param.name
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def _long_options(problem) -> list[str]:
    ctx = getattr(problem, "ctx", None)
    if ctx is None:
        return []
    return [o for p in ctx.command.params for o in getattr(p, "opts", ()) if o.startswith("--")]


def run() -> None:
    """Console-script entry point. Being told to stop (SIGTERM, as a closed terminal or a
    task manager does) is taken as Ctrl-C: what is running stops cleanly and says so."""
    import os
    import signal

    utf8_file_names()
    ours = os.getpid()

    def stop(signum, frame):
        if os.getpid() != ours:  # a forked worker its pool is ending: it ends as if never told otherwise
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, stop)
    sys.exit(main())
