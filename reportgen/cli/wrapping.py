"""Messages that fit the terminal: every line longer than the window wrapped to its width,
its indent kept (the lines it continues on indented two more), Chinese counted two columns,
no line starting with closing punctuation (``terminal.wrap``). Output to a file or a pipe is
not wrapped: a program reading it gets one message per line.

Also how a path is shown: relative to the working folder where it can be, without
``output/../``, the working folder itself called 当前文件夹, and a name with a space in
quotes, so that it cannot be read as two words. A path shown so is marked (``PATH_OPEN``,
``PATH_CLOSE``, never printed) so that wrapping never breaks it: it moves to the next line
whole, and has a line to itself when it is longer than the window.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reportgen.cli.terminal import PATH_CLOSE, PATH_OPEN, display_width, echo, plain, width, wrap

HANG = "  "  # what a wrapped line's continuation is indented by, beyond the line's own indent


def is_terminal(err: bool = False) -> bool:
    stream = sys.stderr if err else sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def fit(text: str, columns: int) -> str:
    """Each line of ``text`` wrapped to ``columns``, its indent kept."""
    out = []
    for line in text.split("\n"):
        if display_width(line) <= columns:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = line[: len(line) - len(body)]
        out += wrap(body, columns, indent + HANG, first=indent)
    return "\n".join(out)


def say(text: str = "", err: bool = False) -> None:
    """``echo``, wrapped to the window when the stream is a terminal. The other stream is
    flushed first, so that a message to standard error never lands in the middle of the
    output when both go to one file."""
    (sys.stdout if err else sys.stderr).flush()
    if text and is_terminal(err):
        text = fit(text, width() - 1)
    echo(text, err=err)
    (sys.stderr if err else sys.stdout).flush()


def shown(path: str | os.PathLike) -> str:
    """A path as a clerk reads it: relative to the working folder where it is inside it,
    normalised (no ``a/../``), 当前文件夹 for the working folder, quoted if it holds a space;
    marked as one word for ``fit`` (``echo`` drops the marks)."""
    text = str(path)
    if not text:
        return text
    try:
        absolute = Path(os.path.abspath(text))
        relative = absolute.relative_to(Path.cwd())
        text = str(relative)
    except (ValueError, OSError):  # outside the working folder: the path as given, made tidy
        text = os.path.normpath(text)
    if text == ".":
        return "当前文件夹"
    text = f"“{text}”" if any(ch.isspace() for ch in text) else text
    return PATH_OPEN + text + PATH_CLOSE


__all__ = ["HANG", "fit", "is_terminal", "plain", "say", "shown"]
