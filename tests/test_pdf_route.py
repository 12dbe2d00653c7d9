"""The generation record and the PDF route, from any working directory (issue 32).

A clerk's first ``build --to pdf``: every file written gets one record under its own name
and digest, whatever the mix of ``--to``, from build, batch, refresh and batch --refresh;
the data file is recorded relative to the output folder, worked out from the folder and
never from the working directory, so that refresh finds it from anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import shutil
from pathlib import Path

import pytest
from cli_helpers import run
from conftest import DATA
from record_helpers import (
    assert_one_line_per_file,
    assert_record_names_every_file,
    record_lines,
)
from test_edits import set_new_requests, table_three_new, text_of, word_of

FINANCE = DATA / "qingchuan-finance"


@pytest.fixture
def office(tmp_path, monkeypatch) -> Path:
    """``data/`` beside ``out/`` in a folder several levels deep, worked on from an
    unrelated working directory at another depth."""
    folder = tmp_path / "县" / "财政局" / "公开" / "seq"
    (folder / "data").mkdir(parents=True)
    for name in ("2024.toml", "2025.toml", "2025-任务分解表.toml"):
        shutil.copy(FINANCE / name, folder / "data" / name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("to", ["docx,pdf", "pdf", "md,html,json,pdf", "docx,md,html,json"])
def test_build_records_every_file_under_its_own_name_from_an_unrelated_folder(office, to):
    source, out = office / "data" / "2025.toml", office / "out"
    built = run("build", source, "-o", out, "--to", to)
    assert built.exit_code == 0, built.output
    written = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    wanted = {".docx" if k == "docx" else f".{k}" for k in to.split(",")}
    assert {Path(n).suffix for n in written} >= wanted, written
    assert_record_names_every_file(out, {name: source for name in written})
    assert_one_line_per_file(out)


def test_the_task_tables_workbook_and_pdf_are_recorded(office):
    source, out = office / "data" / "2025-任务分解表.toml", office / "out"
    built = run("build", source, "-o", out, "--to", "docx,xlsx,pdf")
    assert built.exit_code == 0, built.output
    assert {p.suffix for p in out.iterdir() if not p.name.startswith(".")} >= {".docx", ".xlsx", ".pdf"}
    assert_record_names_every_file(out, {p.name: source for p in out.iterdir()})


def test_refresh_after_build_with_pdf_finds_the_data_keeps_the_rewording_and_reprints(office, monkeypatch):
    source, out = office / "data" / "2025.toml", office / "out"
    assert run("build", source, "-o", out, "--to", "docx,pdf").exit_code == 0
    word = word_of(office)
    pdf = word.with_suffix(".pdf")
    _reword(word, "共需办理", "合计需要办理")
    set_new_requests(source, 30)
    monkeypatch.chdir(office.parent.parent)  # another unrelated working directory, at another depth
    printed_before = pdf.read_bytes()
    refreshed = run("refresh", word)
    assert "找不到" not in refreshed.output, refreshed.output
    assert refreshed.exit_code == 1 and "冲突，保留了人改的内容" in refreshed.output, refreshed.output
    assert "合计需要办理" in text_of(word) and table_three_new(word) == "30"
    # while the Word draft is in conflict its PDF is not printed: it would contradict itself
    assert "已重新印出 PDF" not in refreshed.output and pdf.read_bytes() == printed_before, refreshed.output
    assert (
        f"PDF {pdf.name} 还是旧的数字：Word 草稿中有 1 处冲突，PDF 没有重新印出；改好冲突后再运行 reportgen refresh"
        in refreshed.output
    ), refreshed.output
    assert_record_names_every_file(out, {word.name: source, pdf.name: source})
    assert_one_line_per_file(out)  # compacted by refresh itself, not left for the next build
    # the clerk types the new figures into their own sentence: accepted, and the PDF follows
    wanted = re.search(r"按新数据应为：(.*共需办理.*)", refreshed.stdout)[1]
    _reword_sentence(word, "合计需要办理", wanted.replace("共需办理", "合计需要办理"))
    resolved = run("refresh", word)
    assert resolved.exit_code == 0 and "已重新印出 PDF" in resolved.output, resolved.output
    assert "还是旧的数字" not in resolved.output, resolved.output
    assert [e for e in record_lines(out) if e["file"] == pdf.name][-1]["printed_from"] == digest(word)
    assert "合计需要办理" in _pdf_text(pdf) and "30" in _pdf_text(pdf)
    assert_record_names_every_file(out, {word.name: source, pdf.name: source}, edited={word.name})
    assert_one_line_per_file(out)


def test_build_while_the_word_draft_is_in_conflict_says_to_resolve_it_in_word(office):
    source, out = office / "data" / "2025.toml", office / "out"
    assert run("build", source, "-o", out, "--to", "docx,pdf").exit_code == 0
    word = word_of(office)
    pdf = word.with_suffix(".pdf")
    _reword(word, "共需办理", "合计需要办理")
    set_new_requests(source, 30)
    assert run("refresh", word).exit_code == 1
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    built = run("build", source, "-o", out, "--to", "docx,pdf")
    assert built.exit_code == 1, built.output
    said = "".join(built.output.split())
    assert "要把新数字更新到改过的草稿中" not in said and "请运行：reportgen refresh" not in said, built.output
    assert (
        "有1处冲突还没有改好（“一、总体情况／（二）依申请公开”中由数字生成的句子）：请在草稿中把这些地方改成新的数字"
        in said
    ), built.output
    assert f"PDF{pdf.name}还是旧的数字：Word草稿中有1处冲突，PDF没有重新印出；改好冲突后再运行" in said, built.output
    assert "生成0份草稿" in said, built.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing written


def test_a_second_build_with_pdf_prints_from_the_edited_current_word_draft(office):
    source, out = office / "data" / "2025.toml", office / "out"
    assert run("build", source, "-o", out, "--to", "docx,pdf").exit_code == 0
    word = word_of(office)
    _add_paragraph(word, "科长加的一段话。")
    again = run("build", source, "-o", out, "--to", "docx,pdf")
    assert again.exit_code == 0, again.output
    assert "没有覆盖" in again.output and word.name in again.output  # the Word draft is a person's
    pdf = word.with_suffix(".pdf")
    assert [e for e in record_lines(out) if e["file"] == pdf.name][-1]["printed_from"] == digest(word)
    assert "科长加的一段话。" in _pdf_text(pdf)
    assert_record_names_every_file(out, edited={word.name})


def test_refresh_then_build_with_pdf_never_points_back_at_itself(office):
    source, out = office / "data" / "2025.toml", office / "out"
    assert run("build", source, "-o", out, "--to", "docx,pdf").exit_code == 0
    word = word_of(office)
    _add_paragraph(word, "科长加的一段话。")
    set_new_requests(source, 27)
    refreshed = run("refresh", word)
    assert refreshed.exit_code == 0, refreshed.output
    assert "还是旧的数字" not in refreshed.output and "没有重新印出" not in refreshed.output, refreshed.output
    again = run("refresh", word)
    assert again.exit_code == 0 and "还是旧的数字" not in again.output, again.output
    built = run("build", source, "-o", out, "--to", "docx,pdf")
    assert built.exit_code == 0, built.output
    assert "还是旧的数字" not in built.output and "已经存在，不是本程序写出的" not in built.output, built.output
    assert "27" in _pdf_text(word.with_suffix(".pdf")) and "科长加的一段话。" in _pdf_text(word.with_suffix(".pdf"))


def test_batch_with_pdf_records_every_file_and_a_rerun_is_all_success(office):
    data, out = office / "data", office / "out"
    first = run("batch", data, "--year", "2025", "-o", out, "--to", "docx,pdf", "--jobs", "1")
    assert first.exit_code == 0, first.output
    assert_record_names_every_file(out)
    assert_one_line_per_file(out)
    again = run("batch", data, "--year", "2025", "-o", out, "--to", "docx,pdf", "--jobs", "1")
    assert again.exit_code == 0 and "未更新" not in again.output, again.output
    word = next(p for p in out.glob("*年度报告.docx"))
    _add_paragraph(word, "科长加的一段话。")
    set_new_requests(data / "2025.toml", 26)
    refreshed = run("batch", data, "--year", "2025", "-o", out, "--to", "docx,pdf", "--refresh", "--jobs", "1")
    assert refreshed.exit_code == 0, refreshed.output
    assert table_three_new(word) == "26" and "科长加的一段话。" in text_of(word)
    assert [e for e in record_lines(out) if e["file"] == word.with_suffix(".pdf").name][-1]["printed_from"] == digest(
        word
    )
    assert_record_names_every_file(out, {word.name: data / "2025.toml"})
    again = run("refresh", word)  # from the unrelated working directory: the data is found, nothing to do
    assert again.exit_code == 0 and "没有需要更新的内容" in again.output, again.output


# ------------------------------------------------------------------ helpers


def _reword(word: Path, old: str, new: str) -> None:
    import docx

    document = docx.Document(word)
    for paragraph in document.paragraphs:
        for run_ in paragraph.runs:
            if old in run_.text:
                run_.text = run_.text.replace(old, new)
                document.save(word)
                return
    raise AssertionError(f"{old} not in a single run of {word}")


def _reword_sentence(word: Path, containing: str, sentence: str) -> None:
    """The run holding ``containing`` replaced by the person's own ``sentence``."""
    import docx

    document = docx.Document(word)
    for paragraph in document.paragraphs:
        for run_ in paragraph.runs:
            if containing in run_.text:
                run_.text = sentence
                document.save(word)
                return
    raise AssertionError(f"{containing} not in a single run of {word}")


