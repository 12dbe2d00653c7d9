"""``reportgen import`` and ``reportgen audit``: published reports into data files, and a
folder of published reports checked with every rule."""

from pathlib import Path
from typing import Annotated

import typer

from reportgen.cli import notice_options, options
from reportgen.cli.app import command
from reportgen.cli.terminal import echo, table, width, wrap
from reportgen.errors import ReportgenError, UsageError


@command(
    "import",
    "把已发布的年度报告（网页、Word、PDF、Markdown、文字）转成数据文件。",
    (
        "\n"
        "按表格的栏目名称（不按位置）读出表二、表三、表四的每一格，以及各部分文字、机关名称、年度、类别、"
        '联系方式。数字照原文录入，总计有误也不改，由 check 逐格指出；原文留空的格子写成 ""，没有读出的格'
        '子写成 "未读出"（check 报错，直到对照原文填上）；对不上的栏目和没有读出的内容写在新文件开头。有格'
        "子没有读出时退出码为 1。一个网页中有几份报告时，分别导入为几个数据文件。不覆盖已有的、被人改过的"
        "数据文件，除非加 --force（先备份为 年度.备份-1.toml）。\n"
    ),
)
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="文件",
            show_default=False,
            help="已发布的报告：.html/.htm（门户网站网页，GBK 也可以）、.docx、.pdf（有文字层）、.md、.txt；"
            "或交回的填报表 .xlsx（reportgen form 生成）。",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="文件夹",
            help="数据文件写到这个文件夹，每个机关一个子文件夹：<文件夹>/<机关名称>/<年度>.toml（默认：data）。",
        ),
    ] = Path("data"),
    force: options.Force = False,
) -> int:
    from reportgen.workflows import importing  # start-up time: imported when the command runs

    failed = partly = 0
    for source in files:
        try:
            reports = importing.import_file(source, output, force)
        except ReportgenError as problem:
            echo(f"错误：{problem}", err=True)
            failed += 1
            continue
        if len(reports) > 1:
            echo(f"{source} 中有 {len(reports)} 份报告，分别导入：")
        for done in reports:
            partly += _said(done, source)
    if partly:
        echo(f"{partly} 份报告没有完整读出，请对照原文补上后再运行 reportgen check。")
    return 1 if failed or partly else 0


def _said(done, source: Path) -> int:
    """Say what one imported report holds; 1 if some of its cells could not be read."""
    from reportgen.checks.findings import format_file  # start-up time: imported when the command runs

    imported = done.imported
    echo(
        f"已导入：{source} → {done.target}（{imported.agency}，{imported.year} 年度，{imported.format.label}）"
        + options.backed_up(done.backups)
    )
    for remark in imported.remarks:
        echo(f"  注意：{remark}")
    for problem in imported.problems:
        echo(f"  没有读出：{problem}")
    for key, note in imported.notes.items():
        echo(f"  栏目名称与法定格式不完全一致：{key}（{note}）")
    echo(format_file(str(done.target), [f for f in done.check.findings if f.code not in ("missing", "empty-text")]))
    if done.unread:
        echo(f"  {done.unread} 个格子没有读出，数据文件中写成“未读出”，check 会一直报错，直到对照原文填上。")
    echo()
    return 1 if done.unread else 0


