"""The commands of ``reportgen``: their arguments, and what each prints.

Each command is declared as a ``Command`` (``reportgen.cli.parser``) and runs through the
Python API in ``reportgen.workflows`` and ``reportgen.checks``. The API is imported inside
each command, so that starting the program costs only what the command uses.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from reportgen.cli.parser import Command, UsageError, format_columns
from reportgen.errors import ReportgenError

COMMANDS: dict[str, Command] = {}


def command(name: str, summary: str, description: str = "") -> Command:
    made = Command(name, summary, description)
    COMMANDS[name] = made
    return made


def echo(text: str = "", err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


# ------------------------------------------------------------------ shared arguments


def _inputs_argument(cmd: Command) -> None:
    cmd.add("inputs", dest="inputs", metavar="文件或文件夹", kind="many", required=True,
            help="数据文件或文件夹；文件夹中取文件名含年度的 .toml（如 2025.toml）。")


def _previous_option(cmd: Command) -> None:
    cmd.add("--previous", dest="previous", metavar="文件",
            help="上一年度的数据文件，用于跨年度核对（默认自动使用同一文件夹中上一年的文件）。")


def _roster_option(cmd: Command) -> None:
    cmd.add("--roster", dest="roster", metavar="名单",
            help="应报送单位名单（.toml 或 .csv），列出未报送的单位和名单外的文件。")


def _year_option(cmd: Command, required: bool, help: str = "报告年度。") -> None:
    cmd.add("--year", "-y", dest="year", metavar="年度", kind="int", required=required, help=help)


def _draft_options(cmd: Command) -> None:
    """Options build and batch share, declared once."""
    cmd.add("--to", dest="to", metavar="种类", default="",
            help="生成哪些文件：docx（Word）、md（Markdown）、html（门户网站网页和粘贴用的网页片段）、"
                 "pdf（由 Word 草稿经 LibreOffice 生成）、xlsx（任务分解表的 Excel 表），用逗号分隔。"
                 "默认：年度报告和工作总结 docx,md；任务分解表 docx,md,xlsx。")
    cmd.add("--allow-errors", dest="allow_errors", kind="flag",
            help="数据有错误也生成草稿；草稿标有【数据待核】，文末列出全部问题。")
    cmd.add("--blank-zeros", dest="blank_zeros", kind="flag", help="表格中的 0 印成空白（默认印 0）。")
    _templates_option(cmd)
    _force_option(cmd)
    cmd.add("--fonts", dest="fonts", metavar="预设", kind="choice", choices=("gb2312", "windows", "noto"),
            help="字体预设：gb2312（公文字体，默认）、windows（没有 GB2312 字体的 Windows 电脑：宋体、仿宋、黑体、"
                 "楷体，标题加粗）、noto（只有思源/Noto 字体的电脑）。下面的 --font-* 可再单独更换。")
    cmd.add("--font-title", dest="font_title", metavar="字体", help="标题字体（默认方正小标宋简体）。")
    cmd.add("--font-body", dest="font_body", metavar="字体", help="正文字体（默认仿宋_GB2312）。")
    cmd.add("--font-heading", dest="font_heading", metavar="字体", help="一级标题字体（默认黑体）。")
    cmd.add("--font-subheading", dest="font_subheading", metavar="字体", help="二级标题字体（默认楷体_GB2312）。")
    cmd.add("--font-table", dest="font_table", metavar="字体", help="表格字体（默认宋体）。")


def _templates_option(cmd: Command) -> None:
    cmd.add("--templates", dest="templates", metavar="文件夹",
            help="模板文件夹（含 report.docx 和 report.md.j2）；默认用 ./templates 或自带模板。")


def _force_option(cmd: Command) -> None:
    cmd.add("--force", dest="force", kind="flag",
            help="覆盖生成后被人改过的文件（先把原文件备份在它旁边，文件名加“.备份-1”，如 2025.备份-1.toml）。")


def _document_option(cmd: Command) -> None:
    def described() -> str:  # the kinds are read from their definitions only when help is shown
        from reportgen import kinds

        return f"文档种类：{kinds.choices()}（默认年度报告）。"

    cmd.add("--document", "-d", dest="document", metavar="种类", help=described)


def _document_kind(value: str | None, cmd: Command):
    from reportgen import kinds

    if not value:
        return kinds.annual()
    kind = kinds.named(value)
    if kind is None:
        raise UsageError(f"不认识的文档种类“{value}”。可用的文档种类：{kinds.choices()}。", cmd)
    return kind


def _output_option(cmd: Command, help: str) -> None:
    cmd.add("--output", "-o", dest="output", metavar="文件夹", default="output", help=help)


def _kinds(value: str, cmd: Command) -> tuple[str, ...]:
    from reportgen.workflows import build

    if not value:
        return ()  # each document kind's own files (build.kinds_for)
    kinds = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [k for k in kinds if k not in build.KINDS]
    if unknown or not kinds:
        raise UsageError(f"--to 的值“{value}”无效，只能是：{'、'.join(build.KINDS)}（可用逗号分隔）。", cmd)
    return kinds


def _office(kinds):
    """LibreOffice, when PDFs are asked for: a missing LibreOffice is said before any work."""
    from reportgen.workflows import build

    if build.PDF not in kinds:
        return None
    from reportgen.renderers.pdf import LibreOffice

    return LibreOffice.find()


def _fonts(values):
    from reportgen.renderers.fonts import PRESETS, Fonts

    chosen = Fonts(values.font_title, values.font_body, values.font_heading, values.font_subheading, values.font_table)
    return chosen.over(PRESETS[values.fonts]) if values.fonts else chosen


def _previous_for(files: list[Path], previous: str | None, cmd: Command):
    from reportgen.checks.check import AUTO

    if previous is not None and len(files) > 1:
        raise UsageError("--previous 只能和一个数据文件一起使用。", cmd)
    return AUTO if previous is None else Path(previous)


def _files(inputs: list[str], year: int | None, cmd: Command) -> list[Path]:
    from reportgen.sources.files import collect

    paths = [Path(p) for p in inputs]
    if any(p.is_dir() for p in paths) and year is None:
        raise UsageError("给出文件夹时需要用 --year 指定年度。", cmd)
    files = collect(paths, year)
    if not files:
        raise ReportgenError(
            f"在 {'、'.join(inputs)} 中没有找到 {year} 年度的数据文件（文件名应含年度，如 {year}.toml）。")
    return files


def _load_roster(path: str | None):
    from reportgen.workflows import roster

    return roster.load(Path(path)) if path else None


def _print_roster(units, missing, extra_files, year) -> None:
    if units is None:
        return
    if missing:
        echo(f"名单中 {len(missing)} 个单位没有 {year} 年度的数据文件（未报送）：" + "、".join(u.agency for u in missing))
    else:
        echo(f"名单中的 {len(units)} 个单位都已报送。")
    if extra_files:
        echo("不在名单中的数据文件：" + "、".join(extra_files))


def _format_for(year: int):
    from reportgen.formats import statutory

    try:
        return statutory.require_format(year)
    except ReportgenError as problem:
        if statutory.EARLIEST_YEAR <= year < statutory.first_statutory_year():
            raise ReportgenError(f"{problem}2019 年以前的年度报告（2008 年条例）请加 --document 2008年条例年度报告。") from None
        raise


# ------------------------------------------------------------------ check

CHECK = command("check", "检查数据文件，一次列出全部问题。", """
核对表格勾稽关系、必填项、键名和数值类型、与上年报告的衔接、公开期限和内容雷同。