def _add_paragraph(word: Path, text: str) -> None:
    import docx

    document = docx.Document(word)
    document.paragraphs[3].insert_paragraph_before(text)
    document.save(word)


def _pdf_text(pdf: Path) -> str:
    import subprocess

    return "".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def test_a_batch_stopped_before_printing_lists_no_unit_without_its_pdf_as_success(office, tmp_path):
    import json
    import os
    import signal

    from reportgen.workflows import batch

    data, out = tmp_path / "units", office / "out"
    for index in range(3):
        (data / f"u{index}").mkdir(parents=True)
        text = (FINANCE / "2025.toml").read_text(encoding="utf-8")
        (data / f"u{index}" / "2025.toml").write_text(
            text.replace("青川市财政局", f"青川市第{index}局"), encoding="utf-8"
        )
    files = sorted(data.glob("*/2025.toml"))

    def ctrl_c_after_the_first(done, total, result):  # the state needed: one unit's Word draft written
        if done == 1:
            os.kill(os.getpid(), signal.SIGINT)

    report = batch.run(files, out, 2025, batch.Options(kinds=("docx", "pdf")), jobs=1, on_result=ctrl_c_after_the_first)
    assert report.interrupted
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for unit in summary["results"]:
        if unit["status"] in batch.STATUSES_OK:
            assert any(p.endswith(".pdf") and Path(p).exists() for p in unit["outputs"]), unit
    assert not list(out.glob("*.pdf"))
    assert [u["status"] for u in summary["results"]] == [batch.UNPROCESSED] * 3


