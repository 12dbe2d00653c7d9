"""A keystroke on the page (``POST /check``) parses the file's new text once and builds its
report once; the check sees exactly the text that would be saved; a save reads the file once.
Counted on the real application: ``tomllib.loads`` (every parse of a data file goes through
it), ``schema.read`` (every build of an annual report) and the reads of the file."""

from __future__ import annotations

import shutil
import tomllib
import warnings

import pytest
from conftest import DATA

from reportgen import untrusted
from reportgen.checks.check import check_file
from reportgen.sources import schema
from reportgen.web.app import create_app
from reportgen.workflows import editing

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

REPORT = "qingchuan-finance/2025.toml"  # with last year's file and a work summary beside it
TASKS = "qingchuan-finance/2025-任务分解表.toml"


@pytest.fixture
def served(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    with TestClient(create_app(tmp_path / "data", "t", 8765), base_url="http://127.0.0.1:8765") as client:
        assert client.get("/?token=t").status_code == 200
        yield client, tmp_path / "data"


@pytest.fixture
def counted(monkeypatch):
    calls = {"loads": 0, "read": [], "files": []}
    loads, read, read_file = tomllib.loads, schema.read, untrusted.read_file

    def counting_loads(*args, **kwargs):
        calls["loads"] += 1
        return loads(*args, **kwargs)

    def counting_read(data, *args, **kwargs):
        calls["read"].append(kwargs.get("source"))
        return read(data, *args, **kwargs)

    def counting_read_file(path, *args, **kwargs):
        calls["files"].append(path.name)
        return read_file(path, *args, **kwargs)

    monkeypatch.setattr(tomllib, "loads", counting_loads)
    monkeypatch.setattr(schema, "read", counting_read)
    monkeypatch.setattr(untrusted, "read_file", counting_read_file)

    def reset():
        calls["loads"], calls["read"], calls["files"] = 0, [], []
        return calls

    return reset


def test_a_keystroke_parses_once_and_builds_the_report_once(served, counted):
    client, folder = served
    assert client.get(f"/report/{REPORT}").status_code == 200  # the page opened
    for typed in ("12", "13", "x"):  # three keystrokes in the same cell
        calls = counted()
        answer = client.post(f"/check/{REPORT}", data={"requests.new.total": typed})
        assert answer.status_code == 200
        assert calls["loads"] == 1, calls  # the new text, once: not the saved text, not the files beside it
        this_year = [source for source in calls["read"] if source is not None and source.name == "2025.toml"]
        assert len(this_year) == 1, calls  # one report built from it
        assert calls["files"].count("2025.toml") == 1, calls  # the file read once


def test_the_check_sees_exactly_what_a_save_writes(served, counted):
    client, folder = served
    values = {"requests.new.total": "999", "report.contact.phone": "0571-1"}
    client.get(f"/report/{REPORT}")
    checked = client.post(f"/check/{REPORT}", data=values).text
    version = editing.load(folder / REPORT).version
    calls = counted()
    assert client.post(f"/save/{REPORT}", data={**values, "_version": version}).status_code == 200
    assert calls["files"].count("2025.toml") == 1, calls  # a save reads the file once
    assert calls["loads"] <= 1, calls
    saved = check_file(folder / REPORT)
    errors = [f.message for f in saved.findings if f.is_error]
    assert errors and all(message in checked.replace("&#34;", '"').replace("&#39;", "'") for message in errors)


def test_a_file_changed_in_an_editor_between_keystrokes_is_checked_as_it_now_is(served, counted):
    client, folder = served
    client.get(f"/report/{REPORT}")
    assert "R1" not in client.post(f"/check/{REPORT}", data={"report.contact.phone": "1"}).text.split("<ul", 1)[0]
    path = folder / REPORT
    path.write_text(
        path.read_text(encoding="utf-8").replace("[requests", "[requests.bogus]\nx = 1\n[requests", 1), encoding="utf-8"
    )
    answer = client.post(f"/check/{REPORT}", data={"report.contact.phone": "1"}).text
    assert "bogus" in answer  # the text on disk now, not the one remembered


def test_a_task_table_keystroke_parses_once(served, counted):
    client, _ = served
    client.get(f"/report/{TASKS}")
    calls = counted()
    answer = client.post(f"/check/{TASKS}", data={"task.1.lead": "办公室"})
    assert answer.status_code == 200 and calls["loads"] == 1, calls
