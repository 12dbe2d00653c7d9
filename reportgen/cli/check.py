"""``reportgen check``: every finding of each data file, or as JSON."""

from typing import TYPE_CHECKING, Annotated

import typer

from reportgen.cli import notice_options, options
from reportgen.cli.app import command
from reportgen.cli.terminal import echo
from reportgen.cli.wrapping import say, shown
from reportgen.errors import UsageError

if TYPE_CHECKING:  # imported when the command runs: start-up time
    from reportgen.workflows.roster import Unit


@command(
    "check",
    "检查数据文件，一次列出全部问题。",
    """
核对表格勾稽关系、必填项、键名和数值类型、与上年报告的衔接、公开期限和内容雷同。

没有错误时退出码为 0（可以有警告），有错误或名单中有单位未报送时为 1，用法错误为 2。
""",
)
def check(
    inputs: options.Inputs,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="格式",
            parser=options.choice("text", "json"),
            help="输出格式：text（文字，默认）或 json（供程序读取）。",
        ),
    ] = "text",
    previous: options.Previous = None,
    year: options.YearOfFolders = None,
    roster: options.Roster = None,
    notices: notice_options.Notices = None,
    deadline: notice_options.Deadline = None,
    name: notice_options.Sender = None,
    when: notice_options.When = None,
    templates: notice_options.NoticeTemplates = None,
    force: options.Force = False,
) -> int:
    from reportgen.checks.check import check_file  # start-up time: imported when the command runs
    from reportgen.checks.findings import format_file, format_summary, to_json

    if roster is not None and year is None:
        raise UsageError("使用 --roster 时需要用 --year 指定年度。")
    units = options.roster(roster)
    files = options.data_files(inputs, year)
    wanted = options.previous_for(files, previous)
    results = [check_file(path, previous=wanted) for path in files]
    pairs = [(str(r.path), r.findings) for r in results]
    missing: list[Unit] = []
    extra_files: list[str] = []
    unreadable: list[tuple[str, str, str]] = []
    if units is not None:
        from reportgen.workflows import roster as rosters

        missing, extra_files = rosters.compare(
            units,
            rosters.filed(
                units, ((r.report.agency if r.report else "", str(r.path), r.document_kind) for r in results)
            ),
        )
        unreadable = [
            (
                rosters.unreadable_agency(r.path, units),
                str(r.path),
                next((f.message for f in r.findings if f.is_error), ""),
            )
            for r in results
            if r.report is None and rosters.could_be_annual(r.path)
        ]
    if format == "json":
        import json

        extra = [
            {
                "document": r.document_kind,
                "deadline": r.deadline.isoformat() if r.deadline else None,
                "previous": str(r.previous.path) if r.previous else None,
                "unfilled_sections": r.unfilled_sections,
            }
            for r in results
        ]
        document = json.loads(to_json(pairs, extra))
        _identify(document, results)
        if units is not None:
            document["missing"] = [u.agency for u in missing]
            document["extra"] = extra_files
            document["unreadable"] = [{"agency": a, "file": f, "reason": why} for a, f, why in unreadable]
        echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for result in results:
            say(format_file(shown(result.path), result.findings, result.notes()))
            say()
        say(format_summary(pairs))
        for line in options.roster_lines(units, missing, extra_files, year, unreadable):
            say(line)
    if notices is not None:
        _notices(results, notices, deadline, name, when, templates, force)
    return 1 if any(not r.ok for r in results) or missing else 0


def _identify(document: dict, results) -> None:
    """Each finding's identity in the JSON: unit, year, rule and cell (as audit's ledger names it)."""
    from reportgen.workflows import identities

    for entry, result in zip(document["files"], results):
        agency, year = (result.report.agency, result.report.year) if result.report is not None else ("", "")
        names = identities.numbered([identities.identity(agency, year, f) for f in result.findings])
        for finding, identity in zip(entry["findings"], names):
            finding["identity"] = identity


def _notices(results, folder, deadline, name, when, templates, force) -> None:
    """A 退回修改 notice per unit whose return has errors."""
    from reportgen.workflows import notices

    notice_options.check_templates(templates)
    entries, unknown = notices.from_check(results)
    written = notices.write(entries, folder, notices.RETURN, deadline, name, when, templates, force)
    echo(f"退回修改通知：{len(written)} 份，在 {folder}（没有错误的单位不发通知）。")
    for path in unknown:
        echo(f"注意：{path} 没有读出是哪个单位的，没有写通知，请直接联系报送单位。")
