"""The coordinating office's 整改 loop over an audit: the result workbook with its 整改台账
(carried over from the previous result with ``since``), and a 整改通知 per report with findings.

    previous = rectification.previous(Path("上次核查结果.xlsx"))   # read before the audit's work
    book = rectification.workbook(result, previous, "2026-04-10")
    rectification.notices(result, Path("整改通知"), deadline="2026-04-30", sender="某市政务公开办")
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportgen.workflows import importing, ledger, notices

_ISO = "%Y-%m-%d"


def audit_day(text: str | None) -> str:
    """The audit's date as the ledger writes it (2026-04-10): ``--date`` if given, else today."""
    if not text:
        return date.today().isoformat()
    said = notices.chinese_date(text)  # validates, in Chinese
    year, rest = said.split("年")
    month, day = rest.removesuffix("日").split("月")
    return date(int(year), int(month), int(day)).isoformat()


def previous(path: Path | None) -> dict[str, ledger.Row]:
    return ledger.read(path) if path is not None else {}


def coverage(result: importing.Audit) -> ledger.Coverage:
    return ledger.Coverage({(f.agency, str(f.year)): f.unread for f in result.files}, len(result.unreadable))


def ledger_rows(result: importing.Audit, before: dict[str, ledger.Row], today: str) -> list[ledger.Row]:
    return ledger.merge(before, ledger.current(result.rows, importing._rule), coverage(result), today)


def workbook(result: importing.Audit, before: dict[str, ledger.Row], today: str) -> tuple[bytes, list[ledger.Row]]:
    """The result workbook: 核查结果, 各单位汇总, 整改台账 and 整改汇总."""
    rows = ledger_rows(result, before, today)
    return importing.audit_xlsx(result, extra=lambda book: ledger.add_sheets(book, rows)), rows


def notices_for(
    result: importing.Audit,
    folder: Path,
    deadline: str | None = None,
    sender: str | None = None,
    when: str | None = None,
    templates: Path | None = None,
    force: bool = False,
    rows: list[ledger.Row] | None = None,
):
    """A 整改通知 per report with findings; (agency, year) → its Word notice. With the ledger's
    ``rows`` (compared with an earlier audit), a finding notified before says so and since
    when, a new one that it is new, and the findings now 已整改 are counted, not listed."""
    rows = rows or []
    fixed: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.state == ledger.FIXED:
            fixed[(row.agency, row.year)] = fixed.get((row.agency, row.year), 0) + 1
    return notices.write(
        notices.from_audit(result.rows, rows), folder, notices.RECTIFY, deadline, sender, when, templates, force, fixed
    )
