"""The offline install (README: 政务内网（不能上网）的电脑上安装): scripts/offline_wheels.py
builds a folder of wheels for a chosen platform and Python, from which reportgen installs
with `pip install --no-index --find-links` and drafts the examples."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest
from conftest import DATA, REPO

spec = importlib.util.spec_from_file_location("offline_wheels", REPO / "scripts" / "offline_wheels.py")
offline_wheels = importlib.util.module_from_spec(spec)
spec.loader.exec_module(offline_wheels)


def fake_wheel(folder, name, version, requires=()):
    path = folder / f"{name}-{version}-py3-none-any.whl"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return path


def environment(platform, python="3.12"):
    return {**offline_wheels.default_environment(), **offline_wheels.PLATFORMS[platform][1],
            "python_version": python, "python_full_version": f"{python}.0"}


def test_requirements_are_read_with_the_target_platforms_markers(tmp_path):
    """pip download --platform judges markers by the computer it runs on: what a Windows
    computer needs (click's colorama) is found again by the target's markers."""
    fake_wheel(tmp_path, "click", "8.1.7", ['colorama; platform_system == "Windows"'])
    fake_wheel(tmp_path, "reportgen", "0.2.0", ["click>=8", 'tomli>=1; python_version < "3.11"',
                                                'pytest>=8; extra == "test"'])
    assert offline_wheels.missed(tmp_path, environment("win_amd64")) == ["colorama"]
    assert offline_wheels.missed(tmp_path, environment("manylinux")) == []
    assert offline_wheels.missed(tmp_path, environment("manylinux", "3.10")) == ["tomli>=1"]
    fake_wheel(tmp_path, "colorama", "0.4.6")
    assert offline_wheels.missed(tmp_path, environment("win_amd64")) == []


def test_only_python_311_and_newer_is_offered(tmp_path):
    done = subprocess.run([sys.executable, REPO / "scripts" / "offline_wheels.py", "--platform", "win_amd64",
                           "--python", "3.10", "-o", tmp_path / "w"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "3.11" in done.stderr
    assert not (tmp_path / "w").exists()


@pytest.mark.slow
def test_installed_from_the_folder_alone_it_drafts_the_examples(tmp_path):
    """Build the Linux folder (this needs the package index, as building any wheel does),
    then install from it into a new virtual environment with pip told to use no index and
    no configured links, and draft every example with the installed command."""
    folder = tmp_path / "wheels"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run([sys.executable, REPO / "scripts" / "offline_wheels.py", "--platform", "manylinux",
                    "--python", python, "-o", folder], check=True, capture_output=True)
    assert len(list(folder.glob("reportgen-*.whl"))) == 1 and (folder / "install.bat").is_file()
    venv.create(tmp_path / "venv", with_pip=True)
    bin_ = tmp_path / "venv" / "bin"
    offline = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    offline |= {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    subprocess.run([bin_ / "python", "-m", "pip", "install", "--no-index", "--find-links", folder, "reportgen"],
                   check=True, capture_output=True, env=offline)
    examples = tmp_path / "examples"
    shutil.copytree(DATA, examples)
    built = subprocess.run([bin_ / "reportgen", "build", *sorted(examples.glob("*/*.toml")), "-o", tmp_path / "out",
                            "--to", "docx,md,html"], capture_output=True, text=True, env=offline, cwd=tmp_path,
                           check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    assert len(list((tmp_path / "out").glob("*.docx"))) == len(list(DATA.glob("*/*.toml")))
    where = subprocess.run([bin_ / "python", "-c", "import reportgen; print(reportgen.__file__)"],
                           capture_output=True, text=True, check=True, env=offline, cwd=tmp_path).stdout
    assert str(tmp_path / "venv") in where  # the installed wheel, not this checkout
    doctor = subprocess.run([bin_ / "reportgen", "doctor"], capture_output=True, text=True, env=offline, cwd=tmp_path,
                            check=False)
    assert doctor.returncode == 0 and "✔ 可以生成 Word 和 Markdown 草稿" in doctor.stdout