没有错误时退出码为 0（可以有警告），有错误或名单中有单位未报送时为 1，用法错误为 2。
""")
_inputs_argument(CHECK)
CHECK.add("--format", dest="format", metavar="格式", default="text", kind="choice", choices=("text", "json"),
          help="输出格式：text（文字）或 json（供程序读取）。")
_previous_option(CHECK)
_year_option(CHECK, False, "报告年度（给出文件夹或名单时需要）。")
_roster_option(CHECK)


def check(values) -> int:
    from reportgen.checks.check import check_file
    from reportgen.checks.findings import format_file, format_summary, to_json
    from reportgen.kinds import ANNUAL
    from reportgen.workflows import roster

    if values.roster is not None and values.year is None:
        raise UsageError("使用 --roster 时需要用 --year 指定年度。", CHECK)
    units = _load_roster(values.roster)
    files = _files(values.inputs, values.year, CHECK)
    wanted = _previous_for(files, values.previous, CHECK)
    results = [check_file(path, previous=wanted) for path in files]
    pairs = [(str(r.path), r.findings) for r in results]
    missing, extra_files = [], []
    if units is not None:
        missing, extra_files = roster.compare(
            units, ((r.report.agency if r.report else "", str(r.path)) for r in results
                    if r.document_kind in (None, ANNUAL)))
    if values.format == "json":
        extra = [
            {
                "document": r.document_kind,
                "deadline": r.deadline.isoformat() if r.deadline else None,
                "previous": str(r.previous.path) if r.previous else None,
                "unfilled_sections": r.unfilled_sections,
            }
            for r in results
        ]
        document = json.loads(to_json(pairs, extra))
        if units is not None:
            document["missing"] = [u.agency for u in missing]
            document["extra"] = extra_files
        echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for result in results:
            echo(format_file(str(result.path), result.findings, result.notes()))
            echo()
        echo(format_summary(pairs))
        _print_roster(units, missing, extra_files, values.year)
    return 1 if any(not r.ok for r in results) or missing else 0


CHECK.run = check


# ------------------------------------------------------------------ build

BUILD = command("build", "生成草稿：Word、Markdown，以及网页和 PDF（--to）。", """
先检查数据；有错误时不生成（退出码 1），除非使用 --allow-errors。文件名由机关名称和年度组成，写在输出文件夹中。
""")
BUILD.add("files", dest="files", metavar="文件", kind="many", required=True, help="数据文件（.toml），可以写多个。")
_output_option(BUILD, "草稿写到这个文件夹。")
_draft_options(BUILD)
_previous_option(BUILD)
BUILD.add("--by", dest="by", metavar="分组", kind="choice", choices=("牵头处室", "处室"),
          help="任务分解表：按处室列出任务（每个处室牵头和协办的任务），文件名加“（按牵头处室）”。")


def build_command(values) -> int:
    from reportgen.checks.findings import format_file
    from reportgen.output.manifest import Manifest
    from reportgen.workflows import build

    kinds = _kinds(values.to, BUILD)
    files = [Path(p) for p in values.files]
    out_dir = Path(values.output)
    wanted = _previous_for(files, values.previous, BUILD)
    renderers = build.Renderers.prepare(_path(values.templates), _fonts(values))
    office = _office(kinds)
    failed = 0
    written: dict[Path, Path] = {}
    manifest = Manifest(out_dir)
    manifest.compact()
    results = []
    for source in files:
        result = build.build_file(
            source, out_dir, renderers, kinds=kinds, allow_errors=values.allow_errors,
            blank_zeros=values.blank_zeros, taken=written, previous=wanted, force=values.force, manifest=manifest,
            by="牵头处室" if values.by else "",
        )
        results.append(result)
        echo(format_file(str(source), result.check.findings, result.check.notes()))
        for line in build_lines(result):
            echo(f"  {line}")
        failed += not (result.built or result.kept)
        echo()
    pending = [r.pending_pdf for r in results if r.pending_pdf]
    if pending:
        echo(f"正在用 LibreOffice 生成 {len(pending)} 份 PDF……", err=True)
        printed = dict(build.write_pdfs(pending, manifest, values.force, office=office))
        for path, _ in pending:
            if path in printed:
                echo(f"已生成：{path}" + "".join(f"（原文件已备份为：{b}）" for b in printed[path]))
            else:
                echo(f"没有覆盖（被人改过）：{path}")
    manifest.compact()
    behind = sum(1 for r in results if (r.built or r.kept) and r.stale)
    echo(f"共 {len(files)} 个数据文件：生成 {len(files) - failed} 份草稿，{failed} 个未生成"
         + (f"，{behind} 个有草稿没有更新（见上）" if behind else "") + f"。草稿在 {out_dir}。")
    return 1 if failed or behind else 0


BUILD.run = build_command


def build_lines(result) -> list[str]:
    """What build says of one data file: written, backed up, kept, still old."""
    from reportgen.workflows.siblings import describe

    lines = []
    if result.outputs:
        lines.append("已生成：" + "、".join(str(p) for p in result.outputs))
    elif result.pending_pdf:
        lines.append("PDF 稍后生成。")
    lines += [f"原文件已备份为：{backup}" for backup in result.backups]
    lines += [result.why_kept.get(p) or f"没有覆盖（被人改过，数字已是最新）：{p}" for p in result.kept]
    lines += describe([s for s in result.stale if s.path not in result.why_kept])
    if result.check.errors and result.built:
        lines.append("注意：数据有错误，草稿已标注【数据待核】，文末列出了全部问题。")
    if not result.built and not result.kept:
        lines.append(f"未生成：{result.reason}")
    return lines


def _path(value: str | None) -> Path | None:
    return Path(value) if value is not None else None


# ------------------------------------------------------------------ batch

BATCH = command("batch", "批量生成一个年度全部单位的草稿，最后列出每个单位的结果。", """
一个单位出错不影响其他单位。结果同时写入输出文件夹中的 summary.json 和 summary.csv；中途中断时，清单列出每个单位的真实状态（已生成、失败或未处理）。

