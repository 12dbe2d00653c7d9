"""Small pieces of text every stage shares: the prompt of what is still to be written,
dates in Chinese, and agency names compared as people write them."""

from __future__ import annotations

PROMPT = "【待填写"


def placeholder(what: str) -> str:
    """The visible mark a draft prints where something is still to be filled in."""
    return f"{PROMPT}：{what}】"


DIGITS = "一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (as headings are numbered, up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else DIGITS[tens - 1] + "十"
    return head + (DIGITS[ones - 1] if ones else "")


def chinese_value(text: str) -> int:
    """一 → 1, 十二 → 12 (0 if it is not such a number)."""
    if not text or any(ch not in DIGITS + "十" for ch in text):
        return 0
    if "十" not in text:
        return DIGITS.index(text) + 1 if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) + 1 if tens else 1) * 10 + (DIGITS.index(ones) + 1 if ones else 0)


def unfilled(text: str) -> bool:
    """Empty, or still the prompt ``reportgen init`` wrote."""
    return not text.strip() or PROMPT in text


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def normalise(name: str) -> str:
    """An agency name as names are compared: without spaces, however they were typed."""
    return "".join(name.split())


def same_agency(a: str, b: str) -> bool:
    """Two names of one agency (spaces aside)."""
    return normalise(a) == normalise(b)


def missing_texts(report) -> list[tuple[str, str]]:
    """(text key, heading) of each narrative the report's format requires that it leaves
    empty (or still the prompt).

    Where the format names required themes (2021: the five parts of 一), each theme is
    required; otherwise a section needs its own text or some theme's text.
    """

    def empty(key: str) -> bool:
        return unfilled(report.text.get(key, ""))

    missing: list[tuple[str, str]] = []
    for section in report.format.sections:
        themes = [t for t in section.themes if t.applies_to(report.kind)]
        if any(t.required for t in themes):
            missing.extend((t.text, f"{section.heading}{t.heading}") for t in themes if t.required and empty(t.text))
        elif section.text and (section.required or themes):
            if empty(section.text) and all(empty(t.text) for t in themes):
                missing.append((section.text, section.heading))
    return missing
