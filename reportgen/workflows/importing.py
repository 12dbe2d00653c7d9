"""``reportgen import`` and ``reportgen audit``: published reports into data files, and a
folder of published reports checked with every rule.

The data file has the layout, key order and comments ``reportgen init`` writes. Figures are
kept as published, totals included, so that ``check`` reports a published inconsistency
cell by cell; a blank cell is written ``""``, a cell that could not be read ``"未读出"`` (an
error until a person types the figure); a row label matched only approximately gets a
comment saying what the source said; and whatever could not be read is listed in a comment
block at the top, with where it was.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from reportgen.checks import chains
from reportgen.checks.check import CheckResult, Previous, check_data, check_text
from reportgen.filenames import not_data
from reportgen.model import UNREAD, Report
from reportgen.model.findings import Finding, Severity
from reportgen.output.writing import safe_name
from reportgen.output.manifest import write_file
from reportgen.sources import workbook
from reportgen.sources.imported import Imported, to_data
from reportgen.errors import ReportgenError
from reportgen.sources.published import SUFFIXES, import_reports
from reportgen.workflows import identities, pool, scaffold


def data_file(imported: Imported, header: bool = True) -> str:
    """The text of a data file holding what was imported (``to_data``): the file
    ``reportgen init`` writes, with each value line filled in (its comment kept in its
    column), what the source said of an approximate label beside its row, and what could
    not be read listed at the top."""
    data = to_data(imported)
    fmt, report = imported.known_format(), data["report"]
    text = scaffold.new_file(fmt, report["agency"], report["year"], report["kind"])
    values: dict[tuple[str, str], str] = {("report", "published"): str(report["published"])}
    for section in ("contact", "download"):
        for name, value in report[section].items():
            values[(f"report.{section}", name)] = scaffold.toml_text(value)
    for key, body in data["text"].items():
        values[("text", key)] = (
            tomlkit.string(f"\n{body}\n", multiline=True).as_string() if "\n" in body else scaffold.toml_text(body)
        )
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
    order = {
        table.key: list(dict.fromkeys(row.id.split(".")[0] for row in table.rows)) for table in fmt.tables.values()
    }
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
    lines = [
        f"# 由 reportgen import 从 {imported.source} 导入。数字按原文照录（包括总计），没有改动；"
        "请运行 reportgen check 核对。"
    ]
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
    identity: str = ""  # unit, year, rule and cell or passage: the same in every audit (identities.py)
    position: str = ""  # where, as a notice and the ledger say it
    chain: str = ""  # the one cell that this and other broken sums all use (checks/chains.py), as it is named


@dataclass
class Audited:
    """One report audited: its file, what it holds and what was found."""

    file: str
    agency: str
    year: int | str
    errors: int
    warnings: int
    unread: int  # cells that could not be read from the file


@dataclass
class Audit:
    rows: list[AuditRow] = field(default_factory=list)
    files: list[Audited] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (a copy, the file audited in its place)

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.files)

    @property
    def partly_read(self) -> list[Audited]:
        return [f for f in self.files if f.unread]


NOTICES = ("整改通知.docx", "整改通知.md", "退回修改通知.docx", "退回修改通知.md")  # audit --notices writes them


def collect(folder: Path) -> list[Path]:
    """The published reports in a folder: not the notices an earlier audit wrote into it."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not not_data(p) and not p.name.endswith(NOTICES)
    )


def _audit_one(path: Path) -> tuple[Path, list[Imported], str]:
    """A file's reports, or why it cannot be read. Never raises: one file never stops an audit."""
    try:
        return path, import_reports(path), ""
    except ReportgenError as problem:
        return path, [], str(problem)
    except MemoryError:
        return path, [], f"{path}：内存不足，没有读完（文件可能过大或已损坏）。"
    except Exception:  # a bug in reportgen, met on this file: the others are still audited
        return path, [], f"{path}：读取时 reportgen 程序出错（不是文件的问题），没有核查。请把这个文件报告给维护者。"


# Which copy of a report is audited when it was published in several files: the one read
# most completely, then the one whose format keeps the most (a page, a Word file, a PDF).
_PREFERRED = (".html", ".htm", ".shtml", ".docx", ".md", ".pdf", ".txt")


def _lost(path: Path) -> tuple[Path, list[Imported], str]:
    return path, [], f"{path}：没有核查（处理它的进程意外退出），请重新运行。"


def _unread(imported: Imported) -> int:
    return sum(1 for value in _cells(to_data(imported)) if value == UNREAD)


