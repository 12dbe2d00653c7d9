"""``reportgen refresh``: new figures into a draft a person has edited, every edit kept."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.wrapping import say, shown
from reportgen.errors import UsageError


@command(
    "refresh",
    "把新的数字更新到已经改过的草稿中，保留所有修改。",
    (
        "\n"
        "草稿中由数据生成的部分（标题和日期、开头段落、由数字生成的句子、正文中占位符的数字、三张表格）都"
        "有标记；refresh 只替换这些标记中的内容，标记之外的文字、批注、修订、页面设置、图片和样式原样保留"
        "。先把原文件备份在它旁边（如 某局2025年报告.备份-1.docx），再写入；更新后的草稿仍算作人改过的草稿"
        "，build 不会覆盖它。标记中的内容被人改过时，保留人改的内容并列出冲突，除非加 --force。\n"
        "\n"
        "不写数据文件时，使用生成草稿时记录的数据文件（按它相对于草稿文件夹的位置，所以草稿和数据文件夹可"
        "以一起复制、移动）。数据文件与草稿不是同一机关、年度或文档种类时不更新，除非加 --force。Word 草稿"
        "旁边有 PDF 时，重新印出 PDF；同一报告的其他草稿还是旧数字时，列出它们和更新的命令。\n"
    ),
)
def refresh(
    draft: Annotated[
        Path, typer.Argument(metavar="草稿", show_default=False, help="reportgen 生成的草稿（.docx 或 .md）。")
    ],
    data: Annotated[
        Optional[Path],
        typer.Argument(
            metavar="数据文件", show_default=False, help="数据文件（.toml）；不写时使用生成草稿时记录的数据文件。"
        ),
    ] = None,
    data_option: Annotated[
        Optional[Path], typer.Option("--data", metavar="数据文件", show_default=False, help="同上：数据文件（.toml）。")
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="标记中被人改过的内容也用新数据替换；数据文件与草稿不是同一机关、年度时也更新（原文件仍会备份）。",
        ),
    ] = False,
    templates: options.Templates = None,
    previous: options.Previous = None,
) -> int:
    from reportgen.workflows import build  # start-up time: imported when the command runs
    from reportgen.workflows.refresh import marker_label, tally
    from reportgen.workflows.refresh import refresh as refresh_draft
    from reportgen.workflows.siblings import describe

    if data and data_option and data != data_option:
        raise UsageError("数据文件写了两次（参数和 --data），而且不一样。")
    result = refresh_draft(
        draft, data or data_option, build.Renderers.prepare(templates), force, options.previous_for([draft], previous)
    )
    for warning in result.warnings:
        say(f"注意：{warning}", err=True)
    say(f"{shown(result.path)}（数据：{shown(result.data)}）")
    for change in result.changes:
        if len(change.cells) == 1:
            say(f"  已更新 {marker_label(change.marker)}：{change.cells[0]}")
        elif change.cells:
            say(f"  已更新 {marker_label(change.marker)}：")
            for cell in change.cells:
                say(f"    {cell}")
        else:
            say(f"  已更新 {marker_label(change.marker)}：{change.old} → {change.new}")
    for change in result.conflicts:
        say(f"  冲突，保留了人改的内容：{marker_label(change.marker)}")
        say(f"    草稿中现在是：{change.old}")
        say(f"    按新数据应为：{change.new}")
    for name in result.deleted:
        say(f"  标记已被删除，没有重新插入：{marker_label(name)}")
    if result.written:
        say(f"已更新 {tally(result.changes)}。原文件已备份为：{shown(result.backup) if result.backup else '（无）'}")
    else:
        say("没有需要更新的内容，文件未改动。")
    if result.printed:
        say(f"已重新印出 PDF：{shown(result.printed)}")
    for line in describe(result.stale):
        say(line)
    if result.conflicts:
        say(f"有 {len(result.conflicts)} 处冲突：请核对后手工修改，或加 --force 用新数据替换。")
    return 1 if result.conflicts else 0
