"""Many more sequences of the year's work than CI runs (issue 21, issue 32): the state
machine of ``tests/workflow_machine.py`` (build in any mix of formats, PDF and web page
included; edits in Word and Markdown, Markdown saved with CRLF and BOM, a generated sentence
reworded; figure changes, refresh, batch --refresh; the page's download and upload;
import --force, form --force, copying and moving the folder, working from folders at other
depths, next-year), with its invariants checked after every step: no edit lost, every
backup what it replaced, the record naming every file with its own digest.

    python bench/soak_workflow.py [--examples 200] [--steps 30]

Prints how many sequences and steps ran, the steps taken by kind, and the time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, settings  # noqa: E402

import workflow_machine  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--steps", type=int, default=30)
    options = parser.parse_args()
    machine = workflow_machine.YearsWork
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as base:
        machine.base = Path(base)
        case = machine.TestCase
        case.settings = settings(
            max_examples=options.examples,
            stateful_step_count=options.steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        case().runTest()
    elapsed = time.perf_counter() - started
    print(
        f"{options.examples} 个序列（每个最多 {options.steps} 步）全部通过，0 个失败，用时 {elapsed:.0f} 秒。各步骤次数："
    )
    for step, count in machine.done.most_common():
        print(f"  {count:6d}  {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
