"""The Markdown draft: golden cases, CommonMark rendering, escaping."""

from __future__ import annotations

import os
import re
from html import unescape

import pytest
from conftest import REPO
from markdown_it import MarkdownIt

from reportgen import check_file
from reportgen.workflows.build import Renderers, render_drafts
from reportgen.renderers.markdown import md

GOLDEN = REPO / "tests" / "golden"
CASES = sorted(GOLDEN.glob("*.toml"))


@pytest.fixture(scope="module")
def renderers():
    return Renderers.prepare()


def markdown_of(path, renderers, **options) -> str:
    result = check_file(path)
    assert result.errors == 0, [f.message for f in result.findings]
    return render_drafts(result.report, renderers, ("md",), **options)["md"].decode("utf-8")


def html_of(text: str) -> str:
    """What a CommonMark renderer with HTML enabled (as GFM) makes of a draft."""
    return MarkdownIt("commonmark", {"html": True}).render(text)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden_markdown(case, renderers):
    """Each input TOML in tests/golden sits beside the Markdown it must produce.
    Regenerate with UPDATE_GOLDEN=1 after an intended change, and review the diff."""
    produced = markdown_of(case, renderers)
    expected = case.with_suffix(".md")
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(produced, encoding="utf-8")
    assert produced == expected.read_text(encoding="utf-8")


def test_commonmark_renders_headings_paragraphs_and_merged_tables(renderers):
    html = html_of(markdown_of(GOLDEN / "small-department-2021.toml", renderers))
    assert "<h1>示例县市场监督管理局2023年政府信息公开工作年度报告</h1>" in html
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert html.count('<table border="1"') == 3  # ruling lines when shown as plain HTML
    assert (
        '<th colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>' in html
    )
    assert '<td rowspan="22">三、本年度办理结果</td>' in html
    assert "<td>22（其中修订16件）</td>" in html
    assert '<td colspan="3">5949.088667</td>' in html
    # the tables are raw HTML blocks: nothing inside them was taken for Markdown
    assert "<p><tr>" not in html and "<p><table" not in html


def test_generated_sentences_agree_with_the_tables(renderers):
    text = markdown_of(GOLDEN / "small-department-2021.toml", renderers)
    assert "共新收政府信息公开申请9件，上年结转1件；办结9件，其中予以公开4件，部分公开1件，不予公开1件，" in text
    assert "无法提供2件，不予处理0件，其他处理1件；结转下年度继续办理1件。" in text
    assert "发出收费通知1件，收取信息处理费120.50元。" in text
    assert "被申请行政复议1件" in text and "被提起行政诉讼1件，其中未经复议直接起诉0件、复议后起诉1件" in text


def test_empty_narrative_shows_a_visible_placeholder(renderers):
    text = markdown_of(GOLDEN / "small-department-2021.toml", renderers)
    assert "**【待填写：一、总体情况（五）监督保障】**" in text


def test_hostile_text_prints_faithfully(renderers):
    html = html_of(markdown_of(GOLDEN / "hostile-text-2021.toml", renderers))
    paragraphs = [unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", html, re.S)]
    for line in (
        'R&D <x> & "y" 的 *星号* 与 _下划线_，以及 `反引号` 和 [方括号](链接)。',
        "# 这一行以井号开头，不是标题。",
        "- 这一行以减号开头，不是列表。",
        "1. 这一行像编号列表。",
        "> 这一行像引用。",
    ):
        assert line in paragraphs
    assert "<h1>R&amp;D &lt;研究&gt; 中心2022年政府信息公开工作年度报告</h1>" in html
    assert '<td colspan="3">3（含&lt;变更&gt;&amp;延续）</td>' in html
    assert "<ul>" not in html and "<ol>" not in html and "<blockquote>" not in html


@pytest.mark.parametrize(
    "raw",
    ["a*b*c", "_x_", "[a](b)", "<b>", "&amp;", "`c`", "\\", "# h", "1) x", "+ y", "a|b", "~~s~~"],
)
def test_md_escaping_round_trips_through_commonmark(raw):
    rendered = html_of(str(md(raw)))
    assert unescape(re.sub(r"<[^>]+>", "", rendered)).strip() == raw
