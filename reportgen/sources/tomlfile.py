"""Reading a data file's TOML: exact decimals, Chinese syntax errors, and the line of each key.

``tomllib`` gives neither positions nor exact amounts. This module adds both:
- floats are parsed as ``Decimal`` so that 5949.088667 stays 5949.088667;
- ``key_lines`` maps every dotted key to the line it is written on, so that findings can
  name the line;
- a ``tomllib.TOMLDecodeError`` becomes a ``TomlSyntaxError`` with a Chinese message and
  the line and column.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal

_POSITION = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_POSITION_END = re.compile(r"^(?P<what>.*) \(at end of document\)$")

# tomllib's messages, put into Chinese for the clerk; anything unknown is shown as is.
_MESSAGE_TEXTS = [
    (r"^Invalid value$", "值的写法不对（文字要加英文双引号，数字和日期不加引号）"),
    (r"^Expected '=' after a key in a key/value pair$", "键名后面缺少“=”"),
    (r"^Cannot declare (.*) twice$", r"“\1”重复出现了两次"),
    (r"^Cannot overwrite a value$", "同一个键写了两次"),
    (r"^Duplicate inline table key (.*)$", r"花括号里的键 \1 写了两次"),
    (r"^Unterminated string$", "文字缺少结尾的引号"),
    (r"^Unclosed array$", "方括号 [ ] 没有闭合"),
    (r"^Unclosed inline table$", "花括号 { } 没有闭合，或花括号内换了行"),
    (r"^Invalid date or datetime$", "日期写法不对，应写成 2024-01-20 这样"),
    (r"^Invalid statement$", "这一行不是合法的“键 = 值”"),
    (r"^Invalid initial character for a key part$", "键名只能用英文字母、数字和下划线"),
    (r"^Expected ']' at the end of a table declaration$", "表名缺少结尾的“]”"),
    (r"^Expected ']]' at the end of an array declaration$", "表名缺少结尾的“]]”"),
    (r"^Illegal character (.*)$", r"出现了不允许的字符 \1"),
    (r"^Found invalid character (.*)$", r"出现了不允许的字符 \1"),
    (r"^Unescaped '\\' in a string$", "文字中的反斜杠“\\”要写成“\\\\”，或改用单引号"),
    (r"^Expected newline or end of document after a statement$", "一行只能写一个“键 = 值”"),
]


@dataclass(frozen=True)
class TomlSyntaxError(Exception):
    """The file is not valid TOML. ``message`` is Chinese; line and column are 1-based."""

    message: str
    line: int | None
    column: int | None
    detail: str  # tomllib's own words


def parse(text: str) -> dict:
    """Parse TOML text, keeping floats as exact Decimals. Raises TomlSyntaxError (also for a
    text of a shape no data file has: ``check_shape``, before any parser sees it)."""
    check_shape(text)
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(str(error), text) from None
    except ValueError:  # a number Python will not convert (more digits than it allows)
        raise TomlSyntaxError(
            f"数字的位数太多（报告中的数字最多 {MAX_FIGURE_DIGITS} 位）", None, None, "数字过长"
        ) from None
    except RecursionError:
        raise TomlSyntaxError(
            f"花括号 {{ }} 或方括号 [ ] 嵌套的层数太多（数据文件最多只需要 {MAX_DEPTH} 层）",
            _deepest_line(text),
            None,
            "嵌套过深",
        ) from None


MAX_DEPTH = 4  # the deepest nesting a data file needs: requests.withheld… = { value = …, note = … }

# The shape of a data file, bounded as its size is (untrusted.MAX_DATA_FILE): limits no real report
# comes near (its longest key has 5 parts, its figures 12 digits, it nests 3 deep and holds a few
# hundred keys), checked by one cheap pass over the text before tomllib or tomlkit see it (both take
# time and memory that grow with the square of a key's parts or of the number of tables).
MAX_KEY_PARTS = 16
MAX_NESTING = 16
MAX_FIGURE_DIGITS = 30
MAX_STATEMENTS = 5000  # keys and table headers


def check_shape(text: str) -> None:
    """Raise TomlSyntaxError, naming the line, for a text of a shape no data file has: a key of
    more than MAX_KEY_PARTS dotted parts, brackets nested more than MAX_NESTING deep, a number of
    more than MAX_FIGURE_DIGITS digits, more than MAX_STATEMENTS keys and tables. Linear in the
    text; strings and comments are skipped."""
    shape = _Shape()
    closing = ""
    for number, line in enumerate(text.splitlines(), 1):
        start = 0
        if closing:
            end = line.find(closing)
            if end < 0:
                continue
            start, closing = end + 3, ""
        closing = shape.line(line, start, number)


class _Shape:
    def __init__(self) -> None:
        self.open: list[str] = []  # the brackets open at this point, across lines (an array spans lines)
        self.statements = 0

    def refuse(self, number: int, message: str):
        raise TomlSyntaxError(message, number, None, "形状超出限制")

    def key(self, written: str, number: int) -> None:
        parts = _count_dots(written) + 1
        if parts > MAX_KEY_PARTS:
            self.refuse(
                number,
                f"键名由 {parts} 段组成（用“.”连接），数据文件中的键名最多 {MAX_KEY_PARTS} 段，这不是一份报告的数据",
            )
        self.statements += 1
        if self.statements > MAX_STATEMENTS:
            self.refuse(number, f"文件中的键和表超过 {MAX_STATEMENTS} 个，远多于任何一份报告，没有读取")

    def line(self, line: str, start: int, number: int) -> str:
        """Scan one line; the closing delimiter of a multi-line string it leaves open."""
        stripped = line.lstrip()
        if start == 0 and not self.open and stripped.startswith("["):  # a [table] or [[array]] header
            header = stripped.lstrip("[")
            end = _header_end(header)
            self.key(header[:end], number)
            start = len(line) - len(stripped) + (len(stripped) - len(header)) + end
        expect_key = start == 0 and not self.open
        i = start
        while i < len(line):
            char = line[i]
            if char == "#":
                break
            if char in "\"'":
                i, unclosed = _past_string(line, i)
                if unclosed:
                    return unclosed
                continue
            if expect_key and not char.isspace():
                expect_key = False
                equals = _find_equals(line, i)
                if equals is not None:
                    self.key(line[i:equals], number)
                    i = equals + 1
                    continue
            if char in "[{":
                self.open.append(char)
                if len(self.open) > MAX_NESTING:
                    self.refuse(
                        number, f"花括号 {{ }} 或方括号 [ ] 嵌套的层数太多（数据文件最多只需要 {MAX_DEPTH} 层）"
                    )
                expect_key = char == "{"
            elif char in "]}":
                if self.open:
                    self.open.pop()
            elif char == "," and self.open and self.open[-1] == "{":
                expect_key = True
            elif char.isdigit():
                end = i
                while end < len(line) and (line[end].isdigit() or line[end] == "_"):
                    end += 1
                digits = end - i - line.count("_", i, end)
                if digits > MAX_FIGURE_DIGITS:
                    self.refuse(number, f"有一个 {digits} 位的数字，报告中的数字最多 {MAX_FIGURE_DIGITS} 位，请检查")
                i = end
                continue
            i += 1
        return ""


def _count_dots(written: str) -> int:
    """The dots of a key as written, outside its quoted parts."""
    count, i = 0, 0
    while i < len(written):
        if written[i] in "\"'":
            i = _skip_string(written, i)
            continue
        count += written[i] == "."
        i += 1
    return count


def _header_end(header: str) -> int:
    """Where a table header's key ends (its first "]" outside quotes)."""
    i = 0
    while i < len(header):
        if header[i] in "\"'":
            i = _skip_string(header, i)
            continue
        if header[i] == "]":
            return i
        i += 1
    return i


