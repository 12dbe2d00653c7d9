"""The options of 整改通知 and the 整改台账, shared by ``audit`` and ``check``."""

from pathlib import Path
from typing import Annotated, Optional

import typer

Notices = Annotated[
    Optional[Path],
    typer.Option(
        "--notices",
        metavar="文件夹",
        show_default=False,
        help="把通知写到这个文件夹：每个有问题的单位一份 Word 通知（另有同名 Markdown），没有问题的单位不写。",
    ),
]
Deadline = Annotated[
    Optional[str],
    typer.Option(
        "--deadline",
        metavar="日期",
        show_default=False,
        help="通知中的整改期限，如 2026-04-30（默认：收到通知后10个工作日内）。",
    ),
]
Sender = Annotated[
    Optional[str],
    typer.Option("--name", metavar="名称", show_default=False, help="通知的落款单位，如“某某市政务公开办公室”。"),
]
When = Annotated[
    Optional[str],
    typer.Option(
        "--date", metavar="日期", show_default=False, help="通知落款日期和本次核查日期，如 2026-04-10（默认：今天）。"
    ),
]
NoticeTemplates = Annotated[
    Optional[Path],
    typer.Option(
        "--templates",
        metavar="文件夹",
        show_default=False,
        help="通知模板所在的文件夹（notice.docx、notice.md.j2，缺少的用自带模板）。",
    ),
]
Since = Annotated[
    Optional[Path],
    typer.Option(
        "--since",
        metavar="文件",
        show_default=False,
        help="上次的核查结果（.xlsx）：按其中的“整改台账”逐条标出已整改、仍存在、新发现、未核查，并保留其中填写的"
        "责任人、整改情况说明和备注。",
    ),
]


def check_templates(folder: Path | None) -> None:
    from reportgen.errors import UsageError

    if folder is not None and not folder.is_dir():
        raise UsageError(f"模板文件夹不存在：{folder}")
