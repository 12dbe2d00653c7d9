"""The pipeline's stages import only downward, and no module imports itself round a cycle
(issue 27). The contracts are in pyproject.toml ([tool.importlinter]); import-linter checks
them here as in CI, and a planted upward import must break them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

LINT = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
    "--no-cache",
]


def lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        LINT,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
    )


def test_every_import_contract_is_kept():
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, planted, contract",
    [
        ("model/names.py", "from reportgen.draft import prose", "import only from the stages before them"),
        (
            "checks/arithmetic.py",
            "from reportgen.workflows import importing",
            "import only from the stages before them",
        ),
        ("checks/texts.py", "from reportgen.checks import check", "No import cycles"),
        ("renderers/html.py", "from reportgen.renderers import markdown", "know nothing of each other"),
        ("sources/workbook.py", "from reportgen.renderers import form", "import only from the stages before them"),
        ("output/writing.py", "from reportgen.model import KINDS", "import only from the stages before them"),
        ("web/views.py", "from reportgen.checks import check", "The page goes through the workflows"),
        ("web/app.py", "from reportgen.output.writing import write_atomic", "The page goes through the workflows"),
    ],
)
def test_a_planted_import_breaks_its_contract(tmp_path, module, planted, contract):
    shutil.copytree(REPO / "reportgen", tmp_path / "reportgen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "reportgen" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}  # planted\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(contract in line for line in broken), result.stdout


def test_the_readme_names_each_stage_in_import_order():
    import tomllib

    readme = (REPO / "README.md").read_text(encoding="utf-8").split("## 开发", 1)[1]
    layers = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"][
        0
    ]["layers"]
    stages = [name.strip() for layer in reversed(layers) for name in layer.split("|")]
    positions = [readme.index(f"`reportgen/{stage}") for stage in stages]
    assert positions == sorted(positions), stages


def test_the_readme_stage_table_matches_the_folders():
    """Every stage folder and top-level module of the package is in the README's table, every
    path the table names exists, and every module it names in a stage is in that stage."""
    import re

    section = (REPO / "README.md").read_text(encoding="utf-8").split("## 开发", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `reportgen/")]
    package = REPO / "reportgen"
    named = {path for row in rows for path in re.findall(r"`reportgen/([\w./]+?)/?`", row.split(" | ")[0])}
    actual = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    actual |= {p.name for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert named == actual, (sorted(named - actual), sorted(actual - named))
    for row in rows:
        stage, says = row.split(" | ", 1)
        folders = [package / p for p in re.findall(r"`reportgen/([\w/]+)/`", stage)]
        for module in re.findall(r"`([\w/]+\.py)`", says):
            assert any(list(folder.rglob(module)) for folder in folders), (stage, module)
