"""``reportgen check``: every finding of each data file, or as JSON."""

from typing import Annotated

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.terminal import echo
from reportgen.cli.wrapping import say, shown
from reportgen.errors import UsageError


@command("check", "检查数据文件，一次列出全部问题。", """
核对表格勾稽关系、必填项、键名和数值类型、与上年报告的衔接、公开期限和内容雷同。

没有错误时退出码为 0（可以有警告），有错误或名单中有单位未报送时为 1，用法错误为 2。
""")
def check(
    inputs: options.Inputs,
    format: Annotated[str, typer.Option("--format", metavar="格式", parser=options.choice("text", "json"),
                                        help="输出格式：text（文字，默认）或 json（供程序读取）。")] = "text",
    previous: options.Previous = None,
    year: options.YearOfFolders = None,
    roster: options.Roster = None,
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
    missing, extra_files, unreadable = [], [], []
    if units is not None:
        from reportgen.workflows import roster as rosters

        missing, extra_files = rosters.compare(units, rosters.filed(
            units, ((r.report.agency if r.report else "", str(r.path), r.document_kind) for r in results)))
        unreadable = [(rosters.unreadable_agency(r.path, units), str(r.path),
                       next((f.message for f in r.findings if f.is_error), "")) for r in results
                      if r.report is None and rosters.could_be_annual(r.path)]
    if format == "json":
        import json

        extra = [{"document": r.document_kind, "deadline": r.deadline.isoformat() if r.deadline else None,
                  "previous": str(r.previous.path) if r.previous else None, "unfilled_sections": r.unfilled_sections}
                 for r in results]
        document = json.loads(to_json(pairs, extra))
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
    return 1 if any(not r.ok for r in results) or missing else 0
