"""The offline install (README: 政务内网（不能上网）的电脑上安装): scripts/offline_wheels.py
builds a folder of wheels for a chosen platform and Python, from which reportgen installs
with `pip install --no-index --find-links` and drafts the examples; the folder's install.sh
makes a virtual environment and installs into it, so that it works with Debian's own python3
(which refuses a plain pip install: externally-managed-environment)."""

from __future__ import annotations

import importlib.util
import os
import stat
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
        f"Requires-Dist: {r}\n" for r in requires
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return path


def environment(platform, python="3.12"):
    return {
        **offline_wheels.default_environment(),
        **offline_wheels.PLATFORMS[platform][1],
        "python_version": python,
        "python_full_version": f"{python}.0",
    }


def test_requirements_are_read_with_the_target_platforms_markers(tmp_path):
    """pip download --platform judges markers by the computer it runs on: what a Windows
    computer needs (click's colorama) is found again by the target's markers."""
    fake_wheel(tmp_path, "click", "8.1.7", ['colorama; platform_system == "Windows"'])
    fake_wheel(
        tmp_path, "reportgen", "0.2.0", ["click>=8", 'tomli>=1; python_version < "3.11"', 'pytest>=8; extra == "test"']
    )
    assert offline_wheels.missed(tmp_path, environment("win_amd64")) == ["colorama"]
    assert offline_wheels.missed(tmp_path, environment("manylinux")) == []
    assert offline_wheels.missed(tmp_path, environment("manylinux", "3.10")) == ["tomli>=1"]
    fake_wheel(tmp_path, "colorama", "0.4.6")
    assert offline_wheels.missed(tmp_path, environment("win_amd64")) == []


