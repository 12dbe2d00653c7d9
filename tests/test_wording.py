"""A person's wording of a generated sentence, through refresh and the PDF route (issue 32).

A clerk rewords a generated sentence ("共需办理" → "合计需要办理"). While its figures do not
change, refresh keeps the wording without a word. When they change, it is a conflict: the
wording is kept and the new sentence shown. Once the clerk has typed the new figures into
their own wording, refresh accepts it (exit 0) and build prints the PDF from it. A draft
with no record counts as edited throughout; a Markdown draft saved by a Windows editor
(CRLF, BOM) is compared by its content.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from cli_helpers import run
from conftest import DATA
from record_helpers import assert_record_names_every_file
from test_edits import markdown_of, set_new_requests, table_three_new, text_of, word_of

FINANCE = DATA / "qingchuan-finance"
SENTENCE = re.compile(r"\d+年，本机关共收到政府信息公开申请.*?继续办理\d+件。")


@pytest.fixture
def office(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "seq"
    (folder / "data").mkdir(parents=True)
    for name in ("2024.toml", "2025.toml"):
        shutil.copy(FINANCE / name, folder / "data" / name)
    monkeypatch.chdir(tmp_path)
    return folder


def reword(word: Path, new_text=None) -> str:
    """Reword the sentence on requests (or replace it by ``new_text``); returns it as written."""
    document = docx.Document(word)
    for paragraph in document.paragraphs:
        for piece in paragraph.runs:
            if "共需办理" in piece.text or "合计需要办理" in piece.text:
                piece.text = new_text if new_text is not None else piece.text.replace("共需办理", "合计需要办理")
                document.save(word)
                return piece.text
    raise AssertionError("the sentence on requests is not in one run")


def pdf_text(pdf: Path) -> str:
    return "".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def test_a_reworded_sentence_whose_figures_did_not_change_is_kept_without_a_word(office):
    source = office / "data" / "2025.toml"
    assert run("build", source, "-o", office / "out", "--to", "docx").exit_code == 0
    word = word_of(office)
    written = reword(word)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace('agency = "青川市财政局"', 'agency = "青川市财政局"  # 核对过'), encoding="utf-8")
    refreshed = run("refresh", word)
    assert refreshed.exit_code == 0, refreshed.output
    assert "冲突" not in refreshed.output, refreshed.output
    assert written in text_of(word)


def test_changed_figures_are_a_conflict_until_the_persons_own_sentence_carries_them(office):
    source, out = office / "data" / "2025.toml", office / "out"
    assert run("build", source, "-o", out, "--to", "docx,pdf").exit_code == 0
    word = word_of(office)
    reword(word)
    set_new_requests(source, 30)
    conflict = run("refresh", word)
    assert conflict.exit_code == 1 and "冲突，保留了人改的内容" in conflict.output, conflict.output
    assert "合计需要办理" in text_of(word) and table_three_new(word) == "30"
    [fresh] = [
        line.split("按新数据应为：", 1)[1]
        for line in conflict.output.splitlines()
        if "按新数据应为：" in line and "共需办理" in line
    ]
    still = run("refresh", word)
    assert still.exit_code == 1 and "冲突" in still.output, "a conflict must stay one until resolved"
    mine = reword(word, fresh.replace("共需办理", "合计需要办理"))  # the clerk types the new figures in
    accepted = run("refresh", word)
    assert accepted.exit_code == 0 and "冲突" not in accepted.output, accepted.output
    assert mine in text_of(word)
    built = run("build", source, "-o", out, "--to", "docx,pdf")
    assert built.exit_code == 0, built.output
    assert "未生成：" not in built.output and "0 个未生成" in built.output
    printed = pdf_text(word.with_suffix(".pdf"))
    assert "".join(mine.split()) in printed
    set_new_requests(source, 31)  # figures change again: the accepted wording is a conflict again
    again = run("refresh", word)
    assert again.exit_code == 1 and "冲突" in again.output and mine in text_of(word), again.output
    assert_record_names_every_file(out, edited={word.name})


def test_a_draft_without_a_record_is_treated_as_edited_throughout(office):
    source, out = office / "data" / "2025.toml", office / "out"
    assert run("build", source, "-o", out, "--to", "docx").exit_code == 0
    word = word_of(office)
    (out / ".reportgen-manifest.jsonl").unlink()
    written = reword(word)
    set_new_requests(source, 30)
    refreshed = run("refresh", word, "--data", source)
    assert refreshed.exit_code == 1 and "冲突，保留了人改的内容" in refreshed.output, refreshed.output
    assert written in text_of(word), "a draft with no record was overwritten silently"
    assert table_three_new(word) == "23"  # nothing replaced without --force
    forced = run("refresh", word, "--data", source, "--force")
    assert forced.exit_code == 0 and table_three_new(word) == "30", forced.output
    assert list(out.glob("*.备份-*.docx"))


@pytest.mark.parametrize("ends", ["\r\n", "\n"])
@pytest.mark.parametrize("bom", [True, False])
def test_a_markdown_draft_saved_on_windows_refreshes_without_conflicts(office, ends, bom):
    source, out = office / "data" / "2025.toml", office / "out"
    assert run("build", source, "-o", out, "--to", "md").exit_code == 0
    markdown = markdown_of(office)
    text = markdown.read_text(encoding="utf-8") + "\n科长加的一段话。\n"
    markdown.write_bytes(("\ufeff" if bom else "").encode() + text.replace("\n", ends).encode("utf-8"))
    set_new_requests(source, 30)
    refreshed = run("refresh", markdown)
    assert refreshed.exit_code == 0 and "冲突" not in refreshed.output, refreshed.output
    assert "已更新 表三" in refreshed.output
    data = markdown.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    body = data.decode("utf-8-sig")
    assert "科长加的一段话。" in body and "共收到政府信息公开申请37件" in body
    if ends == "\r\n":
        assert "\n" not in body.replace("\r\n", ""), "line ends mixed"
    again = run("refresh", markdown)
    assert again.exit_code == 0 and "没有需要更新的内容" in again.output, again.output
