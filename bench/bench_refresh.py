"""Benchmark: refreshing an edited Word draft (not a test). Goal: ≤ 100 ms per draft.

python bench/bench_refresh.py [--runs 20]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from reportgen.cli.main import main as cli
from reportgen.workflows.build import Renderers
from reportgen.workflows.refresh import refresh

REPO = Path(__file__).resolve().parent.parent


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    renderers = Renderers.prepare()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for year in ("2024", "2025"):
            shutil.copy(REPO / "data" / "qingchuan-finance" / f"{year}.toml", work / f"{year}.toml")
        source = work / "2025.toml"
        assert cli(["build", str(source), "-o", str(work / "out"), "--to", "docx"]) == 0
        [draft] = (work / "out").glob("*.docx")
        pristine = draft.read_bytes()
        record = work / "out" / ".reportgen-manifest.jsonl"
        pristine_record = record.read_bytes()
        base = source.read_text(encoding="utf-8")
        times = []
        for index in range(args.runs):
            draft.write_bytes(pristine)
            record.write_bytes(pristine_record)
            for backup in (work / "out").glob("*.备份-*"):
                backup.unlink()
            figure = 24 + index % 2  # a late request, handled: 新收 and 予以公开 both change
            text = base.replace("natural_person = 23,", f"natural_person = {figure},", 1)
            text = text.replace(
                "disclosed = { natural_person = 9,", f"disclosed = {{ natural_person = {figure - 14},", 1
            )
            source.write_text(text, encoding="utf-8")
            started = time.perf_counter()
            result = refresh(draft, source, renderers)
            times.append(time.perf_counter() - started)
            assert result.changes
        print(
            f"refresh of an edited Word draft: median {statistics.median(times) * 1000:.1f} ms "
            f"over {args.runs} runs (goal ≤ 100 ms)"
        )


if __name__ == "__main__":
    run()