def test_only_python_311_and_newer_is_offered(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            REPO / "scripts" / "offline_wheels.py",
            "--platform",
            "win_amd64",
            "--python",
            "3.10",
            "-o",
            tmp_path / "w",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "reportgen 需要 Python 3.11 或更新的版本" in done.stderr
    assert not (tmp_path / "w").exists()


def test_the_readmes_offline_commands_install_into_a_virtual_environment():
    """The README's manual commands (政务内网) make a virtual environment and install into it,
    on Linux and Windows: Debian's own pip refuses a plain install."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 政务内网（不能上网）的电脑上安装", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(sh|bat)\n(.*?)\n\s*```", section, re.S)
    installs = [(kind, block) for kind, block in blocks if "pip install" in block]
    assert sorted(kind for kind, _ in installs) == ["bat", "sh"]
    for _, block in installs:
        commands = [line.strip() for line in block.splitlines() if not line.strip().startswith(("#", "rem "))]
        assert "-m venv" in commands[0], commands
        venv_ = commands[0].split("-m venv", 1)[1].strip()
        assert all(command.startswith(venv_) for command in commands[1:]), commands
        assert "--no-index --find-links reportgen-安装文件夹 reportgen" in commands[1]
    assert "sudo apt-get install python3-venv" in section and "/reportgen-安装文件夹/" in (
        REPO / ".gitignore"
    ).read_text(encoding="utf-8")


DEBIAN_PYTHON = "/usr/bin/python3"  # Debian 12's own, EXTERNALLY-MANAGED (the CI image is Debian's)
SYSTEM_PATH = "/usr/bin:/bin"


def debian_python_version() -> str:
    return subprocess.run(
        [DEBIAN_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def install_sh(folder, *args, env=None, path=SYSTEM_PATH, home=None):
    """`sh install.sh` as a clerk runs it: the system's PATH, a home of its own, no pip settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))}
    clean |= {
        "PATH": path,
        "HOME": str(home or folder.parent / "home"),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        **(env or {}),
    }
    return subprocess.run(
        ["sh", folder / "install.sh", *args], capture_output=True, text=True, env=clean, check=False, timeout=600
    )


def test_the_install_scripts_name_the_folders_python_and_make_a_virtual_environment(tmp_path):
    offline_wheels.install_scripts(tmp_path, "3.12")
    sh = (tmp_path / "install.sh").read_bytes()
    bat = (tmp_path / "install.bat").read_bytes()
    assert b"\r" not in sh and b'wanted="3.12"' in sh and b"@PYTHON" not in sh
    assert bat.count(b"\r\n") == bat.count(b"\n") and b"@PYTHON" not in bat  # cmd.exe reads CRLF
    text = bat.decode("utf-8")
    assert "py -3.12" in text and "sys.version_info[:2] != (3, 12)" in text
    assert '%PY% -m venv "%VENV%"' in text and '"%VENV%\\Scripts\\python.exe" -m pip install --no-index' in text
    assert "reportgen-venv" in text and "已安装在虚拟环境" in text


def test_without_venv_install_sh_says_to_install_python3_venv(tmp_path):
    """Debian or Ubuntu without python3-venv: `python3 -m venv` fails (ensurepip missing) and
    leaves a half-made folder; install.sh removes it and says what to install."""
    folder = tmp_path / "reportgen-安装文件夹"
    folder.mkdir()
    offline_wheels.install_scripts(folder, debian_python_version())
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    fake = bin_ / "python3"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin"\n'
        '  echo "The virtual environment was not created successfully because ensurepip is not '
        'available." >&2; exit 1; fi\n'
        f'exec {DEBIAN_PYTHON} "$@"\n',
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    done = install_sh(folder, path=f"{bin_}:{SYSTEM_PATH}", home=tmp_path / "home")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "sudo apt-get install python3-venv" in done.stderr and "重新运行 sh install.sh" in done.stderr
    assert not (tmp_path / "home" / "reportgen-venv").exists()


def test_install_sh_for_another_python_says_which_to_prepare(tmp_path):
    folder = tmp_path / "reportgen-安装文件夹"
    folder.mkdir()
    offline_wheels.install_scripts(folder, "3.99")
    done = install_sh(folder)
    have = debian_python_version()
    assert done.returncode == 1
    assert f"为 Python 3.99 准备的，而这台电脑的 python3 是 Python {have}" in done.stderr
    assert f"--python {have}" in done.stderr
    assert not (tmp_path / "home" / "reportgen-venv").exists()


@pytest.mark.slow
def test_installed_from_the_folder_alone_it_drafts_the_examples(tmp_path):
    """Build the Linux folder (this needs the package index, as building any wheel does),
    then install from it into a new virtual environment with pip told to use no index and
    no configured links, and draft every example with the installed command."""
    folder = tmp_path / "wheels"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run(
        [
            sys.executable,
            REPO / "scripts" / "offline_wheels.py",
            "--platform",
            "manylinux",
            "--python",
            python,
            "-o",
            folder,
        ],
        check=True,
        capture_output=True,
    )
    assert len(list(folder.glob("reportgen-*.whl"))) == 1 and (folder / "install.bat").is_file()
    venv.create(tmp_path / "venv", with_pip=True)
    bin_ = tmp_path / "venv" / "bin"
    offline = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    offline |= {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    subprocess.run(
        [bin_ / "python", "-m", "pip", "install", "--no-index", "--find-links", folder, "reportgen"],
        check=True,
        capture_output=True,
        env=offline,
    )
    examples = tmp_path / "examples"
    shutil.copytree(DATA, examples)
    built = subprocess.run(
        [
            bin_ / "reportgen",
            "build",
            *sorted(examples.glob("*/*.toml")),
            "-o",
            tmp_path / "out",
            "--to",
            "docx,md,html",
        ],
        capture_output=True,
        text=True,
        env=offline,
        cwd=tmp_path,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert len(list((tmp_path / "out").glob("*.docx"))) == len(list(DATA.glob("*/*.toml")))
    where = subprocess.run(
        [bin_ / "python", "-c", "import reportgen; print(reportgen.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=offline,
        cwd=tmp_path,
    ).stdout
    assert str(tmp_path / "venv") in where  # the installed wheel, not this checkout
    doctor = subprocess.run(
        [bin_ / "reportgen", "doctor"], capture_output=True, text=True, env=offline, cwd=tmp_path, check=False
    )
    assert doctor.returncode == 0 and "✔ 可以生成 Word 和 Markdown 草稿" in doctor.stdout


@pytest.mark.slow
def test_install_sh_installs_into_a_virtual_environment_with_debians_own_python(tmp_path):
    """The trial's case: `env PATH=/usr/bin:/bin sh reportgen-安装文件夹/install.sh` with Debian 12's
    /usr/bin/python3, whose pip refuses to install (externally-managed-environment). install.sh
    makes ~/reportgen-venv, installs from the folder alone, says in Chinese how to run reportgen,
    and the command it names drafts the examples."""
    stdlib = subprocess.run(
        [DEBIAN_PYTHON, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert os.path.isfile(os.path.join(stdlib, "EXTERNALLY-MANAGED"))  # the case the trial met
    folder = tmp_path / "reportgen-安装文件夹"
    made = subprocess.run(
        [
            sys.executable,
            REPO / "scripts" / "offline_wheels.py",
            "--platform",
            "manylinux",
            "--python",
            debian_python_version(),
            "-o",
            folder,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stdout.startswith(f"已准备好安装文件夹 {folder}：") and "个软件包（.whl 文件），共" in made.stdout
    assert "运行 sh install.sh" in made.stdout and made.stdout.count("\n") == 2
    plain = subprocess.run(
        [DEBIAN_PYTHON, "-m", "pip", "install", "--no-index", "--find-links", folder, "reportgen"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": SYSTEM_PATH, "HOME": str(tmp_path)},
    )
    assert plain.returncode != 0 and "externally-managed-environment" in plain.stdout + plain.stderr

    home = tmp_path / "home"
    done = install_sh(folder, home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    venv_ = home / "reportgen-venv"
    said = done.stdout
    assert f"reportgen 已安装在虚拟环境 {venv_} 中。以后这样运行：\n    {venv_}/bin/reportgen --help" in said
    assert f'. "{venv_}/bin/activate"' in said and "✔ 可以生成 Word 和 Markdown 草稿" in said
    installed = venv_ / "bin" / "reportgen"
    where = subprocess.run(
        [venv_ / "bin" / "python", "-c", "import reportgen, sys; print(reportgen.__file__, sys.base_prefix)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert where.split() == [
        str(venv_ / "lib" / f"python{debian_python_version()}" / "site-packages" / "reportgen" / "__init__.py"),
        "/usr",
    ]  # the wheel installed over Debian's Python
    examples = tmp_path / "examples"
    shutil.copytree(DATA, examples)
    built = subprocess.run(
        [installed, "build", *sorted(examples.glob("*/*.toml")), "-o", tmp_path / "out", "--to", "docx,md"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={"PATH": SYSTEM_PATH, "HOME": str(home)},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert len(list((tmp_path / "out").glob("*.docx"))) == len(list(DATA.glob("*/*.toml")))

    again = install_sh(folder, home=home)  # run twice: the environment is kept, reportgen reinstalled
    assert again.returncode == 0 and "建立虚拟环境" not in again.stdout, again.stdout + again.stderr
