"""Nothing a person edited is ever lost, across the seams between commands (issue 21).

Each test is one of the reproductions of the issue, run through the real CLI in a folder laid
out as an office lays it out: ``data/`` beside ``out/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from cli_helpers import run
from conftest import DATA
from openpyxl import load_workbook

from reportgen.checks.check import check_file

FINANCE = DATA / "qingchuan-finance"


@pytest.fixture
def office(tmp_path) -> Path:
    """A folder with the finance example's data (two years) and its drafts built."""
    folder = tmp_path / "seq"
    (folder / "data").mkdir(parents=True)
    for name in ("2024.toml", "2025.toml"):
        shutil.copy(FINANCE / name, folder / "data" / name)
    assert run("build", folder / "data" / "2025.toml", "-o", folder / "out").exit_code == 0
    return folder


def word_of(folder: Path) -> Path:
    return next(p for p in (folder / "out").glob("*.docx") if "备份" not in p.name)


def markdown_of(folder: Path) -> Path:
    return next(p for p in (folder / "out").glob("*.md") if "备份" not in p.name)


def add_paragraph(word: Path, text: str) -> None:
    document = docx.Document(word)
    document.paragraphs[3].insert_paragraph_before(text)
    document.save(word)


def text_of(word: Path) -> str:
    return "\n".join(p.text for p in docx.Document(word).paragraphs)


def table_three_new(word: Path) -> str:
    """The 自然人 figure of table 三's row 一、本年新收 as the Word draft prints it."""
    for table in docx.Document(word).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if cells and cells[0].startswith("一、本年新收"):
                return next(c for c in cells if c and not c.startswith("一、本年新收"))
    raise AssertionError("table 三 not found")


def set_new_requests(source: Path, value: int) -> None:
    text = source.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("new = { natural_person = "))
    number = old.split("natural_person = ")[1].split(",")[0]
    assert number.isdigit()
    carried = int(number) - value
    new = old.replace(f"natural_person = {number},", f"natural_person = {value},")
    # keep table 三 balanced: the difference goes to (or comes from) 予以公开
    text = text.replace(old, new)
    line = next(x for x in text.splitlines() if x.startswith("disclosed = { natural_person = "))
    was = int(line.split("natural_person = ")[1].split(",")[0])
    text = text.replace(line, line.replace(f"natural_person = {was},", f"natural_person = {was - carried},"))
    source.write_text(text, encoding="utf-8")
    assert check_file(source).errors == 0


# ------------------------------------------------------------------ 1. build after refresh


def test_build_never_replaces_a_draft_that_refresh_kept_edited(office):
    source, word = office / "data" / "2025.toml", word_of(office)
    add_paragraph(word, "科长加的一段话。")
    set_new_requests(source, 24)
    refreshed = run("refresh", word)
    assert refreshed.exit_code == 0 and "已更新" in refreshed.output, refreshed.output
    assert table_three_new(word) == "24" and "科长加的一段话。" in text_of(word)
    set_new_requests(source, 25)
    built = run("build", source, "-o", office / "out")
    assert built.exit_code == 1, built.output
    assert "保存着人改过的内容" in built.output and f"reportgen refresh {word}" in built.output
    assert "科长加的一段话。" in text_of(word) and table_three_new(word) == "24"
    forced = run("build", source, "-o", office / "out", "--force")
    assert forced.exit_code == 0, forced.output
    assert table_three_new(word) == "25" and "科长加的一段话。" not in text_of(word)
    backups = sorted((office / "out").glob("*.备份-*.docx"))
    assert backups, "force wrote no backup of the refreshed, edited draft"
    assert "科长加的一段话。" in text_of(backups[-1]) and table_three_new(backups[-1]) == "24"
    assert f"原文件已备份为：{backups[-1]}" in forced.output


# ------------------------------------------------------------------ 2. import --force and form --force