全部成功（且名单中的单位都已报送）时退出码为 0，否则为 1，中断为 130。
""")
_inputs_argument(BATCH)
_year_option(BATCH, True)
_output_option(BATCH, "草稿和汇总清单写到这个文件夹。")
BATCH.add("--jobs", "-j", dest="jobs", metavar="个数", kind="positive", help="同时处理的进程数（默认等于 CPU 核数）。")
_roster_option(BATCH)
BATCH.add("--refresh", dest="refresh", kind="flag",
          help="草稿生成后被人改过的单位，把新数字更新到改过的草稿中（同 reportgen refresh），不再跳过。")
_draft_options(BATCH)


class Progress:
    """A one-line progress bar on stderr: N/M, the agency just done, elapsed time, ETA.
    Silent when stderr is not a terminal."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, result) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        remaining = elapsed / done * (total - done) if done else 0
        filled = int(24 * done / total) if total else 24
        bar = "█" * filled + "·" * (24 - filled)
        name = (result.agency or Path(result.source).parent.name)[:14]
        line = f"\r[{bar}] {done}/{total} {name} 用时 {_clock(elapsed)} 剩余约 {_clock(remaining)}\x1b[K"
        sys.stderr.write(line + ("\n" if done == total else ""))
        sys.stderr.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"


