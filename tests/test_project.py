"""The project's promises about itself: README, CI, generated docs, examples."""

from __future__ import annotations

import re
import tomllib

from conftest import DOCUMENTS, DATA, EXAMPLES, REPO

from reportgen import check_file
from reportgen.workflows.reference import reference


def quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_the_readme_opens_in_chinese_with_two_quick_start_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.match(r"# reportgen：[\u4e00-\u9fff]", readme)
    commands = quick_start()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)


def test_ci_runs_the_readme_test_command():
    test_command = quick_start()[1]
    assert "pytest" in test_command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_key_reference_is_current():
    committed = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == reference(), "run: python -m reportgen.workflows.reference > docs/reference.md"


def test_examples_are_clean_and_cover_both_formats():
    formats = set()
    for path in EXAMPLES:
        result = check_file(path)
        assert result.findings == [], (path, [f.message for f in result.findings])
        formats.add(result.report.format.id)
    assert formats == {"2019", "2021"}
    agencies_2021 = {p.parent.name for p in EXAMPLES if check_file(p).report.format.id == "2021"}
    assert len(agencies_2021) >= 3
    assert (DATA / "wuhai-finance" / "2019.toml").exists()


def test_every_document_kind_has_a_clean_example():
    kinds = set()
    for path in DOCUMENTS:
        result = check_file(path)
        assert result.findings == [], (path, [f.message for f in result.findings])
        kinds.add(result.report.format.id)
    assert kinds == {"tasks", "summary", "annual2008"}


def test_the_toml_package_is_not_used():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = project["project"]["dependencies"]
    assert not any(re.match(r"toml\b(?!kit)", d) for d in dependencies)
    for source in (REPO / "reportgen").rglob("*.py"):
        assert not re.search(r"^\s*(import toml\b|from toml\b)", source.read_text(encoding="utf-8"), re.M), source


def test_the_installed_package_builds_with_its_own_templates(tmp_path):
    """Run from a folder without ./templates: the templates shipped with the package are used."""
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reportgen",
            "build",
            str(REPO / "tests" / "golden" / "government-2019.toml"),
            "-o",
            str(tmp_path / "out"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [".docx", ".md"]
