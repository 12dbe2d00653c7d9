"""A folder of data files as a whole (laid out like data/): each file's kind, state and
deadline, whether next year's file is there, the roster's gaps, and new files made in it.

    folder = DataFolder(Path("data"))
    for state in folder.states():          # FileState: plain data, for a page or a command
        print(state.relative, state.state_text, state.deadline_status)
    gaps = folder.roster_gaps(folder.states())

``reportgen serve`` shows this on its folder page; the page itself holds no rule of its own.
A file's check is remembered until the file or one beside it changes, so that a folder of a
thousand reports is shown quickly again.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PureWindowsPath

from reportgen import kinds as kind_definitions
from reportgen import untrusted
from reportgen.checks.check import CheckResult, check_file
from reportgen.checks.crossyear import path_for_year
from reportgen.errors import ReportgenError, os_reason
from reportgen.filenames import not_data
from reportgen.formats import statutory
from reportgen.model import KINDS, Document, Report, deadline
from reportgen.model.names import lookup, names
from reportgen.output.writing import confined, make_folder, safe_name, write_atomic
from reportgen.output.manifest import Manifest, ignore_beside
from reportgen.renderers.filetypes import (
    DOCX,
    HTML,
    INFOGRAPHIC,
    INFOGRAPHIC_HTML,
    INFOGRAPHIC_PNG,
    JSON,
    MD,
    PDF,
    SUFFIXES,
    XLSX,
)
from reportgen.renderers.opendata import report_json
from reportgen.workflows import datafiles
from reportgen.workflows import roster as rosters

ROSTER_NAMES = ("名单.csv", "名单.toml")  # a roster in the folder is read without being named
# The main figures followed across the years: (name shown, the figure's key).
CHART = (
    ("新收申请", "requests.new.total"),
    ("办结", "requests.total.total"),
    ("复议", "appeals.review.total"),
    ("诉讼", "appeals.lawsuit_direct.total"),
)
# The drafts a data file can be downloaded as, and what each is called on the page.
DRAFT_LABELS = {
    DOCX: "Word",
    MD: "Markdown",
    HTML: "网页",
    PDF: "PDF",
    JSON: "开放数据（JSON）",
    XLSX: "Excel 表格",
    INFOGRAPHIC: "图解（SVG）",
    INFOGRAPHIC_PNG: "图解（PNG 图片）",
    INFOGRAPHIC_HTML: "图解网页片段（附文字说明）",
}
DRAFT_KINDS = frozenset(SUFFIXES)

# A deadline, against the date the document was published (or today, if it is not yet).
MET, MISSED, NOT_YET_DUE = "met", "missed", "not yet due"
DEADLINE_TEXT = {MET: "按时", MISSED: "逾期", NOT_YET_DUE: "未到"}


def deadline_status(due: date | None, published: date | None, today: date) -> str:
    """``MET`` if published by ``due``, ``MISSED`` if published after it or not published
    and the day gone, ``NOT_YET_DUE`` otherwise; "" for a document with no deadline."""
    if due is None:
        return ""
    if published is not None:
        return MET if published <= due else MISSED
    return MISSED if today > due else NOT_YET_DUE


@dataclass(frozen=True)
class FileState:
    """One data file of the folder, as checked."""

    path: Path
    relative: str  # inside the folder, with "/"
    agency: str
    year: int | str  # "" when the file could not be read
    name: str  # the document's name: 年度报告, 工作要点, …
    annual: bool
    ok: bool
    errors: int
    warnings: int
    unfilled_sections: int
    due: date | None
    published: date | None
    deadline_status: str  # MET, MISSED, NOT_YET_DUE or ""
    next_year: str  # next year's file, relative, if it is there; else ""
    figures: tuple[object, ...] = ()  # the CHART figures of an annual report
    problem: str = ""  # why the file could not be read at all (a dangling link, a pipe, …); its row says it
    unread: bool = False  # the file could not be read: the unit filed it (已报送，无法读取), named from its folder

    @property
    def state_text(self) -> str:
        if self.problem:
            return self.problem
        if self.unread:
            return rosters.UNREADABLE
        if not self.ok:
            return f"{self.errors} 个错误"
        if self.unfilled_sections:
            return f"未填（{self.unfilled_sections} 个部分）"
        return "通过"

    @property
    def deadline_text(self) -> str:
        return DEADLINE_TEXT.get(self.deadline_status, "")

    @property
    def category(self) -> str:
        """The state the folder page counts and filters by (``CATEGORIES``)."""
        if self.unread:
            return rosters.UNREADABLE
        if not self.ok:
            return ERRORS
        return UNFILLED if self.unfilled_sections else PASSED

    @property
    def can_start_next_year(self) -> bool:
        return isinstance(self.year, int) and not self.next_year and not self.unread


PASSED, ERRORS, UNFILLED, MISSING = "通过", "有错误", "未填", "未报送"
CATEGORIES = (ERRORS, rosters.UNREADABLE, UNFILLED, MISSING, PASSED)  # what needs action first


def counts(states: list["FileState"], gaps: "RosterGaps | None" = None) -> dict[str, int]:
    """How many files are in each state, and how many listed units never filed (未报送)."""
    found = {category: 0 for category in CATEGORIES}
    for state in states:
        found[state.category] += 1
    found[MISSING] = len(gaps.missing) if gaps is not None else 0
    return found


@dataclass(frozen=True)
class MissingUnit:
    agency: str
    kind: str
    due: date | None
    deadline_status: str

    @property
    def deadline_text(self) -> str:
        return DEADLINE_TEXT.get(self.deadline_status, "")


@dataclass(frozen=True)
class RosterGaps:
    """A roster's units against the folder's annual reports of one year: those not yet in
    (未报送), and the reports of no listed unit. ``problem``: why the roster was not read."""

    name: str
    year: int = 0
    years: tuple[int, ...] = ()
    units: int = 0
    missing: tuple[MissingUnit, ...] = ()
    extra: tuple[str, ...] = ()
    problem: str = ""


@dataclass
class DataFolder:
    root: Path
    roster: Path | None = None  # a roster named when the folder was opened; else one in it
    _checks: dict = field(default_factory=dict, repr=False)  # path → (the files beside it as seen, result)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()

    def writing(self):
        """While this holds, every file written is created inside the folder, links resolved at
        the moment of writing (a link leading out is refused): ``with folder.writing(): …``."""
        return confined(self.root)

    def reading(self):
        """While this holds, every file read beside another (last year's, the same year's other
        documents) resolves inside the folder, links followed; one leading out is not read,
        and the check of the file beside it says so: ``with folder.reading(): …``."""
        return untrusted.reading_within(self.root)

    def relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root).as_posix()

    def files(self) -> list[Path]:
        """The folder's data files, at any depth: not a roster, not a link leading out."""
        rosters_here = {self.root / name for name in ROSTER_NAMES}
        if self.roster is not None:
            rosters_here.add(self.roster.resolve())
        found = []
        for path in self.root.rglob("*.toml"):
            real = path.resolve()
            if path.is_file() and not not_data(path) and self.root in real.parents and real not in rosters_here:
                found.append(path)
        return sorted(found)

    def checked(self, path: Path) -> CheckResult:
        """The file's check, remembered until the file or one beside it (last year's, the
        same year's other documents) changes."""
        key = tuple(sorted(_stat_key(p) for p in path.parent.glob("*.toml")))  # a dangling link among them too
        known = self._checks.get(path)
        if known is None or known[0] != key:
            known = self._checks[path] = (key, check_file(path))
        return known[1]

    def state(self, path: Path, today: date | None = None) -> FileState:
        checked = self.checked(path)
        report = checked.report
        year = getattr(report, "year", "") or (int(path.stem) if report is None and path.stem.isdigit() else "")
        annual = isinstance(report, Report)
        due: date | None = None
        figures: tuple[object, ...] = ()
        if isinstance(report, Report):
            due = deadline(report.year, report.kind) if report.kind in KINDS else None
            values = names(report)
            figures = tuple(lookup(values, key) or 0 for _, key in CHART)
        published = report.published if isinstance(report, (Report, Document)) else None
        following = path_for_year(path, year, year + 1) if isinstance(year, int) else None
        if following is not None and (not following.exists() or unreadable_reason(following, self.root)):
            following = None  # a next year's file that is a link leading out is not offered
        return FileState(
            path=path,
            relative=self.relative(path),
            agency=getattr(report, "agency", "") or path.parent.name,
            year=year,
            name=report.format.name if isinstance(report, Document) else "年度报告",
            annual=annual,
            ok=checked.ok,
            errors=checked.errors,
            warnings=checked.warnings,
            unfilled_sections=checked.unfilled_sections,
            due=due,
            published=published,
            deadline_status=deadline_status(due, published, today or date.today()),
            next_year=self.relative(following) if following is not None else "",
            figures=figures,
            unread=report is None,
        )

    def states(self, today: date | None = None) -> list[FileState]:
        """Every data file's state, and a state naming why for each data-file name that cannot
        be read (a dangling link, a link leading out, a pipe): one bad file never hides the rest."""
        states = []
        for path in self.files():
            try:
                states.append(self.state(path, today))
            except Exception as problem:  # noqa: BLE001 — said in its row, the others still listed
                why = (
                    str(problem)
                    if isinstance(problem, ReportgenError)
                    else (
                        os_reason(problem) if isinstance(problem, OSError) else "读取时程序出错（不是您的数据的问题）"
                    )
                )
                states.append(unreadable_state(path, self.root, f"无法读取：{why}"))
        return states + self.unreadable()

    def unreadable(self) -> list[FileState]:
        """The data-file names no check can read, each with why; and agency folders that are
        links leading out of the folder (whose files are neither read nor written)."""
        found = []
        for path in sorted(self.root.rglob("*.toml")):
            if not not_data(path) and (why := unreadable_reason(path, self.root)):
                found.append(unreadable_state(path, self.root, why))
        for parent, folders, _ in os.walk(self.root):  # links not followed
            for name in sorted(folders):
                linked = Path(parent) / name
                if linked.is_symlink() and unreadable_reason(linked, self.root):
                    found.append(
                        unreadable_state(
                            linked,
                            self.root,
                            "没有读取：这个文件夹是指向文件夹外面的链接，其中的文件不读也不写",
                            folder=True,
                        )
                    )
        return found

    def roster_file(self) -> Path | None:
        return self.roster or next((self.root / n for n in ROSTER_NAMES if (self.root / n).is_file()), None)

    def roster_gaps(self, states: list[FileState], asked: str = "", today: date | None = None) -> RosterGaps | None:
        """The roster's gaps in one year (the one asked for, else the latest held); None
        if the folder has no roster."""
        path = self.roster_file()
        if path is None:
            return None
        try:
            units = rosters.load(path)
        except ReportgenError as problem:
            return RosterGaps(path.name, problem=str(problem))
        years = sorted({s.year for s in states if s.annual and isinstance(s.year, int)})
        year = int(asked) if asked.isdigit() else (years[-1] if years else date.today().year - 1)
        annual = rosters.filed(
            units,
            (
                (s.agency, s.relative, kind_definitions.ANNUAL if s.annual else None if s.unread else "")
                for s in states
                if s.year == year
            ),
        )
        missing, extra = rosters.compare(units, annual)
        today = today or date.today()
        gaps = []
        for unit in missing:
            due = deadline(year, unit.kind) if unit.kind in KINDS else None
            gaps.append(MissingUnit(unit.agency, unit.kind or "部门", due, deadline_status(due, None, today)))
        return RosterGaps(path.name, year, tuple(years), len(units), tuple(gaps), tuple(extra))

    def annual_json(self, agency: str, year: int) -> bytes | None:
        """The open data (JSON) of the agency's annual report of ``year``, if the folder has it."""
        for path in self.files():
            report = self.checked(path).report
            if isinstance(report, Report) and report.agency == agency and report.year == year:
                return report_json(report)
        return None

    def new_file(self, agency: str, year: int, document: str = "", kind: str = "部门") -> Path:
        """A new data file for ``agency`` and ``year`` in the agency's folder (named safely),
        of the kind named ``document`` (the annual report if none). Raises ReportgenError."""
        definition = kind_definitions.named(document or "annual") or kind_definitions.annual()
        where = self.root / safe_name(agency.strip())
        if definition.statutory:
            made = datafiles.init(
                agency.strip(), year, definition, statutory.require_format(year), kind, output=where / f"{year}.toml"
            )
        else:
            made = datafiles.init(agency.strip(), year, definition, output=where / definition.file.format(year=year))
        return made.path

    def next_year(self, path: Path) -> Path:
        """Next year's file made from ``path``. Raises ReportgenError."""
        return self.next_year_made(path).path

    def next_year_made(self, path: Path) -> datafiles.Made:
        """Next year's file made from ``path``, with what the command line says of it
        (figures carried over, keys dropped, notes). Raises ReportgenError."""
        return datafiles.next_year(path)


