"""Hostile files through import, forms, refresh and publishing (issue 28): a clear answer in
Chinese naming the file, never a traceback, a hang, a partial file or more than 500 MB.

The files are generated (tests/fixtures/hostile/make_hostile.py); every command runs as the
clerk runs it, in a process of its own, with its peak memory measured and a ceiling set.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import Result, run
from conftest import DATA, REPO

sys.path.insert(0, str(REPO / "tests" / "fixtures" / "hostile"))
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "published"))
import make_hostile  # noqa: E402
import shapes  # noqa: E402

PEAK_MB = 500  # the most memory any input may take (README)
ENGLISH = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b|Traceback")

_MEASURE = """
import atexit, os, resource, sys
atexit.register(lambda: open(os.environ["REPORTGEN_PEAK"], "w").write(
    str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
sys.argv = ["reportgen", *sys.argv[1:]]
from reportgen.cli.main import run
run()
"""


def measured(
    *args, tmp_path: Path, timeout: float = 90, file_limit: int | None = None, env=None
) -> tuple[Result, float]:
    """``reportgen ARGS`` in a process of its own, with 2 GB of address space at most (and,
    with ``file_limit``, files no bigger than that, as on a full disk): the result, and the
    process's peak memory in MB."""
    peak = tmp_path / f"peak-{time.monotonic_ns()}"

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limits,
        env={**os.environ, "REPORTGEN_PEAK": str(peak), **(env or {})},
    )
    megabytes = int(peak.read_text()) / 1024 if peak.exists() else 0.0
    return Result(completed.returncode, completed.stdout, completed.stderr), megabytes


def assert_clear(result: Result, path: Path, *said: str) -> None:
    """Refused with a Chinese message naming the file; no traceback, no English names."""
    assert result.exit_code == 1, result.output
    assert not ENGLISH.search(result.output), result.output
    assert str(path) in result.output or path.name in result.output, result.output
    for words in said:
        assert words in result.output, result.output


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    """A real Word draft and a real fill-in form, which the hostile files are made from."""
    folder = tmp_path_factory.mktemp("drafted")
    source = folder / "data" / "qingchuan-finance" / "2025.toml"
    source.parent.mkdir(parents=True)
    shutil.copy(DATA / "qingchuan-finance" / "2025.toml", source)
    assert run("build", source, "-o", folder / "out", "--to", "docx").exit_code == 0
    assert run("form", source, "-o", folder / "forms").exit_code == 0
    return {
        "source": source,
        "docx": next((folder / "out").glob("*.docx")),
        "form": next((folder / "forms").glob("*.xlsx")),
    }


# ------------------------------------------------------------------ Word files, forms, PDFs, pages


WORD_CASES = {
    "xxe.docx": "DTD",
    "laughs.docx": "DTD",
    "truncated.docx": "已损坏",
    "huge-document.docx": "压缩炸弹",
    "lying-bomb.docx": "已损坏",
    "gigabyte-part.docx": "压缩炸弹",
}


@pytest.mark.parametrize("name, said", WORD_CASES.items())
def test_a_hostile_word_file_is_refused_within_the_memory_limit(drafted, tmp_path, name, said):
    path = tmp_path / name
    path.write_bytes(make_hostile.docx_case(drafted["docx"].read_bytes(), name))
    result, peak = measured("import", path, "-o", tmp_path / "out", tmp_path=tmp_path)
    assert_clear(result, path, said)
    assert peak < PEAK_MB, peak
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["gridspan-huge.docx", "gridspan-text.docx"])
def test_a_span_no_table_can_have_is_taken_within_bounds(drafted, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(make_hostile.docx_case(drafted["docx"].read_bytes(), name))
    result, peak = measured("import", path, "-o", tmp_path / "out", tmp_path=tmp_path)
    assert result.exit_code in (0, 1) and not ENGLISH.search(result.output), result.output
    assert "已导入" in result.output and peak < PEAK_MB


@pytest.mark.parametrize(
    "name, said",
    {
        "truncated-sheet.xlsx": "已损坏",
        "truncated-workbook.xlsx": "已损坏",
        "xxe.xlsx": "DTD",
        "laughs.xlsx": "DTD",
        "not-a-zip.xlsx": "不是有效的 .xlsx 文件",
    }.items(),
)
@pytest.mark.parametrize("command", ["check", "import"])
def test_a_hostile_returned_form_is_refused(drafted, tmp_path, name, said, command):
    path = tmp_path / name
    path.write_bytes(make_hostile.workbook_cases(drafted["form"].read_bytes())[name])
    result, peak = measured(
        command, path, *(["-o", tmp_path / "out"] if command == "import" else []), tmp_path=tmp_path
    )
    assert_clear(result, path, said)
    assert peak < PEAK_MB


def test_a_pdf_that_unpacks_to_a_gigabyte_is_refused(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(make_hostile.pdf_bomb())
    result, peak = measured("import", path, "-o", tmp_path / "out", tmp_path=tmp_path)
    assert_clear(result, path, "压缩炸弹")
    assert peak < PEAK_MB


def test_a_pipe_or_a_link_to_a_device_is_refused_at_once(tmp_path):
    for _name, path in make_hostile.special_files(tmp_path).items():
        started = time.monotonic()
        result, peak = measured("import", path, "-o", tmp_path / "out", tmp_path=tmp_path, timeout=30)
        assert_clear(result, path, "不是普通文件")
        assert time.monotonic() - started < 20 and peak < PEAK_MB


def test_a_data_file_that_is_a_pipe_is_refused(tmp_path):
    pipe = tmp_path / "2025.toml"
    os.mkfifo(pipe)
    result, _ = measured("check", pipe, tmp_path=tmp_path, timeout=30)
    assert_clear(result, pipe, "不是普通文件")


def test_a_well_formed_xhtml_page_is_imported(tmp_path):
    sample = shapes.make_sample(__import__("random").Random(5))
    path = tmp_path / "page.xhtml"
    path.write_bytes(make_hostile.xhtml(shapes.portal_page(sample)))
    result = run("import", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / sample.agency / "2025.toml").exists()


def test_a_page_holding_two_reports_gives_two_data_files(tmp_path):
    random = __import__("random")
    first = shapes.make_sample(random.Random(1), agency="示例市甲局")
    second = shapes.make_sample(random.Random(2), agency="示例市乙局", year=2024)
    page = shapes.portal_page(first)
    other = shapes.portal_page(second)
    body = other[other.index("<h1") : other.index('<div class="footer">')]
    path = tmp_path / "two.html"
    path.write_text(page.replace('<div class="footer">', body + '<div class="footer">'), encoding="utf-8")
    result = run("import", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "中有 2 份报告，分别导入" in result.output
    for sample in (first, second):
        imported = (tmp_path / "out" / sample.agency / f"{sample.year}.toml").read_text(encoding="utf-8")
        assert f'agency = "{sample.agency}"' in imported
        assert f"new = {{ natural_person = {sample.figures['requests.new.natural_person']}," in imported


def test_one_unreadable_file_never_stops_an_audit(drafted, tmp_path):
    folder = tmp_path / "published"
    folder.mkdir()
    for name in make_hostile.DOCX_CASES:
        (folder / name).write_bytes(make_hostile.docx_case(drafted["docx"].read_bytes(), name))
    (folder / "bomb.pdf").write_bytes(make_hostile.pdf_bomb())
    shutil.copy(REPO / "tests" / "fixtures" / "published" / "portal-gbk-2025.html", folder)
    make_hostile.special_files(folder)  # not even listed: only regular files are reports
    out = tmp_path / "核查结果.xlsx"
    result, peak = measured("audit", folder, "-o", out, "--jobs", "2", tmp_path=tmp_path, timeout=180)
    assert result.exit_code == 1 and out.exists(), result.output
    assert not ENGLISH.search(result.output), result.output
    assert "示例市自然资源和规划局" in result.output and peak < PEAK_MB  # the good report, audited
    assert result.output.count("无法读取：") == 7  # the damaged ones, each said


# ------------------------------------------------------------------ refresh


def test_a_pool_worker_told_to_stop_ends_quietly():
    """SIGTERM is Ctrl-C for reportgen itself; a worker forked from it, ended by its pool
    (audit, import and form use one), ends as a process told to stop, with no traceback."""
    script = """
import os, signal, sys, time
import reportgen.cli.main as cli

def forked_worker():
    child = os.fork()
    if child == 0:
        time.sleep(30)
        os._exit(0)
    time.sleep(0.5)
    os.kill(child, signal.SIGTERM)
    _, status = os.waitpid(child, 0)
    print(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM)
    return 0

cli.main = forked_worker
cli.run()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "True" and done.stderr == "", done.stderr


def test_refresh_refuses_another_agencys_data_unless_told(drafted, tmp_path):
    folder = tmp_path / "drafts"
    shutil.copytree(drafted["docx"].parent, folder)
    draft = folder / drafted["docx"].name
    other = tmp_path / "2025.toml"
    shutil.copy(DATA / "linjiang-district" / "2025.toml", other)
    before = draft.read_bytes()
    refused = run("refresh", draft, "--data", other)
    assert refused.exit_code == 1 and "不是同一份报告" in refused.output
    assert "青川市财政局" in refused.output and "临江区" in refused.output and draft.read_bytes() == before
    forced = run("refresh", draft, "--data", other, "--force")
    assert forced.exit_code == 0, forced.output


@pytest.mark.parametrize(
    "name, said", [("gigabyte-part.docx", "压缩炸弹"), ("lying-bomb.docx", "已损坏"), ("xxe.docx", "DTD")]
)
def test_refresh_of_a_hostile_draft_is_refused_within_the_memory_limit(drafted, tmp_path, name, said):
    folder = tmp_path / "drafts"
    shutil.copytree(drafted["docx"].parent, folder)
    draft = folder / drafted["docx"].name
    draft.write_bytes(make_hostile.docx_case(drafted["docx"].read_bytes(), name))
    result, peak = measured("refresh", draft, "--data", drafted["source"], "--force", tmp_path=tmp_path)
    assert_clear(result, draft, said)
    assert peak < PEAK_MB
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in drafted["docx"].parent.iterdir())


def test_refresh_on_a_full_disk_leaves_nothing_half_written(drafted, tmp_path):
    folder = tmp_path / "drafts"
    shutil.copytree(drafted["docx"].parent, folder)
    draft = folder / drafted["docx"].name
    source = tmp_path / "2025.toml"
    source.write_text(
        drafted["source"].read_text(encoding="utf-8").replace("licensing = 35 ", "licensing = 36 "), encoding="utf-8"
    )
    run("refresh", draft, "--data", drafted["source"])  # recorded against this data file
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    # files may grow to a third of the draft only: the backup, or the new draft, cannot be written whole
    result, _ = measured(
        "refresh", draft, "--data", source, "--force", tmp_path=tmp_path, file_limit=draft.stat().st_size // 3
    )
    assert result.exit_code == 1 and not ENGLISH.search(result.output), result.output
    assert "文件超过了允许的大小" in result.output or "磁盘空间不足" in result.output, result.output
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert after == before  # no half-written backup, no temporary file, the draft as it was


# ------------------------------------------------------------------ printing PDFs


def test_a_pdf_libreoffice_spoiled_is_not_counted_as_built(drafted, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        "out=''; while [ $# -gt 0 ]; do if [ \"$1\" = --outdir ]; then out=$2; fi; shift; done\n"
        'for f in "$out"/../in/*.docx; do b=$(basename "$f" .docx); printf \'garbage\' > "$out/$b.pdf"; done\n'
    )
    fake.chmod(0o755)
    result, _ = measured(
        "build",
        drafted["source"],
        "-o",
        tmp_path / "out",
        "--to",
        "pdf",
        tmp_path=tmp_path,
        env={"REPORTGEN_SOFFICE": str(fake)},
    )
    assert result.exit_code == 1 and "不是完整的 PDF 文件" in result.output, result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


def _office_groups(parent: int) -> set[int]:
    """The process groups of the LibreOffice processes started under ``parent``."""
    children: dict[int, list[int]] = {}
    groups: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        groups[pid], names[pid] = int(fields[2]), stat[stat.index("(") + 1 : stat.rindex(")")]
    found, stack = set(), [parent]
    while stack:
        for child in children.get(stack.pop(), []):
            stack.append(child)
            if "soffice" in names.get(child, "") or "oosplash" in names.get(child, ""):
                found.add(groups[child])
    return found


def _alive(groups: set[int]) -> bool:
    for group in groups:
        try:
            os.killpg(group, 0)
            return True
        except (ProcessLookupError, PermissionError):
            continue
    return False


@pytest.fixture
def many(tmp_path):
    """Eight units, so that printing their PDFs takes a while."""
    folder = tmp_path / "data"
    for index in range(8):
        unit = folder / f"unit-{index}"
        unit.mkdir(parents=True)
        text = (DATA / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8")
        (unit / "2025.toml").write_text(text.replace("青川市财政局", f"青川市第{index}局"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_a_batch_stopped_while_printing_leaves_no_libreoffice_and_no_temporary_files(many, tmp_path, how):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportgen",
            "batch",
            many,
            "--year",
            "2025",
            "-o",
            out,
            "--to",
            "docx,pdf",
            "--jobs",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    groups: set[int] = set()
    deadline = time.monotonic() + 120
    while not groups and time.monotonic() < deadline and process.poll() is None:
        groups = _office_groups(process.pid)
        time.sleep(0.1)
    assert groups, "LibreOffice never started"
    # stopped while printing: once LibreOffice has its temporary folder, however loaded the machine
    while not list(temporary.glob("reportgen-pdf-*")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert process.poll() is None and list(temporary.glob("reportgen-pdf-*")), "printing never began"
    process.send_signal(how)
    process.communicate(timeout=60)
    for _ in range(50):  # the watchdog looks a few times a second
        if not _alive(groups) and not list(temporary.glob("reportgen-pdf-*")):
            break
        time.sleep(0.2)
    assert not _alive(groups), "LibreOffice still running"
    assert not list(temporary.glob("reportgen-pdf-*")), "temporary files left"
    if how == signal.SIGINT:
        assert process.returncode == 130
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["running"] is False and summary["state"] != "进行中" and summary["interrupted"] is True
        assert all(r["status"] != "进行中" for r in summary["results"])
