"""What marks a published page as a draft nobody signed off: reportgen's own markers left in
it (【数据待核】… 核对无误前请勿发布, the draft's 附：数据核对问题清单, 【待填写…】 and
【请按本年情况改写…】). An audit reports each kind once, with the words as published."""

from __future__ import annotations

import re

from reportgen.sources.published.blocks import Document

_MARKERS = (  # (what it is, as the audit says it; the pattern, on the text as published)
    ("【数据待核】", re.compile(r"【数据待核】[^\n]{0,60}")),
    ("数据核对问题清单", re.compile(r"附\s*[:：]\s*数据核对问题清单")),
    ("【待填写】", re.compile(r"【待填写[^】]{0,40}】")),
    ("【请按本年情况改写】", re.compile(r"【请按本年情况改写[^】]{0,40}】")),
)


def markers(document: Document) -> list[tuple[str, str]]:
    """The draft markers a document holds: (which marker, the first passage printing it)."""
    found: dict[str, str] = {}
    for block in document.blocks:
        texts = [block] if isinstance(block, str) else [cell.text for row in block.rows for cell in row if cell.origin]
        for text in texts:
            for name, pattern in _MARKERS:
                if name not in found and (match := pattern.search(text)):
                    found[name] = match.group().strip()
    return list(found.items())


def said(found: list[tuple[str, str]]) -> str:
    """The markers in one sentence: “【数据待核】、【待填写】”."""
    return "、".join(name for name, _ in found)


__all__ = ["markers", "said"]
