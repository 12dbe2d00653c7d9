"""The multi-process commands (batch, form --roster, audit) as on Windows and macOS: worker
processes started by spawn, with fork unavailable."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from cli_helpers import run
from conftest import DATA
from openpyxl import load_workbook
from test_batch import (
    assert_summary_agrees_with_disk,
    many_agencies,
    wait_for_drafts,
)

from reportgen.workflows import pool

FIXTURES = DATA.parent / "tests" / "fixtures" / "published"
_real_get_context = multiprocessing.get_context


@pytest.fixture
def spawn_only(monkeypatch):
    """multiprocessing as on Windows: spawn is the default, fork does not exist. Records
    every context handed out, so that a test can see workers were really started."""
    handed = []

    def get_context(method=None):
        if method == "fork":
            raise ValueError("cannot find context for 'fork'")
        context = _real_get_context(method or "spawn")
        handed.append(context.get_start_method())
        return context

    monkeypatch.setattr(multiprocessing, "get_context", get_context)
    return handed


def test_batch_under_spawn(tmp_path, spawn_only):
    many_agencies(tmp_path / "data", 6)
    out = tmp_path / "out"
    result = run("batch", tmp_path / "data", "--year", 2025, "-o", out, "--jobs", 2)
    assert result.exit_code == 0, result.output
    assert spawn_only == ["spawn"]
    document = assert_summary_agrees_with_disk(out, 6, exactly=True)
    assert document["succeeded"] == 6
    assert len(list(out.glob("*.docx"))) == 6


def test_form_roster_under_spawn(tmp_path, spawn_only):
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称\n" + "".join(f"青川市第{i}局\n" for i in range(5)), encoding="utf-8")
    result = run("form", "--roster", roster, "--year", "2025", "-o", tmp_path / "forms", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert spawn_only == ["spawn"]
    forms = sorted((tmp_path / "forms").glob("*.xlsx"))
    assert [p.name for p in forms] == sorted(f"青川市第{i}局2025年政府信息公开数据填报表.xlsx" for i in range(5))
    assert load_workbook(forms[3])["基本信息"]["B3"].value == "青川市第3局"


def test_audit_under_spawn_agrees_with_one_process(tmp_path, spawn_only):
    folder = tmp_path / "published"
    folder.mkdir()
    for name in ("portal-gbk-2025.html", "undeclared-utf8-2024.html", "scanned.pdf"):
        shutil.copy(FIXTURES / name, folder / name)
    two, one = tmp_path / "two.xlsx", tmp_path / "one.xlsx"
    assert run("audit", folder, "-o", two, "--jobs", "2").exit_code == 1
    assert spawn_only == ["spawn"]
    assert run("audit", folder, "-o", one, "--jobs", "1").exit_code == 1
    assert spawn_only == ["spawn"]  # one job: no worker process

    def rows(path):
        book = load_workbook(path)
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}

    assert rows(two) == rows(one)
    assert any(r[3] == "X1" for r in rows(two)["核查结果"])


def test_a_worker_that_dies_leaves_its_items_reported_as_not_done(spawn_only):
    results = pool.map(os._exit, [0, 0, 0], 2, lost=lambda item: "lost")
    assert results == ["lost", "lost", "lost"]


def test_a_spawned_worker_writes_only_inside_the_folder_it_was_told_to_use(tmp_path, spawn_only):
    """The confinement of writes (output/writing.py) set by a command goes with the work
    into spawned workers, which do not inherit the parent's context."""
    from reportgen.output.writing import confined

    with confined(tmp_path):
        results = pool.map(_confinement, [0, 1], 2, lost=lambda item: "lost")
    assert spawn_only == ["spawn"]
    assert results == [str(tmp_path.resolve())] * 2


def _confinement(_item) -> str:
    from reportgen.output.writing import confinement

    return str(confinement())


# ------------------------------------------------------------------ Ctrl-C and a killed parent, under spawn

SPAWNED = (
    "import multiprocessing, sys; multiprocessing.set_start_method('spawn'); "
    "from reportgen.cli.main import run; sys.argv[0] = 'reportgen'; run()"
)


def start(*args):
    return subprocess.Popen(
        [sys.executable, "-c", SPAWNED, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def alive_in_group(group):
    """The processes of a process group still running (not zombies)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    state, _, pgrp = handle.read().rsplit(")", 1)[1].split()[:3]
            except OSError:
                continue
            if int(pgrp) == group and state != "Z":
                found.append(int(entry))
    return found


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_ctrl_c_during_a_spawned_batch(tmp_path):
    many_agencies(tmp_path / "data", 300)
    out = tmp_path / "out"
    process = start("batch", tmp_path / "data", "--year", 2025, "-o", out, "--jobs", 2)
    wait_for_drafts(out, 6)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    stderr = stderr.decode("utf-8", "replace")
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    document = assert_summary_agrees_with_disk(out, 300, exactly=True)
    assert document["state"] == "已中断" and document["unprocessed"] > 0
    assert document["succeeded"] + document["unprocessed"] == 300


def test_a_killed_parent_leaves_spawned_workers_to_finish_and_exit(tmp_path):
    many_agencies(tmp_path / "data", 300)
    out = tmp_path / "out"
    process = start("batch", tmp_path / "data", "--year", 2025, "-o", out, "--jobs", 2)
    wait_for_drafts(out, 6)
    group = process.pid
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert wait_until(lambda: not alive_in_group(group)), "workers left running"
    document = assert_summary_agrees_with_disk(out, 300, exactly=False)
    assert document["state"] == "进行中"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_ctrl_c_during_a_spawned_form_roster(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称\n" + "".join(f"青川市第{i:03d}局\n" for i in range(400)), encoding="utf-8")
    forms = tmp_path / "forms"
    process = start("form", "--roster", roster, "--year", 2025, "-o", forms, "--jobs", 2)
    assert wait_until(lambda: forms.exists() and len(list(forms.glob("*.xlsx"))) >= 4)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    stderr = stderr.decode("utf-8", "replace")
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "已中断" in stderr, stderr
    written = list(forms.glob("*.xlsx"))
    assert 4 <= len(written) < 400
    for path in written:  # every form complete: written atomically, each one finished
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None
    assert not [p for p in forms.iterdir() if p.name.endswith(".tmp")]
