"""Benchmark: `reportgen batch` against a naive docxtpl loop, on synthetic agencies.

    python bench/bench_batch.py                      # 2,000 agencies, baseline on 100
    python bench/bench_batch.py --agencies 10000     # the memory target
    python bench/bench_batch.py --templates DIR      # a template folder of your own

By default it measures two Word templates: the one shipped in templates/ (kept small on
purpose), and the same template inside Word's own blank-document package, as a clerk's
copy looks after Word has saved it (scripts/make_word_template.py: in_word_package).

It writes N synthetic, consistent 2021-format data files (random figures that pass every
rule, narrative of realistic length), then times
- `batch`: reportgen's batch API building .docx and .md for every agency, in parallel
  worker processes (checks included);
- the naive baseline: for each agency, open the docxtpl template, render it (autoescape
  on) and save the .docx, one after another;
and prints reports per second, ms per report, ms per report per core, the ratio of the
two throughputs, and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from reportgen import check_file
from reportgen.workflows import batch
from reportgen.formats import statutory
from reportgen.model.totals import computed_keys
from reportgen.workflows.build import Renderers
from reportgen.draft.report_draft import build_draft

YEAR = 2025
REPO = Path(__file__).resolve().parent.parent
PHRASES = [
    "坚持以公开为常态、不公开为例外",
    "围绕群众关切做好政策解读",
    "及时更新政府信息公开目录",
    "规范依申请公开办理流程",
    "加强政务新媒体管理",
    "落实公开前保密审查",
    "推进基层政务公开标准化",
    "按时公开预决算信息",
    "做好重大行政决策公开",
    "畅通政民互动渠道",
    "强化工作考核和社会监督",
]


def paragraph(rng: random.Random, sentences: int) -> str:
    return "".join(f"{'，'.join(rng.sample(PHRASES, 3))}。" for _ in range(sentences))


def synthetic_file(rng: random.Random, index: int) -> str:
    fmt = statutory.format_for_year(YEAR)
    computed = computed_keys(fmt)
    requests = fmt.tables["requests"]
    results = next(r for r in fmt.rules if r.id == "R3").parts
    rows: dict[str, dict[str, int]] = {row.id: {} for row in requests.rows}
    for column in requests.rows[0].columns:
        if f"requests.new.{column.id}" in computed:
            continue
        handled = 0
        for row in results:
            n = rng.choice((0, 0, 0, 1, 2, 5)) if column.id == "natural_person" else rng.choice((0, 0, 0, 0, 1))
            rows[row][column.id] = n
            handled += n
        forward = rows["carry_forward"][column.id] = rng.randint(0, 3)
        carried = rows["carried_over"][column.id] = rng.randint(0, handled + forward)
        rows["new"][column.id] = handled + forward - carried
    inline = lambda cols: "{ " + ", ".join(f"{k} = {v}" for k, v in cols.items() if v) + " }"  # noqa: E731
    texts = "\n".join(
        f'{key} = """\n{paragraph(rng, 4)}\n{paragraph(rng, 3)}\n"""'
        for key in (
            "overview",
            "proactive",
            "on_request",
            "management",
            "platforms",
            "supervision",
            "problems",
            "other",
        )
    )
    return f"""[report]
agency = "样例市第{index:05d}号单位"
year = {YEAR}
kind = "部门"
published = {YEAR + 1}-01-{rng.randint(5, 30):02d}

[report.contact]
office = "办公室"
address = "样例市人民路{index}号"
postcode = "100000"
phone = "010-{index:08d}"

[report.download]
site = "样例市人民政府门户网站"
url = "https://www.example.gov.cn/{index}"

[text]
{texts}

[proactive]
normative_documents = {{ issued = {rng.randint(0, 9)}, repealed = {rng.randint(0, 5)}, in_force = {rng.randint(10, 90)} }}
licensing = {rng.randint(0, 3000)}
penalty = {rng.randint(0, 800)}
enforcement = {rng.randint(0, 50)}
administrative_fees = {rng.randint(0, 99999) / 100}

[requests]
{chr(10).join(f"{row} = {inline(cols)}" for row, cols in rows.items() if any(cols.values()))}

[appeals]
review = {{ upheld = {rng.randint(0, 2)}, corrected = {rng.randint(0, 1)} }}
lawsuit_direct = {{ upheld = {rng.randint(0, 1)} }}