def batch_command(values) -> int:
    from reportgen.workflows import batch, build

    fonts = _fonts(values)
    templates = _path(values.templates)
    options = batch.Options(_kinds(values.to, BATCH), values.allow_errors, values.blank_zeros, values.force,
                            templates, fonts, values.refresh)
    build.Renderers.prepare(templates, fonts)  # a broken template fails here, once, not per agency
    _office(options.kinds)  # so does a missing LibreOffice
    units = _load_roster(values.roster)
    files = _files(values.inputs, values.year, BATCH)
    out_dir = Path(values.output)
    echo(f"共 {len(files)} 个 {values.year} 年度的数据文件，开始生成……", err=True)
    outcome = batch.run(files, out_dir, values.year, options, values.jobs, units, Progress())
    json_path, csv_path = outcome.summary_paths
    rows = batch.summary_rows(outcome)
    shown = rows if len(rows) <= 60 else [r for r in rows if r[2] not in batch.STATUSES_OK]
    if shown:
        drafts = lambda row: "、".join(Path(o).suffix.lstrip(".") for o in row[5].split("；") if o)  # noqa: E731
        echo(format_columns(batch.SUMMARY_COLUMNS[:6], [[*r[:5], drafts(r)] for r in shown]))
        for row in shown:
            if row[6] and row[2] not in batch.STATUSES_OK:
                echo(f"  {row[0] or row[1]}：{row[6]}")
    if len(rows) > len(shown):
        echo(f"（共 {len(rows)} 行，上面只列出未成功的；完整清单见 {csv_path}）")
    _print_roster(units, outcome.missing, outcome.extra, values.year)
    rate = outcome.processed / outcome.elapsed if outcome.elapsed else 0
    echo(
        f"共 {len(outcome.results)} 个单位：成功 {outcome.succeeded}，未成功 {len(outcome.failed)}"
        + (f"，未处理 {len(outcome.unprocessed)}" if outcome.unprocessed else "")
        + (f"，未报送 {len(outcome.missing)}" if units is not None else "")
        + f"。用时 {outcome.elapsed:.1f} 秒（每秒 {rate:.0f} 份）。汇总清单：{json_path}、{csv_path}"
    )
    if outcome.interrupted:
        echo(f"已中断：{outcome.succeeded + len(outcome.failed)} 个单位已处理，{len(outcome.unprocessed)} 个未处理；"
             "已写出的草稿都是完整的。重新运行同一命令即可继续。", err=True)
        return 130
    return 0 if outcome.ok else 1


BATCH.run = batch_command


# ------------------------------------------------------------------ aggregate

AGGREGATE = command("aggregate", "汇总多个单位的法定表格。", """
逐格相加，生成汇总表（Word、Markdown）和各单位数据一览（Excel）。输入中若有汇总单位自己的报告（机关名称与 --name 相同），逐格核对它是否等于各单位之和。

有数据错误而未计入的单位、或核对不一致时，退出码为 1。
""")
_inputs_argument(AGGREGATE)
_year_option(AGGREGATE, True)
AGGREGATE.add("--name", dest="name", metavar="名称", required=True, help="汇总单位的名称，如“某某市”。")
_output_option(AGGREGATE, "汇总表写到这个文件夹。")
_templates_option(AGGREGATE)
_force_option(AGGREGATE)


