"""``reportgen form``: Excel fill-in forms for units to return."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.terminal import echo
from reportgen.errors import UsageError

if TYPE_CHECKING:  # imported when the command runs: start-up time
    from reportgen.workflows.forms import Made


@command(
    "form",
    "生成 Excel 填报表，发给各单位填写；交回的表格可以直接 check、build、batch 或 import。",
    (
        "\n"
        "表格与法定表格的栏目、合并单元格完全一样：基本信息、表二、表三、表四和文字五张工作表。栏目和总计"
        "（公式）锁定，只能填白色格子；件数只能填非负整数，金额可带小数；勾稽关系不平衡时相关格子变红；每"
        "张表按 A4 打印。给出数据文件时按它预填（例如 next-year 生成的文件，上年结转已经填好）。\n"
        "\n"
        "填过的表格不覆盖，除非加 --force（先备份为 文件名.备份-1.xlsx）。\n"
    ),
)
def form(
    source: Annotated[
        Optional[Path],
        typer.Argument(
            metavar="数据文件", show_default=False, help="按这个数据文件预填（.toml）；不写时生成空白表格。"
        ),
    ] = None,
    agency: Annotated[
        Optional[str],
        typer.Option("--agency", metavar="名称", show_default=False, help="机关名称（生成一份空白表格时需要）。"),
    ] = None,
    year: options.YearOfForms = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            metavar="类别",
            parser=options.choice("部门", "政府"),
            help="报告类别：部门 或 政府（默认：部门）；按名单生成时，名单中写了“类别”的单位按名单。",
        ),
    ] = "部门",
    roster: Annotated[
        Optional[Path],
        typer.Option(
            "--roster",
            metavar="名单",
            show_default=False,
            help="按名单每个单位生成一份（.toml 或 .csv：“机关名称”一列，可选“类别”一列写部门或政府）。",
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="文件夹", help="填报表写到这个文件夹（默认：output）。")
    ] = Path("output"),
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs",
            "-j",
            metavar="个数",
            parser=options.positive,
            show_default=False,
            help="按名单生成时同时处理的进程数（默认等于 CPU 核数）。",
        ),
    ] = None,
    force: options.Force = False,
) -> int:
    import os

    from reportgen.workflows import forms  # start-up time: imported when the command runs

    made: list[Made | str]  # a form written, or why it was not
    if source:
        made = [forms.from_data(source, output, force)]
    elif roster:
        if year is None:
            raise UsageError("按名单生成填报表时需要用 --year 指定年度。")
        made = forms.for_roster(options.roster(roster), year, kind, output, force, jobs or os.cpu_count() or 1)
    else:
        if not agency or year is None:
            raise UsageError("生成空白填报表需要 --agency 和 --year（或给出数据文件、名单）。")
        made = [forms.blank(agency, year, kind, output, force)]
    written = [m for m in made if not isinstance(m, str)]
    for path, backups in written:
        echo(f"已生成填报表：{path}{options.backed_up(backups)}")
    refused = [m for m in made if isinstance(m, str)]
    for message in refused:
        echo(f"错误：{message}", err=True)
    echo(
        f"共 {len(written)} 份"
        + (f"，{len(refused)} 份没有覆盖" if refused else "")
        + "。填好交回后可直接运行：reportgen check 表格.xlsx、reportgen build 表格.xlsx，或 reportgen batch 文件夹 --year 年度。"
    )
    return 1 if refused else 0