def test_import_force_backs_up_a_hand_corrected_data_file(tmp_path):
    published = tmp_path / "published"
    published.mkdir()
    assert run("build", FINANCE / "2025.toml", "-o", published, "--to", "html").exit_code == 0
    page = next(p for p in published.glob("*.html") if "片段" not in p.name)
    assert run("import", page, "-o", tmp_path / "data").exit_code == 0, "first import"
    [target] = (tmp_path / "data").rglob("2025.toml")
    import re

    text = target.read_text(encoding="utf-8")
    corrected, found = re.subn(r'^postcode = "[^"]*"', 'postcode = "629999"', text, count=1, flags=re.M)
    assert found == 1, text  # the clerk corrects the postcode by hand
    target.write_text(corrected, encoding="utf-8")
    refused = run("import", page, "-o", tmp_path / "data")
    assert refused.exit_code == 1 and "没有覆盖" in refused.output
    assert target.read_text(encoding="utf-8") == corrected
    forced = run("import", page, "-o", tmp_path / "data", "--force")
    assert forced.exit_code == 0, forced.output
    backup = target.with_name("2025.备份-1.toml")
    assert backup.read_text(encoding="utf-8") == corrected and str(backup) in forced.output


def test_form_force_over_a_roster_backs_up_a_filled_in_return(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称\n青川市甲局\n青川市乙局\n", encoding="utf-8")
    forms = tmp_path / "forms"
    assert run("form", "--roster", roster, "--year", "2025", "-o", forms).exit_code == 0
    filled = forms / "青川市甲局2025年政府信息公开数据填报表.xlsx"
    book = load_workbook(filled)
    book["表三 申请办理"]["D6"].value = 12
    book.save(filled)
    kept = filled.read_bytes()
    refused = run("form", "--roster", roster, "--year", "2025", "-o", forms)
    assert refused.exit_code == 1 and "青川市甲局" in refused.output and "没有覆盖" in refused.output
    assert filled.read_bytes() == kept
    assert "共 1 份" in refused.output  # the other unit's form is still made
    forced = run("form", "--roster", roster, "--year", "2025", "-o", forms, "--force")
    assert forced.exit_code == 0, forced.output
    backup = forms / "青川市甲局2025年政府信息公开数据填报表.备份-1.xlsx"
    assert backup.read_bytes() == kept
    assert load_workbook(backup)["表三 申请办理"]["D6"].value == 12
    assert not list(forms.glob("青川市乙局*备份*"))  # an untouched form needs no backup


def test_force_help_names_a_backup_with_the_files_own_extension():
    for command in ("build", "import", "form", "init", "next-year"):
        text = run(command, "--help").output
        assert "备份" in text and ".备份-1.docx" not in text, command


# ------------------------------------------------------------------ 3. folders that travel


def test_a_copied_folder_refreshes_from_its_own_data(office, tmp_path):
    copy = tmp_path / "seq2"
    shutil.copytree(office, copy)
    set_new_requests(copy / "data" / "2025.toml", 24)
    result = run("refresh", word_of(copy))
    assert result.exit_code == 0, result.output
    assert table_three_new(word_of(copy)) == "24"
    assert str(copy / "data" / "2025.toml") in result.output or "../data/2025.toml" in result.output
    assert table_three_new(word_of(office)) == "23"  # the original is untouched


def test_a_moved_folder_refreshes_and_a_lost_data_file_is_named(office, tmp_path):
    moved = tmp_path / "shared-drive" / "seq"
    moved.parent.mkdir()
    shutil.move(office, moved)
    set_new_requests(moved / "data" / "2025.toml", 24)
    result = run("refresh", word_of(moved))
    assert result.exit_code == 0, result.output
    assert table_three_new(word_of(moved)) == "24"
    alone = tmp_path / "drafts-only"
    shutil.copytree(moved / "out", alone)  # the drafts without their data
    draft = alone / word_of(moved).name
    lost = run("refresh", draft)
    assert lost.exit_code == 1
    assert "找不到生成" in lost.output and str(alone / "../data/2025.toml") in lost.output
    assert "--data" in lost.output and "有 1 个错误" not in lost.output
    pointed = run("refresh", draft, "--data", moved / "data" / "2025.toml")
    assert pointed.exit_code == 0, pointed.output


# ------------------------------------------------------------------ 4. every sibling accounted for


def test_build_refusing_an_edited_docx_updates_or_names_every_other_draft(office):
    source, word = office / "data" / "2025.toml", word_of(office)
    assert run("build", source, "-o", office / "out", "--to", "html").exit_code == 0
    add_paragraph(word, "科长加的一段话。")
    set_new_requests(source, 24)
    result = run("build", source, "-o", office / "out")
    assert result.exit_code == 1
    assert "数量</td><td>24</td>" in markdown_of(office).read_text(encoding="utf-8")  # unedited: made anew
    assert f"reportgen refresh {word}" in result.output
    page = next(p for p in (office / "out").glob("*.html") if "片段" not in p.name)
    assert f"网页 {page.name} 还是旧的数字" in result.output and "--to html" in result.output


def test_batch_refresh_refreshes_every_format_and_lists_each_file(office):
    source, word, markdown = office / "data" / "2025.toml", word_of(office), markdown_of(office)
    add_paragraph(word, "科长加的一段话。")
    markdown.write_text(markdown.read_text(encoding="utf-8") + "\n科长在 Markdown 中加的话。\n", encoding="utf-8")
    set_new_requests(source, 24)
    result = run("batch", office / "data", "--year", "2025", "-o", office / "out", "--refresh")
    assert result.exit_code == 0, result.output
    assert table_three_new(word) == "24" and "科长加的一段话。" in text_of(word)
    text = markdown.read_text(encoding="utf-8")
    assert "数量</td><td>24</td>" in text and "科长在 Markdown 中加的话。" in text
    import json

    summary = json.loads((office / "out" / "summary.json").read_text(encoding="utf-8"))
    [unit] = [r for r in summary["results"] if r["source"].endswith("2025.toml")]
    assert set(unit["outputs"]) == {str(word), str(markdown)} and unit["stale"] == []


# ------------------------------------------------------------------ 5. next-year of every kind


@pytest.mark.parametrize("source", sorted(DATA.glob("*/*.toml")), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_next_year_of_every_example_passes_check_and_prints_no_template_syntax(source, tmp_path):
    folder = tmp_path / "data"
    year = check_file(source).report.year
    shutil.copytree(source.parent, folder, ignore=lambda _, names: [n for n in names if str(year + 1) in n])
    result = run("next-year", folder / source.name)
    assert result.exit_code == 0, result.output
    made = next(Path(line.split("：", 1)[1]) for line in result.output.splitlines() if "数据文件：" in line)
    checked = check_file(made)
    assert checked.errors == 0, [f.message for f in checked.findings if f.is_error]
    first = made.read_text(encoding="utf-8").splitlines()[0]
    year = checked.report.year
    assert str(year) in first and str(year - 1) + " 年" not in first, first
    if "工作思路" in first:
        assert f"{year + 1} 年工作思路" in first
    built = run("build", made, "-o", tmp_path / "out", "--allow-errors", "--to", "md")
    assert built.exit_code == 0, built.output
    [draft] = (tmp_path / "out").glob("*.md")
    text = draft.read_text(encoding="utf-8")
    assert "{{" not in text and "{%" not in text and "\\_" not in text.split("<!--")[0]


def test_a_summary_never_states_figures_of_an_annual_report_not_yet_filled_in(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(FINANCE / "2025-工作总结.toml", folder / "2025-工作总结.toml")
    assert run("init", "--agency", "青川市财政局", "--year", 2025, "-o", folder / "2025.toml").exit_code == 0
    checked = run("check", folder / "2025-工作总结.toml")
    assert checked.exit_code == 0, checked.output
    assert "2025.toml 还没有填好" in checked.output and "没有从中取数" in checked.output
    assert "收到政府信息公开申请" in checked.output  # the figures it would have taken are named
    built = run("build", folder / "2025-工作总结.toml", "-o", tmp_path / "out", "--to", "md")
    assert built.exit_code == 0, built.output
    [draft] = (tmp_path / "out").glob("*.md")
    text = draft.read_text(encoding="utf-8")
    assert "收到政府信息公开申请0件" not in text and "行政复议0" not in text
    assert "收到政府信息公开申请【待填写" in text.replace("\\", "")
    # once the annual report is filled in, the summary takes its figures
    shutil.copy(FINANCE / "2025.toml", folder / "2025.toml")
    assert "没有从中取数" not in run("check", folder / "2025-工作总结.toml").output
    run("build", folder / "2025-工作总结.toml", "-o", tmp_path / "out", "--to", "md", "--force")
    assert "收到政府信息公开申请30件" in draft.read_text(encoding="utf-8")
