"""``reportgen batch``: every agency's drafts for a year, a progress bar, and a table of results."""

from pathlib import Path
from typing import Annotated

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli import batchview
from reportgen.cli.terminal import Progress
from reportgen.cli.wrapping import say, shown


@command(
    "batch",
    "批量生成一个年度全部单位的草稿，最后列出每个单位的结果。",
    (
        "\n"
        "一个单位出错不影响其他单位。结果同时写入输出文件夹中的 summary.json 和 summary.csv；中途中断时，"
        "清单列出每个单位的真实状态（已生成、失败或未处理）。\n"
        "\n"
        "全部成功（且名单中的单位都已报送）时退出码为 0，否则为 1，中断为 130。\n"
    ),
)
def batch(
    inputs: options.Inputs,
    year: options.Year,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="文件夹", help="草稿和汇总清单写到这个文件夹（默认：output）。")
    ] = Path("output"),
    jobs: options.Jobs = None,
    roster: options.Roster = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh", help="草稿生成后被人改过的单位，把新数字更新到改过的草稿中（同 reportgen refresh），不再跳过。"
        ),
    ] = False,
    to: options.To = "",
    accent: options.Accent = "红",
    allow_errors: options.AllowErrors = False,
    blank_zeros: options.BlankZeros = False,
    templates: options.Templates = None,
    force: options.Force = False,
    fonts: options.FontPreset = None,
    font_title: options.FontTitle = None,
    font_body: options.FontBody = None,
    font_heading: options.FontHeading = None,
    font_subheading: options.FontSubheading = None,
    font_table: options.FontTable = None,
) -> int:
    from reportgen.workflows import batch as batches  # start-up time: imported when the command runs
    from reportgen.workflows import build

    chosen_fonts = options.fonts(fonts, font_title, font_body, font_heading, font_subheading, font_table)
    settings = batches.Options(
        options.draft_kinds(to), allow_errors, blank_zeros, force, templates, chosen_fonts, refresh, accent
    )
    build.Renderers.prepare(templates, chosen_fonts)  # a broken template fails here, once, not per agency
    options.office(settings.kinds)  # so does a missing LibreOffice
    options.picture_face(settings.kinds)  # and a missing face for the 图解's PNG
    units = options.roster(roster)
    files = options.data_files(inputs, year)
    say(f"共 {len(files)} 个 {year} 年度的数据文件，开始生成……", err=True)
    outcome = batches.run(files, output, year, settings, jobs, units, Progress(), Progress(what="PDF"))
    assert outcome.summary_paths is not None  # batches.run writes the summaries before the first unit
    json_path, csv_path = outcome.summary_paths
    for backup in outcome.summary_backups:
        say(f"汇总清单被人改过，原文件已备份为：{shown(backup)}")
    for line in batchview.lines(outcome, batches.STATUSES_OK, batches.WARNED, csv_path):
        say(line)
    for line in options.roster_lines(units, outcome.missing, outcome.extra, year):
        say(line)
    say(
        batchview.totals(outcome, batches.WARNED, batches.UNREADABLE, units is not None)
        + f"汇总清单：{shown(json_path)}、{shown(csv_path)}"
    )
    if current := batchview.up_to_date(outcome, batches.STATUSES_OK):
        say(current)
    if outcome.interrupted:
        say(
            f"已中断：{outcome.succeeded + len(outcome.failed)} 个文件已处理，{len(outcome.unprocessed)} 个未处理；"
            "已写出的草稿都是完整的。重新运行同一命令即可继续。",
            err=True,
        )
        return 130
    return 0 if outcome.ok else 1