def _deepest_line(text: str) -> int:
    """The line where brackets first nest very deeply (for the message)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        for char in line:
            depth += char in "[{"
            depth -= char in "]}"
            if depth > 100:
                return number
    return 1


def _syntax_error(raw: str, text: str) -> TomlSyntaxError:
    line = column = None
    what = raw
    if match := _POSITION.match(raw):
        what, line, column = match["what"], int(match["line"]), int(match["column"])
    elif match := _POSITION_END.match(raw):
        what, line = match["what"], len(text.splitlines()) or 1
    written = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    said = _mistake(written, what)
    if said:
        return TomlSyntaxError(said, line, column, raw)
    for raw_pattern, chinese in _MESSAGE_TEXTS:  # compiled only when a file has an error
        pattern = re.compile(raw_pattern)
        if pattern.match(what):
            return TomlSyntaxError(pattern.sub(chinese, what), line, column, raw)
    return TomlSyntaxError(f"这一行的写法不对（{what}）", line, column, raw)


_VALUE = re.compile(r"^\s*(?P<key>[A-Za-z0-9_.\-\"']+)\s*[=＝]\s*(?P<value>.*?)\s*(#.*)?$")
_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")


def _mistake(line: str, what: str) -> str:
    """What a person most likely got wrong on the line tomllib stopped at, in Chinese ("" if
    nothing recognisable): an impossible date, Chinese quotes or equals sign, a number with
    a comma or a unit, a key written twice."""
    match = _VALUE.match(line)
    if "＝" in line.split("#")[0] and "=" not in line.split("#")[0]:
        return "键名后面要用英文等号“=”，不能用中文等号“＝”"
    if match is None:
        return ""
    key, value = match["key"], match["value"]
    if (
        value
        and value[0] in "\"'"
        and (len(value) < 2 or value[-1] != value[0])
        and not value.startswith(('"""', "'''"))
    ):
        return f"“{key}”的文字缺少结尾的英文引号 {value[0]}（引号要成对，写在同一行）"
    if value and value[0] in "“”‘’「」":
        return f'“{key}”的文字要用英文双引号 "…" 括起来，不能用中文引号“…”'
    if date := _DATE.match(value):
        year, month, day = int(date["year"]), int(date["month"]), int(date["day"])
        if not 1 <= month <= 12:
            return f"日期 {value} 不存在：月份只能是 1 到 12（写成 {year}-01-20 这样）"
        import calendar

        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"日期 {value} 不存在：{year} 年 {month} 月只有 {last} 天"
        return f"日期 {value} 的月和日要写两位数：{year}-{month:02d}-{day:02d}"
    if re.fullmatch(r"[0-9０-９][0-9０-９,，]*[,，][0-9０-９,，]*", value):
        return f"数字中不能有逗号：“{key}”要写成 {re.sub(r'[,，]', '', value)}"
    if unit := re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*[^\s0-9.\"'\[{]+", value):
        return f"数字后面不能写单位或文字：“{key} = {value}”要写成 {unit[1]}"
    if re.fullmatch(r"[０-９]+", value):
        return f"数字要用半角数字：“{key}”写成 {value.translate({0xFF10 + d: 0x30 + d for d in range(10)})}"
    if what.startswith(("Cannot overwrite a value", "Cannot declare")):
        return f"“{key}”写了两次：同一个表中每个键只能写一次，请删去多余的一行"
    return ""