def aggregate_command(values) -> int:
    from dataclasses import replace

    from reportgen.checks.findings import format_finding
    from reportgen.draft.document import build_draft
    from reportgen.output.files import safe_name
    from reportgen.output.manifest import Manifest
    from reportgen.workflows import aggregate, build

    _format_for(values.year)
    files = _files(values.inputs, values.year, AGGREGATE)
    result = aggregate.aggregate(files, values.name, values.year)
    if not result.members:
        raise ReportgenError("没有可以汇总的单位（每个输入文件都有错误或年度不符）。")
    renderers = build.Renderers.prepare(_path(values.templates))
    draft = replace(build_draft(result.total, summary=aggregate.summary_text(result)), title=aggregate.title(result))
    out_dir = Path(values.output)
    stem = safe_name(aggregate.title(result))
    outputs = {
        out_dir / f"{stem}.docx": renderers.render(build.DOCX, draft),
        out_dir / f"{stem}.md": renderers.render(build.MD, draft),
        out_dir / f"{safe_name(aggregate.overview_title(result))}.xlsx": aggregate.overview_xlsx(result),
    }
    for backup in Manifest(out_dir).write(outputs, values.force, together=True).backups:
        echo(f"原文件已备份为：{backup}")
    echo(f"已汇总 {len(result.members)} 个单位：" + "、".join(r.agency for _, r in result.members))
    for path, why in result.excluded:
        echo(f"  未计入：{path}：{why}")
    for line in result.warnings:
        echo(f"  注意：{line}")
    if result.parent:
        path, parent = result.parent
        if result.differences:
            echo(f"{parent.agency}自己的报告（{path}）与各单位之和有 {len(result.differences)} 处不一致：")
            for finding in result.differences:
                echo(format_finding(finding))
        else:
            echo(f"{parent.agency}自己的报告（{path}）与各单位之和逐格一致。")
    echo("已生成：" + "、".join(str(p) for p in outputs))
    return 0 if result.ok else 1


AGGREGATE.run = aggregate_command


# ------------------------------------------------------------------ init

INIT = command("init", "新建一个数据文件。", """
全部键名都已列出并注明法定栏目，数字为 0，文字处写着【待填写】。默认写到 data/<简称>/<年度>.toml（不给 --short 时用机关名称作文件夹名）。不覆盖已有的、被人改过的文件，除非加 --force（先备份）。
""")
INIT.add("--agency", dest="agency", metavar="名称", required=True, help="机关名称，如“某某市财政局”。")
_year_option(INIT, True)
INIT.add("--kind", dest="kind", metavar="类别", default="部门", kind="choice", choices=("部门", "政府"),
         help="报告类别：部门 或 政府。")
INIT.add("--short", dest="short", metavar="简称",
         help="机关简称，用作数据文件夹的名称，如 finance 或 财政局。")
INIT.add("--output", "-o", dest="output", metavar="文件", help="新文件的路径（默认 data/<简称>/<年度>.toml）。")
_document_option(INIT)
_force_option(INIT)


def init(values) -> int:
    from reportgen.output.files import safe_name
    from reportgen.output.manifest import write_file
    from reportgen.sources.schema import agency_problem
    from reportgen.workflows import scaffold

    if problem := agency_problem(values.agency):
        raise UsageError(f"--agency {problem}", INIT)
    kind = _document_kind(values.document, INIT)
    if not kind.statutory:
        return _init_document(values, kind)
    fmt = _format_for(values.year)
    folder = safe_name(values.short or values.agency)
    target = Path(values.output) if values.output else Path("data") / folder / f"{values.year}.toml"
    backups = write_file(target, scaffold.new_file(fmt, values.agency, values.year, values.kind).encode("utf-8"),
                         values.force, hint=EXISTING_HINT)
    echo(f"已新建：{target}（{fmt.label}）" + _backed_up(backups))
    echo(f"请填写数字和文字，然后运行：reportgen check {target}")
    return 0


INIT.run = init


def _init_document(values, kind) -> int:
    from reportgen.output.files import safe_name
    from reportgen.output.manifest import write_file
    from reportgen.workflows import document_files

    if problem := kind.year_problem(values.year):
        raise UsageError(problem, INIT)
    folder = safe_name(values.short or values.agency)
    target = Path(values.output) if values.output else Path("data") / folder / document_files.file_name(kind, values.year)
    backups = write_file(target, document_files.new_file(kind, values.agency, values.year).encode("utf-8"),
                         values.force, hint=EXISTING_HINT)
    echo(f"已新建：{target}（{kind.name}）" + _backed_up(backups))
    echo(f"请填写内容，然后运行：reportgen check {target}")
    return 0


# ------------------------------------------------------------------ next-year

NEXT_YEAR = command("next-year", "由上年的数据文件生成本年的数据文件。", """
上年“结转下年度继续办理”成为本年“上年结转”，现行有效件数等延续，本年发生的数字清零；文字保留，但每段都标上待改写；注释和键的顺序不变。不覆盖已有的、被人改过的文件，除非加 --force（先备份）。

任务分解表：未完成的任务结转到下一年（注明“某年结转”），已完成的不再列出。工作总结和 2008 年条例年度报告：文字保留并标上待改写，上年的数字成为 last_year，用于与上年比较。
""")
NEXT_YEAR.add("source", dest="source", metavar="文件", required=True, help="上一年度的数据文件，如 data/某局/2024.toml。")
NEXT_YEAR.add("--output", "-o", dest="output", metavar="文件", help="新文件的路径（默认与上年文件同一文件夹，年度加一）。")
_force_option(NEXT_YEAR)


