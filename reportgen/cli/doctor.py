"""``reportgen doctor``: does this computer have what reportgen needs?"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from reportgen.cli.app import command
from reportgen.cli.terminal import echo, shows_chinese, width, wrap

MET, UNMET, ADVICE = "✔", "✘", "！"


@command("doctor", "检查这台电脑能否使用 reportgen：Python、软件包、LibreOffice、字体、命令行窗口、输出文件夹。", """
每项一行：✔ 表示具备；✘ 表示缺少必需的东西（后面写着怎么办）；！表示缺少可选的东西（只影响 PDF、字体效果或
显示）。能生成 Word 和 Markdown 草稿时退出码为 0，缺少必需的东西时为 1。
""")
def doctor(
    output: Annotated[Path, typer.Option("--output", "-o", metavar="文件夹",
                                         help="草稿要写到的文件夹（默认：output），检查能否写入。")] = Path("output"),
) -> int:
    from reportgen.workflows import (
        doctor as checks,  # start-up time: imported when the command runs
    )

    encoding = getattr(sys.stdout, "encoding", None)
    found = checks.examine(output, encoding, shows_chinese(encoding))
    for need in found.needs:
        mark = MET if need.ok else (UNMET if need.required else ADVICE)
        for line in wrap(need.text, width(), indent="   ", first=f"{mark} "):
            echo(line)
    echo()
    if found.drafting_works:
        echo("可以使用 reportgen 生成草稿。" + ("" if all(n.ok for n in found.needs) else "标“！”的几项按需处理。"))
        return 0
    echo("缺少必需的东西（标“✘”的几项），请先按提示处理。")
    return 1