# ------------------------------------------------------------------ key lines

_HEADER = re.compile(r"^\s*\[\[?(?P<key>[^\]]*)\]\]?\s*(#.*)?$")
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _split_key(text: str) -> tuple[str, ...] | None:
    """Split a dotted key (bare or quoted parts); None if it is not a key."""
    parts, rest = [], text.strip()
    while rest:
        if rest[0] in "\"'":
            end = rest.find(rest[0], 1)
            if end < 0:
                return None
            parts.append(rest[1:end])
            rest = rest[end + 1 :].lstrip()
        elif match := _BARE.match(rest):
            parts.append(match.group())
            rest = rest[match.end() :].lstrip()
        else:
            return None
        if rest.startswith("."):
            rest = rest[1:].lstrip()
        elif rest:
            return None
    return tuple(parts) or None


def _statements(text: str):
    """Each line of ``text`` outside multi-line strings, as (line number, header, keys):
    ``header`` is (key parts, is an array of tables) for a ``[table]`` or ``[[array]]`` line,
    else None; ``keys`` maps each dotted key the line assigns (relative to its table,
    inline-table keys included) to the line."""
    closing = ""  # the delimiter of a multi-line string we are inside
    for number, line in enumerate(text.splitlines(), 1):
        if closing:
            if closing in line:
                closing = ""
            continue
        header = _HEADER.match(line)
        if header and (key := _split_key(header["key"])):
            yield number, (key, line.lstrip().startswith("[[")), {}
            continue
        found: dict[str, int] = {}
        closing = _scan_line(line, (), number, found)
        yield number, None, found


