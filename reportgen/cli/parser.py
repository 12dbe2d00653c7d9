"""Command-line parsing with Chinese help and Chinese error messages, on the standard library.

Each command is a ``Command``: its Chinese summary and description, and its arguments
declared through ``Command.add``. The arguments are handed to ``argparse`` for parsing, and
recorded here as well, so that the help screen is written from our own records (in Chinese,
wrapped to the terminal, CJK characters counted two columns wide) instead of from argparse's
English formatter.

Every usage error is raised as ``UsageError`` with a Chinese message. Most are produced
here (missing arguments, unknown options, bad values); argparse itself reports only a value
missing after an option, and ``chinese_message`` translates that one wording. A test runs
each case, so that a change of wording in a new Python release fails loudly.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from typing import Callable

HELP_TEXT = "显示本帮助并退出。"


class UsageError(Exception):
    """The command line was used wrongly (exit code 2). ``str()`` is a Chinese message."""

    def __init__(self, message: str, command: "Command | None" = None):
        super().__init__(message)
        self.command = command


class Argument:
    """One argument of a command. (Plain classes here, not dataclasses: ``reportgen --help``
    imports neither dataclasses nor argparse, so that it starts quickly.)"""

    def __init__(self, flags: tuple[str, ...], help: str, metavar: str = "", default: object = None,
                 kind: str = "value", choices: tuple[str, ...] = (), required: bool = False, dest: str = ""):
        self.flags = flags  # ("-o", "--output"), or ("文件",) for a positional argument
        self.help = help
        self.metavar = metavar
        self.default = default
        self.kind = kind  # value, flag, many (positional, one or more), int, positive (int ≥ 1), choice
        self.choices = choices
        self.required = required
        self.dest = dest

    @property
    def positional(self) -> bool:
        return not self.flags[0].startswith("-")

    @property
    def name(self) -> str:
        if self.positional:
            return self.metavar or self.flags[0]
        return next((f for f in self.flags if f.startswith("--")), self.flags[0])


class Command:
    def __init__(self, name: str, summary: str, description: str = "", run: Callable | None = None):
        self.name = name
        self.summary = summary  # one line, for the list of commands
        self.description = description  # paragraphs shown under the usage line
        self.run = run
        self.arguments: list[Argument] = []

    def add(self, *flags: str, help: str, dest: str, metavar: str = "", default=None, kind: str = "value",
            choices: tuple[str, ...] = (), required: bool = False) -> None:
        self.arguments.append(Argument(tuple(flags), help, metavar, default, kind, choices, required, dest))

    # -- parsing

    def parser(self):
        parser = _parser_class()(prog=f"reportgen {self.name}", add_help=False, allow_abbrev=False)
        parser.command = self
        for argument in self.arguments:
            if argument.positional:
                nargs = "*" if argument.kind == "many" else "?"
                parser.add_argument(argument.dest, nargs=nargs, default=argument.default)
            elif argument.kind == "flag":
                parser.add_argument(*argument.flags, dest=argument.dest, action="store_true", default=False)
            else:
                parser.add_argument(*argument.flags, dest=argument.dest, default=argument.default)
        parser.add_argument("-h", "--help", dest="_help", action="store_true", default=False)
        return parser

    def parse(self, argv: list[str]):
        values, extra = self.parser().parse_known_args(argv)
        if values._help:
            return values
        if extra:
            unknown = extra[0]
            if unknown.startswith("-"):
                known = [f for a in self.arguments for f in a.flags if f.startswith("--")]
                guess = _close(unknown.split("=")[0], known)
                hint = f"您是否要用 {guess}？" if guess else ""
                raise UsageError(f"没有这个选项：{unknown}。{hint}", self)
            raise UsageError(f"多出了参数：{' '.join(extra)}。", self)
        for argument in self.arguments:
            value = getattr(values, argument.dest)
            if argument.required and (value is None or value == []):
                what = "参数" if argument.positional else "选项"
                raise UsageError(f"缺少{what} {argument.name}。", self)
            if value is None or argument.kind == "flag":
                continue
            if argument.kind in ("int", "positive"):
                setattr(values, argument.dest, _integer(value, argument, self))
            elif argument.kind == "choice" and value not in argument.choices:
                raise UsageError(
                    f"{argument.name} 的值“{value}”无效，只能是：{'、'.join(argument.choices)}。", self)
        return values

    # -- help

    def usage(self) -> str:
        parts = [f"reportgen {self.name}"]
        if any(not a.positional for a in self.arguments):
            parts.append("[选项]")
        for argument in self.arguments:
            if argument.positional:
                shown = argument.metavar + ("..." if argument.kind == "many" else "")
                parts.append(shown if argument.required else f"[{shown}]")
        return "用法：" + " ".join(parts)

    def help(self, width: int | None = None) -> str:
        width = width or terminal_width()
        lines = [self.usage(), ""]
        for paragraph in (self.summary, *_paragraphs(self.description)):
            lines += wrap(paragraph, width, "  ")
        positionals = [a for a in self.arguments if a.positional]
        options = [a for a in self.arguments if not a.positional]
        if positionals:
            lines += ["", "参数："]
            lines += _entries([(a.metavar, _described(a)) for a in positionals], width)
        lines += ["", "选项："]
        entries = [(_flags(a), _described(a)) for a in options]
        entries.append(("-h, --help", HELP_TEXT))
        lines += _entries(entries, width)
        return "\n".join(lines) + "\n"


_PARSER: list = []


def _parser_class():
    """argparse, reporting its own few usage errors as UsageError in Chinese (made on first use)."""
    if not _PARSER:
        import argparse

        class Parser(argparse.ArgumentParser):
            command: Command | None = None

            def error(self, message: str):  # documented as the hook for subclasses
                raise UsageError(chinese_message(message), self.command)

        _PARSER.append(Parser)
    return _PARSER[0]


_EXPECTED_ONE = re.compile(r"^argument (?P<option>[^:]+): expected one argument$")


def chinese_message(message: str) -> str:
    """argparse's English usage error, in Chinese."""
    if match := _EXPECTED_ONE.match(message):
        option = match["option"].split("/")[-1]
        return f"选项 {option} 后面要写一个值。"
    return f"用法错误：{message}"