def _cells(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _cells(value)
    else:
        yield node


def audit(files: list[Path], jobs: int = 1) -> Audit:
    """Import every file in memory, check each, and check consecutive years of an agency.
    A report published in several files (a page, its Word file, its PDF) is audited once;
    the others are listed as its copies, with any figure in which they differ."""
    done = pool.map(_audit_one, files, jobs, lost=_lost)
    result = Audit()
    reports: dict[tuple[str, int], list[tuple[Path, Imported, int]]] = {}
    for path, found, why in done:
        if not found:
            result.unreadable.append((str(path), why))
        for imported in found:
            reports.setdefault((imported.agency, imported.year), []).append((path, imported, _unread(imported)))
    chosen: dict[tuple[str, int], tuple[Path, Imported, int]] = {}
    for key, found in reports.items():
        found.sort(key=lambda item: (item[2], len(item[1].problems), _rank(item[0]), str(item[0])))
        chosen[key] = found[0]
        for path, imported, _ in found[1:]:
            result.copies.append((str(path), str(found[0][0])))
            if differing := _differences(found[0][1], imported):
                result.rows.append(
                    AuditRow(
                        imported.agency,
                        imported.year,
                        str(path),
                        "副本",
                        "",
                        "",
                        "",
                        f"与 {found[0][0].name} 是同一份报告，但有 {len(differing)} 格数字不同："
                        f"{'、'.join(differing[:5])}{'等' if len(differing) > 5 else ''}。请核对哪一份是准确的。",
                        Severity.WARNING.label,
                        *identities.copy_identity(imported, path, _differing_keys(found[0][1], imported)),
                    )
                )
    checked = {key: (path, check_data(to_data(imported), path)) for key, (path, imported, _) in chosen.items()}
    for (agency, year), (path, imported, unread) in sorted(chosen.items(), key=lambda item: str(item[1][0])):
        outcome = checked[(agency, year)][1]
        last = checked.get((agency, year - 1))
        if last is not None and last[1].report is not None:
            previous = Previous(last[1].report, last[0])
            outcome = check_data(to_data(imported), path, lambda report, p=previous: p)
        findings = [f for f in outcome.findings if f.code not in ("missing", "empty-text", "deadline-note")]
        findings = identities.draft_findings(imported.drafts) + findings
        errors = sum(1 for f in findings if f.is_error)
        result.files.append(Audited(str(path), imported.agency, imported.year, errors, len(findings) - errors, unread))
        names = identities.numbered([identities.identity(imported.agency, imported.year, f) for f in findings])
        chained = _chained(imported, findings)
        for index, (finding, name) in enumerate(zip(findings, names)):
            result.rows.append(_row(imported, path, finding, name, *chained.get(index, ("", ""))))
    return result


def _chained(imported: Imported, findings: list[Finding]) -> dict[int, tuple[str, str]]:
    """Index of a finding → (the cell its broken sum shares with others, a sentence saying so)."""
    shared = chains.shared_cells(findings)
    cells = imported.known_format().cell_by_key() if shared else {}
    said: dict[int, tuple[str, str]] = {}
    for index, key in shared.items():
        if key not in cells:
            continue
        others = sum(1 for k in shared.values() if k == key) - 1
        name = f"{cells[key].table.short_name}“{cells[key].short_name}”"
        figure = imported.figures.get(key)
        shown = f"（原文 {figure}）" if figure not in (None, "", UNREAD) else ""
        said[index] = (name, f"另有 {others} 处不平衡也用到{name}{shown}这一格，可能都由这一格引起，请先核对它。")
    return said


def _rank(path: Path) -> int:
    suffix = path.suffix.lower()
    return _PREFERRED.index(suffix) if suffix in _PREFERRED else len(_PREFERRED)


def _differences(one: Imported, other: Imported) -> list[str]:
    """The cells two copies of a report both state, with different figures."""
    fmt = one.known_format()
    cells = fmt.cell_by_key() if fmt is other.known_format() else {}
    return [
        f"{cells[key].table.short_name}“{cells[key].short_name}”（{one.figures[key]}／{other.figures[key]}）"
        for key in cells
        if key in one.figures
        and key in other.figures
        and one.figures[key] != other.figures[key]
        and UNREAD not in (one.figures[key], other.figures[key])
    ]


def _differing_keys(one: Imported, other: Imported) -> list[str]:
    return sorted(
        key
        for key in one.figures
        if key in other.figures
        and one.figures[key] != other.figures[key]
        and UNREAD not in (one.figures[key], other.figures[key])
    )


def _row(
    imported: Imported, path: Path, finding: Finding, identity: str = "", chain: str = "", chain_said: str = ""
) -> AuditRow:
    cell = "／".join(p for p in (finding.table, finding.row, finding.column) if p) or finding.key
    show = lambda v: "" if v is None else str(v)  # noqa: E731
    place = identities.position(finding.table, finding.row, finding.column, finding.key, finding.snippet)
    message = f"{finding.message}{chain_said}"
    return AuditRow(
        imported.agency,
        imported.year,
        str(path),
        finding.code,
        cell,
        show(finding.expected),
        show(finding.actual),
        message,
        finding.severity.label,
        identity,
        place,
        chain,
    )


AUDIT_COLUMNS = ("机关名称", "年度", "文件", "规则", "栏目", "原文", "应为", "说明", "级别")  # 原文 before 应为, as in
# the 整改台账 and the notices


def audit_xlsx(result: Audit, extra=None) -> bytes:
    """One row per finding, and a summary sheet per agency; ``extra(book)`` adds more sheets
    (the 整改台账, workflows/ledger.py)."""
    from openpyxl import Workbook  # imported only when an audit is written (start-up time)
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "核查结果"
    sheet.append(AUDIT_COLUMNS)
    for row in result.rows:
        sheet.append(
            [
                row.agency,
                row.year,
                row.file,
                _rule(row.rule),
                row.cell,
                row.published,
                row.expected,
                row.message,
                row.severity,
            ]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (24, 8, 40, 10, 40, 12, 12, 80, 8)):
        sheet.column_dimensions[letter].width = width
    summary = book.create_sheet("各单位汇总")
    summary.append(("机关名称", "年度", "文件", "错误数", "警告数", "未读出的格子", "说明"))
    for audited in sorted(result.files, key=lambda f: (f.agency, f.year)):
        summary.append(
            (
                audited.agency,
                audited.year,
                audited.file,
                audited.errors,
                audited.warnings,
                audited.unread,
                "部分格子没有读出，请对照原文核对" if audited.unread else "",
            )
        )
    for copy, original in result.copies:
        summary.append(("（副本）", "", copy, "", "", "", f"与 {original} 是同一份报告，没有重复核查"))
    for file, why in result.unreadable:
        summary.append(("（无法读取）", "", file, "", "", "", why))
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (24, 8, 40, 8, 8, 12, 60)):
        summary.column_dimensions[letter].width = width
    if extra is not None:
        extra(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rule(code: str) -> str:
    """The rule a finding breaks, as the spreadsheet names it: R1–R6 and X1–X3 as they are,
    other findings by what they are about."""
    return code if re.fullmatch(r"[RX]\d+", code) or not code.isascii() else RULE_NAMES.get(code, "其他")


RULE_NAMES = {  # what a finding other than a statutory rule is about, as the spreadsheet says it
    "unread": "未读出",
    "blank": "留空",
    "blank-total": "总计留空",
    "collapsed": "合并行",
    "similar": "内容雷同",
    "text-figure": "正文数字",
    "placeholder": "占位符",
    "review": "待改写",
    "deadline": "公开期限",
    "published": "发布日期",
    "postcode": "邮政编码",
    "format": "格式与年度",
    "type": "数据类型",
    "decimals": "小数位数",
    "character": "非法字符",
    "unknown-key": "未知栏目",
    "other-kind": "其他文件的栏目",
    "year": "年度",
    "summary-annual": "与工作总结不一致",
    "previous": "上年报告",
    "draft": "发布了未核定的草稿",
}


# ------------------------------------------------------------------ import


@dataclass
class ImportedFile:
    """One file imported: what was read, the data file written and its check."""

    source: Path
    imported: Imported
    target: Path
    backups: list[Path]
    check: CheckResult

    @property
    def unread(self) -> int:
        """The cells that could not be read, written "未读出"."""
        report = self.check.report
        # an import is an annual report: its figures are Figures
        return sum(1 for figure in report.figures.values() if figure.unread) if isinstance(report, Report) else 0


WORKBOOKS = (".xlsx", ".xls", ".et")


def read(source: Path) -> list[Imported]:
    """What a published report (a page may hold several) or a returned fill-in form holds.
    Raises ReportgenError (a Chinese message naming the file) if it cannot be read."""
    if source.suffix.lower() in WORKBOOKS:
        returned = workbook.read(source)
        returned.imported.remarks += returned.warnings
        return [returned.imported]
    return import_reports(source)


def import_file(source: Path, out: Path, force: bool = False, named: str = "") -> list[ImportedFile]:
    """Import one file into ``<out>/<agency>/<year>.toml`` (one such file for each report it
    holds), by the rule every writer follows (a data file a person changed is not replaced
    without ``force``, and then backed up). ``named``: the file's own name, recorded in the
    data file instead of ``source`` (an upload kept under a temporary path)."""
    done = []
    for imported in read(source):
        if named:
            imported.source = named
        target = out / safe_name(imported.agency) / f"{imported.year}.toml"
        text = data_file(imported)
        backups = write_file(target, text.encode("utf-8"), force)
        done.append(ImportedFile(source, imported, target, backups, check_text(text, target)))
    return done
