"""``reportgen import`` and ``reportgen audit``: published reports into data files, and a
folder of published reports checked with every rule.

The data file has the layout, key order and comments ``reportgen init`` writes. Figures are
kept as published, totals included, so that ``check`` reports a published inconsistency
cell by cell; a blank cell is written ``""``; a row label matched only approximately gets a
comment saying what the source said; and whatever could not be read is listed in a comment
block at the top, with where it was.
"""

from __future__ import annotations

import io
import multiprocessing
import re
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from reportgen.checks.check import CheckResult, Previous, check_data, check_text
from reportgen.filenames import not_data
from reportgen.model.findings import Finding
from reportgen.output.files import safe_name
from reportgen.output.manifest import write_file
from reportgen.sources import workbook
from reportgen.sources.imported import Imported, to_data
from reportgen.sources.published import SUFFIXES, ImportProblem, import_report
from reportgen.workflows import scaffold


def data_file(imported: Imported, header: bool = True) -> str:
    """The text of a data file holding what was imported (``to_data``): the file
    ``reportgen init`` writes, with each value line filled in (its comment kept in its
    column), what the source said of an approximate label beside its row, and what could
    not be read listed at the top."""
    data = to_data(imported)
    fmt, report = imported.format, data["report"]
    text = scaffold.new_file(fmt, report["agency"], report["year"], report["kind"])
    values: dict[tuple[str, str], str] = {("report", "published"): str(report["published"])}
    for section in ("contact", "download"):
        for name, value in report[section].items():
            values[(f"report.{section}", name)] = scaffold.toml_text(value)
    for key, body in data["text"].items():
        values[("text", key)] = tomlkit.string(f"\n{body}\n", multiline=True).as_string() if "\n" in body \
            else scaffold.toml_text(body)
    comments: dict[tuple[str, str], str] = {}
    replaced: dict[tuple[str, str], tuple[str, str]] = {}  # a group's first sub-row → (group, its value)
    dropped: set[tuple[str, str]] = set()
    for table in fmt.tables.values():
        groups = {group.name: group for group in table.row_groups()}
        for row, cells in data[table.key].items():
            if row not in groups:
                values[(table.key, row)] = scaffold.toml_text(cells)
                continue
            group = groups[row]
            replaced[(table.key, group.leaves[0])] = (group.name, scaffold.toml_text(cells))
            dropped.update((table.key, leaf) for leaf in group.leaves[1:])
            comments[(table.key, group.name)] = f"{group.label}（原文只印了一行合计）"
        for key, note in imported.notes.items():
            if key.startswith(table.key + "."):
                comments[(table.key, key.split(".")[1])] = note
    for name, value in data.get("processing_fees", {}).items():
        values[("processing_fees", name)] = scaffold.toml_text(value)
    order = {table.key: list(dict.fromkeys(row.id.split(".")[0] for row in table.rows)) for table in fmt.tables.values()}
    text = _fill(text, values, replaced, dropped, comments, order)
    text = text.replace("# 由 reportgen init 生成。填写说明：", "# 填写说明：", 1)
    return (_header(imported) if header else "") + text


_LINE = re.compile(r"^(?P<key>[A-Za-z0-9_]+) = (?P<value>.*?)(?P<comment>\s+#.*)?$")
_SECTION = re.compile(r"^\[(?P<name>[A-Za-z0-9_.]+)\]")


def _fill(text: str, values: dict, replaced: dict, dropped: set, comments: dict, order: dict) -> str:
    """Put values into the lines of a file reportgen wrote, keeping each comment's column.
    A row the file has no line for (a total, which init leaves to the tool) gets one, in the
    table's order."""
    out: list[str] = []
    section = ""
    lines = text.split("\n")
    present = set()
    for line in lines:
        if match := _SECTION.match(line):
            section = match["name"]
        elif match := _LINE.match(line):
            present.add((section, match["key"]))
    missing = {where for where in values if where not in present and where[0] in order}

    def insert_before(key: str | None) -> None:
        rows = order.get(section, [])
        limit = rows.index(key) if key in rows else len(rows)
        for row in rows[:limit]:
            if (section, row) in missing:
                missing.discard((section, row))
                out.append(f"{row} = {values[(section, row)]}")

    section = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if match := _SECTION.match(line):
            insert_before(None)
            section = match["name"]
            out.append(line)
            continue
        match = _LINE.match(line)
        if not match:
            out.append(line)
            continue
        key, value = match["key"], match["value"]
        insert_before(key)
        start = index - 1
        if value.startswith('"""') and value.count('"""') == 1:  # a multi-line text: to its end
            while index < len(lines) and '"""' not in lines[index]:
                index += 1
            index += 1
        where = (section, key)
        if where in dropped:
            continue
        comment = match["comment"] or ""
        if where in replaced:
            key, new = replaced[where]
            where, comment = (section, key), ""
        elif where in values:
            new = values[where]
        else:
            out.extend(lines[start:index])
            continue
        note = comments.get(where)
        if note:
            comment = f"{comment.rstrip()}（{note}）" if comment else f" # {note}"
        head = f"{key} = {new}"
        if comment:
            column = len(line) - len(match["comment"] or "") if match["comment"] else len(head)
            spaces = max(1, column - len(head) + (len(comment) - len(comment.lstrip())))
            head += " " * spaces + comment.lstrip()
        out.append(head)
    insert_before(None)
    return "\n".join(out)


