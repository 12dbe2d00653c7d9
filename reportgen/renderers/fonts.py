"""The East Asian fonts of a Word draft's 公文 styles, as the user chose them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fonts:
    """East Asian fonts of the 公文 styles. None keeps the template's own choice."""

    title: str | None = None  # 标题，默认 方正小标宋简体
    body: str | None = None  # 正文，默认 仿宋_GB2312
    heading: str | None = None  # 一级标题，默认 黑体
    subheading: str | None = None  # 二级标题，默认 楷体_GB2312
    table: str | None = None  # 表格，默认 宋体
    page_number: str | None = None  # 页码，默认 宋体
