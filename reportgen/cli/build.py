"""``reportgen build``: drafts of each data file, and what became of each draft."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.wrapping import plain, say, shown

Files = Annotated[
    list[Path], typer.Argument(metavar="文件", show_default=False, help="数据文件（.toml），可以写多个。")
]


@command(
    "build",
    "生成草稿：Word、Markdown，以及网页和 PDF（--to）。",
    (
        "\n"
        "先检查数据；有错误时不生成（退出码 1），除非使用 --allow-errors。文件名由机关名称和年度组成，写在"
        "输出文件夹中。\n"
        "\n"
        "生成后被人改过的草稿不覆盖（改用 refresh 把新数字更新进去），除非加 --force（先备份原文件）；同一"
        "报告的其他草稿还是旧数字时，逐一列出和更新它们的命令。\n"
    ),
)
def build(
    files: Files,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="文件夹", help="草稿写到这个文件夹（默认：output）。")
    ] = Path("output"),
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
    previous: options.Previous = None,
    by: Annotated[
        Optional[str],
        typer.Option(
            "--by",
            metavar="分组",
            parser=options.choice("牵头处室", "处室"),
            show_default=False,
            help="任务分解表：按处室列出任务（每个处室牵头和协办的任务），文件名加“（按牵头处室）”。",
        ),
    ] = None,
) -> int:
    from reportgen.checks.findings import format_file  # start-up time: imported when the command runs
    from reportgen.output.manifest import Manifest
    from reportgen.workflows import build as drafts

    kinds = options.draft_kinds(to)
    wanted = options.previous_for(files, previous)
    renderers = drafts.Renderers.prepare(
        templates, options.fonts(fonts, font_title, font_body, font_heading, font_subheading, font_table), accent
    )
    office = options.office(kinds)
    options.picture_face(kinds)
    manifest = Manifest(output)
    manifest.compact()
    written: dict[Path, Path] = {}
    results = []
    for source in files:
        result = drafts.build_file(
            source,
            output,
            renderers,
            kinds=kinds,
            allow_errors=allow_errors,
            blank_zeros=blank_zeros,
            taken=written,
            previous=wanted,
            force=force,
            manifest=manifest,
            by="牵头处室" if by else "",
        )
        results.append(result)
        say(format_file(shown(source), result.check.findings, result.check.notes()))
        for line in lines(result, alone=len(files) == 1):
            say(f"  {line}")
        say()
    pending = [r.pending_pdf for r in results if r.pending_pdf]
    printed: dict = {}
    if pending:
        say(f"正在用 LibreOffice 生成 {len(pending)} 份 PDF……", err=True)
        printed = dict(drafts.write_pdfs(pending, manifest, force, office=office))
        for path, *_ in pending:
            say(
                f"已生成：{shown(path)}{options.backed_up(printed[path])}"
                if path in printed
                else f"没有覆盖（被人改过）：{shown(path)}"
            )
    manifest.compact()
    offered = [r for r in results if r.built or r.kept]
    # a file none of whose asked-for formats its document kind has is skipped, not a failure,
    # when something else was made; when nothing could be made, it is the run's error
    skipped = sum(1 for r in results if r.none_offered) if offered else 0
    failed = len(results) - len(offered) - skipped
    behind = sum(1 for r in offered if r.stale)
    made = [r for r in results if wrote(r, printed)]  # only what was written counts
    current = sum(1 for r in offered if not r.stale and not wrote(r, printed))
    say(
        f"共 {len(files)} 个数据文件：生成 {len(made)} 份草稿"
        + (f"，{current} 份已是最新、没有改动" if current else "")
        + f"，{failed} 个未生成"
        + (f"，{skipped} 个没有所要的种类（已跳过）" if skipped else "")
        + (f"，{behind} 个有草稿没有更新（见上）" if behind else "")
        + f"。草稿在{where(output)}。"
    )
    return 1 if failed or behind else 0


def wrote(result, printed: dict) -> bool:
    """Whether building a data file wrote any file: a draft that did not already hold
    these bytes, or a PDF printed now."""
    return bool(set(result.outputs) - set(result.unchanged)) or bool(
        result.pending_pdf and result.pending_pdf[0] in printed
    )


def where(folder: Path) -> str:
    """ "当前文件夹", or the folder's name with a space before it: 草稿在 output。"""
    said = shown(folder)
    return said if said == "当前文件夹" or plain(said).startswith("“") else f" {said}"


def lines(result, alone: bool = True) -> list[str]:
    """What build says of one data file: written, backed up, kept, still old, formats
    skipped. ``alone``: the only file built (nothing made of it is the run's failure)."""
    from reportgen.workflows.siblings import describe

    said = []
    if result.outputs:
        said.append("已生成：" + "、".join(shown(p) for p in result.outputs))
    elif result.pending_pdf:
        said.append("PDF 稍后生成。")
    said += [f"原文件已备份为：{shown(backup)}" for backup in result.backups]
    said += [result.why_kept.get(p) or f"没有覆盖（被人改过，数字已是最新）：{p}" for p in result.kept]
    said += describe([s for s in result.stale if s.path not in result.why_kept])
    if result.skipped and (result.built or result.kept):
        said.append(f"跳过：{result.skipped}")
    if result.check.errors and result.built:
        said.append(flagged(result))
    if not result.built and not result.kept:
        said.append(f"{'跳过' if result.none_offered and not alone else '未生成'}：{result.reason}")
    return said


def flagged(result) -> str:
    """What a build with --allow-errors says of the drafts it marked: a text draft lists the
    problems at its end; the 图解 says 【数据待核】 and how many problems on the picture."""
    from reportgen.workflows.build import INFOGRAPHICS, kind_of

    written = [*result.outputs, *([result.pending_pdf[0]] if result.pending_pdf else [])]
    pictures = [p for p in written if kind_of(p) in INFOGRAPHICS]
    said = []
    if len(pictures) < len(written):
        said.append("草稿已标注【数据待核】，文末列出了全部问题")
    if pictures:
        said.append(
            f"图解已标注【数据待核】（图上写明有 {len(result.check.findings)} 个问题，核对无误前请勿发布），"
            f"问题见上，或运行 reportgen check {shown(result.source)}"
        )
    return "注意：数据有错误，" + "；".join(said) + "。"
