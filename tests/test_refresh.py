"""`reportgen refresh` (issue 11): new figures into an edited draft, every edit kept; on real
documents, edited with python-docx and round-tripped through LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from cli_helpers import run
from conftest import DATA
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from reportgen.renderers import markers

W = markers.W


@pytest.fixture
def drafted(tmp_path):
    """The finance example built into out/, its data beside it (with last year's file)."""
    folder = tmp_path / "data"
    folder.mkdir()
    for year in ("2024", "2025"):
        shutil.copy(DATA / "qingchuan-finance" / f"{year}.toml", folder / f"{year}.toml")
    out = tmp_path / "out"
    assert run("build", folder / "2025.toml", "-o", out).exit_code == 0
    [word] = out.glob("*.docx")
    [markdown] = out.glob("*.md")
    return folder / "2025.toml", word, markdown


def change_figures(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    text = text.replace("natural_person = 23, commercial = 4", "natural_person = 24, commercial = 4", 1)
    text = text.replace("disclosed = { natural_person = 9,", "disclosed = { natural_person = 10,", 1)
    source.write_text(text, encoding="utf-8")


def edit_like_a_clerk(path: Path) -> None:
    document = docx.Document(path)
    paragraphs = document.paragraphs
    paragraphs[3].insert_paragraph_before("科长加的一段话：全年工作扎实有效。")
    overview = next(p for p in paragraphs if p.text.startswith("2025年，青川市财政局坚持"))
    overview.runs[0].text = overview.runs[0].text.replace("坚持", "始终坚持")
    doomed = next(p for p in paragraphs if p.text.startswith("围绕惠企惠民政策"))
    doomed._p.getparent().remove(doomed._p)
    document.add_comment(overview.runs, text="请核实表述", author="科长")
    document.sections[0].left_margin = Mm(30)
    document.save(path)


def body(path: Path):
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def outside_markers(root) -> str:
    """document.xml with every marked region and bookmark taken out."""
    root = etree.fromstring(etree.tostring(root))
    for region in markers.docx_regions(root).values():
        for element in region.elements():
            element.getparent().remove(element)
    for mark in list(root.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd")):
        mark.getparent().remove(mark)
    return etree.tostring(root, method="c14n").decode("utf-8")


def table_three(path: Path) -> list[list[str]]:
    return next(
        markers.table_cells(r.table) for n, r in markers.docx_regions(body(path)).items() if n == "table_requests"
    )


def test_refresh_puts_new_figures_in_and_keeps_every_edit(drafted):
    source, word, _ = drafted
    edit_like_a_clerk(word)
    edited = body(word)
    change_figures(source)
    result = run("refresh", word)
    assert result.exit_code == 0, result.output
    assert "已更新 表三：\n    一、本年新收政府信息公开申请数量／自然人：23 → 24\n" in result.output
    assert "    （一）予以公开／自然人：9 → 10\n" in result.output
    refreshed = body(word)
    text = "".join(refreshed.itertext())
    assert "科长加的一段话：全年工作扎实有效。" in text and "始终坚持" in text and "围绕惠企惠民政策" not in text
    assert "共收到政府信息公开申请31件" in text and "办结31件，其中予以公开13件" in text
    assert table_three(word)[3][1:] == ["24", "4", "0", "0", "2", "1", "31"]
    assert outside_markers(refreshed) == outside_markers(edited)
    with zipfile.ZipFile(word) as package:
        assert "word/comments.xml" in package.namelist()
        assert b'w:left="1701"' in package.read("word/document.xml")  # the clerk's margin, 30 mm
    backups = list(word.parent.glob("*.备份-1.docx"))
    assert len(backups) == 1 and body(backups[0]) is not None
    again = run("refresh", word)
    assert again.exit_code == 0 and "没有需要更新的内容" in again.output


def test_refresh_survives_a_libreoffice_round_trip(drafted, tmp_path):
    source, word, _ = drafted
    edit_like_a_clerk(word)
    profile = tmp_path / "profile"
    resaved = tmp_path / "resaved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(resaved),
            str(word),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    shutil.copy(resaved / word.name, word)
    assert {"table_requests", "lead_requests", "title", "date"} <= set(markers.docx_regions(body(word)))
    change_figures(source)
    result = run("refresh", word, source)  # the markers and their texts survived LibreOffice
    assert result.exit_code == 0, result.output
    assert table_three(word)[3][1:] == ["24", "4", "0", "0", "2", "1", "31"]
    assert "科长加的一段话" in "".join(body(word).itertext())


def test_an_edit_inside_a_marker_is_a_conflict_kept_unless_forced(drafted):
    source, word, _ = drafted
    document = docx.Document(word)
    lead = next(p for p in document.paragraphs if p.text.startswith("2025年，本机关共收到政府信息公开申请"))
    for run_ in lead.runs:
        if "共收到" in run_.text:
            run_.text = run_.text.replace("共收到", "全年共受理")
    document.save(word)
    change_figures(source)
    result = run("refresh", word)
    assert result.exit_code == 1
    assert "冲突，保留了人改的内容：“一、总体情况／（二）依申请公开”中由数字生成的句子" in result.output
    assert "全年共受理" in "".join(body(word).itertext())
    assert table_three(word)[3][1] == "24"  # the rest is refreshed
    forced = run("refresh", word, "--force")
    assert forced.exit_code == 0 and "全年共受理" not in "".join(body(word).itertext())


def test_a_deleted_marker_is_reported_not_put_back(drafted):
    source, word, _ = drafted
    document = docx.Document(word)
    lead = next(p for p in document.paragraphs if p.text.startswith("2025年，本机关共收到政府信息公开申请"))
    lead._p.getparent().remove(lead._p)
    document.save(word)
    change_figures(source)
    result = run("refresh", word)
    assert result.exit_code == 0
    assert "标记已被删除，没有重新插入：“一、总体情况／（二）依申请公开”中由数字生成的句子" in result.output
    assert "共收到政府信息公开申请31件" not in "".join(body(word).itertext())


def test_markdown_drafts_refresh_between_their_comments(drafted):
    source, _, markdown = drafted
    markdown.write_text(
        markdown.read_text(encoding="utf-8").replace("## 五、", "科长加的一段。\n\n## 五、"), encoding="utf-8"
    )
    change_figures(source)
    result = run("refresh", markdown)
    assert result.exit_code == 0, result.output
    text = markdown.read_text(encoding="utf-8")
    assert "科长加的一段。" in text and "<td>24</td>" in text and "共收到政府信息公开申请31件" in text


def test_a_changed_format_year_is_refused(drafted):
    source, word, _ = drafted
    text = source.read_text(encoding="utf-8").replace('kind = "部门"', 'kind = "部门"\nformat = "2019"', 1)
    source.write_text(text, encoding="utf-8")
    result = run("refresh", word)
    assert result.exit_code == 1 and "表格结构不同，无法逐格更新" in result.output


@pytest.mark.parametrize("case", ["foreign", "damaged", "locked"])
def test_bad_drafts_get_a_clear_message(drafted, tmp_path, case):
    source, word, _ = drafted
    if case == "foreign":
        other = tmp_path / "别人的.docx"
        docx.Document().save(other)
        result = run("refresh", other, source)
        assert result.exit_code == 1 and "没有 reportgen 的标记" in result.output
    elif case == "damaged":
        bad = tmp_path / "坏的.docx"
        bad.write_bytes(b"\xd0\xcf\x11\xe0password-protected")
        result = run("refresh", bad, source)
        assert result.exit_code == 1 and "受密码保护" in result.output
    else:
        (word.parent / f"~${word.name[2:]}").write_bytes(b"lock")
        change_figures(source)
        result = run("refresh", word)
        assert result.exit_code == 0 and "可能正在 Word 或 WPS 中打开" in result.output


def test_build_points_to_refresh_when_a_draft_was_edited(drafted):
    source, word, _ = drafted
    edit_like_a_clerk(word)
    change_figures(source)
    result = run("build", source, "-o", word.parent)
    assert result.exit_code == 1 and f"reportgen refresh {word}" in result.output


@settings(max_examples=8, deadline=None)  # tmp_path_factory: a fresh folder per example
@given(
    edits=st.lists(st.sampled_from(["add", "delete", "reword"]), min_size=1, max_size=4),
    new=st.integers(20, 60),
    disclosed=st.integers(0, 9),
)
def test_random_edits_outside_markers_survive_random_new_figures(tmp_path_factory, edits, new, disclosed):
    work = tmp_path_factory.mktemp("prop")
    source = work / "2025.toml"
    shutil.copy(DATA / "qingchuan-finance" / "2025.toml", source)
    assert (
        run("build", source, "-o", work / "out", "--previous", DATA / "qingchuan-finance" / "2024.toml").exit_code == 0
    )
    [word] = (work / "out").glob("*.docx")
    document = docx.Document(word)
    free = [p for p in document.paragraphs if p.text and not p._p.xpath(".//w:bookmarkStart")]
    for index, edit in enumerate(edits):
        target = free[(index * 7) % len(free)]
        if edit == "add":
            target.insert_paragraph_before(f"新增第{index}段。")
        elif edit == "delete" and target._p.getparent() is not None:
            target._p.getparent().remove(target._p)
        elif target.runs:
            target.runs[0].text = f"改写{index}：" + target.runs[0].text
    document.save(word)
    before = outside_markers(body(word))
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"new = \{ natural_person = 23,", f"new = {{ natural_person = {23 + new - 23 + disclosed},", text)
    text = text.replace(
        "disclosed = { natural_person = 9,", f"disclosed = {{ natural_person = {9 + new - 23 + disclosed},"
    )
    source.write_text(text, encoding="utf-8")
    result = run("refresh", word, source, "--previous", DATA / "qingchuan-finance" / "2024.toml")
    assert result.exit_code == 0, result.output
    assert outside_markers(body(word)) == before
    assert table_three(word)[3][1] == str(23 + new - 23 + disclosed)


def test_batch_refresh_updates_edited_drafts_instead_of_skipping_them(drafted):
    source, word, markdown = drafted
    edit_like_a_clerk(word)
    change_figures(source)
    plain = run("batch", source.parent, "--year", "2025", "-o", word.parent)
    assert plain.exit_code == 1 and "未更新" in plain.output
    assert "科长加的一段话" in "".join(body(word).itertext()) and table_three(word)[3][1] == "23"
    assert "数量</td><td>24</td>" in markdown.read_text(encoding="utf-8")  # unedited: made anew
    assert f"reportgen refresh {word}" in plain.output  # the edited draft is named with its command
    result = run("batch", source.parent, "--year", "2025", "-o", word.parent, "--refresh")
    assert result.exit_code == 0, result.output
    assert table_three(word)[3][1] == "24"
    assert "科长加的一段话" in "".join(body(word).itertext())


@pytest.mark.parametrize(
    "source",
    sorted(DATA.glob("*/*.toml")) + sorted((DATA.parent / "tests" / "golden").glob("*.toml")),
    ids=lambda p: f"{p.parent.name}-{p.stem}",
)
def test_the_recorded_marker_texts_agree_with_the_word_file(source):
    """A build records each marker's text worked out from the draft; refresh reads edited
    drafts' files with lxml. They must agree, or every refresh would see conflicts."""
    from reportgen import check_file
    from reportgen.renderers.word import marker_texts
    from reportgen.workflows.build import Renderers, render_drafts

    renderers, drafted = Renderers.prepare(), []
    render_drafts(check_file(source).report, renderers, ("docx",), drafted=drafted)
    assert marker_texts(drafted[0]) == markers.docx_texts(renderers.word_template(drafted[0].template).last_document)