@command(
    "audit",
    "核查一个文件夹中已发布的年度报告：逐份导入并运行全部检查，结果写成 Excel。",
    (
        "\n"
        "检查勾稽关系、正文与表格是否一致、栏目名称、格式与年度是否相符，并核对同一机关相邻两年的衔接（上"
        "年结转、现行有效件数）。每个问题一行（机关、年度、文件、规则、栏目、原文、应为），另有各单位汇总"
        "表。\n"
        "\n"
        "同一份报告的几个文件（网页、Word、PDF、文字）只核查一份，其余列为副本，数字不同时另行指出。没有读"
        "出的格子记为错误，并在汇总中说明。\n"
        "\n"
        "发现问题（错误）或有文件无法读取时退出码为 1；命令用法错误（包括不肯覆盖被人改过的结果文件）为 2"
        "。\n"
    ),
)
def audit(
    folder: Annotated[
        Path, typer.Argument(metavar="文件夹", show_default=False, help="放已发布报告的文件夹（含子文件夹）。")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="文件", help="核查结果写到这个 Excel 文件（默认：核查结果.xlsx）。"),
    ] = Path("核查结果.xlsx"),
    jobs: options.Jobs = None,
    force: options.Force = False,
    notices: notice_options.Notices = None,
    deadline: notice_options.Deadline = None,
    name: notice_options.Sender = None,
    when: notice_options.When = None,
    templates: notice_options.NoticeTemplates = None,
    since: notice_options.Since = None,
) -> int:
    import os

    from reportgen.output.manifest import EDITED, OURS, SAME, Manifest  # start-up time: imported when the command runs
    from reportgen.workflows import importing, rectification

    if not folder.is_dir():
        raise ReportgenError(f"{folder} 不是文件夹。")
    files = importing.collect(folder)
    if not files:
        raise ReportgenError(f"{folder} 中没有报告文件（.html、.htm、.docx、.pdf、.md、.txt）。")
    manifest = Manifest(output.parent)
    existing = manifest.state(output)
    if existing == EDITED and not force:  # said before the work, not after it
        raise UsageError(f"核查结果文件 {output} 已经存在。{manifest.edited_message(output)}")
    notice_options.check_templates(templates)
    today = rectification.audit_day(when)  # a bad date, deadline or ledger said before the work
    if deadline:
        rectification.notices.chinese_date(deadline)
    before = rectification.previous(since)
    echo(f"共 {len(files)} 个文件，开始核查……", err=True)
    result = importing.audit(files, jobs or os.cpu_count() or 1)
    book, ledger_rows = rectification.workbook(result, before, today)
    written = (
        rectification.notices_for(result, notices, deadline, name, when, templates, force, ledger_rows)
        if notices
        else {}
    )
    for backup in manifest.write({output: book}, force, together=True).backups:
        echo(f"原文件已备份为：{backup}")
    if existing in (OURS, SAME):
        echo(f"核查结果文件 {output} 已经存在（上一次核查写出的，没有被人改过），已换成这一次的结果。")
    from reportgen.cli.batchview import SHOWN

    # what needs action first: errors and unread cells, then warnings; the rest counted when there are many
    ordered = sorted(result.files, key=lambda f: (-(f.errors + f.unread), -f.warnings, f.agency, f.year))
    listed = ordered if len(ordered) <= SHOWN else [f for f in ordered if f.errors or f.unread or f.warnings][:SHOWN]
    rows = [
        [f.agency, str(f.year), str(f.errors), str(f.warnings), str(f.unread) if f.unread else "", Path(f.file).name]
        for f in listed
    ]
    if rows:
        echo(table(("机关名称", "年度", "错误数", "警告数", "未读出", "文件"), rows, flexible=(0, 5)))
    if len(ordered) > len(listed):
        echo(f"其余 {len(ordered) - len(listed)} 份报告没有逐份列出，每份的结果见 {output}。")
    for copy, original in result.copies:
        line = f"副本：{_within(Path(copy), folder)}（与 {_within(Path(original), folder)} 是同一份报告，没有重复核查）"
        echo("\n".join(wrap(line, width(), indent="  ")))
    from reportgen.cli.wrapping import say

    for _file, why in result.unreadable:
        say(f"无法读取：{why}")
    partly = result.partly_read
    said = [f"共核查 {len(result.files)} 份报告"]
    if result.copies:
        said.append(f"另有 {len(result.copies)} 个文件是其中报告的副本")
    said.append(f"{len(result.unreadable)} 个文件无法读取")
    if partly:
        said.append(
            f"{len(partly)} 份报告有 {sum(f.unread for f in partly)} 个格子没有读出（已记为错误，请对照原文核对）"
        )
    say("，".join(said) + f"；发现 {result.errors} 个错误、{len(result.rows) - result.errors} 个警告。结果：{output}")
    _said_loop(ledger_rows, written, notices, since)
    return 1 if result.errors or result.unreadable else 0


def _said_loop(ledger_rows, written, notices: Path | None, since: Path | None) -> None:
    """What the 整改台账 holds by state, and where the notices are."""
    from reportgen.workflows import ledger

    if since is not None:
        counts = {state: sum(1 for r in ledger_rows if r.state == state) for state in ledger.STATES}
        echo(
            "整改台账（与 "
            + str(since)
            + " 相比）："
            + "、".join(f"{state} {n} 个" for state, n in counts.items())
            + "。"
        )
        unchecked = {(r.agency, r.year) for r in ledger_rows if r.state == ledger.UNCHECKED}
        if unchecked:
            echo(f"注意：{len(unchecked)} 份报告的问题本次未能核查（报告缺失、无法读取或没有完整读出），仍按未整改计。")
    if notices is not None:
        echo(f"整改通知：{len(written)} 份，在 {notices}（没有问题的单位不发通知）。")


def _within(path: Path, folder: Path) -> str:
    """A file as the summary names it: relative to the folder audited."""
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)