def next_year_command(values) -> int:
    from reportgen.output.manifest import write_file
    from reportgen.workflows import nextyear

    from reportgen.sources.datafile import kind_of_file
    from reportgen.kinds import ANNUAL

    if kind_of_file(Path(values.source)) not in (ANNUAL, ""):
        from reportgen.workflows import document_files

        made = document_files.next_year(Path(values.source), _path(values.output))
        backups = write_file(made.path, made.text.encode("utf-8"), values.force, hint=EXISTING_HINT)
        echo(f"已生成 {made.document.year + 1} 年度的{made.document.format.name}数据文件：{made.path}" + _backed_up(backups))
        for note in made.notes:
            echo(note)
        return 0
    made = nextyear.next_year(Path(values.source), _path(values.output))
    backups = write_file(made.path, made.text.encode("utf-8"), values.force, hint=EXISTING_HINT)
    echo(f"已生成 {made.report.year + 1} 年度的数据文件：{made.path}" + _backed_up(backups))
    if made.carried:
        echo("从上年延续的数字：")
        for line in made.carried:
            echo(f"  {line}")
    echo("本年发生的数字（新收申请、办理结果、复议诉讼、收费等）已清零；上年结转的申请暂列为“结转下年度继续办理”，"
         "填写本年的办理结果时请相应调减。")
    if made.dropped:
        echo("新格式中已不存在、因而删除的键：")
        for key in made.dropped:
            echo(f"  {key}")
    for note in made.notes:
        echo(note)
    return 0


NEXT_YEAR.run = next_year_command


EXISTING_HINT = "请换一个路径（-o），或先移走原文件。"


def _backed_up(backups: list[Path]) -> str:
    return "".join(f"（原文件已备份为：{b}）" for b in backups)


# ------------------------------------------------------------------ keys

KEYS = command("keys", "列出数据文件的全部键名，以及每个键的含义（年度报告：对应的法定栏目）。")
_year_option(KEYS, False, "报告年度，决定使用哪个版本的表格格式（年度报告必填）。")
_document_option(KEYS)


def keys(values) -> int:
    from reportgen.workflows.reference import format_reference

    kind = _document_kind(values.document, KEYS)
    if not kind.statutory:
        from reportgen.workflows.document_files import reference

        echo(reference(kind))
        return 0
    if values.year is None:
        raise UsageError("年度报告需要用 --year 指定年度（决定表格格式）；其他文档用 --document 指定种类。", KEYS)
    echo(format_reference(_format_for(values.year)))
    return 0


KEYS.run = keys


# ------------------------------------------------------------------ import

IMPORT = command("import", "把已发布的年度报告（网页、Word、PDF、Markdown、文字）转成数据文件。", """
按表格的栏目名称（不按位置）读出表二、表三、表四的每一格，以及各部分文字、机关名称、年度、类别、联系方式。数字照原文录入，总计有误也不改，由 check 逐格指出；原文留空的格子写成 ""；对不上的栏目和没有读出的内容写在新文件开头。不覆盖已有的、被人改过的数据文件，除非加 --force（先备份为 年度.备份-1.toml）。
""")
IMPORT.add("files", dest="files", metavar="文件", kind="many", required=True,
           help="已发布的报告：.html/.htm（门户网站网页，GBK 也可以）、.docx、.pdf（有文字层）、.md、.txt；"
                "或交回的填报表 .xlsx（reportgen form 生成）。")
IMPORT.add("--output", "-o", dest="output", metavar="文件夹", default="data",
           help="数据文件写到这个文件夹，每个机关一个子文件夹：<文件夹>/<机关名称>/<年度>.toml。")
_force_option(IMPORT)


def import_command(values) -> int:
    from reportgen.checks.check import check_text
    from reportgen.checks.findings import format_file
    from reportgen.errors import EditedDraftError
    from reportgen.output.files import safe_name
    from reportgen.output.manifest import write_file
    from reportgen.sources.published import ImportProblem, import_report
    from reportgen.workflows.importing import data_file

    failed = 0
    for name in values.files:
        source = Path(name)
        try:
            if source.suffix.lower() in (".xlsx", ".xls", ".et"):
                from reportgen.sources import workbook

                returned = workbook.read(source)
                imported = returned.imported
                imported.remarks += returned.warnings
            else:
                imported = import_report(source)
        except (ImportProblem, ReportgenError) as problem:
            echo(f"错误：{problem}", err=True)
            failed += 1
            continue
        target = Path(values.output) / safe_name(imported.agency) / f"{imported.year}.toml"
        text = data_file(imported)
        try:
            backups = write_file(target, text.encode("utf-8"), values.force)
        except EditedDraftError as problem:
            echo(f"错误：{problem}", err=True)
            failed += 1
            continue
        echo(f"已导入：{source} → {target}（{imported.agency}，{imported.year} 年度，{imported.format.label}）"
             + _backed_up(backups))
        for remark in imported.remarks:
            echo(f"  注意：{remark}")
        for problem in imported.problems:
            echo(f"  没有读出：{problem}")
        for key, note in imported.notes.items():
            echo(f"  栏目名称与法定格式不完全一致：{key}（{note}）")
        checked = check_text(text, target)
        echo(format_file(str(target), [f for f in checked.findings if f.code not in ("missing", "empty-text")]))
        echo()
    return 1 if failed else 0


