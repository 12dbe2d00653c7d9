"""整改通知: one notice per report with findings (none for a clean one), from an audit's
findings or from ``check`` over a folder of returned forms (退回修改), written as Word and
Markdown into the folder the office names.

Every finding of a unit is in its notice and in no other, in check's words: 位置 (the table,
row and column, or the passage), 原文 (the figure as published), 应为 (what the rule gives)
and 说明 (check's sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportgen.draft import report_draft
from reportgen.errors import UsageError
from reportgen.output.writing import safe_name
from reportgen.output.manifest import Manifest
from reportgen.renderers import notice as render
from reportgen.workflows.ledger import STILL

RECTIFY = "整改"  # an audit of published reports
RETURN = "退回"  # check over returned forms


@dataclass(frozen=True)
class Entry:
    """One finding as a notice needs it."""

    agency: str
    year: int | str
    position: str
    published: str
    expected: str
    message: str
    error: bool
    source: str = ""  # the returned file, for a 退回修改 notice
    state: str = ""  # in the 整改台账: 仍存在 or 新发现 (empty: no earlier audit to compare with)
    first: str = ""  # the date it was first found (2026-04-10), for one 仍存在
    chain: str = ""  # the one cell this broken sum shares with others of the report (checks/chains.py)
    again: bool = False  # 仍存在 after it was seen 已整改 once (it came back)


def chinese_date(text: str | None, default: date | None = None) -> str:
    """“2026年3月31日” from 2026-03-31, 2026/3/31 or 2026年3月31日; the default date if none."""
    if not text:
        day = default or date.today()
        return f"{day.year}年{day.month}月{day.day}日"
    match = re.fullmatch(r"\s*((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text)
    if not match:
        raise UsageError(f"日期“{text}”无法识别，请写成 2026-03-31 或 2026年3月31日。")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise UsageError(f"日期“{text}”不存在，请核对。") from None
    return f"{day.year}年{day.month}月{day.day}日"


def _report_name(agency: str, year) -> str:
    return f"《{agency}{year}年政府信息公开工作年度报告》"


def build(
    agency: str, year, entries: list[Entry], kind: str, deadline: str, sender: str, when: str, fixed: int = 0
) -> render.Notice:
    """A unit's notice. ``fixed``: how many of its findings of earlier audits are now 已整改
    (they are not listed; a second-round notice says how many)."""
    errors = sum(1 for e in entries if e.error)
    counted = f"{len(entries)} 个问题" + (
        f"（其中错误 {errors} 个、提醒 {len(entries) - errors} 个）" if 0 < errors < len(entries) else ""
    )
    ordered = _ordered(entries)
    again = fixed > 0 or any(e.state == STILL for e in entries)  # a second round: each finding says which it is
    items = [
        render.Item(number, e.position, e.published, e.expected, _said(e, again)) for number, e in enumerate(ordered, 1)
    ]
    by = f"{deadline}前" if deadline else "收到本通知后10个工作日内"
    if kind == RETURN:
        files = "、".join(sorted({Path(e.source).name for e in entries if e.source}))
        title = f"关于退回{agency}{year}年政府信息公开工作年度报告填报表修改的通知"
        lines = report_draft.title_lines_at(title, ("填报表修改", "政府信息公开"), f"关于退回{agency}")
        opening = [
            f"你单位报送的{year}年政府信息公开工作年度报告填报表{f'（{files}）' if files else ''}经核对，"
            f"有以下 {counted}，现退回修改。请对照原始台账逐项核实，按下表修改后重新报送。"
        ]
        closing = [
            f"请于{by}将修改后的填报表重新报送{sender}。修改时请只改动有问题的格子，不要改变表格的结构。",
            "重新报送后，我们将再次核对。",
        ]
    else:
        title = f"关于{agency}{year}年政府信息公开工作年度报告有关问题的整改通知"
        lines = report_draft.title_lines_at(title, ("有关问题", "政府信息公开"), f"关于{agency}")
        opening = [
            f"经核查，你单位已发布的{_report_name(agency, year)}存在以下 {counted}。"
            + (_rounds(ordered, fixed) if again else "")
            + "现将有关问题通知如下，请逐项核实，认真整改。"
        ]
        closing = [
            f"请于{by}完成整改：在原发布位置更新报告全文（保持原网址不变，不另行发布），并将整改情况书面报送{sender}。",
            "表中“原文”为你单位已发布报告中的内容，“应为”为按《中华人民共和国政府信息公开工作年度报告格式》"
            "核算的结果；数字以你单位的原始台账为准，如原文无误，请在整改情况中说明。",
            "重新发布后，我们将再次核查；每个问题的整改情况将记入整改台账。",
        ]
    opening += _chains(ordered)
    return render.Notice(title, agency, opening, items, closing, sender, when, title_lines=lines)


def _ordered(entries: list[Entry]) -> list[Entry]:
    """Errors first; the broken sums one cell may explain side by side; else as check gives them."""
    leader: dict[str | int, int] = {}  # a chain's id (or an entry's own index) → its first entry
    for index, entry in enumerate(entries):
        leader.setdefault(entry.chain or index, index)
    return [e for _, e in sorted(enumerate(entries), key=lambda p: (not p[1].error, leader[p[1].chain or p[0]]))]


def _said(entry: Entry, again: bool) -> str:
    said = entry.message if entry.error else f"（提醒）{entry.message}"
    if not again:
        return said
    if entry.state == STILL:
        return f"（{_first(entry)}已通知，{'曾整改后又出现' if entry.again else '仍未整改'}）{said}"
    return f"（本次新发现）{said}"


def _first(entry: Entry) -> str:
    try:
        return chinese_date(entry.first)
    except UsageError:  # a date typed over in the ledger: said without it
        return "此前"


def _numbers(numbers: list[int]) -> str:
    """“第1至3、5项”."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return "第" + "、".join(f"{r[0]}至{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs) + "项"


