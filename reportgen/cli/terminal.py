"""Text for a terminal: Chinese counted two columns wide, lines that fit the window (80
columns and up), no line that starts with closing punctuation, tables that fit, and a
progress bar that overwrites itself.

``HelpFormatter`` is Click's help formatter (``typer.Context.formatter_class``, the public
extension point for how help is laid out) with this wrapping, and with Click's few English
headings in Chinese.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
import unicodedata
from pathlib import Path
from typing import Protocol, runtime_checkable

import typer


@runtime_checkable
class _Reconfigurable(Protocol):
    """A text stream whose error handling can be changed (io.TextIOWrapper, and stand-ins like it)."""

    def reconfigure(self, *, errors: str) -> None: ...


# A line may not start with closing punctuation (避头), nor end with opening punctuation (避尾).
CLOSING = "，。、；：）」』”’！？》〉】…"
OPENING = "（「『“‘《〈【"
WIDEST = 100  # wider terminals get lines this long at most, which read better
# A path is marked by these two (private-use, never printed) characters around it, so that
# wrapping keeps it whole: a path broken over two lines cannot be copied and pasted.
PATH_OPEN, PATH_CLOSE = "\ue000", "\ue001"


# ------------------------------------------------------------------ consoles that cannot show Chinese

_SAMPLE = "中文报告，。"
CONSOLE_HINT = (
    "reportgen: this console cannot show Chinese (its encoding is {encoding}), so Chinese text is shown as '?'. "
    "The files reportgen writes are not affected (always UTF-8). To see the messages: on Windows run "
    "'chcp 65001' before reportgen, or set PYTHONIOENCODING=utf-8 (Windows: set PYTHONIOENCODING=utf-8; "
    "Linux/macOS: export PYTHONIOENCODING=utf-8)."
)


def shows_chinese(encoding: str | None) -> bool:
    """Whether text in this encoding can hold Chinese (None: an in-memory stream, it can)."""
    if not encoding:
        return True
    try:
        _SAMPLE.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def prepare_console() -> bool:
    """Make printing safe on any console: a stream whose encoding cannot hold a character
    (Chinese on an ASCII console, ✔ on a GBK one) shows '?' for it instead of failing, and the console is told once, in ASCII,
    how to switch to UTF-8. Returns whether the console shows Chinese."""
    unable = []
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if stream is None or not encoding:
            continue
        if not encoding.lower().replace("-", "").startswith("utf"):  # a GBK console has no ✔
            try:
                if isinstance(stream, _Reconfigurable):
                    stream.reconfigure(errors="replace")
            except (AttributeError, ValueError):
                pass
        if not shows_chinese(encoding):
            unable.append(encoding)
    if unable and sys.stderr is not None:
        print(CONSOLE_HINT.format(encoding=unable[0]), file=sys.stderr)
    return not unable


def utf8_file_names() -> None:
    """A POSIX system whose locale cannot name files in Chinese (a C locale, with Python's
    UTF-8 mode turned off): run again in UTF-8 mode, as Python itself does in a C locale,
    so that drafts get their Chinese names; the console keeps its own encoding."""
    import os

    if (
        os.name == "nt"
        or sys.flags.utf8_mode
        or shows_chinese(sys.getfilesystemencoding())
        or os.environ.get("REPORTGEN_UTF8_RERUN")
    ):
        return
    env = {**os.environ, "PYTHONUTF8": "1", "REPORTGEN_UTF8_RERUN": "1"}
    if not env.get("PYTHONIOENCODING"):  # the console keeps the encoding it had
        env["PYTHONIOENCODING"] = getattr(sys.stdout, "encoding", None) or "ascii"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def plain(text: str) -> str:
    """The text without the marks around its paths."""
    return text.replace(PATH_OPEN, "").replace(PATH_CLOSE, "")


def echo(text: str = "", err: bool = False) -> None:
    print(plain(text), file=sys.stderr if err else sys.stdout)


def width() -> int:
    """The terminal's width in columns, 40 to 100."""
    return max(40, min(shutil.get_terminal_size((80, 24)).columns, WIDEST))


