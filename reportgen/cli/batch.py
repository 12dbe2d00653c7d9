"""``reportgen batch``: every agency's drafts for a year, a progress bar, and a table of results."""

from pathlib import Path
from typing import Annotated

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.terminal import Progress, echo, table

SHOWN = 60  # more rows than this: only those not successful are listed (all are in summary.csv)


@command("batch", "批量生成一个年度全部单位的草稿，最后列出每个单位的结果。", (
    "\n"
    "一个单位出错不影响其他单位。结果同时写入输出文件夹中的 summary.json 和 summary.csv；中途中断时，"
    "清单列出每个单位的真实状态（已生成、失败或未处理）。\n"
    "\n"
    "全部成功（且名单中的单位都已报送）时退出码为 0，否则为 1，中断为 130。\n"
))
def batch(
    inputs: options.Inputs,
    year: options.Year,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹",
                                         help="草稿和汇总清单写到这个文件夹（默认：output）。")] = Path("output"),
    jobs: options.Jobs = None,
    roster: options.Roster = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="草稿生成后被人改过的单位，把新数字更新到改过的草稿中（同 reportgen refresh），不再跳过。")] = False,
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
    settings = batches.Options(options.draft_kinds(to), allow_errors, blank_zeros, force, templates, chosen_fonts, refresh,
                               accent)
    build.Renderers.prepare(templates, chosen_fonts)  # a broken template fails here, once, not per agency
    options.office(settings.kinds)  # so does a missing LibreOffice
    options.picture_face(settings.kinds)  # and a missing face for the 图解's PNG
    units = options.roster(roster)
    files = options.data_files(inputs, year)
    echo(f"共 {len(files)} 个 {year} 年度的数据文件，开始生成……", err=True)
    outcome = batches.run(files, output, year, settings, jobs, units, Progress(), Progress(what="PDF"))
    json_path, csv_path = outcome.summary_paths
    rows = batches.summary_rows(outcome)
    shown = rows if len(rows) <= SHOWN else [r for r in rows if r[2] not in batches.STATUSES_OK]
    if shown:
        kinds_of = lambda row: "、".join(Path(o).suffix.lstrip(".") for o in row[5].split("；") if o)  # noqa: E731
        echo(table(batches.SUMMARY_COLUMNS[:6], [[*r[:5], kinds_of(r)] for r in shown], flexible=(0, 1)))
        for row in shown:
            if row[6] and row[2] not in batches.STATUSES_OK:
                echo(f"  {row[0] or row[1]}：{row[6]}")
    if len(rows) > len(shown):
        echo(f"（共 {len(rows)} 行，上面只列出未成功的；完整清单见 {csv_path}）")
    for line in options.roster_lines(units, outcome.missing, outcome.extra, year):
        echo(line)
    rate = outcome.processed / outcome.elapsed if outcome.elapsed else 0
    agencies = len({r.agency for r in outcome.results if r.agency})
    echo(f"共 {len(outcome.results)} 个文件（{agencies} 个单位）：成功 {outcome.succeeded}，未成功 {len(outcome.failed)}"
         + (f"，未处理 {len(outcome.unprocessed)}" if outcome.unprocessed else "")
         + (f"，未报送 {len(outcome.missing)}" if units is not None else "")
         + f"。用时 {outcome.elapsed:.1f} 秒（每秒 {rate:.0f} 份）。汇总清单：{json_path}、{csv_path}")
    if outcome.interrupted:
        echo(f"已中断：{outcome.succeeded + len(outcome.failed)} 个文件已处理，{len(outcome.unprocessed)} 个未处理；"
             "已写出的草稿都是完整的。重新运行同一命令即可继续。", err=True)
        return 130
    return 0 if outcome.ok else 1