def _rounds(ordered: list[Entry], fixed: int) -> str:
    """The second round's sentence: which findings were notified before and remain, which are new,
    and how many of the earlier ones were fixed."""
    by_date: dict[str, list[int]] = {}
    for number, entry in enumerate(ordered, 1):
        if entry.state == STILL:
            by_date.setdefault(_first(entry), []).append(number)
    new = [number for number, entry in enumerate(ordered, 1) if entry.state != STILL]
    said = [f"{_numbers(numbers)}已于{day}核查时发现并通知，至今仍未整改" for day, numbers in by_date.items()]
    if new:
        said.append(f"{_numbers(new)}为本次核查新发现")
    text = ("其中" + "；".join(said) + "。") if said else ""
    if fixed:
        text += f"此前通知的问题中已有 {fixed} 个整改到位，不再列出。"
    return text


def _chains(ordered: list[Entry]) -> list[str]:
    """A paragraph for each group of broken sums that one cell may explain."""
    groups: dict[str, list[int]] = {}
    for number, entry in enumerate(ordered, 1):
        if entry.chain:
            groups.setdefault(entry.chain, []).append(number)
    return [
        f"{_numbers(numbers)}的 {len(numbers)} 处不平衡可能都由同一格引起：它们都用到{cell}这一格。"
        "请先核对这一格，改正后这几处可能随之平衡。"
        for cell, numbers in groups.items()
        if len(numbers) > 1
    ]


def file_stem(agency: str, year, kind: str) -> str:
    return safe_name(f"{agency}{year}年报告{'退回修改通知' if kind == RETURN else '整改通知'}")


def write(
    entries: list[Entry],
    folder: Path,
    kind: str = RECTIFY,
    deadline: str | None = None,
    sender: str | None = None,
    when: str | None = None,
    templates: Path | None = None,
    force: bool = False,
    fixed: dict[tuple[str, str], int] | None = None,
) -> dict[tuple[str, str], Path]:
    """One notice per report with findings, as .docx and .md in ``folder`` (made if need be).
    Nothing is written if a notice there was changed by a person (unless ``force``, which
    backs it up first). ``fixed``: (agency, year) → its findings of earlier audits now 已整改.
    Returns (agency, year) → the Word notice."""
    deadline_text = chinese_date(deadline) if deadline else ""
    when_text = chinese_date(when)
    sender_text = sender or "政务公开工作主管部门"
    by_report: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        by_report.setdefault((entry.agency, str(entry.year)), []).append(entry)
    outputs: dict[Path, bytes] = {}
    written: dict[tuple[str, str], Path] = {}
    for (agency, year), found in sorted(by_report.items()):
        made = build(
            agency, year, found, kind, deadline_text, sender_text, when_text, (fixed or {}).get((agency, year), 0)
        )
        stem = folder / file_stem(agency, year, kind)
        outputs[stem.with_suffix(".docx")] = render.word(made, templates)
        outputs[stem.with_suffix(".md")] = render.markdown(made, templates).encode("utf-8")
        written[(agency, year)] = stem.with_suffix(".docx")
    if outputs:
        folder.mkdir(parents=True, exist_ok=True)
        Manifest(folder).write(outputs, force, together=True)
    return written


def from_audit(rows, ledger_rows=()) -> list[Entry]:
    """An audit's rows (importing.AuditRow) as notice entries; with the 整改台账 compared with an
    earlier audit (ledger.Row), each says whether it is 仍存在 (and since when) or 新发现."""
    states = {
        r.identity: {"state": r.state, "first": r.first, "again": r.state == STILL and r.why.startswith("曾于")}
        for r in ledger_rows
    }
    return [
        Entry(
            r.agency,
            r.year,
            r.position or r.cell,
            r.published,
            r.expected,
            r.message,
            r.severity == "错误",
            chain=r.chain,
            **states.get(r.identity, {}),
        )
        for r in rows
    ]


def from_check(results) -> tuple[list[Entry], list[str]]:
    """The findings of ``check`` over returned forms or data files (CheckResult) with errors,
    as notice entries (all of a file's findings, warnings too); and the files whose unit is
    unknown (not read at all), which get no notice."""
    entries: list[Entry] = []
    unknown: list[str] = []
    for result in results:
        if result.ok:
            continue
        report = result.report
        if report is None or not getattr(report, "agency", ""):
            unknown.append(str(result.path))
            continue
        for f in result.findings:
            place = "／".join(p for p in (f.table, f.row, f.column) if p) or f.key
            if f.cell:
                place += f"（{f.cell}）"
            show = lambda v: "" if v is None else str(v)  # noqa: E731
            entries.append(
                Entry(
                    report.agency,
                    report.year,
                    place,
                    show(f.actual),
                    show(f.expected),
                    f.message,
                    f.is_error,
                    str(result.path),
                )
            )
    return entries, unknown
