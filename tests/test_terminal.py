"""What the terminal shows, as a clerk reads it (issue 22): only Chinese, lines that fit an
80-column window, no line that starts with closing punctuation, a mistyped command
answered with the close match, Tab completion, and a quick start."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from cli_helpers import run, run_process
from conftest import DATA, REPO, skeleton
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.cli.terminal import CLOSING, OPENING, display_width, table, wrap

CODES = ("missing", "empty-text", "blank", "similar", "review", "unknown-key", "type", "placeholder", "syntax")
LATIN = re.compile(r"[A-Za-z]{4,}")
# Latin words a Chinese message may carry: options, file kinds, names of programs and keys.
ALLOWED = {
    "reportgen",
    "check",
    "build",
    "refresh",
    "force",
    "data",
    "toml",
    "docx",
    "html",
    "json",
    "text",
    "year",
    "pdf",
    "xlsx",
    "LibreOffice",
    "Word",
    "Markdown",
    "Excel",
    "WPS",
    "allow",
    "errors",
    "help",
}


def only_chinese(output: str) -> list[str]:
    """Latin words in the output that are neither keys, paths, options nor names we allow."""
    stripped = re.sub(r"(\S+/\S+|--[\w-]+|[\w.]+\.(toml|docx|md|html|xlsx|pdf)|[a-z_]+\.[a-z_.]+)", "", output)
    return [w for w in LATIN.findall(stripped) if w not in ALLOWED and not w.islower()]


# ------------------------------------------------------------------ findings


def test_findings_print_no_internal_code_but_keep_them_in_json(write):
    path = write(skeleton().replace('phone = "010-12345678"', 'phone = ""').replace('problems = "', 'problemz = "'))
    text = run("check", path)
    for code in CODES:
        assert f"（{code}）" not in text.output, code
    codes = {
        f["code"]
        for f in __import__("json").loads(run("check", "--format", "json", path).stdout)["files"][0]["findings"]
    }
    assert {"missing", "unknown-key"} <= codes


def test_a_statutory_rule_keeps_its_number(write):
    from conftest import with_tables

    result = run("check", write(with_tables("[requests]\nnew = { natural_person = 4 }\n")))
    assert "（R1）" in result.output


def test_a_bad_date_is_explained_in_chinese_with_line_and_column(write):
    path = write(skeleton().replace("published = 2022-01-20", "published = 2026-13-01"))
    result = run("check", path)
    assert result.exit_code == 1
    assert "第5行第17列" in result.output and "日期 2026-13-01 不存在：月份只能是 1 到 12" in result.output
    assert "Expected" not in result.output and "一行只能写一个" not in result.output


def test_a_free_sections_finding_names_its_line_not_an_internal_path(tmp_path):
    path = tmp_path / "2021-工作总结.toml"
    path.write_text(
        'document = "工作总结"\n[report]\nagency = "某局"\nyear = 2021\n\n[[section]]\nheading = "一、工作情况"\n'
        'text = "全年收到申请{{ 不存在的名称 }}件。"\n',
        encoding="utf-8",
    )
    result = run("check", path)
    assert "第8行" in result.output and "section[" not in result.output and "开头/结尾" not in result.output


def test_the_audit_message_for_a_page_without_a_report_has_no_template_braces(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "news.html").write_bytes((REPO / "tests" / "fixtures" / "published" / "news.html").read_bytes())
    result = run("audit", folder, "-o", tmp_path / "核查.xlsx")
    assert "{" not in result.output and "某某机关某年政府信息公开工作年度报告" in result.output


def test_batch_counts_files_and_agencies_apart(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "qingchuan-finance", data / "qingchuan-finance")
    shutil.copytree(DATA / "qingchuan-hrss", data / "qingchuan-hrss")
    result = run("batch", data, "--year", "2025", "-o", tmp_path / "out")
    assert "共 4 个文件（2 个单位）" in result.output, result.output


def test_a_conflict_names_the_part_of_the_report_in_chinese(tmp_path):
    from reportgen.renderers.merge import marker_label

    for name in ("lead_on_request", "fig_proactive_1", "lead_requests", "lead-figures", "fig_work_2", "tasks-3"):
        label = marker_label(name)
        assert not re.search(r"[A-Za-z_]", label), (name, label)


# ------------------------------------------------------------------ 80 columns


def test_the_results_tables_fit_80_columns(tmp_path):
    data = tmp_path / "data"
    for slug in ("qingchuan-finance", "qingchuan-hrss", "linjiang-district"):
        shutil.copytree(DATA / slug, data / slug)
    long = data / "青川市人力资源和社会保障局机关事务服务中心信息化建设办公室" / "2025.toml"
    long.parent.mkdir()
    long.write_text(
        (DATA / "qingchuan-hrss" / "2025.toml")
        .read_text(encoding="utf-8")
        .replace("青川市人力资源和社会保障局", "青川市人力资源和社会保障局机关事务服务中心信息化建设办公室"),
        encoding="utf-8",
    )
    batch = run_process("batch", data, "--year", "2025", "-o", tmp_path / "out", env={"COLUMNS": "80"})
    assert batch.exit_code == 0, batch.output
    published = tmp_path / "published"
    published.mkdir()
    for name in ("portal-gbk-2025.html", "undeclared-utf8-2024.html", "clerk-2025.docx"):
        shutil.copy(REPO / "tests" / "fixtures" / "published" / name, published / name)
    audit = run_process("audit", published, "-o", tmp_path / "核查.xlsx", env={"COLUMNS": "80"})
    for result in (batch, audit):
        table_lines = [line for line in result.stdout.splitlines() if "──" in line or "  " in line]
        assert table_lines
        for line in result.stdout.splitlines():
            if not line.startswith(("共", "  ", "无法读取")):
                assert display_width(line) <= 80, line


def test_a_table_shortens_its_flexible_columns_to_fit():
    rows = [["青川市人力资源和社会保障局机关事务服务中心", "data/some/very/long/folder/name/2025.toml", "成功", "0"]]
    shown = table(("机关名称", "数据文件", "状态", "错误数"), rows, columns=60, flexible=(0, 1))
    assert all(display_width(line) <= 59 for line in shown.splitlines()) and "…" in shown


chinese = st.text(alphabet="数据文件可以写多个一二三四五六七八九十机关名称年度", min_size=1, max_size=12)
latin = st.from_regex(r"[a-z][a-z0-9_.-]{0,14}", fullmatch=True)
punct = st.sampled_from(list("，。、；：！？") + ["）", "”", "）。", "”，", ""])
opening = st.sampled_from(["（", "“", "《", ""])
word = st.tuples(opening, st.one_of(chinese, latin), punct).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(word, min_size=1, max_size=40),
    columns=st.integers(24, 100),
    spaced=st.lists(st.booleans(), min_size=40, max_size=40),
)
def test_wrapped_lines_fit_and_never_start_with_closing_or_end_with_opening_punctuation(words, columns, spaced):
    text = "".join(w + (" " if s and w[-1:].isascii() else "") for w, s in zip(words, spaced))
    lines = wrap(text, columns, "  ")
    for index, line in enumerate(lines):
        body = line.strip()
        assert display_width(line) <= columns or " " not in body and len(body) == 1, line
        if index and body:
            assert body[0] not in CLOSING, lines
        if index < len(lines) - 1 and body:
            assert body[-1] not in OPENING, lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    "command",
    ["", "check", "build", "batch", "aggregate", "init", "next-year", "keys", "import", "audit", "refresh", "form"],
)
def test_help_lines_never_start_with_closing_punctuation(command):
    result = run_process(*([command] if command else []), "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    for line in result.stdout.splitlines():
        assert not line.strip() or line.strip()[0] not in CLOSING, line
        assert display_width(line) <= 80, line


# ------------------------------------------------------------------ Typer, completion, the quick start


def test_a_mistyped_command_gets_the_close_match():
    result = run("bild", "data")
    assert result.exit_code == 2 and "没有这个命令：bild。您是否要用 build？" in result.output
    assert only_chinese(result.output) == []


def test_shell_completion_is_offered_and_completes_commands(tmp_path):
    program = shutil.which("reportgen", path=os.path.dirname(sys.executable)) or shutil.which("reportgen")
    assert program, "reportgen is installed as a console script"
    env = {**os.environ, "_REPORTGEN_COMPLETE": "complete_bash", "COMP_WORDS": "reportgen ch", "COMP_CWORD": "1"}
    completed = subprocess.run([program], env=env, capture_output=True, text=True, timeout=60)
    assert "check" in completed.stdout.split(), completed.stdout + completed.stderr
    shown = subprocess.run(["bash", "-c", f"'{program}' --show-completion"], capture_output=True, text=True, timeout=60)
    assert "_REPORTGEN_COMPLETE" in shown.stdout, shown.stdout + shown.stderr
    assert "--install-completion" in run("--help").output


def test_usage_errors_say_nothing_in_english():
    for args in (
        ["check"],
        ["check", "--formt", "json", "x"],
        ["check", "x", "--format"],
        ["batch", "d"],
        ["keys", "--year", "x"],
        ["check", "a", "--to", "pdf"],
        ["refresh", "a.docx", "b", "c"],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert only_chinese(result.output) == [], (args, result.output)


def test_the_quick_start_works_with_the_distributions_python(tmp_path):
    """The README's two commands make a virtual environment first, so that a stock Debian
    or Ubuntu python3 (externally managed: no pip install into it) runs them as written."""
    from test_project import quick_start

    build, tests = quick_start()
    for command in (build, tests):
        assert command.startswith("python3 -m venv .venv && ")
        assert "--break-system-packages" not in command and "sudo" not in command
    assert ".venv/bin/reportgen build data/*/*.toml -o output/" in build
    assert ".venv/bin/python -m pytest" in tests
