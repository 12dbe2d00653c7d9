"""Consoles that cannot show Chinese: an English Windows console redirected (an ASCII
PYTHONIOENCODING), a C locale with Python's UTF-8 mode off. reportgen says so once, in
ASCII, and does the work; the files it writes are UTF-8 whatever the console."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile

import pytest
from cli_helpers import run, run_process
from conftest import DATA

FINANCE = DATA / "qingchuan-finance" / "2025.toml"
ASCII = {"PYTHONIOENCODING": "ascii"}
C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
HINT = "this console cannot show Chinese"


def crash_reports():
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "reportgen-错误报告-*")))


@pytest.fixture
def no_crash_report():
    before = crash_reports()
    yield
    assert crash_reports() == before, "a crash report was written"


def assert_plain(result):
    assert "Traceback" not in result.output and "UnicodeEncodeError" not in result.output, result.output
    assert result.stderr.count(HINT) == 1, result.stderr
    hint = result.stderr.splitlines()[0]
    assert hint.isascii() and "chcp 65001" in hint and "PYTHONIOENCODING=utf-8" in hint


@pytest.mark.parametrize("env", [ASCII, C_LOCALE], ids=["ascii", "c-locale"])
def test_the_work_is_done_and_the_files_are_utf8(tmp_path, env, no_crash_report):
    expected = tmp_path / "expected"
    assert run("build", FINANCE, "-o", expected, "--to", "md,docx").exit_code == 0
    out = tmp_path / "out"
    result = run_process("build", FINANCE, "-o", out, "--to", "md,docx", env=env, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert_plain(result)
    made = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert made == sorted(p.name for p in expected.iterdir() if not p.name.startswith("."))
    assert "青川市财政局2025年政府信息公开工作年度报告.md" in made  # Chinese file names, even in a C locale
    name = "青川市财政局2025年政府信息公开工作年度报告.md"
    assert (out / name).read_bytes() == (expected / name).read_bytes()
    (out / name).read_bytes().decode("utf-8")


@pytest.mark.parametrize("env", [ASCII, C_LOCALE], ids=["ascii", "c-locale"])
def test_errors_still_exit_1_and_usage_2(tmp_path, env, no_crash_report):
    bad = tmp_path / "2025.toml"
    bad.write_text("[report]\nagency = 未加引号\n", encoding="utf-8")
    checked = run_process("check", bad, env=env, cwd=tmp_path)
    assert checked.exit_code == 1
    assert_plain(checked)
    assert "?" in checked.stderr + checked.stdout  # the Chinese message, as the console can show it
    wrong = run_process("check", "--no-such-option", env=env, cwd=tmp_path)
    assert wrong.exit_code == 2
    assert_plain(wrong)
    helped = run_process("--help", env=env, cwd=tmp_path)
    assert helped.exit_code == 0 and "reportgen" in helped.stdout
    assert_plain(helped)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_console_that_shows_chinese_gets_no_hint(tmp_path, encoding):
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "check", str(FINANCE)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert HINT.encode() not in done.stderr
    assert "通过，没有发现问题" in done.stdout.decode(encoding)


def test_the_batch_progress_and_summary_on_an_ascii_console(tmp_path, no_crash_report):
    data = tmp_path / "data" / "finance"
    data.mkdir(parents=True)
    data.joinpath("2025.toml").write_bytes(FINANCE.read_bytes())
    result = run_process(
        "batch", tmp_path / "data", "--year", 2025, "-o", tmp_path / "out", "--jobs", 1, env=ASCII, cwd=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert_plain(result)
    assert (tmp_path / "out" / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")
