"""Page faults a clerk would fix by hand before publishing (issue 25): the 落款 stranded on
a page of its own, a division's tasks continuing on a page with no heading, a gap in the
numbering of next year's task table, an empty optional part printed as a bare heading."""

from __future__ import annotations

import re
import zipfile

import pdfplumber
import pytest
from cli_helpers import run
from conftest import ALL_EXAMPLES, DATA
from lxml import etree

from reportgen.checks.check import check_file

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SIGNED = [p for p in ALL_EXAMPLES if "任务分解表" not in p.name]


def body(word) -> etree._Element:
    with zipfile.ZipFile(word) as package:
        return etree.fromstring(package.read("word/document.xml"))


def text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("signed")
    result = run("build", *SIGNED, "-o", out, "--to", "docx,pdf")
    assert result.exit_code == 0, result.output
    return out


def test_the_signature_and_date_are_kept_with_the_last_lines_of_the_text(printed):
    words = sorted(p for p in printed.glob("*.docx"))
    assert len(words) == len(SIGNED)
    for word in words:
        paragraphs = list(body(word).iter(f"{W}p"))
        signature = next(
            i
            for i, p in enumerate(paragraphs)
            if p.find(f"{W}pPr/{W}pStyle") is not None and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Signature"
        )
        blank, last = paragraphs[signature - 1], paragraphs[signature - 2]
        for paragraph in (last, blank, paragraphs[signature]):
            assert paragraph.find(f"{W}pPr/{W}keepNext") is not None, (word.name, text(paragraph))
        assert last.find(f"{W}pPr/{W}widowControl") is not None and text(last), word.name


def test_no_signature_or_date_stands_alone_on_a_page(printed):
    for pdf in sorted(printed.glob("*.pdf")):
        with pdfplumber.open(pdf) as document:
            pages = [re.sub(r"\s", "", page.extract_text() or "") for page in document.pages]
        date = re.compile(r"20\d\d年\d{1,2}月\d{1,2}日$")
        last = next(i for i in range(len(pages) - 1, -1, -1) if date.search(re.sub(r"—\d+—", "", pages[i])))
        page = re.sub(r"—\d+—", "", pages[last])
        signature = page[: date.search(page).start()]
        assert len(signature) > 30, (pdf.name, page[-60:])  # the agency and lines of the text before the date


def test_a_division_continuing_on_the_next_page_repeats_its_heading(tmp_path):
    source = DATA / "xiamen-finance" / "2021-任务分解表.toml"
    result = run("build", source, "--by", "牵头处室", "-o", tmp_path, "--to", "docx,pdf")
    assert result.exit_code == 0, result.output
    [word] = tmp_path.glob("*.docx")
    tables = list(body(word).iter(f"{W}tbl"))
    assert len(tables) > 1  # a table each division
    for table in tables:
        rows = table.findall(f"{W}tr")
        headers = [r for r in rows if r.find(f"{W}trPr/{W}tblHeader") is not None]
        assert headers == rows[:2], "the column headers and the division's heading repeat on every page"
        assert re.search(r"（(牵头|协办)\d+项", text(rows[1]))
    with pdfplumber.open(word.with_suffix(".pdf")) as document:
        for page in document.pages:
            found = re.sub(r"\s", "", page.extract_text() or "")
            if "牵头" in found or "协办" in found:
                assert re.search(r"（(牵头|协办)\d+项", found), "a page of tasks without its division's heading"


def test_next_years_task_table_is_numbered_without_gaps(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    text = (DATA / "qingchuan-finance" / "2025-任务分解表.toml").read_text(encoding="utf-8")
    source = folder / "2025-任务分解表.toml"
    source.write_text(text, encoding="utf-8")
    document = check_file(source).report
    first_sub = next(h.path for h in document.headings if h.path != h.top)
    # every task under the first sub-heading is done: next year drops it
    done = source.read_text(encoding="utf-8")
    lines = done.splitlines()
    out, heading = [], None
    for line in lines:
        if line.startswith("heading = "):
            heading = line
        if (
            line.startswith("status = ")
            and heading
            and first_sub.replace("（", "(").replace("）", ")") in heading.replace("（", "(").replace("）", ")")
        ):
            line = 'status = "完成"'
        out.append(line)
    source.write_text("\n".join(out) + "\n", encoding="utf-8")
    assert run("next-year", source).exit_code == 0
    nxt = check_file(folder / "2026-任务分解表.toml")
    assert not [f for f in nxt.findings if f.code == "heading-gap"], [f.message for f in nxt.findings]
    subs = [h.path for h in nxt.report.headings if h.path != h.top]
    for top in {h.top for h in nxt.report.headings}:
        mine = [p for p in subs if p.startswith(top + "（")]
        assert mine == [f"{top}（{n}）" for n in "一二三四五六七八九"[: len(mine)]], subs


def test_a_gap_in_heading_numbers_is_a_warning(tmp_path):
    path = tmp_path / "2026-任务分解表.toml"
    path.write_text(
        'document = "任务分解表"\n[report]\nagency = "某局"\nyear = 2026\n'
        '[[heading]]\npath = "一"\ntitle = "甲"\n[[heading]]\npath = "一（二）"\ntitle = "乙"\n'
        '[[task]]\nheading = "一（二）"\ntask = "做一件事"\nlead = ["办公室"]\n',
        encoding="utf-8",
    )
    result = run("check", path)
    assert "分组标题“一（二）”前面没有“一（一）”" in result.output


def test_an_empty_optional_part_is_left_out(tmp_path):
    from reportgen.kinds import kinds

    kind = kinds()["annual2008"]
    optional = [s for s in kind.sections if s.heading and not s.required]
    assert optional, "the 2008 kind has optional parts"
    source = tmp_path / "2014.toml"
    assert (
        run(
            "init", "--agency", "示例县国土资源局", "--year", 2014, "--document", "2008年条例年度报告", "-o", source
        ).exit_code
        == 0
    )
    result = run("build", source, "-o", tmp_path / "out", "--to", "md")
    assert result.exit_code == 0, result.output
    [markdown] = (tmp_path / "out").glob("*.md")
    text = markdown.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("<!--")]
    for index, line in enumerate(lines):
        if line.startswith("## "):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            assert not following.startswith(("## ", "<p align")), f"“{line}” has nothing under it"
    for section in optional:
        assert section.title(2014) not in text