def test_a_batch_rerun_with_pdf_that_writes_nothing_says_so(office):
    data, out = office / "data", office / "out"
    first = run("batch", data, "--year", "2025", "-o", out, "--to", "docx,md,pdf", "--jobs", "1")
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".md", ".pdf")}
    again = run("batch", data, "--year", "2025", "-o", out, "--to", "docx,md,pdf", "--jobs", "1")
    assert again.exit_code == 0 and "草稿均已是最新，没有改动任何文件。" in again.output, again.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert all(unit["unchanged"] for unit in summary["results"]), summary["results"]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".md", ".pdf")} == before
    # and build says it wrote nothing
    built = run("build", data / "2025.toml", "-o", out, "--to", "docx,md,pdf")
    assert built.exit_code == 0 and "生成 0 份草稿，1 份已是最新、没有改动" in built.output, built.output


def test_ctrl_c_while_printing_says_it_once_and_counts_the_pdfs_printed(office, tmp_path):
    from reportgen.workflows import batch

    data, out = tmp_path / "units", office / "out"
    for index in range(6):
        (data / f"u{index}").mkdir(parents=True)
        text = (FINANCE / "2025.toml").read_text(encoding="utf-8")
        (data / f"u{index}" / "2025.toml").write_text(
            text.replace("青川市财政局", f"青川市第{index}局"), encoding="utf-8"
        )
    files = sorted(data.glob("*/2025.toml"))

    pressed = []

    def ctrl_c_once_two_are_printed(done, total):  # the state needed: the first PDF complete (the second begun)
        if done >= 2 and not pressed:  # called from inside the printing however fast it goes, also at its end
            pressed.append(done)
            os.kill(os.getpid(), signal.SIGINT)

    report = batch.run(
        files, out, 2025, batch.Options(kinds=("docx", "pdf")), jobs=1, on_pdf=ctrl_c_once_two_are_printed
    )
    assert report.interrupted
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    printed = {p.name for p in out.glob("*.pdf")}
    assert printed, "the PDFs printed before Ctrl-C are kept"
    for unit in summary["results"]:
        has_pdf = any(Path(p).name in printed for p in unit["outputs"])
        assert (unit["status"] in batch.STATUSES_OK) == has_pdf, unit
        assert has_pdf or unit["status"] == batch.UNPROCESSED, unit
    assert_record_names_every_file(out)
    # what the terminal says: once, not once per unit, and no rate for units not done
    from reportgen.cli import batchview

    said = batchview.lines(report, batch.STATUSES_OK, batch.WARNED, out / "summary.csv")
    left = len(report.unprocessed)
    assert sum("PDF 没有生成（批量生成在印 PDF 时被中断）" in line for line in said) == (1 if left else 0), said
    if left > 1:
        assert f"  {left} 个单位：其他草稿已生成，PDF 没有生成（批量生成在印 PDF 时被中断），请重新运行。" in said, said
    report.results = [r for r in report.results if r.status == batch.UNPROCESSED]
    report.elapsed = 2.8
    assert "每秒" not in batchview.totals(report, batch.WARNED, batch.UNREADABLE, False)
