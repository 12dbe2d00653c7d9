"""Benchmark: publishing, on synthetic agencies (not a test).

    python bench/bench_publish.py [--agencies 1000] [--pdf 100] [--jobs 2]

- HTML: ``reportgen batch --to html`` over N agencies (checks, draft, page and fragment
  written), and the HTML rendering alone per report. Goal: ≤ 5 ms per report.
- PDF: M Word drafts printed by LibreOffice, once with one soffice process per report (the
  naive way) and once with reportgen's few long-lived processes (``convert_parallel``).
  Goal: ≤ 0.5 s per report on two cores.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import generate  # noqa: E402

from reportgen import check_file  # noqa: E402
from reportgen.draft.report_draft import build_draft  # noqa: E402
from reportgen.renderers import html  # noqa: E402
from reportgen.renderers.pdf import LibreOffice  # noqa: E402
from reportgen.workflows import batch  # noqa: E402
from reportgen.workflows.build import HTML, Renderers  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--pdf", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        paths = generate(work / "data", args.agencies)

        started = time.perf_counter()
        outcome = batch.run(paths, work / "html", 2025, batch.Options(kinds=(HTML,)), args.jobs)
        elapsed = time.perf_counter() - started
        assert outcome.ok, [r.message for r in outcome.failed][:3]
        print(
            f"batch --to html, {args.agencies} agencies, {args.jobs} processes: {elapsed:.2f} s, "
            f"{elapsed / args.agencies * 1000:.2f} ms per report, "
            f"{elapsed / args.agencies * 1000 * args.jobs:.2f} ms per report per core (goal ≤ 5)"
        )

        renderers = Renderers.prepare()
        drafts = [build_draft(check_file(p, previous=None).report) for p in paths[:200]]
        html.render(drafts[0], renderers.folder)
        started = time.perf_counter()
        for draft in drafts:
            html.render(draft, renderers.folder, page=True)
            html.render(draft, renderers.folder, page=False)
        each = (time.perf_counter() - started) / len(drafts) * 1000
        print(f"HTML page and fragment alone: {each:.2f} ms per report")

        office = LibreOffice.find()
        sample = random.Random(3).sample(paths, min(args.pdf, len(paths)))
        documents = {str(p): renderers.word.render(build_draft(check_file(p, previous=None).report)) for p in sample}
        started = time.perf_counter()
        office.convert_parallel(documents, args.jobs)
        pooled = (time.perf_counter() - started) / len(documents)
        started = time.perf_counter()
        for name, data in documents.items():
            office.convert({name: data})
        single = (time.perf_counter() - started) / len(documents)
        print(
            f"PDF, {len(documents)} reports: {pooled:.3f} s per report with {args.jobs} long-lived "
            f"LibreOffice processes; {single:.3f} s per report with one soffice per report "
            f"({single / pooled:.1f}x); goal ≤ 0.5 s"
        )


if __name__ == "__main__":
    main()
