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

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PureWindowsPath

from reportgen import kinds as kind_definitions
from reportgen.checks.check import CheckResult, check_file
from reportgen.checks.crossyear import path_for_year
from reportgen.errors import ReportgenError
from reportgen.filenames import not_data
from reportgen.formats import statutory
from reportgen.model import KINDS, Document, Report, deadline
from reportgen.model.names import lookup, names
from reportgen.output.files import safe_name, write_atomic
from reportgen.output.manifest import Manifest
from reportgen.renderers.files import DOCX, HTML, JSON, MD, PDF, SUFFIXES, XLSX
from reportgen.renderers.opendata import report_json
from reportgen.workflows import datafiles
from reportgen.workflows import roster as rosters

ROSTER_NAMES = ("名单.csv", "名单.toml")  # a roster in the folder is read without being named
# The main figures followed across the years: (name shown, the figure's key).
CHART = (("新收申请", "requests.new.total"), ("办结", "requests.total.total"), ("复议", "appeals.review.total"),
         ("诉讼", "appeals.lawsuit_direct.total"))
# The drafts a data file can be downloaded as, and what each is called on the page.
DRAFT_LABELS = {DOCX: "Word", MD: "Markdown", HTML: "网页", PDF: "PDF", JSON: "开放数据（JSON）", XLSX: "Excel 表格"}
DRAFT_KINDS = frozenset(SUFFIXES)

# A deadline, against the date the document was published (or today, if it is not yet).
MET, MISSED, NOT_YET_DUE = "met", "missed", "not yet due"
DEADLINE_TEXT = {MET: "按期公开", MISSED: "已过", NOT_YET_DUE: "未到期"}


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
    figures: tuple = ()  # the CHART figures of an annual report

    @property
    def state_text(self) -> str:
        if not self.ok:
            return f"{self.errors} 个错误"
        if self.unfilled_sections:
            return f"未填（{self.unfilled_sections} 个部分）"
        return "通过"

    @property
    def deadline_text(self) -> str:
        return DEADLINE_TEXT.get(self.deadline_status, "")

    @property
    def can_start_next_year(self) -> bool:
        return isinstance(self.year, int) and not self.next_year


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
        key = tuple(sorted((p.name, stat.st_mtime_ns, stat.st_size)
                           for p in path.parent.glob("*.toml") for stat in [p.stat()]))
        known = self._checks.get(path)
        if known is None or known[0] != key:
            known = self._checks[path] = (key, check_file(path))
        return known[1]

    def state(self, path: Path, today: date | None = None) -> FileState:
        checked = self.checked(path)
        report = checked.report
        year = getattr(report, "year", "")
        annual = isinstance(report, Report)
        due = deadline(report.year, report.kind) if annual and report.kind in KINDS else None
        published = report.published if isinstance(report, (Report, Document)) else None
        following = path_for_year(path, year, year + 1) if isinstance(year, int) else None
        figures = ()
        if annual:
            values = names(report)
            figures = tuple(lookup(values, key) or 0 for _, key in CHART)
        return FileState(
            path=path, relative=self.relative(path), agency=getattr(report, "agency", "") or path.parent.name,
            year=year, name=report.format.name if isinstance(report, Document) else "年度报告", annual=annual,
            ok=checked.ok, errors=checked.errors, warnings=checked.warnings,
            unfilled_sections=checked.unfilled_sections, due=due, published=published,
            deadline_status=deadline_status(due, published, today or date.today()),
            next_year=self.relative(following) if following is not None and following.exists() else "",
            figures=figures)

    def states(self, today: date | None = None) -> list[FileState]:
        return [self.state(path, today) for path in self.files()]

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
        annual = [(s.agency, s.relative) for s in states if s.annual and s.year == year]
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
            made = datafiles.init(agency.strip(), year, definition, statutory.require_format(year), kind,
                                  output=where / f"{year}.toml")
        else:
            made = datafiles.init(agency.strip(), year, definition, output=where / definition.file.format(year=year))
        return made.path

    def next_year(self, path: Path) -> Path:
        """Next year's file made from ``path``. Raises ReportgenError."""
        return datafiles.next_year(path).path


def document_kinds() -> list[tuple[str, str]]:
    """The kinds a new file may be, as (name written in the file, name shown)."""
    return [(kind.aliases[0] if kind.aliases else kind.name, kind.name) for kind in kind_definitions.kinds().values()]


def uploaded_name(filename: str) -> str:
    """An uploaded file's own name, whatever path a browser sent with it."""
    return safe_name(PureWindowsPath(filename).name, "上传的文件")


def keep_upload(target: Path, data: bytes) -> None:
    """An uploaded file written whole at ``target``; one there before is kept as a backup."""
    target.parent.mkdir(exist_ok=True)
    if target.exists():
        Manifest(target.parent).backup(target)
    write_atomic(target, data)