IMPORT.run = import_command


# ------------------------------------------------------------------ audit

AUDIT = command("audit", "核查一个文件夹中已发布的年度报告：逐份导入并运行全部检查，结果写成 Excel。", """
检查勾稽关系、正文与表格是否一致、栏目名称、格式与年度是否相符，并核对同一机关相邻两年的衔接（上年结转、现行有效件数）。每个问题一行（机关、年度、文件、规则、栏目、应为、原文），另有各单位汇总表。有错误时退出码为 1。
""")
AUDIT.add("folder", dest="folder", metavar="文件夹", required=True, help="放已发布报告的文件夹（含子文件夹）。")
AUDIT.add("--output", "-o", dest="output", metavar="文件", default="核查结果.xlsx", help="核查结果写到这个 Excel 文件。")
AUDIT.add("--jobs", "-j", dest="jobs", metavar="个数", kind="positive", help="同时处理的进程数（默认等于 CPU 核数）。")
_force_option(AUDIT)


def audit_command(values) -> int:
    import os

    from reportgen.output.manifest import EDITED, Manifest
    from reportgen.workflows import importing

    folder = Path(values.folder)
    if not folder.is_dir():
        raise ReportgenError(f"{folder} 不是文件夹。")
    files = importing.collect(folder)
    if not files:
        raise ReportgenError(f"{folder} 中没有报告文件（.html、.htm、.docx、.pdf、.md、.txt）。")
    target = Path(values.output)
    manifest = Manifest(target.parent)
    if manifest.state(target) == EDITED and not values.force:  # said before the work, not after it
        raise UsageError(manifest.edited_message(target), AUDIT)
    echo(f"共 {len(files)} 个文件，开始核查……", err=True)
    result = importing.audit(files, values.jobs or os.cpu_count() or 1)
    for backup in manifest.write({target: importing.audit_xlsx(result)}, values.force, together=True).backups:
        echo(f"原文件已备份为：{backup}")
    rows = [[agency, str(year), str(errors), str(warnings), Path(file).name]
            for file, agency, year, errors, warnings in sorted(result.files, key=lambda f: (f[1], f[2]))]
    if rows:
        echo(format_columns(("机关名称", "年度", "错误数", "警告数", "文件"), rows))
    for file, why in result.unreadable:
        echo(f"无法读取：{why}")
    echo(f"共核查 {len(result.files)} 份报告，{len(result.unreadable)} 个文件无法读取；"
         f"发现 {result.errors} 个错误、{len(result.rows) - result.errors} 个警告。结果：{target}")
    return 1 if result.errors or result.unreadable else 0


AUDIT.run = audit_command


# ------------------------------------------------------------------ refresh

REFRESH = command("refresh", "把新的数字更新到已经改过的草稿中，保留所有修改。", """
草稿中由数据生成的部分（标题和日期、开头段落、由数字生成的句子、正文中占位符的数字、三张表格）都有标记；refresh 只替换这些标记中的内容，标记之外的文字、批注、修订、页面设置、图片和样式原样保留。先把原文件备份在它旁边（如 某局2025年报告.备份-1.docx），再写入；更新后的草稿仍算作人改过的草稿，build 不会覆盖它。标记中的内容被人改过时，保留人改的内容并列出冲突，除非加 --force。

不写数据文件时，使用生成草稿时记录的数据文件（按它相对于草稿文件夹的位置，所以草稿和数据文件夹可以一起复制、移动）。Word 草稿旁边有 PDF 时，重新印出 PDF；同一报告的其他草稿还是旧数字时，列出它们和更新的命令。
""")
REFRESH.add("draft", dest="draft", metavar="草稿", required=True, help="reportgen 生成的草稿（.docx 或 .md）。")
REFRESH.add("data", dest="data", metavar="数据文件",
            help="数据文件（.toml）；不写时使用生成草稿时记录的数据文件。")
