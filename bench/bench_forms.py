"""Benchmark: fill-in forms (not a test).

    python bench/bench_forms.py [--units 1000] [--jobs 2]

Writes a blank form for each of N units (goal: 1,000 in under a minute on two cores) and
reads a returned form back (goal: under 50 ms). For the reading, openpyxl is timed against
python-calamine where it is installed: calamine reads cached values only, with neither the
formulas (so a typed total cannot be told from a computed one) nor the defined names the
reader finds cells by, so reportgen reads with openpyxl.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from reportgen.sources import workbook
from reportgen.workflows import forms
from reportgen.workflows.importing import data_file
from reportgen.workflows.roster import Unit

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        units = [Unit(f"样例市第{i:05d}号单位") for i in range(args.units)]
        started = time.perf_counter()
        forms.for_roster(units, 2025, "部门", work / "forms", jobs=args.jobs)
        elapsed = time.perf_counter() - started
        print(f"{args.units} blank forms, {args.jobs} processes: {elapsed:.1f} s (goal < 60 s)")
        filled, _ = forms.from_data(REPO / "data" / "qingchuan-finance" / "2025.toml", work / "filled")
        times = []
        for _ in range(20):
            started = time.perf_counter()
            data_file(workbook.read(filled).imported)
            times.append(time.perf_counter() - started)
        print(
            f"reading a returned form (openpyxl) and writing its data file: "
            f"median {statistics.median(times) * 1000:.1f} ms (goal < 50 ms)"
        )
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            print("python-calamine is not installed: not compared")
            return
        times = []
        for _ in range(20):
            started = time.perf_counter()
            book = CalamineWorkbook.from_path(str(filled))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
            times.append(time.perf_counter() - started)
        print(f"python-calamine, values only: median {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
