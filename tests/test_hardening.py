"""Hostile data files get a clear Chinese message, never a traceback; refused template text is
never evaluated; files follow the umask; no dependency's private API is used (issue 14)."""

from __future__ import annotations

import ast
import stat
import sys
from pathlib import Path

import pytest
from cli_helpers import run, run_process
from conftest import REPO, skeleton

COMMANDS = (["check"], ["check", "--format", "json"], ["build"], ["build", "--allow-errors"])


def commands(path: Path, out: Path):
    for command in COMMANDS:
        args = [*command, path]
        if command[0] == "build":
            args += ["-o", out]
        yield command, run(*args)


@pytest.mark.parametrize("year", [9999, 2099, 1, 2007])
def test_an_absurd_year_is_a_finding_in_every_command(write, tmp_path, year):
    path = write(skeleton().replace("year = 2021", f"year = {year}"))
    for command, result in commands(path, tmp_path / "out"):
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output
        assert f"报告年度 {year} 不合理" in result.output or f"{year} 年度没有全国统一的报告格式" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.docx"))


@pytest.mark.parametrize("opening, closing", [("{", "}"), ("[", "]")])
def test_deeply_nested_toml_is_malformed_toml(write, tmp_path, opening, closing):
    depth = 5000
    nested = (
        "a = "
        + (opening if opening == "[" else "{ b = ") * depth
        + "1"
        + ((closing if closing == "]" else " }") * depth)
    )
    path = write(skeleton() + "\n[proactive]\n" + nested + "\n")
    for command, result in commands(path, tmp_path / "out"):
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output and "RecursionError" not in result.stdout
        assert "嵌套的层数太多" in result.output
    result = run("next-year", path, "-o", tmp_path / "next.toml")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (tmp_path / "next.toml").exists()


HOSTILE_TEXT = [
    "{{ ''.__class__.__mro__ }}",
    "{{ config }}",
    "{{ config.items() }}",
    "收到申请{{ requests.new.total 件",
    "{%p if report %}段落{%p endif %}",
    "{% for i in range(3) %}X{% endfor %}",
    "{% for i in range(99999) %}{% for j in range(99999) %}X{% endfor %}{% endfor %}",
    "{{ '(' * 10 }}" + "(" * 3000 + ")" * 3000,
]


@pytest.mark.parametrize("hostile", HOSTILE_TEXT)
def test_refused_template_text_is_reported_and_printed_literally_never_run(tmp_path, hostile):
    source = tmp_path / "2021.toml"
    source.write_text(
        skeleton()
        .replace('problems = "', "problems = '''" + hostile + "\n")
        .replace('下一年将增加图解和视频解读。"', "下一年将增加图解和视频解读。'''"),
        encoding="utf-8",
    )
    checked = run("check", source)
    assert checked.exit_code == 1 and "占位符" in checked.output, checked.output
    # The nested loop would run for hours if it were evaluated; 60 s is a generous bound.
    built = run_process("build", "--allow-errors", source, "-o", tmp_path / "out", timeout=60)
    assert built.exit_code == 0, built.output
    assert "Traceback" not in built.output
    [markdown] = (tmp_path / "out").glob("*.md")
    text = markdown.read_text(encoding="utf-8")
    assert "【数据待核】" in text
    assert hostile.split("\n")[0][:40] in text.replace("\\", "")  # printed as written
    assert "XXX" not in text and "<class" not in text
    assert markdown.stat().st_size < 200_000


def test_a_refused_loop_is_not_run_in_a_batch_either(tmp_path):
    folder = tmp_path / "data" / "unit"
    folder.mkdir(parents=True)
    (folder / "2021.toml").write_text(
        skeleton().replace(
            'problems = "',
            'problems = "{% for i in range(99999) %}{% for j in range(99999) %}X{% endfor %}{% endfor %}',
        ),
        encoding="utf-8",
    )
    result = run_process(
        "batch", tmp_path / "data", "--year", "2021", "--allow-errors", "-o", tmp_path / "out", timeout=60
    )
    assert result.exit_code == 1, result.output
    assert "有错误" in result.output
    [markdown] = (tmp_path / "out").glob("*.md")
    assert "{% for i in range(99999) %}" in markdown.read_text(encoding="utf-8")


def test_an_empty_agency_is_an_error(write):
    result = run("check", write(skeleton().replace('agency = "测试市测试局"', 'agency = "  "')))
    assert result.exit_code == 1
    assert "“机关名称”不能为空" in result.output


def test_init_refuses_an_empty_agency(tmp_path):
    result = run("init", "--agency", " ", "--year", "2025", "-o", tmp_path / "x.toml")
    assert result.exit_code == 2
    assert "--agency 不能为空" in result.output
    assert not (tmp_path / "x.toml").exists()