REFRESH.add("--data", dest="data_option", metavar="数据文件", help="同上，数据文件（.toml）。")
REFRESH.add("--force", dest="force", kind="flag",
            help="标记中被人改过的内容也用新数据替换；数据文件与草稿不是同一机关、年度时也更新（原文件仍会备份）。")
_templates_option(REFRESH)
_previous_option(REFRESH)


def refresh_command(values) -> int:
    from reportgen.workflows import build
    from reportgen.workflows.refresh import marker_label, refresh
    from reportgen.workflows.siblings import describe

    if values.data and values.data_option and values.data != values.data_option:
        raise UsageError("数据文件写了两次（参数和 --data），而且不一样。", REFRESH)
    renderers = build.Renderers.prepare(_path(values.templates))
    result = refresh(Path(values.draft), _path(values.data or values.data_option), renderers, values.force,
                     _previous_for([Path(values.draft)], values.previous, REFRESH))
    for warning in result.warnings:
        echo(f"注意：{warning}", err=True)
    echo(f"{result.path}（数据：{result.data}）")
    for change in result.changes:
        if change.cells:
            echo(f"  已更新 {marker_label(change.marker)}：" + "；".join(change.cells))
        else:
            echo(f"  已更新 {marker_label(change.marker)}：{change.old} → {change.new}")
    for change in result.conflicts:
        echo(f"  冲突，保留了人改的内容：{marker_label(change.marker)}")
        echo(f"    草稿中现在是：{change.old}")
        echo(f"    按新数据应为：{change.new}")
    for name in result.deleted:
        echo(f"  标记已被删除，没有重新插入：{marker_label(name)}")
    if result.written:
        echo(f"已更新 {len(result.changes)} 处。原文件已备份为：{result.backup}")
    else:
        echo("没有需要更新的内容，文件未改动。")
    if result.printed:
        echo(f"已重新印出 PDF：{result.printed}")
    for line in describe(result.stale):
        echo(line)
    if result.conflicts:
        echo(f"有 {len(result.conflicts)} 处冲突：请核对后手工修改，或加 --force 用新数据替换。")
    return 1 if result.conflicts else 0


REFRESH.run = refresh_command


# ------------------------------------------------------------------ form

FORM = command("form", "生成 Excel 填报表，发给各单位填写；交回的表格可以直接 check、build、batch 或 import。", """
表格与法定表格的栏目、合并单元格完全一样：基本信息、表二、表三、表四和文字五张工作表。栏目和总计（公式）锁定，只能填白色格子；件数只能填非负整数，金额可带小数；勾稽关系不平衡时相关格子变红；每张表按 A4 打印。给出数据文件时按它预填（例如 next-year 生成的文件，上年结转已经填好）。
""")
FORM.add("source", dest="source", metavar="数据文件", help="按这个数据文件预填（.toml）；不写时生成空白表格。")
FORM.add("--agency", dest="agency", metavar="名称", help="机关名称（生成空白表格时需要）。")
_year_option(FORM, False, "报告年度（生成空白表格或按名单生成时需要）。")
FORM.add("--kind", dest="kind", metavar="类别", default="部门", kind="choice", choices=("部门", "政府"),
         help="报告类别：部门 或 政府。")
_roster_option(FORM)
FORM.add("--output", "-o", dest="output", metavar="文件夹", default="output", help="填报表写到这个文件夹。")
FORM.add("--jobs", "-j", dest="jobs", metavar="个数", kind="positive", help="按名单生成时同时处理的进程数。")
_force_option(FORM)


def form_command(values) -> int:
    import os

    from reportgen.workflows import forms

    out = Path(values.output)
    if values.source:
        made = [forms.from_data(Path(values.source), out, values.force)]
    elif values.roster:
        if values.year is None:
            raise UsageError("按名单生成填报表时需要用 --year 指定年度。", FORM)
        units = _load_roster(values.roster)
        made = forms.for_roster(units, values.year, values.kind, out, values.force,
                                values.jobs or os.cpu_count() or 1)
    else:
        if not values.agency or values.year is None:
            raise UsageError("生成空白填报表需要 --agency 和 --year（或给出数据文件、名单）。", FORM)
        made = [forms.blank(values.agency, values.year, values.kind, out, values.force)]
    written = [m for m in made if not isinstance(m, str)]
    for path, backups in written:
        echo(f"已生成填报表：{path}" + "".join(f"（原文件已备份为：{b}）" for b in backups))
    refused = [m for m in made if isinstance(m, str)]
    for message in refused:
        echo(f"错误：{message}", err=True)
    echo(f"共 {len(written)} 份" + (f"，{len(refused)} 份没有覆盖" if refused else "")
         + "。填好交回后可直接运行：reportgen check 表格.xlsx、reportgen build 表格.xlsx，或 reportgen batch 文件夹 --year 年度。")
    return 1 if refused else 0


FORM.run = form_command
