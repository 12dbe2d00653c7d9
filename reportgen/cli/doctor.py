"""``reportgen doctor``: does this computer have what reportgen needs?"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from reportgen.cli.app import command
from reportgen.cli.terminal import echo, shows_chinese, width, wrap

MARKS = ("✔", "✘", "！")  # met, a required thing missing, an optional thing missing
ASCII_MARKS = ("[OK]", "[X]", "[!]")  # for a console that cannot show the marks (ASCII, or GBK: no ✔)


def marks(encoding: str | None) -> tuple[str, str, str]:
    """The marks this console can show: ✔ ✘ ！, else their ASCII stand-ins, so that the
    three stay told apart where the others would all be shown as '?'."""
    try:
        "".join(MARKS).encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return MARKS


@command(
    "doctor",
    "检查这台电脑能否使用 reportgen：Python、软件包、LibreOffice、字体、命令行窗口、输出文件夹。",
    """
每项一行：✔ 表示具备；✘ 表示缺少必需的东西（后面写着怎么办）；！表示缺少可选的东西（只影响 PDF、字体效果或
显示）。命令行窗口显示不了这些符号时，分别写作 [OK]、[X]、[!]。能生成 Word 和 Markdown 草稿时退出码为 0，缺少必需的东西时为 1。
""",
)
def doctor(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="文件夹", help="草稿要写到的文件夹（默认：output），检查能否写入。"),
    ] = Path("output"),
) -> int:
    from reportgen.workflows import (
        doctor as checks,  # start-up time: imported when the command runs
    )

    encoding = getattr(sys.stdout, "encoding", None)
    found = checks.examine(output, encoding, shows_chinese(encoding))
    met, unmet, advice = shown = marks(encoding)
    indent = "   " if shown == MARKS else " " * (max(map(len, shown)) + 1)
    for need in found.needs:
        mark = met if need.ok else (unmet if need.required else advice)
        for line in wrap(need.text, width(), indent=indent, first=f"{mark} "):
            echo(line)
    echo()
    if found.drafting_works:
        echo(
            "可以使用 reportgen 生成草稿。"
            + ("" if all(n.ok for n in found.needs) else f"标“{advice}”的几项按需处理。")
        )
        return 0
    echo(f"缺少必需的东西（标“{unmet}”的几项），请先按提示处理。")
    return 1