def _stat_key(path: Path) -> tuple:
    """A file's name, time and size, for knowing it changed; a link to nothing has none."""
    try:
        info = path.stat()
    except OSError:
        return (path.name, -1, -1)
    return (path.name, info.st_mtime_ns, info.st_size)


def unreadable_reason(path: Path, root: Path) -> str:
    """Why a data-file name in the folder cannot be read ("" if it can be, or is a folder)."""
    try:
        real = path.resolve(strict=True)
        info = path.stat()
    except (OSError, RuntimeError) as problem:
        if path.is_symlink():
            return "无法读取：这是一个链接，指向的文件不存在（悬空的链接）"
        return f"无法读取：{os_reason(problem) if isinstance(problem, OSError) else '链接绕成了圈'}"
    if root not in real.parents:
        return "没有读取：经由链接指向文件夹外面"
    if stat.S_ISDIR(info.st_mode):
        return ""
    if not stat.S_ISREG(info.st_mode):
        return "没有读取：不是普通文件（是管道、设备或特殊文件）"
    return ""


def unreadable_state(path: Path, root: Path, why: str, folder: bool = False) -> FileState:
    """The state of a data-file name that cannot be read: its row says why."""
    relative = path.relative_to(root).as_posix() + ("/" if folder else "")
    return FileState(
        path=path,
        relative=relative,
        agency=path.parent.name if not folder else path.name,
        year="",
        name="数据文件",
        annual=False,
        ok=False,
        errors=1,
        warnings=0,
        unfilled_sections=0,
        due=None,
        published=None,
        deadline_status="",
        next_year="",
        problem=why,
    )


def document_kinds() -> list[tuple[str, str]]:
    """The kinds a new file may be, as (name written in the file, name shown)."""
    return [(kind.aliases[0] if kind.aliases else kind.name, kind.name) for kind in kind_definitions.kinds().values()]


def uploaded_name(filename: str) -> str:
    """An uploaded file's own name, whatever path a browser sent with it."""
    return safe_name(PureWindowsPath(filename).name, "上传的文件")


def keep_upload(target: Path, data: bytes) -> None:
    """An uploaded file written whole at ``target``; one there before is kept as a backup."""
    make_folder(target.parent)  # inside the folder, links resolved now
    ignore_beside(target.parent, ("*",))  # 草稿/: uploads, their backups and record, none for version control
    if target.exists():
        Manifest(target.parent).backup(target)
    write_atomic(target, data)
