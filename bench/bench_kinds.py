"""Benchmark: the year's other documents (not a test).

    python bench/bench_kinds.py [--runs 20]

For each example of the task table, the work summary and the pre-2019 report: the median
time to check the file and render each of its drafts (Word, Markdown, and the workbook of a
task table), and the time an annual report's check spends on its siblings (the work summary
it is compared with). Peak memory of the whole run is reported at the end.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from reportgen.checks.check import check_file
from reportgen.workflows.build import Renderers, render_drafts

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = [
    REPO / "data" / "xiamen-finance" / "2021-任务分解表.toml",
    REPO / "data" / "qingchuan-finance" / "2025-任务分解表.toml",
    REPO / "data" / "taizhou-finance" / "2021-工作总结.toml",
    REPO / "data" / "qingchuan-finance" / "2025-工作总结.toml",
    REPO / "data" / "taizhou-finance" / "2013.toml",
]


def median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    renderers = Renderers.prepare()
    print(f"median of {args.runs} runs")
    print(f"{'example':34} {'check':>8} {'docx':>8} {'md':>8} {'xlsx':>8}")
    for path in EXAMPLES:
        report = check_file(path).report
        cells = [median_ms(lambda path=path: check_file(path), args.runs)]
        for kind in ("docx", "md", "xlsx"):
            if kind == "xlsx" and not report.tasks:
                cells.append(None)
                continue
            render_drafts(report, renderers, (kind,))  # templates prepared once, as in a batch
            cells.append(
                median_ms(lambda report=report, kind=kind: render_drafts(report, renderers, (kind,)), args.runs)
            )
        shown = " ".join(f"{c:7.1f}ms" if c is not None else f"{'—':>9}" for c in cells)
        print(f"{path.parent.name + '/' + path.stem:34} {shown}")
    with tempfile.TemporaryDirectory() as work:
        alone, beside = Path(work) / "alone", Path(work) / "beside"
        alone.mkdir()
        shutil.copy(REPO / "data" / "qingchuan-finance" / "2025.toml", alone)
        shutil.copytree(REPO / "data" / "qingchuan-finance", beside)
        without = median_ms(lambda: check_file(alone / "2025.toml", previous=None), args.runs)
        with_summary = median_ms(lambda: check_file(beside / "2025.toml", previous=None), args.runs)
    print(
        f"annual report check alone: {without:.1f} ms; beside its task table and work summary: {with_summary:.1f} ms "
        f"(+{with_summary - without:.1f} ms)"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    run()
