"""``reportgen init``, ``next-year`` and ``keys``: new data files, and what their keys mean."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.terminal import echo, markdown
from reportgen.errors import UsageError


@command(
    "init",
    "新建一个数据文件。",
    (
        "\n"
        "全部键名都已列出并注明法定栏目，数字为 0，文字处写着【待填写】。默认写到 data/<简称>/<年度>.toml"
        "（不给 --short 时用机关名称作文件夹名）。不覆盖已有的、被人改过的文件，除非加 --force（先备份）。"
        "\n"
    ),
)
def init(
    agency: Annotated[
        str, typer.Option("--agency", metavar="名称", show_default=False, help="机关名称，如“某某市财政局”。")
    ],
    year: options.Year,
    kind: options.ReportKind = "部门",
    short: Annotated[
        Optional[str],
        typer.Option(
            "--short", metavar="简称", show_default=False, help="机关简称，用作数据文件夹的名称，如 finance 或 财政局。"
        ),
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output", "-o", metavar="文件", show_default=False, help="新文件的路径（默认 data/<简称>/<年度>.toml）。"
        ),
    ] = None,
    document: options.Document = None,
    force: options.Force = False,
) -> int:
    from reportgen.workflows import datafiles  # start-up time: imported when the command runs

    chosen = options.document_kind(document)
    fmt = options.statutory_format(year) if chosen.statutory else None
    made = datafiles.init(agency, year, chosen, fmt, kind, short or "", output, force)
    echo(f"已新建：{made.path}（{made.what}）{options.backed_up(made.backups)}")
    echo(f"请填写{'数字和文字' if made.statutory else '内容'}，然后运行：reportgen check {made.path}")
    return 0


@command(
    "next-year",
    "由上年的数据文件生成本年的数据文件。",
    (
        "\n"
        "上年“结转下年度继续办理”成为本年“上年结转”（在填写本年办理结果前也暂列为“结转下年度继续办理”，表"
        "三保持平衡），现行有效件数等延续，本年发生的数字清零；文字保留，但每段都标上待改写；注释和键的顺"
        "序不变。不覆盖已有的、被人改过的文件，除非加 --force（先备份）。\n"
        "\n"
        "任务分解表：未完成的任务结转到下一年（注明“某年结转”），已完成的不再列出。工作总结和 2008 年条例"
        "年度报告：文字保留并标上待改写，上年的数字成为 last_year，用于与上年比较。\n"
    ),
)
def next_year(
    source: Annotated[
        Path, typer.Argument(metavar="文件", show_default=False, help="上一年度的数据文件，如 data/某局/2024.toml。")
    ],
    output: Annotated[
        Optional[Path],
        typer.Option(
            "--output",
            "-o",
            metavar="文件",
            show_default=False,
            help="新文件的路径（默认与上年文件同一文件夹，年度加一）。",
        ),
    ] = None,
    force: options.Force = False,
) -> int:
    from reportgen.workflows import datafiles  # start-up time: imported when the command runs

    made = datafiles.next_year(source, output, force)
    echo(f"已生成 {made.year} 年度的{made.what}数据文件：{made.path}{options.backed_up(made.backups)}")
    if made.carried:
        echo("从上年延续的数字：")
        for line in made.carried:
            echo(f"  {line}")
    if made.statutory:
        echo(
            "本年发生的数字（新收申请、办理结果、复议诉讼、收费等）已清零；上年结转的申请暂列为“结转下年度继续办理”，"
            "填写本年的办理结果时请相应调减。"
        )
    if made.dropped:
        echo("新格式中已不存在、因而删除的键：")
        for key in made.dropped:
            echo(f"  {key}")
    for note in made.notes:
        echo(note)
    return 0


@command("keys", "列出数据文件的全部键名，以及每个键的含义（年度报告：对应的法定栏目）。")
def keys(
    year: options.YearOfFormat = None,
    document: options.Document = None,
) -> int:
    from reportgen.workflows.document_files import reference  # start-up time: imported when the command runs
    from reportgen.workflows.reference import format_reference

    kind = options.document_kind(document)
    if not kind.statutory:
        echo(markdown(reference(kind)))
        return 0
    if year is None:
        raise UsageError("年度报告需要用 --year 指定年度（决定表格格式）；其他文档用 --document 指定种类。")
    echo(markdown(format_reference(options.statutory_format(year))))
    return 0
