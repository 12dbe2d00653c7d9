"""Benchmark: the 整改 loop over a folder of published reports (not a test).

    python bench/bench_rectification.py [--reports 300] [--jobs 2]

N portal pages are generated (tests/fixtures/published/shapes.py; every figure fictional),
a third of them with a planted arithmetic error and one in ten published with the draft's
markers. Round one: audit, the result workbook with its 整改台账, and a 整改通知 (Word and
Markdown) per unit with findings. Then half the broken units re-publish fixed and a few
others break: round two audits with --since (the ledger read and carried over). Reported:
seconds per step, ms per report, notices written, the states of the ledger, and peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "published"))

import pairs  # noqa: E402
import shapes  # noqa: E402

from reportgen.workflows import importing, ledger, rectification  # noqa: E402


def page(number: int, broken: bool, draft: bool) -> str:
    sample = shapes.make_sample(random.Random(number), agency=f"示例市第{number:03d}局")
    if broken:
        sample.figures["requests.new.natural_person"] += 1
    text = shapes.portal_page(sample)
    return pairs.with_draft_markers(text) if draft else text


def publish(folder: Path, count: int, broken: set[int], drafts: set[int]) -> None:
    for number in range(count):
        (folder / f"{number:03d}.html").write_text(page(number, number in broken, number in drafts), encoding="utf-8")


def timed(label: str, work, per: int = 0):
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    extra = f"（每份 {seconds * 1000 / per:.0f} ms）" if per else ""
    print(f"{label}：{seconds:.2f} s{extra}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    count = args.reports
    broken = set(range(0, count, 3))
    drafts = set(range(1, count, 10))
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        folder = root / "已发布"
        folder.mkdir()
        timed("生成网页", lambda: publish(folder, count, broken, drafts))
        files = importing.collect(folder)
        print(f"{count} 份报告，{args.jobs} 个进程")
        result = timed("第一轮 核查", lambda: importing.audit(files, args.jobs), count)
        book, rows = timed(
            "第一轮 核查结果和整改台账（Excel）", lambda: rectification.workbook(result, {}, "2026-04-10")
        )
        (root / "第一次.xlsx").write_bytes(book)
        written = timed(
            "第一轮 整改通知（Word、Markdown）",
            lambda: rectification.notices_for(
                result, root / "整改通知", "2026-04-30", "示例市政务公开办公室", "2026-04-10"
            ),
        )
        print(f"  发现 {len(result.rows)} 个问题，台账 {len(rows)} 行，整改通知 {len(written)} 份")
        fixed = {n for n in broken if n % 2 == 0}
        newly = set(range(2, count, 17)) - broken
        publish(folder, count, (broken - fixed) | newly, drafts)
        before = timed("第二轮 读上次的整改台账", lambda: rectification.previous(root / "第一次.xlsx"))
        result = timed("第二轮 核查", lambda: importing.audit(files, args.jobs), count)
        book, rows = timed("第二轮 核查结果和整改台账", lambda: rectification.workbook(result, before, "2026-05-10"))
        states = {state: sum(1 for r in rows if r.state == state) for state in ledger.STATES}
        print("  台账：" + "、".join(f"{s} {n}" for s, n in states.items()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"内存峰值：本进程 {peak:.0f} MB，工作进程 {children:.0f} MB")


if __name__ == "__main__":
    main()
