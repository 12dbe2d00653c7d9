"""Build a folder of wheels from which reportgen installs on a computer without internet
(政务内网): reportgen's own wheel and every package it needs, for a chosen platform and
Python version, plus install.bat / install.sh that install from the folder alone.

Run it on a computer that can reach the package index (any platform):

    python scripts/offline_wheels.py --platform win_amd64 --python 3.12 -o reportgen-wheels-win
    python scripts/offline_wheels.py --platform manylinux --python 3.11 -o reportgen-wheels-linux

Copy the folder to the office computer (USB stick, shared folder) and there run
install.bat (Windows) or sh install.sh (Linux), or:

    python -m pip install --no-index --find-links 文件夹 reportgen

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

PLATFORMS = {  # a name people type -> the platform tags pip is given, and the markers' environment
    "win_amd64": (["win_amd64"], {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                                  "platform_machine": "AMD64"}),
    "manylinux": (["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
                  {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                   "platform_machine": "x86_64"}),
}


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def own_wheel(folder: Path) -> Path:
    """reportgen's own wheel, built from this checkout."""
    for old in folder.glob("reportgen-*.whl"):
        old.unlink()
    pip("wheel", "--no-deps", "--quiet", "-w", str(folder), str(ROOT))
    return next(folder.glob("reportgen-*.whl"))


def download(requirements: list[str], folder: Path, tags: list[str], python: str) -> None:
    platform_args = [arg for tag in tags for arg in ("--platform", tag)]
    pip("download", "--quiet", "--only-binary=:all:", *platform_args, "--python-version", python,
        "--implementation", "cp", "-d", str(folder), *requirements)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=sorted(PLATFORMS), required=True)
    parser.add_argument("--python", default=f"{sys.version_info.major}.{sys.version_info.minor}",
                        help="the office computer's Python version, 3.11 or newer (default: this one's)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    if not re.fullmatch(r"3\.(1[1-9]|[2-9]\d)", args.python):
        parser.error("reportgen needs Python 3.11 or newer")
    started = time.perf_counter()
    folder = args.output
    folder.mkdir(parents=True, exist_ok=True)
    tags, markers = PLATFORMS[args.platform]
    environment = {**default_environment(), **markers,
                   "python_version": args.python, "python_full_version": f"{args.python}.0",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    wheel = own_wheel(folder)
    download([str(wheel)], folder, tags, args.python)
    for _ in range(10):
        wanted = missed(folder, environment)
        if not wanted:
            break
        download(wanted, folder, tags, args.python)
    else:
        print(f"requirements still missing: {missed(folder, environment)}", file=sys.stderr)
        return 1
    (folder / "install.bat").write_text(
        "@echo off\r\nchcp 65001 >nul\r\npython -m pip install --no-index --find-links \"%~dp0.\" reportgen\r\n"
        "reportgen doctor\r\npause\r\n", encoding="utf-8")
    (folder / "install.sh").write_text(
        '#!/bin/sh\nset -e\ncd "$(dirname "$0")"\n'
        'python3 -m pip install --no-index --find-links . reportgen\nreportgen doctor\n', encoding="utf-8")
    wheels = sorted(folder.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels)
    print(f"{len(wheels)} wheels, {size / 1e6:.1f} MB, for {args.platform} Python {args.python}, in {folder} "
          f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
