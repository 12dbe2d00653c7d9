"""A finding's identity: what it is about, stated so that it survives re-publication.

An identity names the unit, the report's year, the rule and the cell (table, row, column, by
the format's key) or the text passage the finding concerns — never a file name, a line or a
row number of the result — so that two audits of the same reports give the same identities,
the HTML, PDF and Word copies of one report give the same ones, and a re-audit after the unit
re-published tells a finding still there from one fixed or new.

    identity("某局", 2025, finding)  → "某局｜2025｜R1｜requests.new.natural_person"
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from reportgen.model.findings import Finding, error
from reportgen.sources.published.drafts import said

SEPARATOR = "｜"
DRAFT = "draft"  # the rule a published draft marker breaks


def _passage(text: str) -> str:
    """A text passage as identities compare it: NFKC, no white space, no figures (a figure
    corrected inside the same sentence is the same passage), first 40 characters hashed."""
    text = re.sub(r"[\s\d,，.。]+", "", unicodedata.normalize("NFKC", text))
    return hashlib.sha1(text[:40].encode("utf-8")).hexdigest()[:10]


def where(finding: Finding) -> str:
    """What a finding concerns: its cell key, and for a text finding its passage."""
    key = finding.key or ""
    if finding.snippet:
        return f"{key or 'text'}@{_passage(finding.snippet)}"
    if key:
        return key
    return f"msg@{_passage(finding.message)}"  # a finding about the report as a whole


def identity(agency: str, year: int | str, finding: Finding) -> str:
    return SEPARATOR.join((agency, str(year), finding.code, where(finding)))


def numbered(identities: list[str]) -> list[str]:
    """Identities made unique within one report: a second finding of the same rule on the
    same cell gets “#2”, in the order the checks give them (which does not change)."""
    seen: dict[str, int] = {}
    out = []
    for one in identities:
        seen[one] = seen.get(one, 0) + 1
        out.append(one if seen[one] == 1 else f"{one}#{seen[one]}")
    return out


def draft_findings(markers: list[tuple[str, str]]) -> list[Finding]:
    """One error for a published draft: the markers reportgen puts in a draft that must not
    be published (【数据待核】, the problem list, 【待填写】, 【请按本年情况改写】)."""
    if not markers:
        return []
    first = markers[0][1]
    return [
        error(
            DRAFT,
            f"发布了未核定的草稿：原文中有草稿的标记（{said(markers)}），如“{first[:40]}”。"
            "请核定数字、写好全部内容并删除这些标记后重新发布。",
            actual=first[:16] + ("…" if len(first) > 16 else ""),
            expected="删除草稿标记",
            snippet="draft",
        )
    ]


def position(table: str, row: str, column: str, key: str, snippet: str) -> str:
    """Where a finding is, as a notice and the ledger say it: 表三 …／一、本年新收…／自然人,
    or the text passage quoted."""
    cell = "／".join(p for p in (table, row, column) if p)
    if cell:
        return cell
    if snippet and snippet != "draft":
        return f"正文：“{snippet[:30]}{'…' if len(snippet) > 30 else ''}”"
    return "全文" if not key else _KEY_NAMES.get(key.split(".")[0], key)


_KEY_NAMES = {"report": "报告信息", "text": "正文", "contact": "联系方式", "download": "下载地址"}


def copy_identity(imported, path, keys: list[str]) -> tuple[str, str]:
    """(identity, position) of a copy whose figures differ from the report audited: the
    copy's kind of file (网页, Word, PDF …, not its name) and the cells that differ."""
    kind = path.suffix.lower().lstrip(".") or "文件"
    cells = hashlib.sha1(",".join(keys).encode("utf-8")).hexdigest()[:10]
    identity = SEPARATOR.join((imported.agency, str(imported.year), "副本", f"{kind}@{cells}"))
    return identity, f"{_KINDS.get(kind, kind)}副本与所核查的一份不一致的格子"


_KINDS = {
    "html": "网页",
    "htm": "网页",
    "shtml": "网页",
    "docx": "Word ",
    "pdf": "PDF ",
    "md": "Markdown ",
    "txt": "文字",
}
