"""New data files for every document kind: ``reportgen init`` (a file to fill in) and
``reportgen next-year`` (this year's file from last year's), written by the rule every writer
follows (``reportgen.output.manifest``): a file a person changed is not replaced without
``force``, and is backed up first with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import UsageError
from reportgen.kinds import ANNUAL, Kind
from reportgen.output.writing import safe_name
from reportgen.output.manifest import write_file
from reportgen.sources.datafile import Layout, kind_of_file
from reportgen.sources.schema import agency_problem
from reportgen.workflows import document_files, nextyear, scaffold

EXISTING_HINT = "请换一个路径（-o），或先移走原文件。"


@dataclass
class Made:
    """A data file written: where, of what (a statutory format's label, or a kind's name)."""

    path: Path
    what: str
    year: int
    statutory: bool
    backups: list[Path] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # next-year: figures carried over, in Chinese
    dropped: list[str] = field(default_factory=list)  # next-year: keys the new format no longer has
    notes: list[str] = field(default_factory=list)


def init(
    agency: str,
    year: int,
    kind: Kind,
    fmt=None,
    report_kind: str = "部门",
    short: str = "",
    output: Path | None = None,
    force: bool = False,
) -> Made:
    """A new data file of ``kind`` (the annual report in the statutory format ``fmt``)."""
    if problem := agency_problem(agency):
        raise UsageError(f"--agency {problem}")
    folder = Path("data") / safe_name(short or agency)
    if kind.statutory:
        target = output or folder / f"{year}.toml"
        text, what = scaffold.new_file(fmt, agency, year, report_kind), fmt.label
    else:
        if problem := kind.year_problem(year):
            raise UsageError(problem)
        target = output or folder / document_files.file_name(kind, year)
        text, what = document_files.new_file(kind, agency, year), kind.name
    backups = write_file(target, text.encode("utf-8"), force, hint=EXISTING_HINT)
    return Made(target, what, year, kind.statutory, backups)


def next_year(source: Path, output: Path | None = None, force: bool = False) -> Made:
    """Next year's data file from this year's, of whatever kind it is, saved as this year's
    was (a Notepad file's BOM and CRLF line ends kept)."""
    if kind_of_file(source) not in (ANNUAL, ""):
        document = document_files.next_year(source, output)
        result = Made(
            document.path, document.document.format.name, document.document.year + 1, False, notes=document.notes
        )
        text = document.text
    else:
        report = nextyear.next_year(source, output)
        result = Made(
            report.path,
            "",
            report.report.year + 1,
            True,
            carried=report.carried,
            dropped=report.dropped,
            notes=report.notes,
        )
        text = report.text
    layout = Layout.read(source)
    result.backups = write_file(result.path, layout.encode(text), force, hint=EXISTING_HINT)
    return result
