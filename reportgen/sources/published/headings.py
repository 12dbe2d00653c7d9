"""The headings of a published report: the six sections and the sub-headings of 一、总体情况,
as the format names them and as agencies publish them (“五、存在的主要问题及整改措施”,
“（一）主动公开情况。…” at the start of a paragraph, a whole body saved on one line).

A heading is recognised by its number and its name: the name as the format gives it, one of
the section's ``published_as`` headings, or close to one of them. Headings are taken in
the format's order only, so that a row of table 三 (“一、本年新收…”) is never a section.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from reportgen.formats.statutory import Format, Section, Theme
from reportgen.sources.published.blocks import normal

CLOSE = 0.8  # a name this similar to a heading's is that heading


@dataclass(frozen=True)
class Heading:
    order: int  # its place in the format: headings come in this order
    number: str  # "五" for 五、…, "（一）" for a sub-heading
    names: tuple[str, ...]  # normalised, without the number: the format's, then as published
    key: str | None  # the text key of what follows it
    section: Section
    theme: Theme | None

    @property
    def label(self) -> str:
        return self.theme.heading if self.theme else self.section.heading


_NUMBER = re.compile(r"^(?:(?P<section>[一二三四五六七八九十]{1,2})[.]|(?P<theme>（[一二三四五六七八九十]{1,2}）))")


def _split(norm: str) -> tuple[str, str]:
    """("五", "存在的主要问题及改进情况") from a normalised heading; ("", text) without a number."""
    match = _NUMBER.match(norm)
    if not match:
        return "", norm
    return match["section"] or match["theme"], norm[match.end() :]


@cache
def headings(fmt: Format) -> tuple[Heading, ...]:
    found: list[Heading] = []
    for section in fmt.sections:
        number, name = _split(normal(section.heading))
        names = [name] + [_split(normal(v))[1] for v in section.published_as]
        found.append(Heading(len(found), number, tuple(dict.fromkeys(names)), section.text or None, section, None))
        for theme in section.themes:
            number, name = _split(normal(theme.heading))
            found.append(Heading(len(found), number, (name,), theme.text, section, theme))
    return tuple(found)


def _same(name: str, heading: Heading) -> bool:
    if name in heading.names:
        return True
    bare = name.rstrip(".:;").removesuffix("情况").removesuffix("工作")
    for known in heading.names:
        if bare == known.removesuffix("情况"):
            return True
        if len(name) <= len(known) + 6 and difflib.SequenceMatcher(None, name, known).ratio() >= CLOSE:
            return True
    return False


def which(line: str, fmt: Format, after: int = -1) -> Heading | None:
    """The heading ``line`` is, among those after the ``after``-th, or None."""
    norm = normal(line)
    if not norm or len(norm) > 40:
        return None
    number, name = _split(norm)
    for heading in headings(fmt)[after + 1 :]:
        if number and number != heading.number:
            continue
        if not number and name not in heading.names:
            continue  # without its number, only a heading's very name is taken for it
        if _same(name, heading):
            return heading
    return None


_INLINE = re.compile(
    r"^\s*(?P<head>[（(]\s*[一二三四五六七八九十]{1,2}\s*[）)][^。：:；;，,\n]{2,24}?)\s*[。：:；;．.]\s*(?P<rest>\S.*)$",
    re.S,
)


def inline(paragraph: str, fmt: Format, after: int) -> tuple[Heading, str] | None:
    """A sub-heading run into its paragraph, “（一）主动公开情况。本年度…”: the heading and
    the text after it."""
    match = _INLINE.match(paragraph)
    if not match:
        return None
    heading = which(match["head"], fmt, after)
    if heading is None or heading.theme is None:
        return None
    return heading, match["rest"].strip()


_SAME = {".": "[、.．。]", "（": "[（(]", "）": "[）)]", ",": "[，,]", ":": "[：:]", ";": "[；;]", '"': '[“”"]'}


def _pattern(number: str, name: str) -> str:
    """A regular expression for a heading inside running text: its number, the first four
    characters of its name and as many of the others as follow, with any white space
    between them, and a 情况 or a stop after it."""
    if number.startswith("（"):
        head = rf"[（(]\s*{number[1:-1]}\s*[）)]"
    else:
        head = rf"{number}\s*[、.．]"
    chars = [_SAME.get(ch, re.escape(ch)) for ch in name]
    rest = ""
    for ch in reversed(chars[4:]):
        rest = rf"(?:\s*{ch}{rest})?"
    return head + r"\s*" + r"\s*".join(chars[:4]) + rest + r"(?:\s*(?:情况|工作))?\s*[。：:．]?"


@cache
def _patterns(fmt: Format) -> tuple[tuple[Heading, tuple[re.Pattern, ...]], ...]:
    return tuple(
        (heading, tuple(re.compile(_pattern(heading.number, name)) for name in heading.names))
        for heading in headings(fmt)
        if heading.number
    )


def _search(patterns: tuple[re.Pattern, ...], line: str, start: int) -> re.Match | None:
    """The earliest, then the longest, match of any of a heading's names."""
    found = [m for m in (p.search(line, start) for p in patterns) if m]
    return min(found, key=lambda m: (m.start(), -m.end()), default=None)


def split_run_on(lines: list[str], fmt: Format, longer_than: int = 120) -> list[str]:
    """Lines as a page saved as text gives them, the whole body on one line, cut before and
    after each heading found inside them, in the format's order."""
    out: list[str] = []
    after = -1
    for line in lines:
        if len(line) <= longer_than:
            heading = which(line, fmt, after)
            after = heading.order if heading is not None else after
            out.append(line)
            continue
        start = 0
        for heading, patterns in _patterns(fmt)[after + 1 :]:
            match = _search(patterns, line, start)
            if match is None:
                continue
            out += [piece for piece in (line[start : match.start()].strip(), match.group().strip()) if piece]
            start = match.end()
            after = heading.order
        if line[start:].strip():
            out.append(line[start:].strip())
    return out