def key_lines(text: str) -> dict[str, int]:
    """Map each dotted key written in ``text`` (tables, keys, inline-table keys) to its line."""
    lines: dict[str, int] = {}
    table = ""
    for number, header, found in _statements(text):
        if header:
            table = ".".join(header[0])
            lines.setdefault(table, number)
        for key, at in found.items():
            lines.setdefault(f"{table}.{key}" if table else key, at)
    return lines


def _scan_line(line: str, table: tuple[str, ...], number: int, lines: dict[str, int]) -> str:
    """Record the keys assigned on one line, including those inside inline tables.

    Returns the closing delimiter if the line opens a multi-line string it does not close.
    """
    stack: list[tuple[str, ...]] = [table]  # key prefix at each inline-table depth
    last_key: tuple[str, ...] = ()
    expect_key = True
    i = 0
    while i < len(line):
        char = line[i]
        if expect_key and not char.isspace():
            expect_key = False
            equals = _find_equals(line, i)
            if equals is not None and (key := _split_key(line[i:equals])):
                last_key = stack[-1] + key
                lines.setdefault(".".join(last_key), number)
                i = equals + 1
                continue
        if char == "#":
            break
        if char in "\"'":
            i, unclosed = _past_string(line, i)
            if unclosed:
                return unclosed
            continue
        if char == "{":
            stack.append(last_key)
            expect_key = True
        elif char == "}" and len(stack) > 1:
            stack.pop()
        elif char == "," and len(stack) > 1:
            expect_key = True
        i += 1
    return ""


def _find_equals(line: str, start: int) -> int | None:
    """Index of the '=' that ends a key starting at ``start``, skipping quoted parts."""
    i = start
    while i < len(line):
        if line[i] in "\"'":
            i = _skip_string(line, i)
            continue
        if line[i] == "=":
            return i
        if line[i] in "{}[],#":
            return None
        i += 1
    return None


def _past_string(line: str, i: int) -> tuple[int, str]:
    """Where the string starting at ``line[i]`` ends, and "" — or, for a multi-line string
    that does not close on this line, (-1, its triple quote)."""
    triple = line[i : i + 3]
    if triple in ('"""', "'''"):
        end = line.find(triple, i + 3)
        return (-1, triple) if end < 0 else (end + 3, "")
    return _skip_string(line, i), ""


def _skip_string(line: str, start: int) -> int:
    quote = line[start]
    i = start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            return i + 1
        i += 1
    return i


def array_key_lines(text: str, name: str) -> list[dict[str, int]]:
    """For each ``[[name]]`` entry of ``text``, in order: its keys and their lines, with the
    entry's own header line under "". Findings about the third task name its line."""
    entries: list[dict[str, int]] = []
    current: dict[str, int] | None = None
    for number, header, found in _statements(text):
        if header:
            current = {"": number} if header == ((name,), True) else None
            if current is not None:
                entries.append(current)
        elif current is not None:
            for key, at in found.items():
                current.setdefault(key, at)
    return entries


@dataclass(frozen=True)
class Segment:
    """A part of a data file's text: the top (before any header), or one ``[table]`` or
    ``[[array]]`` entry, from its header to the next, with the comment lines directly
    above a header counted with that header. The segments, joined, are the text."""

    name: tuple[str, ...]  # () for the top
    array: bool
    text: str


def segments(text: str) -> list[Segment]:
    lines = text.splitlines(keepends=True)
    starts = [(number - 1, header) for number, header, _ in _statements(text) if header]
    bounds = []
    for index, header in starts:
        while index > 0 and lines[index - 1].lstrip().startswith("#"):  # its comment goes with it
            index -= 1
        bounds.append((index, header))
    cuts = [0] + [index for index, _ in bounds] + [len(lines)]
    names = [((), False)] + [header for _, header in bounds]
    return [Segment(name, array, "".join(lines[start:end])) for (name, array), start, end in zip(names, cuts, cuts[1:])]