@pytest.mark.parametrize(
    "published, message",
    [
        ("2021-06-30", "早于报告年度结束"),
        ("2021-12-31", "早于报告年度结束"),
        ("2099-01-20", "不合理"),
    ],
)
def test_a_publication_date_before_the_year_ended_or_far_in_the_future_is_an_error(write, published, message):
    result = run("check", write(skeleton().replace("published = 2022-01-20", f"published = {published}")))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "report.published" in result.output


def test_a_missing_section_five_is_a_warning_as_the_reference_says(write):
    result = run(
        "check", write(skeleton().replace('problems = "', 'problems_old = "').replace("problems_old", "# problems"))
    )
    assert result.exit_code == 0, result.output
    assert "“五、存在的主要问题及改进情况”还没有内容" in result.output
    reference = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    assert "必填（未填时 check 给出警告，草稿显示【待填写】）" in reference


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_written_files_follow_the_umask(tmp_path, umask):
    source = tmp_path / "data" / "unit" / "2021.toml"
    source.parent.mkdir(parents=True)
    source.write_text(skeleton(), encoding="utf-8")
    out = tmp_path / "out"
    script = (
        f"import os, sys; os.umask({umask}); from reportgen.cli.main import main; "
        f"sys.exit(main(['batch', {str(tmp_path / 'data')!r}, '--year', '2021', '-o', {str(out)!r}]))"
    )
    import subprocess

    assert subprocess.run([sys.executable, "-c", script], capture_output=True).returncode == 0
    expected = 0o666 & ~umask
    written = [p for p in out.iterdir() if p.is_file()]
    assert {p.suffix for p in written} >= {".docx", ".md", ".json", ".csv", ".jsonl"}
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_every_docs_path_the_program_writes_or_prints_exists(tmp_path):
    init = run("init", "--agency", "某局", "--year", "2025", "-o", tmp_path / "2025.toml")
    texts = [(tmp_path / "2025.toml").read_text(encoding="utf-8"), init.output, run("--help").output]
    texts += [p.read_text(encoding="utf-8") for p in (REPO / "data").glob("*/*.toml")]
    texts += [p.read_text(encoding="utf-8") for p in (REPO / "reportgen").rglob("*.py")]
    texts.append((REPO / "README.md").read_text(encoding="utf-8"))
    import re

    mentioned = {m for text in texts for m in re.findall(r"docs/[\w.\-/\u4e00-\u9fff]+\.md", text)}
    assert mentioned, "the data files should point to the key reference"
    for path in mentioned:
        assert (REPO / path).is_file(), path


# ------------------------------------------------------------------ dependencies


def _third_party_private_uses(tree: ast.AST) -> list[str]:
    """Imports of private modules or names, and attribute reads of private names on
    imported third-party modules."""
    found, modules = [], set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and not node.module.startswith(("reportgen", "__future__"))
        ):
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(f"from {node.module} import …")
            found += [f"from {node.module} import {a.name}" for a in node.names if a.name.startswith("_")]
            modules.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("reportgen"):
                    if any(part.startswith("_") for part in alias.name.split(".")):
                        found.append(f"import {alias.name}")
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules - set(sys.stdlib_module_names):
                found.append(ast.unparse(node))
    return found


def test_no_private_api_of_any_dependency_is_used():
    uses = {}
    for path in (REPO / "reportgen").rglob("*.py"):
        found = _third_party_private_uses(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            uses[str(path.relative_to(REPO))] = found
    assert uses == {}


def test_the_private_api_detector_finds_what_it_looks_for():
    sample = "from typer import _click\nimport tomlkit\nx = tomlkit.api._insert_after\nfrom jinja2 import _x\n"
    assert len(_third_party_private_uses(ast.parse(sample))) == 3


def test_dependency_pins_admit_the_next_minor_releases():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = " ".join(project["dependencies"])
    assert "typer>=0.26" in dependencies  # the CLI is Typer (its own copy of Click, public API only)
    assert "tomlkit>=0.13,<1" in dependencies


def test_help_is_chinese_and_reads_fully_at_80_columns():
    for command in (
        "",
        "check",
        "build",
        "batch",
        "aggregate",
        "init",
        "next-year",
        "keys",
        "import",
        "audit",
        "refresh",
        "form",
    ):
        result = run_process(*([command] if command else []), "--help", env={"COLUMNS": "80"})
        assert result.exit_code == 0
        for line in result.stdout.splitlines():
            width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)
            assert width <= 80, line
        assert "…" not in result.stdout
        for word in ("<bool>", "<str>", "<int", "<list", "Usage", "Options"):
            assert word not in result.stdout
        assert "用法：" in result.stdout
