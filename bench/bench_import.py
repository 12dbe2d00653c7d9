"""Benchmark: importing published reports, and auditing a folder of them (not a test).

    python bench/bench_import.py [--reports 1000] [--jobs 2]

Drafts of N synthetic agencies are written as HTML pages (our own), then imported one by
one (ms per report for HTML, Word and Markdown; goal ≤ 50 ms) and audited as a folder
(goal: 1,000 pages in a few minutes on two cores). A 6-page PDF printed by LibreOffice is
imported too (goal ≤ 0.5 s). Then each shape agencies publish in (tests/fixtures/published/
shapes.py): ms per report for each text shape and the portal page (goal ≤ 50 ms), and the
fixtures printed by Chromium (s per file, with its pages).
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
        shapes_timed(work)
        started = time.perf_counter()
        result = importing.audit(importing.collect(folder), args.jobs)
        elapsed = time.perf_counter() - started
        print(
            f"audit of {len(result.files)} HTML reports, {args.jobs} processes: {elapsed:.1f} s "
            f"({elapsed / len(result.files) * 1000:.1f} ms per report)"
        )


def shapes_timed(work: Path, samples: int = 30) -> None:
    """Import time per published shape, over generated reports (and the printed fixtures)."""
    import random

    import pdfplumber

    fixtures = REPO / "tests" / "fixtures" / "published"
    sys.path.insert(0, str(fixtures))
    import shapes

    makers = {
        "page (HTML)": lambda s: ("html", shapes.portal_page(s)),
        "text, one cell per line": lambda s: ("txt", shapes.cell_lines(s)),
        "text, tabs between cells": lambda s: ("txt", shapes.tab_rows(s)),
        "text saved by a crawler, digits run together": lambda s: ("txt", shapes.crawler_text(s)),
    }
    for name, make in makers.items():
        files = []
        for seed in range(samples):
            suffix, text = make(shapes.make_sample(random.Random(seed), blanks=seed % 2 == 1))
            path = work / f"shape-{len(files)}.{suffix}"
            path.write_text(text, encoding="utf-8")
            files.append(path)
        started = time.perf_counter()
        for path in files:
            importing.data_file(import_report(path))
        print(f"import {name}: {(time.perf_counter() - started) / len(files) * 1000:.1f} ms per report (goal ≤ 50)")
    for pdf in ("browser-ruled-2025.pdf", "browser-blank-2025.pdf", "narrow-2025.pdf"):
        with pdfplumber.open(fixtures / pdf) as opened:
            pages = len(opened.pages)
        started = time.perf_counter()
        importing.data_file(import_report(fixtures / pdf))
        elapsed = time.perf_counter() - started
        print(f"import {pdf} (printed by Chromium, {pages} pages): {elapsed:.2f} s, {elapsed / pages:.2f} s per page")


if __name__ == "__main__":
    main()
