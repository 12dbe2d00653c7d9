"""Files as Windows programs save them, read exactly as their Unix twins: a data file from
Notepad (UTF-8 with BOM, CRLF), a roster saved by Excel (GBK, or UTF-8 with BOM, CRLF); and
a data file in GBK told so, with how to save it as UTF-8. (A Markdown draft saved on
Windows is refreshed by issue 32's tests: test_wording.py, test_page_upload.py.)"""

from __future__ import annotations

import pytest
from cli_helpers import run
from conftest import DATA

from reportgen.workflows import roster as rosters

BOM = b"\xef\xbb\xbf"


def as_notepad_saves(text: str) -> bytes:
    return BOM + text.replace("\n", "\r\n").encode("utf-8")


def twins(tmp_path, example="qingchuan-finance"):
    """The example's data folder twice: as written on Linux, and as Notepad saves it."""
    unix, windows = tmp_path / "unix" / "单位", tmp_path / "windows" / "单位"
    for folder, convert in ((unix, lambda t: t.encode("utf-8")), (windows, as_notepad_saves)):
        folder.mkdir(parents=True)
        for source in (DATA / example).glob("*.toml"):
            (folder / source.name).write_bytes(convert(source.read_text(encoding="utf-8")))
    return unix / "2025.toml", windows / "2025.toml"


def test_a_notepad_data_file_checks_and_builds_as_its_unix_twin(tmp_path):
    unix, windows = twins(tmp_path)
    assert windows.read_bytes().startswith(BOM) and b"\r\n" in windows.read_bytes()
    checked = [run("check", path) for path in (unix, windows)]
    assert checked[0].exit_code == checked[1].exit_code == 0
    assert checked[0].output.replace(str(unix.parent.parent), "X") == \
        checked[1].output.replace(str(windows.parent.parent), "X")
    for path, out in ((unix, tmp_path / "out-unix"), (windows, tmp_path / "out-windows")):
        assert run("build", path, "-o", out, "--to", "md,html").exit_code == 0
    for draft in (tmp_path / "out-unix").glob("*.*"):
        if not draft.name.startswith("."):
            assert (tmp_path / "out-windows" / draft.name).read_bytes() == draft.read_bytes(), draft.name


def test_a_notepad_data_file_with_a_mistake_names_the_same_line(tmp_path):
    unix, windows = twins(tmp_path)
    for path in (unix, windows):
        raw = path.read_bytes().replace(b"year = 2025", "year = 2025年".encode(), 1)
        path.write_bytes(raw)
    results = [run("check", path) for path in (unix, windows)]
    assert results[0].exit_code == results[1].exit_code == 1
    assert "第12行" in results[0].output, results[0].output
    assert results[0].output.replace(str(unix.parent.parent), "X") == \
        results[1].output.replace(str(windows.parent.parent), "X")


def test_a_gbk_data_file_is_told_so_with_how_to_save_it_as_utf8(tmp_path):
    text = (DATA / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8")
    source = tmp_path / "青川市财政局" / "2025.toml"
    source.parent.mkdir()
    source.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    for command in (("check", source), ("build", source, "-o", tmp_path / "out")):
        result = run(*command)
        assert result.exit_code == 1, result.output
        assert str(source) in result.output
        assert "GBK" in result.output and "UTF-8" in result.output and "另存为" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


ROSTER = "机关名称,类别\n青川市财政局,部门\n青川市人民政府,政府\n青川市人力资源和社会保障局,\n"


@pytest.mark.parametrize("saved", [
    lambda text: text.encode("utf-8"),
    lambda text: text.replace("\n", "\r\n").encode("gbk"),  # Excel: “CSV (逗号分隔)” on a Chinese Windows
    lambda text: BOM + text.replace("\n", "\r\n").encode("utf-8"),  # Excel: “CSV UTF-8 (逗号分隔)”
], ids=["unix", "excel-gbk", "excel-utf8-bom"])
def test_an_excel_roster_reads_as_its_unix_twin(tmp_path, saved):
    path = tmp_path / "名单.csv"
    path.write_bytes(saved(ROSTER))
    units = rosters.load(path)
    assert [(u.agency, u.kind) for u in units] == [
        ("青川市财政局", "部门"), ("青川市人民政府", "政府"), ("青川市人力资源和社会保障局", "")]
    result = run("form", "--roster", path, "--year", 2025, "-o", tmp_path / "forms", "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "forms").glob("*.xlsx"))) == 3


def test_a_toml_roster_from_notepad_reads_as_its_unix_twin(tmp_path):
    text = '[[unit]]\nagency = "青川市财政局"\n\n[[unit]]\nagency = "青川市人民政府"\nkind = "政府"\n'
    unix, windows = tmp_path / "unix.toml", tmp_path / "windows.toml"
    unix.write_text(text, encoding="utf-8")
    windows.write_bytes(as_notepad_saves(text))
    assert rosters.load(unix) == rosters.load(windows)
