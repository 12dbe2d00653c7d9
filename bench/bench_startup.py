"""Start-up time of the reportgen command, measured as whole processes (not a test).

    python bench/bench_startup.py [--runs 15]

Runs each command line as a fresh process and prints the median wall time: bare Python,
``python -c "import typer"`` (the floor: the CLI is Typer), ``reportgen --help`` and
``reportgen check`` of one example file. The goals (issue 22) are ``--help`` within 0.1 s
of the floor and ``check`` within 0.15 s of it, whatever the machine's Python start-up.

Bytecode is compiled first (as ``pip install`` does), so that the figures do not include
compiling the package.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "data" / "qingchuan-finance" / "2025.toml"


def median_seconds(command: list[str], runs: int, env: dict) -> float:
    """Run from an empty folder, so that each interpreter imports its own installed reportgen."""
    import tempfile

    times = []
    with tempfile.TemporaryDirectory() as elsewhere:
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False, cwd=elsewhere
            )
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--compare",
        metavar="PYTHON",
        help="another interpreter with another reportgen installed (say, an older release in a "
        "venv): its figures are printed too, so that the gain can be read on any machine",
    )
    args = parser.parse_args()
    import reportgen

    package = Path(reportgen.__file__).parent
    compileall.compile_dir(str(package), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    python = [sys.executable]
    bare = median_seconds(python + ["-c", "pass"], args.runs, env)
    rows = [
        ("python -c 'import typer' (floor)", python + ["-c", "import typer"], None),
        ("reportgen --help", python + ["-m", "reportgen", "--help"], 0.10),
        ("reportgen check (one file)", python + ["-m", "reportgen", "check", str(EXAMPLE)], 0.15),
    ]
    floor = None
    print(f"median of {args.runs} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"{'bare Python (python -c pass)':34s} {bare * 1000:7.1f} ms")
    others = {}
    if args.compare:
        for name, command, _ in rows[1:]:
            others[name] = median_seconds([args.compare, *command[1:]], args.runs, env)
            print(f"{name:34s} {others[name] * 1000:7.1f} ms  with {args.compare}")
    for name, command, goal in rows:
        seconds = median_seconds(command, args.runs, env)
        if floor is None:
            floor = seconds
            print(f"{name:34s} {seconds * 1000:7.1f} ms")
            continue
        over = seconds - floor
        verdict = (
            ""
            if goal is None
            else (
                f"  goal met (≤ {goal * 1000:.0f} ms over the floor)"
                if over <= goal
                else f"  over the goal: {over * 1000:.0f} ms over the floor, not ≤ {goal * 1000:.0f}"
            )
        )
        print(f"{name:34s} {seconds * 1000:7.1f} ms  ({over * 1000:5.1f} ms over the floor){verdict}")
        if name in others:
            print(f"{'':34s} {others[name] / seconds:7.1f}x faster than with {args.compare}")


if __name__ == "__main__":
    main()
