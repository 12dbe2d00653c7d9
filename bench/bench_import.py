"""Benchmark: importing published reports, and auditing a folder of them (not a test).

    python bench/bench_import.py [--reports 1000] [--jobs 2]

Drafts of N synthetic agencies are written as HTML pages (our own), then imported one by
one (ms per report for HTML, Word and Markdown; goal ≤ 50 ms) and audited as a folder
(goal: 1,000 pages in a few minutes on two cores). A 6-page PDF printed by LibreOffice is
imported too (goal ≤ 0.5 s).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import generate  # noqa: E402

from reportgen import check_file  # noqa: E402
from reportgen.sources.published import import_report  # noqa: E402
from reportgen.workflows import importing  # noqa: E402
from reportgen.workflows.build import Renderers, render_drafts  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    renderers = Renderers.prepare()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        paths = generate(work / "data", args.reports)
        folder = work / "published"
        folder.mkdir()
        for kind in ("html", "docx", "md"):
            for index, path in enumerate(paths[:50] if kind != "html" else paths):
                data = render_drafts(check_file(path, previous=None).report, renderers, (kind,))[kind]
                (folder if kind == "html" else work).joinpath(f"{index:05d}.{kind}").write_bytes(data)
            sample = sorted((folder if kind == "html" else work).glob(f"*.{kind}"))[:50]
            started = time.perf_counter()
            for file in sample:
                importing.data_file(import_report(file))
            each = (time.perf_counter() - started) / len(sample) * 1000
            print(f"import {kind}: {each:.1f} ms per report (goal ≤ 50)")
        pdf = REPO / "tests" / "fixtures" / "published" / "split-2025.pdf"
        started = time.perf_counter()
        importing.data_file(import_report(pdf))
        print(f"import a 6-page PDF: {time.perf_counter() - started:.2f} s (goal ≤ 0.5)")
        started = time.perf_counter()
        result = importing.audit(importing.collect(folder), args.jobs)
        elapsed = time.perf_counter() - started
        print(f"audit of {len(result.files)} HTML reports, {args.jobs} processes: {elapsed:.1f} s "
              f"({elapsed / len(result.files) * 1000:.1f} ms per report)")


if __name__ == "__main__":
    main()