[processing_fees]
notices = 0
amount = 0
"""


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"unit-{index:05d}" / f"{YEAR}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(synthetic_file(rng, index), encoding="utf-8")
        paths.append(path)
    return paths


def peak_rss_mb() -> tuple[float, float]:
    """(this process, the largest finished child) peak resident set size, in MB."""
    to_mb = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * to_mb,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * to_mb,
    )


def naive(paths: list[Path], out: Path, templates: Path | None) -> float:
    """The baseline: per agency, open the docxtpl template, render, save. Seconds per report."""
    renderers = Renderers.prepare(templates)
    template = renderers.word.path
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for path in paths:
        report = check_file(path, previous=None).report
        context = renderers.word.context(build_draft(report))
        document = DocxTemplate(str(template))
        document.render(context, Environment(undefined=StrictUndefined), autoescape=True)
        document.save(str(out / f"{path.parent.name}.docx"))
    return (time.perf_counter() - started) / len(paths)


def word_authored(folder: Path) -> Path:
    """A templates folder whose Word template sits in Word's own package."""
    sys.path.insert(0, str(REPO / "scripts"))
    import make_word_template

    folder.mkdir(parents=True, exist_ok=True)
    make_word_template.in_word_package(folder / "report.docx")
    shutil.copy(REPO / "templates" / "report.md.j2", folder)
    return folder


def measure(name: str, paths: list[Path], work: Path, templates: Path | None, jobs: int, baseline: int) -> bool:
    size = (Renderers.prepare(templates).word.path).stat().st_size
    options = batch.Options(templates=templates)
    t0 = time.perf_counter()
    outcome = batch.run(paths, work / f"out-{name}", YEAR, options, jobs=jobs)
    wall = time.perf_counter() - t0
    parent_rss, worker_rss = peak_rss_mb()  # high-water marks so far: the batch's, before the naive loop
    per_naive = naive(paths[:baseline], work / f"naive-{name}", templates)
    per_batch = wall / len(paths)
    count = min(baseline, len(paths))
    ratio = per_naive / per_batch
    print(f"\n== template: {name} ({size // 1024} KB .docx) ==")
    print(f"{'':26}{'batch':>22}{'naive docxtpl loop':>22}")
    for label, ours, theirs in (
        ("agencies", f"{len(paths)}", f"{count}"),
        ("drafts per agency", "docx + md (+ checks)", "docx (+ checks)"),
        ("worker processes", f"{jobs}", "1"),
        ("wall time (s)", f"{wall:.2f}", f"{per_naive * count:.2f}"),
        ("reports per second", f"{1 / per_batch:.1f}", f"{1 / per_naive:.1f}"),
        ("ms per report", f"{per_batch * 1000:.2f}", f"{per_naive * 1000:.2f}"),
        ("ms per report per core", f"{per_batch * 1000 * jobs:.2f}", f"{per_naive * 1000:.2f}"),
    ):
        print(f"{label:26}{ours:>22}{theirs:>22}")
    print(f"throughput ratio (batch / naive): {ratio:.1f}x   (target ≥ 20x)")
    print(f"ms per report per core: {per_batch * 1000 * jobs:.2f}   (target ≤ 10)")
    print(f"batch peak RSS: parent {parent_rss:.0f} MB, largest worker {worker_rss:.0f} MB   (target ≤ 300 MB)")
    if outcome.failed:
        print(f"FAILED agencies: {len(outcome.failed)}; first: {outcome.failed[0]}")
    return not outcome.failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=100, help="agencies for the naive loop (it is slow)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--templates", type=Path, help="measure only this templates folder")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and drafts")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    try:
        t0 = time.perf_counter()
        paths = generate(work / "data", args.agencies)
        print(
            f"generated {len(paths)} agencies in {time.perf_counter() - t0:.1f} s ({work}); "
            f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
            flush=True,
        )
        variants = (
            {"yours": args.templates}
            if args.templates
            else {
                "shipped templates/": None,
                "Word-authored package": word_authored(work / "word-template"),
            }
        )
        ok = all(measure(name, paths, work, folder, args.jobs, args.baseline) for name, folder in variants.items())
        if not ok:
            sys.exit(1)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
