"""Files as Windows programs save them, read exactly as their Unix twins: a data file from
Notepad (UTF-8 with BOM, CRLF), a roster saved by Excel (GBK, or UTF-8 with BOM, CRLF); and
a data file in GBK told so, with how to save it as UTF-8; files written from a person's
file (next-year, the page's save) saved as the person's was (BOM, CRLF). (A Markdown draft saved on
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
    assert checked[0].output.replace(str(unix.parent.parent), "X") == checked[1].output.replace(
        str(windows.parent.parent), "X"
    )
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
    assert results[0].output.replace(str(unix.parent.parent), "X") == results[1].output.replace(
        str(windows.parent.parent), "X"
    )


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


@pytest.mark.parametrize(
    "saved",
    [
        lambda text: text.encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("gbk"),  # Excel: “CSV (逗号分隔)” on a Chinese Windows
        lambda text: BOM + text.replace("\n", "\r\n").encode("utf-8"),  # Excel: “CSV UTF-8 (逗号分隔)”
    ],
    ids=["unix", "excel-gbk", "excel-utf8-bom"],
)
def test_an_excel_roster_reads_as_its_unix_twin(tmp_path, saved):
    path = tmp_path / "名单.csv"
    path.write_bytes(saved(ROSTER))
    units = rosters.load(path)
    assert [(u.agency, u.kind) for u in units] == [
        ("青川市财政局", "部门"),
        ("青川市人民政府", "政府"),
        ("青川市人力资源和社会保障局", ""),
    ]
    result = run("form", "--roster", path, "--year", 2025, "-o", tmp_path / "forms", "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "forms").glob("*.xlsx"))) == 3


def test_a_toml_roster_from_notepad_reads_as_its_unix_twin(tmp_path):
    text = '[[unit]]\nagency = "青川市财政局"\n\n[[unit]]\nagency = "青川市人民政府"\nkind = "政府"\n'
    unix, windows = tmp_path / "unix.toml", tmp_path / "windows.toml"
    unix.write_text(text, encoding="utf-8")
    windows.write_bytes(as_notepad_saves(text))
    assert rosters.load(unix) == rosters.load(windows)


def lines_end(raw: bytes) -> tuple[int, int]:
    """(lines ending CRLF, lines ending LF alone)."""
    crlf = raw.count(b"\r\n")
    return crlf, raw.count(b"\n") - crlf


@pytest.mark.parametrize("name", ["2025.toml", "2025-任务分解表.toml", "2025-工作总结.toml"])
def test_next_year_from_a_notepad_file_is_saved_as_notepad_saved_it(tmp_path, name):
    """Next year's file keeps the BOM and every line ends CRLF, as last year's did; its text
    is the Unix twin's next year, line for line; the Unix twin's stays LF without a BOM."""
    unix, windows = (path.with_name(name) for path in twins(tmp_path))
    for path in (unix, windows):
        result = run("next-year", path)
        assert result.exit_code == 0, result.output
    made = name.replace("2025", "2026")
    unix_made, windows_made = (unix.with_name(made).read_bytes(), windows.with_name(made).read_bytes())
    assert windows_made.startswith(BOM) and not unix_made.startswith(BOM)
    crlf, lf = lines_end(windows_made)
    assert crlf > 20 and lf == 0, (crlf, lf)
    assert lines_end(unix_made)[0] == 0
    assert windows_made == as_notepad_saves(unix_made.decode("utf-8"))


def test_the_page_saves_a_notepad_file_as_notepad_saved_it(tmp_path):
    """A change saved on the page (a figure, and a paragraph typed in a text box, which a
    browser sends with CRLF) keeps a Notepad file's BOM and CRLF on every line, and a Unix
    file's LF: the two twins hold the same text after the same save."""
    import warnings

    import lxml.html

    from reportgen.web.app import create_app

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient

    unix, windows = twins(tmp_path)
    saved = {}
    for path in (unix, windows):
        with TestClient(create_app(path.parent.parent, "t", 8765), base_url="http://127.0.0.1:8765") as client:
            assert client.get("/?token=t").status_code == 200
            page = client.get("/report/单位/2025.toml").text
            root = lxml.html.fromstring(page)
            fields = dict(root.get_element_by_id("report").form_values())
            fields["proactive.licensing"] = "36"
            fields["text.problems"] = (
                fields["text.problems"].replace("\r\n", "\n").replace("\n", "\r\n")
                + "\r\n下一年将公开更多解读。\r\n再加一行。"
            )
            answer = client.post("/save/单位/2025.toml", data=fields)
            assert answer.status_code == 200 and "已保存" in answer.text, answer.text
        saved[path] = path.read_bytes()
    assert b"licensing = 36" in saved[unix] and "再加一行。".encode() in saved[unix]
    assert lines_end(saved[unix])[0] == 0 and not saved[unix].startswith(BOM)
    assert saved[windows].startswith(BOM) and lines_end(saved[windows])[1] == 0
    assert saved[windows] == as_notepad_saves(saved[unix].decode("utf-8"))
