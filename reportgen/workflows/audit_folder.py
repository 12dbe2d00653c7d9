"""An audit folder as the page shows it: the newest result workbook with a 整改台账 in the
folder, each report's open and fixed findings counted from it, and its notice to download.

    view = audit_view(Path("核查"))     # None when the folder holds no result with a ledger
    for unit in view.units: print(unit.agency, unit.open, unit.fixed, unit.notice)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.filenames import not_data
from reportgen.workflows import ledger, notices

NOTICE_ENDINGS = ("整改通知.docx", "退回修改通知.docx", "整改通知.md", "退回修改通知.md")


@dataclass(frozen=True)
class UnitLedger:
    agency: str
    year: str
    open: int  # 新发现, 仍存在 and 未核查
    fixed: int  # 已整改
    unchecked: int  # 未核查, among the open ones
    notice: str  # the Word notice, relative to the folder, or ""
    notice_md: str  # its Markdown, or ""


@dataclass(frozen=True)
class AuditView:
    workbook: str  # relative to the folder
    units: tuple[UnitLedger, ...]
    problem: str = ""  # why the ledger could not be read

    @property
    def open(self) -> int:
        return sum(u.open for u in self.units)

    @property
    def fixed(self) -> int:
        return sum(u.fixed for u in self.units)


_cache: dict[tuple, AuditView] = {}


def _workbooks(root: Path) -> list[Path]:
    """The result workbooks of the folder and its first level, newest first."""
    found = [
        p
        for pattern in ("*.xlsx", "*/*.xlsx")
        for p in root.glob(pattern)
        if p.is_file() and not not_data(p) and root in p.resolve().parents
    ]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def _has_ledger(path: Path) -> bool:
    """Whether a workbook has the sheet 整改台账, from its workbook part (not loading it)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            return ledger.SHEET.encode("utf-8") in package.read("xl/workbook.xml")[:200_000]
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def notice_files(root: Path) -> dict[str, Path]:
    """The notices in the folder (any depth), by file name."""
    return {
        p.name: p
        for p in root.rglob("*")
        if p.name.endswith(NOTICE_ENDINGS) and p.is_file() and root in p.resolve().parents
    }


def audit_view(root: Path) -> AuditView | None:
    root = Path(root).resolve()
    result = next((p for p in _workbooks(root) if _has_ledger(p)), None)
    if result is None:
        return None
    stat = result.stat()
    files = notice_files(root)
    key = (str(result), stat.st_mtime_ns, stat.st_size, tuple(sorted(files)))
    if key in _cache:
        return _cache[key]
    relative = result.relative_to(root).as_posix()
    try:
        rows = ledger.read(result)
    except ReportgenError as problem:
        return AuditView(relative, (), str(problem))
    counts: dict[tuple[str, str], list[int]] = {}
    for row in rows.values():
        count = counts.setdefault((row.agency, row.year), [0, 0, 0])
        if row.state == ledger.FIXED:
            count[1] += 1
        else:
            count[0] += 1
            count[2] += row.state == ledger.UNCHECKED
    units = []
    for (agency, year), (open_, fixed, unchecked) in sorted(counts.items()):
        found: dict[str, str] = {}  # suffix → the first notice's path
        for kind in (notices.RECTIFY, notices.RETURN):
            for suffix in (".docx", ".md"):
                path = files.get(notices.file_stem(agency, year, kind) + suffix)
                if path is not None:
                    found.setdefault(suffix, path.resolve().relative_to(root).as_posix())
        units.append(UnitLedger(agency, year, open_, fixed, unchecked, found.get(".docx", ""), found.get(".md", "")))
    view = _cache[key] = AuditView(relative, tuple(units))
    return view


def is_notice(path: Path) -> bool:
    return path.name.endswith(NOTICE_ENDINGS)