def _header(imported: Imported) -> str:
    lines = [f"# 由 reportgen import 从 {imported.source} 导入。数字按原文照录（包括总计），没有改动；"
             "请运行 reportgen check 核对。"]
    for remark in imported.remarks:
        lines.append(f"# 注意：{remark}")
    if imported.problems:
        lines.append("# 以下内容没有读出，请对照原文补上：")
        lines += [f"#   - {problem}" for problem in imported.problems]
    return "\n".join(lines) + "\n#\n"


# ------------------------------------------------------------------ audit


@dataclass
class AuditRow:
    agency: str
    year: int | str
    file: str
    rule: str
    cell: str
    expected: str
    published: str
    message: str
    severity: str


@dataclass
class Audit:
    rows: list[AuditRow] = field(default_factory=list)
    files: list[tuple[str, str, int | str, int, int]] = field(default_factory=list)  # file, agency, year, errors, warnings
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f[3] for f in self.files)


def collect(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not not_data(p))


def _audit_one(path: Path):
    try:
        return path, import_report(path), ""
    except ImportProblem as problem:
        return path, None, str(problem)


def audit(files: list[Path], jobs: int = 1) -> Audit:
    """Import every file in memory, check each, and check consecutive years of an agency."""
    if jobs > 1 and len(files) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = pool.map(_audit_one, files, chunksize=8)
    else:
        done = [_audit_one(p) for p in files]
    result = Audit()
    by_agency: dict[tuple[str, int], tuple[Path, CheckResult]] = {}
    checked = []
    for path, imported, why in done:
        if imported is None:
            result.unreadable.append((str(path), why))
            continue
        outcome = check_data(to_data(imported), path)
        checked.append((path, imported, outcome))
        by_agency[(imported.agency, imported.year)] = (path, outcome)
    for path, imported, outcome in checked:
        last = by_agency.get((imported.agency, imported.year - 1))
        if last is not None and last[1].report is not None:
            previous = Previous(last[1].report, last[0])
            outcome = check_data(to_data(imported), path, lambda report, p=previous: p)
        findings = [f for f in outcome.findings if f.code not in ("missing", "empty-text", "deadline-note")]
        errors = sum(1 for f in findings if f.is_error)
        result.files.append((str(path), imported.agency, imported.year, errors, len(findings) - errors))
        for finding in findings:
            result.rows.append(_row(imported, path, finding))
    return result


def _row(imported: Imported, path: Path, finding: Finding) -> AuditRow:
    cell = "／".join(p for p in (finding.table, finding.row, finding.column) if p) or finding.key
    show = lambda v: "" if v is None else str(v)  # noqa: E731
    return AuditRow(imported.agency, imported.year, str(path), finding.code, cell, show(finding.expected),
                    show(finding.actual), finding.message, finding.severity.label)


AUDIT_COLUMNS = ("机关名称", "年度", "文件", "规则", "栏目", "应为", "原文", "说明", "级别")


def audit_xlsx(result: Audit) -> bytes:
    """One row per finding, and a summary sheet per agency."""
    from openpyxl import Workbook  # imported only when an audit is written (start-up time)
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "核查结果"
    sheet.append(AUDIT_COLUMNS)
    for row in result.rows:
        sheet.append([row.agency, row.year, row.file, row.rule, row.cell, row.expected, row.published,
                      row.message, row.severity])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (24, 8, 40, 10, 40, 12, 12, 80, 8)):
        sheet.column_dimensions[letter].width = width
    summary = book.create_sheet("各单位汇总")
    summary.append(("机关名称", "年度", "文件", "错误数", "警告数"))
    for file, agency, year, errors, warnings in sorted(result.files, key=lambda f: (f[1], f[2])):
        summary.append((agency, year, file, errors, warnings))
    for file, why in result.unreadable:
        summary.append(("（无法读取）", "", file, "", "", why))
    for cell in summary[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ import


@dataclass
class ImportedFile:
    """One file imported: what was read, the data file written and its check."""

    source: Path
    imported: Imported
    target: Path
    backups: list[Path]
    check: CheckResult


WORKBOOKS = (".xlsx", ".xls", ".et")


def read(source: Path) -> Imported:
    """What a published report or a returned fill-in form holds. Raises ReportgenError (a
    Chinese message naming the file) if it cannot be read."""
    if source.suffix.lower() in WORKBOOKS:
        returned = workbook.read(source)
        returned.imported.remarks += returned.warnings
        return returned.imported
    return import_report(source)


def import_file(source: Path, out: Path, force: bool = False) -> ImportedFile:
    """Import one file into ``<out>/<agency>/<year>.toml``, by the rule every writer follows
    (a data file a person changed is not replaced without ``force``, and then backed up)."""
    imported = read(source)
    target = out / safe_name(imported.agency) / f"{imported.year}.toml"
    text = data_file(imported)
    backups = write_file(target, text.encode("utf-8"), force)
    return ImportedFile(source, imported, target, backups, check_text(text, target))