def _integer(value: str, argument: Argument, command: Command) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"{argument.name} 的值“{value}”无效，应为整数。", command) from None
    if argument.kind == "positive" and number < 1:
        raise UsageError(f"{argument.name} 的值“{value}”无效，应为 1 或更大的整数。", command)
    return number


def _close(word: str, options: list[str]) -> str:
    import difflib

    found = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return found[0] if found else ""


def _flags(argument: Argument) -> str:
    flags = ", ".join(argument.flags)
    if argument.kind != "flag":
        flags += f" {argument.metavar or '值'}"
    return flags


def _described(argument: Argument) -> str:
    text = argument.help() if callable(argument.help) else argument.help  # a callable: worked out only for help
    if argument.required and not argument.positional:
        text += "（必填）"
    elif argument.default not in (None, False, [], "") and not argument.positional:
        text += f"（默认：{argument.default}）"
    return text


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()] if text.strip() else []


# ------------------------------------------------------------------ text layout


def terminal_width() -> int:
    return max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))


def display_width(text: str) -> int:
    """Columns the text takes on a terminal: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap text to ``width`` columns. Chinese breaks between any two characters; a Latin
    word (an option, a path) is never broken, and no line starts with a closing mark."""
    tokens = re.findall(r"[A-Za-z0-9_./\-=:<>{}\[\]'\"*]+|\s+|.", text)
    lines, line = [], indent
    for token in tokens:
        if token.isspace():
            if display_width(line) > len(indent):
                line += " "
            continue
        if display_width(line + token) > width and line.strip():
            carried = ""
            if token in "，。、；：）」』”！？" and len(line.strip()) > 1:  # never start a line with it
                line, carried = line[:-1], line[-1]
            lines.append(line.rstrip())
            line = indent + carried
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _entries(entries: list[tuple[str, str]], width: int) -> list[str]:
    """Two-column entries (flags, help), the help wrapped in its own column."""
    column = min(max(display_width(flags) for flags, _ in entries) + 4, 28)
    lines = []
    for flags, text in entries:
        first = f"  {flags}"
        body = wrap(text, width, " " * column)
        if display_width(first) + 2 <= column:
            lines.append(pad(first, column) + body[0].lstrip() if body else first)
            lines += body[1:]
        else:
            lines.append(first)
            lines += body
    return lines


def format_columns(header: tuple[str, ...], rows: list[list[str]]) -> str:
    """Rows in aligned columns, counting CJK characters as two wide."""
    widths = [max(display_width(str(r[i])) for r in [list(header), *rows]) for i in range(len(header))]
    lines = ["  ".join(pad(str(c), w) for c, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(pad(str(c), w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)
