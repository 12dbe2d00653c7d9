"""Build a folder of wheels from which reportgen installs on a computer without internet
(政务内网): reportgen's own wheel and every package it needs, for a chosen platform and
Python version, plus install.bat / install.sh that make a virtual environment and install
into it from the folder alone (Debian's and Ubuntu's own python3 refuse a plain pip install:
externally-managed-environment).

Run it on a computer that can reach the package index (any platform):

    python scripts/offline_wheels.py --platform win_amd64 --python 3.12 -o reportgen-安装文件夹
    python scripts/offline_wheels.py --platform manylinux --python 3.11 -o reportgen-安装文件夹

(``reportgen-安装文件夹/`` in the checkout, where the README's command leaves it, is in
.gitignore.) Copy the folder to the office computer (USB stick, shared folder) and there run
install.bat (Windows) or sh install.sh (Linux); they install into ~/reportgen-venv
(%USERPROFILE%\\reportgen-venv), or a folder given as their argument, and say how to run
reportgen from there. Their templates are scripts/offline/install.sh and install.bat.

``pip download --platform`` evaluates a requirement's markers (``; sys_platform ==
"win32"``) for the computer it runs on, not the target; so this script reads the wheels'
own requirements again with the target's markers and fetches whatever was missed (click's
colorama on Windows, for instance).
"""

from __future__ import annotations

import argparse
import email.parser
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # pip carries its own copy
    from pip._vendor.packaging.markers import default_environment
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "offline"

PLATFORMS = {  # a name people type -> the platform tags pip is given, and the markers' environment
    "win_amd64": (
        ["win_amd64"],
        {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    ),
    "manylinux": (
        ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
        {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"},
    ),
}


SHOWN = {"win_amd64": "Windows（64 位）", "manylinux": "Linux（x86_64）"}


class Failed(Exception):
    """Something the person running the script must know, said in Chinese."""


def pip(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], check=False)
    if done.returncode:
        raise Failed(
            f"pip {args[0]} 没有成功（见上面 pip 的说明）。这个脚本要在能连上软件包索引（PyPI 或其镜像）的电脑上运行。"
        )


def own_wheel(folder: Path) -> Path:
    """reportgen's own wheel, built from this checkout."""
    for old in folder.glob("reportgen-*.whl"):
        old.unlink()
    pip("wheel", "--no-deps", "--quiet", "-w", str(folder), str(ROOT))
    return next(folder.glob("reportgen-*.whl"))


def download(requirements: list[str], folder: Path, tags: list[str], python: str) -> None:
    platform_args = [arg for tag in tags for arg in ("--platform", tag)]
    pip(
        "download",
        "--quiet",
        "--only-binary=:all:",
        *platform_args,
        "--python-version",
        python,
        "--implementation",
        "cp",
        "-d",
        str(folder),
        *requirements,
    )


def requirements_of(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as package:
        name = next(n for n in package.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(package.read(name).decode("utf-8"))
    return [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]


def missed(folder: Path, environment: dict) -> list[str]:
    """Requirements of the wheels in the folder, under the target's markers, that no wheel
    in the folder provides."""
    have = {canonicalize_name(parse_wheel_filename(w.name)[0]) for w in folder.glob("*.whl")}
    wanted = set()
    for wheel in folder.glob("*.whl"):
        for requirement in requirements_of(wheel):
            if requirement.marker and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in have:
                wanted.add(str(requirement).split(";")[0].strip())
    return sorted(wanted)


def install_scripts(folder: Path, python: str) -> None:
    """install.sh (LF) and install.bat (CRLF, as cmd.exe reads it), told the folder's Python version."""
    for name, newline in (("install.sh", "\n"), ("install.bat", "\r\n")):
        text = (TEMPLATES / name).read_text(encoding="utf-8").replace("\r\n", "\n")
        text = text.replace("@PYTHON_TUPLE@", python.replace(".", ", ")).replace("@PYTHON@", python)
        (folder / name).write_bytes(text.replace("\n", newline).encode("utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description="准备一个安装文件夹，在不能上网的电脑（政务内网）上安装 reportgen。")
    parser.add_argument(
        "--platform",
        choices=sorted(PLATFORMS),
        required=True,
        help="办公室电脑的系统：win_amd64（Windows 64 位）或 manylinux（Linux x86_64）",
    )
    parser.add_argument(
        "--python",
        default=f"{sys.version_info.major}.{sys.version_info.minor}",
        help="办公室电脑上 Python 的版本，3.11 或更新（默认：本机的版本）",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="安装文件夹，如 reportgen-安装文件夹")
    args = parser.parse_args()
    if not re.fullmatch(r"3\.(1[1-9]|[2-9]\d)", args.python):
        parser.error(f"--python {args.python}：reportgen 需要 Python 3.11 或更新的版本")
    try:
        return build(args.platform, args.python, args.output)
    except Failed as problem:
        print(f"没有准备好安装文件夹 {args.output}：{problem}", file=sys.stderr)
        return 1


def build(platform: str, python: str, folder: Path) -> int:
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    tags, markers = PLATFORMS[platform]
    environment = {
        **default_environment(),
        **markers,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    wheel = own_wheel(folder)
    download([str(wheel)], folder, tags, python)
    for _ in range(10):
        wanted = missed(folder, environment)
        if not wanted:
            break
        download(wanted, folder, tags, python)
    else:
        raise Failed(f"下载了十轮，仍缺少这些软件包：{'、'.join(missed(folder, environment))}。")
    install_scripts(folder, python)
    wheels = sorted(folder.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels)
    system = SHOWN[platform]
    print(
        f"已准备好安装文件夹 {folder}：{len(wheels)} 个软件包（.whl 文件），共 {size / 1e6:.1f} MB，"
        f"供 {system} 上的 Python {python} 使用（用时 {time.perf_counter() - started:.0f} 秒）。"
    )
    script = "双击 install.bat" if platform == "win_amd64" else "运行 sh install.sh"
    print(
        f"把整个文件夹拷到办公室的电脑上，{script}：它建立一个虚拟环境，只从这个文件夹安装 reportgen，"
        "并说明以后怎样运行。"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
