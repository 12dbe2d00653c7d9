"""``reportgen aggregate``: the statutory tables of several units added up cell by cell."""

from pathlib import Path
from typing import Annotated

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.wrapping import say, shown

from reportgen.errors import ReportgenError

SHOWN = 60  # more units than this: counted, their names in the overview workbook
DIFFERENCES_SHOWN = 10  # more differences than this: the first listed, all in the overview workbook


@command(
    "aggregate",
    "汇总多个单位的法定表格。",
    (
        "\n"
        "逐格相加，生成汇总表（Word、Markdown）和各单位数据一览（Excel）。输入中若有汇总单位自己的报告（机"
        "关名称与 --name 相同），逐格核对它是否等于各单位之和。\n"
        "\n"
        "有数据错误而未计入的单位、或核对不一致时，退出码为 1。给出 --roster 时，同时列出名单中未报送（因而不在"
        "汇总中）的单位，汇总表的说明中也写明；有未报送的单位时退出码也为 1。\n"
    ),
)
def aggregate(
    inputs: options.Inputs,
    year: options.Year,
    name: Annotated[
        str, typer.Option("--name", metavar="名称", show_default=False, help="汇总单位的名称，如“某某市”。")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="文件夹", help="汇总表写到这个文件夹（默认：output）。")
    ] = Path("output"),
    templates: options.Templates = None,
    force: options.Force = False,
    picture: Annotated[
        bool,
        typer.Option("--infographic", "--图解", help="同时生成汇总数据的图解（SVG、PNG 和附文字说明的网页片段）。"),
    ] = False,
    accent: options.Accent = "红",
    roster: options.Roster = None,
) -> int:
    from reportgen.checks.findings import format_finding  # start-up time: imported when the command runs
    from reportgen.workflows import aggregate as aggregates
    from reportgen.workflows import build

    options.statutory_format(year)
    if picture:
        options.picture_face(("infographic",))
    files = options.data_files(inputs, year)
    result = aggregates.aggregate(files, name, year, options.roster(roster))
    if not result.members:
        raise ReportgenError("没有可以汇总的单位（每个输入文件都有错误或年度不符）。")
    written = aggregates.write(result, output, build.Renderers.prepare(templates, accent=accent), force, picture)
    for backup in written.backups:
        say(f"原文件已备份为：{shown(backup)}")
    members = [r.agency for _, r in result.members]
    if len(members) <= SHOWN:
        say(f"已汇总 {len(members)} 个单位：" + "、".join(members))
    else:
        overview = next((p for p in written.written if p.suffix == ".xlsx"), None)
        say(f"已汇总 {len(members)} 个单位（名单见 {shown(overview) if overview else '数据一览'}）。")
    if result.excluded:
        say(f"未计入 {len(result.excluded)} 个单位：")
    for (path, why), agency in zip(result.excluded, result.left_out()):
        say(f"  {agency}（{shown(path)}）：{why}")
    if result.missing:
        say(
            f"名单中 {len(result.missing)} 个单位没有 {year} 年度的数据文件（未报送），不在汇总中："
            + "、".join(result.missing)
        )
    elif result.missing is not None:
        say("名单中的单位都已报送。")
    if result.unlisted:
        say("已汇总、但不在名单中的单位：" + "、".join(result.unlisted))
    for line in result.warnings:
        say(f"  注意：{line}")
    if result.parent:
        path, parent = result.parent
        if result.differences:
            count = len(result.differences)
            said = f"{parent.agency}自己的报告（{shown(path)}）与各单位之和有 {count} 处不一致"
            if count > DIFFERENCES_SHOWN:
                overview = next((p for p in written.written if p.suffix == ".xlsx"), None)
                said += (
                    f"，下面列出前 {DIFFERENCES_SHOWN} 处，全部 {count} 处见 {shown(overview) if overview else '数据一览'}"
                    f"的“{aggregates.DIFFERENCES_SHEET}”工作表"
                )
            say(said + "：")
            for finding in result.differences[:DIFFERENCES_SHOWN]:
                say(format_finding(finding))
        else:
            say(f"{parent.agency}自己的报告（{shown(path)}）与各单位之和逐格一致。")
    say("已生成：" + "、".join(shown(p) for p in written.written))
    return 0 if result.ok else 1
