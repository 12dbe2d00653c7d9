"""What ``reportgen batch`` prints at the end, at any scale: what needs action first (errors,
files that cannot be read, drafts not updated), then units with warnings, then the rest —
listed when there are few, counted with a pointer to summary.csv when there are many; each
unit's documents told apart by kind (年度报告, 任务分解表, 工作总结) or by file name; the units
that never filed named once; a rerun that changed nothing said to be 均已是最新.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from reportgen.cli.terminal import table
from reportgen.cli.wrapping import shown

SHOWN = 60  # more rows than this: the successful ones are counted, not listed (all are in summary.csv)
COLUMNS = ("机关名称", "文档", "状态", "错误", "警告")


UNREADABLE = "无法读取"  # the 文档 of a file that was not read and whose name says no kind
FIRST_ERROR = re.compile(r"^共 \d+ 个错误。第一个：")  # how a batch result states its first error


def document_label(result) -> str:
    """The kind of a unit's document in a word or two; for a file that was not read, the kind
    its name implies (2025.toml: 年度报告, 2025-任务分解表.toml: 任务分解表), else 无法读取."""
    from reportgen import kinds

    kind = kinds.kinds().get(result.document) if result.document else None
    if kind is None:
        name = Path(result.source).name
        kind = next(
            (
                k
                for k in kinds.kinds().values()
                if re.fullmatch(re.escape(k.file).replace(re.escape("{year}"), r"\d{4}"), name)
            ),
            None,
        )
        if kind is None:
            return UNREADABLE
    return kind.aliases[0] if kind.aliases else kind.name


def note(result, label: str) -> str:
    """A unit's line under the table: what went wrong; the path of a file that was not read;
    where there are more errors than the first, how many and the command that lists them."""
    if not result.errors and result.document:
        return f"  {result.agency or shown(result.source)}（{label}）：{result.message}"
    if not result.document:  # not read: the unit is named from its folder, the path says which file
        return f"  {result.agency or '（未读出）'}（{label}，{shown(result.source)}）：{result.message}"
    said = f"  {result.agency}（{label}）：{FIRST_ERROR.sub('', result.message)}"
    if result.errors > 1:
        said += f"（共 {result.errors} 个错误，运行 reportgen check {shown(result.source)} 查看）"
    return said


def _labels(results) -> dict[int, str]:
    """Each result's document label; where a unit has two of the same label (two folders,
    two years' files), the file's path instead, so that every row can be told apart."""
    labels = {id(r): document_label(r) for r in results}
    seen = Counter((r.agency or r.source, labels[id(r)]) for r in results)
    for r in results:
        if seen[(r.agency or r.source, labels[id(r)])] > 1:
            labels[id(r)] = shown(r.source)
    return labels


def lines(outcome, ok_statuses: tuple[str, ...], warned: str, csv_path: Path) -> list[str]:
    """The table and notes that end a batch, in the order a person acts on them."""
    skipped = outcome.skipped
    results = [r for r in outcome.results if r not in skipped]  # said once, below
    labels = _labels(results)
    action = [r for r in results if r.status not in ok_statuses]
    warnings = [r for r in results if r.status == warned]
    fine = [r for r in results if r.status in ok_statuses and r.status != warned]
    listed = action + warnings + (fine if len(results) <= SHOWN else [])
    listed = listed[:SHOWN] if len(listed) > SHOWN else listed
    out: list[str] = []
    if listed:
        rows = [
            [r.agency or "（未读出）", labels[id(r)], r.status, str(r.errors or ""), str(r.warnings or "")]
            for r in listed
        ]
        out += table(COLUMNS, rows, flexible=(0, 1)).split("\n")
    noted = [r for r in action + (warnings if len(warnings) <= SHOWN else []) if r.message]
    shared = Counter(r.message for r in noted)  # one cause of many units (an interruption) is said once
    out += [f"  {count} 个单位：{message}" for message, count in shared.items() if count > 1]
    for r in [r for r in noted if shared[r.message] == 1][:SHOWN]:
        out.append(note(r, labels[id(r)]))
    unlisted = [r for r in results if r not in listed]
    if unlisted:
        kinds = Counter("成功" if r in fine else "有警告" if r in warnings else "未成功" for r in unlisted)
        said = "、".join(f"{kind} {n} 个" for kind, n in kinds.items())
        out.append(f"其余 {len(unlisted)} 个文件（{said}）没有逐个列出，完整清单见 {shown(csv_path)}。")
    return out + skipped_lines(outcome)


def skipped_lines(outcome) -> list[str]:
    """The formats skipped, each reason said once with how many files it concerns: a whole
    file skipped (its kind has none of the formats asked for), or some formats of a file."""
    whole = Counter(r.message for r in outcome.skipped)
    some = Counter(r.skipped for r in outcome.results if r.skipped and r not in outcome.skipped)
    return [f"已跳过 {n} 个文件（没有所要的种类）：{reason}" for reason, n in whole.items()] + [
        f"跳过（{n} 个文件）：{reason}" for reason, n in some.items()
    ]


def totals(outcome, warned: str, unreadable: str, with_roster: bool) -> str:
    """The closing count: files and units, how many succeeded (with warnings), how many did
    not (of them unreadable), how many never filed, and the time taken."""
    results = outcome.results
    agencies = len({r.agency for r in results if r.agency})
    with_warnings = sum(1 for r in results if r.status == warned)
    unread = sum(1 for r in results if r.status == unreadable)
    said = f"共 {len(results)} 个文件（{agencies} 个单位）：成功 {outcome.succeeded}"
    said += f"（其中 {with_warnings} 个有警告）" if with_warnings else ""
    said += f"，已跳过 {len(outcome.skipped)}" if outcome.skipped else ""
    said += f"，未成功 {len(outcome.failed)}" + (f"（其中 {unread} 个{unreadable}）" if unread else "")
    said += f"，未处理 {len(outcome.unprocessed)}" if outcome.unprocessed else ""
    said += f"，未报送 {len(outcome.missing)}" if with_roster else ""
    completed = outcome.succeeded + len(outcome.failed)  # the rate counts units done, not those left 未处理
    return said + f"。{elapsed(outcome.elapsed, completed)}"


def elapsed(seconds: float, done: int) -> str:
    """ "用时 2.8 秒（每秒 106 份）"; under a second the rate says nothing and is left out."""
    if seconds < 0.1:
        return "用时不到 0.1 秒。"
    if seconds < 1 or not done:
        return f"用时 {seconds:.1f} 秒。"
    return f"用时 {seconds:.1f} 秒（每秒 {done / seconds:.0f} 份）。"


def up_to_date(outcome, ok_statuses: tuple[str, ...]) -> str:
    """ "均已是最新" when this run changed no file; how many were already current otherwise."""
    results = [r for r in outcome.results if r.status in ok_statuses]
    current = sum(1 for r in results if r.unchanged)
    if not current:
        return ""
    if current == len(outcome.results) - len(outcome.skipped):
        return "草稿均已是最新，没有改动任何文件。"
    return f"其中 {current} 个文件的草稿已是最新，没有改动。"