def display_width(text: str) -> int:
    """Columns the text takes on a terminal: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if ch in _MARKS else 1 for ch in text)


_MARKS = PATH_OPEN + PATH_CLOSE


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - display_width(text))


def clip(text: str, columns: int) -> str:
    """The text cut to ``columns`` columns, ending in “…” if it was cut."""
    if display_width(text) <= columns:
        return text
    kept = ""
    for ch in text:
        if display_width(kept + ch) > columns - 1:
            break
        kept += ch
    return kept + "…"


_TOKENS = re.compile(
    f"{PATH_OPEN}[^{PATH_CLOSE}]*{PATH_CLOSE}[{CLOSING}]*"  # a path, and the marks closing after it
    r"|[A-Za-z0-9_./\\\-=:<>{}\[\]'\"*@%#+~]+|\s+|."
)


def wrap(text: str, columns: int, indent: str = "", first: str | None = None) -> list[str]:
    """Wrap text to ``columns`` columns. Chinese breaks between any two characters; a Latin
    word (an option) is not broken unless it is longer than a line; a marked path
    (``PATH_OPEN``…``PATH_CLOSE``) is never broken: it starts a new line where it does not fit,
    and one longer than a line has that line to itself, whole; no line starts with closing
    punctuation (what comes before it moves down with it). ``first``: the first line's
    indent, when it differs."""
    lines: list[str] = []
    head = first if first is not None else indent
    words: list[str] = []  # the current line's tokens, after its indent

    def used(tokens: list[str]) -> int:
        return display_width(head + "".join(tokens))

    for token in _TOKENS.findall(text):
        if token.isspace():
            if words and words[-1] != " ":
                words.append(" ")
            continue
        if words and used(words + [token]) > columns:
            carried: list[str] = []
            while words and words[-1] == " ":
                words.pop()
            if token[0] in CLOSING:  # closing marks go down with the character before them
                while len(words) > 1 and words[-1][0] in CLOSING:
                    carried.insert(0, words.pop())
                if len(words) > 1:
                    carried.insert(0, words.pop())
            while len(words) > 1 and words[-1][-1] in OPENING:  # an opening mark goes down with what it opens
                carried.insert(0, words.pop())
            lines.append((head + "".join(words)).rstrip())
            head, words = indent, carried
        while not words and used([token]) > columns and len(token) > 1 and token[0] != PATH_OPEN:  # cut
            cut = 1
            while used([token[: cut + 1]]) <= columns:
                cut += 1
            lines.append(head + token[:cut])
            head, token = indent, token[cut:]
        words.append(token)
    if "".join(words).strip() or (first and first.strip()):
        lines.append((head + "".join(words)).rstrip())
    return lines


def paragraphs(text: str, columns: int, indent: str = "") -> list[str]:
    """Each paragraph (blank-line separated) wrapped, with a blank line between them."""
    out: list[str] = []
    for paragraph in (" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()):
        if out:
            out.append("")
        out += wrap(paragraph, columns, indent)
    return out


def table(
    header: tuple[str, ...], rows: list[list[str]], columns: int | None = None, flexible: tuple[int, ...] = ()
) -> str:
    """Rows in aligned columns that fit ``columns`` (the terminal's width): the columns
    named in ``flexible`` are shortened (with “…”) as much as needed, last first."""
    columns = columns or width()
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    spare = columns - 1 - (sum(widths) + 2 * (len(widths) - 1))
    for index in reversed(flexible):
        if spare >= 0:
            break
        least = max(display_width(header[index]), 8)
        cut = min(widths[index] - least, -spare)
        if cut > 0:
            widths[index] -= cut
            spare += cut
    lines = [
        "  ".join(pad(clip(c, w), w) for c, w in zip(cells[0], widths)).rstrip(),
        "  ".join("─" * w for w in widths),
    ]
    lines += ["  ".join(pad(clip(c, w), w) for c, w in zip(row, widths)).rstrip() for row in cells[1:]]
    return "\n".join(lines)


class Progress:
    """A one-line progress bar on stderr: N/M, what was just done, elapsed time, ETA. It
    fits the terminal, so that each update overwrites the last. Silent when stderr is not
    a terminal."""

    def __init__(self, enabled: bool | None = None, what: str = ""):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.what = what

    def __call__(self, done: int, total: int, result=None) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        remaining = elapsed / done * (total - done) if done else 0
        filled = int(20 * done / total) if total else 20
        bar = "█" * filled + "·" * (20 - filled)
        name = (
            (getattr(result, "agency", "") or Path(getattr(result, "source", "")).parent.name)
            if result is not None
            else self.what
        )
        head = f"[{bar}] {done}/{total} "
        tail = f" 用时 {_clock(elapsed)} 剩余约 {_clock(remaining)}"
        room = width() - 1 - display_width(head + tail)
        line = head + clip(name, max(room, 0)) + tail
        sys.stderr.write("\r" + line + "\x1b[K" + ("\n" if done == total else ""))
        sys.stderr.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"


# ------------------------------------------------------------------ help


# Click's few fixed English words, as the help shows them.
_WORDS = {"Options": "选项", "Arguments": "参数", "Commands": "命令"}
_SAID = [  # the help texts say their defaults themselves
    (re.compile(r"^Show this message and exit\.$"), "显示本帮助并退出。"),
    (re.compile(r"\s*\[default: .*\]"), ""),
    (re.compile(r"\s*\[required\]"), "（必填）"),
]


# typer publishes the class its Context lays help out with only as this attribute (the class
# itself is in typer's private copy of Click), and mypy takes no base class from an attribute.
class HelpFormatter(typer.Context.formatter_class):  # type: ignore[misc, valid-type]  # see above
    """Help laid out for Chinese: CJK-aware wrapping to the terminal, no line starting with
    closing punctuation, “用法：” and Chinese section headings."""

    def __init__(self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None):
        super().__init__(indent_increment, width, max_width)
        self.width = globals()["width"]()

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        self.write(f"用法：{prog} {args}".rstrip() + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{_WORDS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in paragraphs(text, self.width, indent):
            self.write(line + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not rows:
            return
        indent = " " * self.current_indent
        column = min(max(display_width(first) for first, _ in rows) + col_spacing, col_max) + len(indent)
        for first, second in rows:
            for pattern, said in _SAID:
                second = pattern.sub(said, second)
            head = indent + first
            if display_width(head) + col_spacing <= column:
                self.write("\n".join(wrap(second, self.width, " " * column, first=pad(head, column))) + "\n")
            else:
                self.write(head + "\n")
                self.write("\n".join(wrap(second, self.width, " " * column)) + "\n")


# ------------------------------------------------------------------ Markdown, read in a terminal


def markdown(text: str, columns: int | None = None) -> str:
    """The Markdown ``reportgen keys`` writes for docs/reference.md, as it reads in a terminal:
    headings underlined, each table row as its key on one line and the rest wrapped beneath
    it, no backticks or pipes, nothing wider than the terminal."""
    columns = columns or width()
    out: list[str] = []
    header: list[str] = []
    for raw in text.splitlines():
        line = raw.replace("`", "").strip()
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            title = line.lstrip("#").strip()
            out += ["", title, ("═" if level <= 2 else "─") * min(display_width(title), columns - 1)]
            header = []
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if not header:
                header = cells
            elif not set("".join(cells)) <= set("-: "):
                out += _row(cells, header, columns)
        else:
            header = [] if not line else header
            out += wrap(line, columns) if line else [""]
    text = "\n".join(out).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def _row(cells: list[str], header: list[str], columns: int) -> list[str]:
    """One table row: the key and what it is, then what the other columns say of it
    (“必填”, not “必填：是”)."""
    said = []
    for name, value in zip(header[2:], cells[2:]):
        if value == "是":
            said.append(name)
        elif value:
            said.append(value)
    first = f"{cells[0]}  {cells[1]}" if len(cells) > 1 and cells[1] else cells[0]
    return wrap(first, columns, "      ", first="  ") + wrap("；".join(said), columns, "      ")
