"""Summing many agencies' statutory tables into one (汇总), as a city office does.

Only the figures each agency's file states are summed, leaf by leaf; the totals of the
sum are computed from the summed leaves, like any report's. Files with errors are left
out and named, never summed silently. Where the parent unit's own file is among the
inputs (its agency is the summary's name), its tables are compared with the sum cell by
cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from reportgen.checks.check import check_file
from reportgen.draft.report_draft import build_draft
from reportgen.formats import statutory
from reportgen.kinds import ANNUAL
from reportgen.model import GOVERNMENT, Figure, Number, ProcessingFees, Report, format_number, totals
from reportgen.model.findings import Finding, error
from reportgen.model.names import lookup, names
from reportgen.model.text import normalise
from reportgen.output.writing import safe_name
from reportgen.output.manifest import Manifest, Written
from reportgen.errors import InputError
from reportgen.renderers.cellnames import cell_name
from reportgen.renderers.filetypes import DOCX, INFOGRAPHICS, MD, SUFFIXES
from reportgen.renderers.workbooks import saved
from reportgen.sources.datafile import kind_of_file, read_text
from reportgen.sources.tomlfile import key_lines
from reportgen.workflows import roster as rosters


@dataclass
class Aggregate:
    name: str
    year: int
    total: Report  # the summed tables, as a report of the unit ``name``
    members: list[tuple[Path, Report]] = field(default_factory=list)
    excluded: list[tuple[Path, str]] = field(default_factory=list)  # file, why (Chinese)
    parent: tuple[Path, Report] | None = None
    differences: list[Finding] = field(default_factory=list)  # parent ≠ Σ members
    warnings: list[str] = field(default_factory=list)
    agencies: dict[Path, str] = field(default_factory=dict)  # each excluded file's unit (its folder's, if unread)
    missing: list[str] | None = None  # with a roster: the listed units that never filed (not in the sum)
    unlisted: list[str] = field(default_factory=list)  # with a roster: files summed of no listed unit

    @property
    def ok(self) -> bool:
        return not self.excluded and not self.differences and not self.missing

    def left_out(self) -> list[str]:
        """The units whose file was not summed (errors, unread, another year or format), by name."""
        return [self.agencies.get(path) or path.parent.name for path, _ in self.excluded]


def aggregate(files: list[Path], name: str, year: int, roster: list[rosters.Unit] | None = None) -> Aggregate:
    """Sum the annual reports among ``files``; with a roster, also the units not in the sum
    because they never filed (``missing``), and files of units the roster does not list."""
    fmt = statutory.format_for_year(year)
    if fmt is None:
        raise ValueError(year)
    result = Aggregate(name, year, Report(agency=name, year=year, kind=GOVERNMENT, format=fmt))
    for path in files:
        if path.suffix.lower() == ".toml" and kind_of_file(path) not in (ANNUAL, ""):
            continue  # the year's task table or work summary beside an annual report: not summed
        checked = check_file(path, previous=None)
        report = checked.report
        result.agencies[path] = report.agency if report else rosters.unreadable_agency(path, roster)
        if report is None or checked.errors:
            first = next((f.message for f in checked.findings if f.is_error), "")
            result.excluded.append((path, f"数据有 {checked.errors} 个错误，未计入汇总。{first}"))
        elif report.year != year:
            result.excluded.append((path, f"这是 {report.year} 年度的文件，未计入汇总。"))
        elif report.format is not fmt:
            result.excluded.append((path, f"使用了{report.format.label}，与 {year} 年度的格式不同，未计入汇总。"))
        elif normalise(report.agency) == normalise(name):
            result.parent = (path, report)
        else:
            result.members.append((path, report))
    result.total = _sum(result, fmt)
    if roster is not None:
        filed = [(r.agency, str(p)) for p, r in result.members]
        filed += [(result.agencies[p], str(p)) for p, _ in result.excluded]
        filed += [(result.parent[1].agency, str(result.parent[0]))] if result.parent else []
        missing, extra = rosters.compare(roster, filed)
        result.missing = [u.agency for u in missing]
        result.unlisted = [r.agency for p, r in result.members if str(p) in extra]
    if result.parent:
        result.differences = compare(result.parent[1], result.total, result.parent[0])
    return result


def _sum(result: Aggregate, fmt) -> Report:
    reports = [report for _, report in result.members]
    computed = totals.computed_keys(fmt)
    figures: dict[str, Figure] = {}
    units: dict[str, str] = {}
    for cell in fmt.cells():
        if cell.key in computed:
            continue
        total: Number = sum((r.figure(cell.key).value for r in reports), start=0)
        if cell.column.unit_key:
            seen = {r.unit(cell.key, cell.column.default_unit) for r in reports}
            if len(seen) > 1:
                result.warnings.append(
                    f"各单位“{cell.row.name}／{cell.column.name}”的单位不一致（{'、'.join(sorted(seen))}），未汇总该项。"
                )
                continue
            if seen:
                units[cell.key] = seen.pop()
        if total:
            figures[cell.key] = Figure(total)
    published = [r.published for r in reports if r.published]
    return Report(
        agency=result.name,
        year=result.year,
        kind=GOVERNMENT,
        format=fmt,
        published=max(published) if published else None,
        figures=figures,
        units=units,
        fees=ProcessingFees(
            sum((r.fees.notices for r in reports), start=0), sum((r.fees.amount for r in reports), start=0)
        ),
        subject=f"纳入汇总的{len(reports)}个单位",
    )


def compare(parent: Report, total: Report, path: Path) -> list[Finding]:
    """Cell by cell: the parent unit's own figures against the sum of its members. Only the
    figures a person writes are compared: a total that differs follows from its parts (the
    parent's file passed check), so it is not reported again. Each difference names the
    table, row and column as check does, and the line of the parent's file where known."""
    mine = totals.completed(parent)
    summed = totals.completed(total)
    computed = totals.computed_keys(parent.format)
    try:
        lines = key_lines(read_text(path))
    except (InputError, OSError):
        lines = {}
    differing = [c for c in parent.format.cells() if summed[c.key].value != mine[c.key].value]
    written = [c for c in differing if c.key not in computed] or differing
    return [
        error(
            "sum",
            f"{cell_label(cell)}：各单位合计为 {format_number(summed[cell.key].value)}，"
            f"{parent.agency}的报告中为 {format_number(mine[cell.key].value)}。",
            key=cell.key,
            table=cell.table.full_name,
            row=cell.row.name,
            column=cell.column.name,
            expected=summed[cell.key].value,
            actual=mine[cell.key].value,
            file=str(path),
            line=_line(lines, cell.key),
        )
        for cell in written
    ]


def cell_label(cell: statutory.Cell) -> str:
    """A figure as check names it: "表四“行政复议／结果维持”"."""
    return f"{cell.table.short_name}“{cell_name(cell)}”"


def _line(lines: dict[str, int], key: str) -> int | None:
    """The line of a key in a data file, or of the nearest enclosing key written there."""
    while key:
        if key in lines:
            return lines[key]
        key = key.rpartition(".")[0]
    return None


def summary_text(result: Aggregate) -> str:
    """The note under the summed tables: how many units, and who is not in the sum."""
    said = (
        f"本表汇总了{result.name}{len(result.members)}个单位{result.year}年度政府信息公开工作年度报告中的统计数据，"
        f"各单位名单及主要数字见《{overview_title(result)}》。"
    )
    if result.excluded:
        said += f"{len(result.excluded)}个单位报送的数据有错误或无法读取，未计入本表：{'、'.join(result.left_out())}。"
    if result.missing:
        said += f"名单中{len(result.missing)}个单位未报送，未计入本表：{'、'.join(result.missing)}。"
    elif result.missing is not None:
        said += "名单中的单位均已报送。"
    return said


def title(result: Aggregate) -> str:
    return f"{result.name}{result.year}年政府信息公开工作年度报告统计汇总表"


def overview_title(result: Aggregate) -> str:
    return f"{result.name}{result.year}年各单位政府信息公开数据一览"


# ------------------------------------------------------------------ the overview spreadsheet

# (column heading, dotted name in the report's names, or a callable of the report)
OVERVIEW_COLUMNS = [
    ("新收申请", "requests.new.total"),
    ("上年结转", "requests.carried_over.total"),
    ("办结", "requests.total.total"),
    ("予以公开", "requests.disclosed.total"),
    ("部分公开", "requests.partly_disclosed.total"),
    ("不予公开", "requests.withheld.total"),
    ("无法提供", "requests.unable.total"),
    ("不予处理", "requests.unprocessed.total"),
    ("其他处理", "requests.other.total"),
    ("结转下年度", "requests.carry_forward.total"),
    ("行政复议", "appeals.review.total"),
    ("行政诉讼（直接起诉）", "appeals.lawsuit_direct.total"),
    ("行政诉讼（复议后起诉）", "appeals.lawsuit_after_review.total"),
    ("信息处理费（元）", "fees.amount"),
]


def _overview_row(report: Report) -> list:

    values = names(report)
    return [lookup(values, key) for _, key in OVERVIEW_COLUMNS]


def overview_xlsx(result: Aggregate) -> bytes:
    """One row per agency with its key figures, and the total; for offices that work in Excel."""
    from openpyxl import Workbook  # imported when first used: start-up time
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = f"{result.year}年度"
    header = ["机关名称", "报告类别", "发布日期", *(h for h, _ in OVERVIEW_COLUMNS), "数据文件"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for path, report in result.members:
        published = report.published.isoformat() if report.published else ""
        sheet.append([report.agency, report.kind, published, *map(_excel, _overview_row(report)), str(path)])
    sheet.append(["合计", "", "", *map(_excel, _overview_row(result.total)), f"{len(result.members)} 个单位"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for path, why in result.excluded:
        sheet.append(
            [
                f"（未计入）{result.agencies.get(path) or path.parent.name}",
                "",
                "",
                *([""] * len(OVERVIEW_COLUMNS)),
                f"{path}：{why}",
            ]
        )
    for unit in result.missing or []:
        sheet.append(
            [
                f"（未报送）{unit}",
                "",
                "",
                *([""] * len(OVERVIEW_COLUMNS)),
                f"名单中有，没有 {result.year} 年度的数据文件",
            ]
        )
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 30
    for index in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.column_dimensions[get_column_letter(len(header))].width = 40
    if result.differences:
        _differences_sheet(book, result)
    book.properties.creator = "reportgen"
    return saved(book, result.total.published or date(result.year + 1, 1, 1))


DIFFERENCES_SHEET = "本级报告核对"


def _differences_sheet(book, result: Aggregate) -> None:
    """Every cell where the parent unit's own report differs from the members' sum."""
    from openpyxl.styles import Font

    path, parent = result.parent or (Path(), result.total)
    cells = {cell.key: cell for cell in parent.format.cells()}
    sheet = book.create_sheet(DIFFERENCES_SHEET)
    sheet.append(["表格", "行／列", "各单位合计", f"{parent.agency}的报告", "数据文件", "行号"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for finding in result.differences:
        cell = cells[finding.key]
        sheet.append(
            [
                cell.table.short_name,
                cell_name(cell),
                _excel(finding.expected),
                _excel(finding.actual),
                str(path),
                _excel(finding.line),
            ]
        )
    for column, wide in zip("ABCDEF", (8, 40, 12, 14, 40, 8)):
        sheet.column_dimensions[column].width = wide


def _excel(value):
    return "" if value is None else value


def write(result: Aggregate, out_dir: Path, renderers, force: bool = False, picture: bool = False) -> Written:
    """The aggregate's drafts (Word, Markdown) and its overview workbook, written by the rule
    every writer follows (``reportgen.output.manifest``); with ``picture``, the region's 图解 too."""
    draft = replace(build_draft(result.total, summary=summary_text(result)), title=title(result))
    stem = safe_name(title(result))
    outputs = {
        out_dir / f"{stem}.docx": renderers.render(DOCX, draft),
        out_dir / f"{stem}.md": renderers.render(MD, draft),
        out_dir / f"{safe_name(overview_title(result))}.xlsx": overview_xlsx(result),
    }
    if picture:
        about = picture_about(result)
        outputs |= {
            out_dir / f"{stem}{SUFFIXES[kind]}": renderers.picture(kind, draft, stem, **about) for kind in INFOGRAPHICS
        }
    return Manifest(out_dir).write(outputs, force, together=True)


def picture_about(result: Aggregate) -> dict:
    """The title and source line of the region's 图解: its figures are the units' sum."""
    return {
        "title": f"{result.name}{result.year}年政府信息公开工作年度报告图解（汇总）",
        "source": (
            f"{result.name}{len(result.members)}个单位",
            f"{result.year}年政府信息公开工作年度报告，",
            "逐格汇总",
        ),
        "published": None,
    }
