"""Benchmark: the 图解 (``build --to infographic``), per picture (not a test).

    python bench/bench_infographic.py [--runs 10]

For each annual report in data/: the median time, wall clock and CPU, to lay out and write
the SVG, to draw its PNG, and to write the portal's fragment (the three files of one
picture; checking the data file is not counted: every build does it). The target is under
0.5 s per picture, so that a batch of 300 units adds minutes. The machine's load average is
printed beside the figures: on a shared machine the wall clock is the CPU time plus waiting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from reportgen.checks.check import check_file
from reportgen.renderers import infographic, png
from reportgen.workflows.build import Renderers, render_drafts

REPO = Path(__file__).resolve().parent.parent


def examples() -> list[Path]:
    from reportgen.sources.datafile import kind_of_file

    return [p for p in sorted((REPO / "data").glob("*/*.toml")) if kind_of_file(p) == "annual"]


def timed(action, runs: int) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    renderers = Renderers.prepare()
    face = png.require_face()
    print(
        f"median of {args.runs} runs; face: {face.family} ({', '.join(Path(f).name for f in face.files)}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'example':28} {'height':>6} {'svg ms':>8} {'svg cpu':>8} {'png ms':>8} {'png cpu':>8} {'all ms':>8} {'all cpu':>8}"
    )
    totals = []
    for path in examples():
        checked = check_file(path)
        last = checked.previous.report if checked.previous else None

        def svg(checked=checked, last=last):  # the layout and the SVG alone
            return infographic.svg(infographic.picture(checked.report, last)).encode("utf-8")

        def whole(checked=checked, last=last):
            return render_drafts(checked.report, renderers, ("infographic",), previous=last, stem="x")

        svg_wall, svg_cpu, text = timed(svg, args.runs)
        png_wall, png_cpu, _ = timed(lambda text=text: png.render(text.decode("utf-8")), args.runs)
        all_wall, all_cpu, _ = timed(whole, args.runs)
        height = text.split(b'height="', 1)[1].split(b'"', 1)[0].decode()
        totals.append((all_wall, all_cpu))
        print(
            f"{path.parent.name + '/' + path.name:28} {height:>6} {svg_wall * 1000:8.0f} {svg_cpu * 1000:8.0f} {png_wall * 1000:8.0f} "
            f"{png_cpu * 1000:8.0f} {all_wall * 1000:8.0f} {all_cpu * 1000:8.0f}"
        )
    print(
        f"per picture (SVG + PNG + fragment): median {statistics.median(w for w, _ in totals) * 1000:.0f} ms wall, "
        f"{statistics.median(c for _, c in totals) * 1000:.0f} ms CPU"
    )


if __name__ == "__main__":
    run()
