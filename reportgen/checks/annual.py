"""The findings about an annual report beyond its arithmetic: what it still lacks, blank
cells, rows stated as one, its narrative against its tables, its publication date, another
kind's keys in it, and the same year's work summary against it."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from reportgen import kinds as kind_definitions
from reportgen.checks import links, narrative, statements
from reportgen.checks.texts import placeholder_findings, review_findings
from reportgen.formats.statutory import Cell, Table
from reportgen.model import KINDS, UNREAD, Document, Report, deadline
from reportgen.model import names as report_names
from reportgen.model import totals
from reportgen.model.findings import Finding, error, warning
from reportgen.model.text import chinese_date, missing_texts  # noqa: F401  (missing_texts: part of this module's API)
from reportgen.sources import schema


def other_kinds_keys(data: dict) -> list[str]:
    """Top-level keys of an annual report's file that belong to another document kind."""
    return [
        key for key in data if key not in schema.TOP_KEYS and kind_definitions.owner_of(key, kind_definitions.annual())
    ]


def foreign_findings(keys: list[str]) -> list[Finding]:
    found = []
    for key in keys:
        owners = kind_definitions.owners_of(key, kind_definitions.annual())
        names = "或".join(o.name for o in owners)
        declare = "或".join(f'document = "{o.aliases[0]}"' for o in owners)
        found.append(
            error(
                "other-kind",
                f"“{key}”是{names}的内容，不能写在年度报告中（本文件没有 document 一行，按年度报告读取）。"
                f"如果这是{names}，请在文件开头写 {declare}。",
                key=key,
            )
        )
    return found


def with_2008_hint(finding: Finding, data: dict) -> Finding:
    """A year before 2019: point to the pre-2019 kind."""
    year = data.get("report", {}).get("year") if isinstance(data.get("report"), dict) else None
    old = kind_definitions.kinds().get("annual2008")
    if finding.code != "year" or old is None or not isinstance(year, int) or old.year_problem(year):
        return finding
    return replace(
        finding,
        message=finding.message + f"2019 年以前的年度报告（2008 年条例）请在文件开头写 "
        f'document = "{old.aliases[0]}"，按第三十二条的六项起草，数字写在正文中。',
    )


def link_annual(report: Report, path: Path) -> None:
    """The same agency's work summary of the year beside the file, to compare figures with,
    and its task table when the text cites it ({{ tasks.summary }})."""
    wanted = ("summary", "tasks") if any("tasks." in text for text in report.text.values()) else ("summary",)
    report.linked.update(links.same_year(path, report.year, report.agency, wanted)[0])


def summary_findings(report: Report, path: Path) -> list[Finding]:
    """Figures the same year's work summary states otherwise."""
    summary = report.linked.get("summary")
    if not isinstance(summary, Document):  # none found (links.same_year finds only a work summary here)
        return []
    assert summary.source is not None  # a document found beside the file is read from its file
    return links.summary_against_annual(summary, report, Path(summary.source), path, from_annual=True)


_POSTCODE = re.compile(r"^\d{6}$")


def collapsed_findings(report: Report) -> list[Finding]:
    """A warning for each row group stated as one row: the statute asks for the breakdown."""
    found = []
    for table in report.format.tables.values():
        for group in table.row_groups():
            if group.key in report.collapsed:
                rows = "、".join(table.row(leaf).name.rsplit("／", 1)[-1] for leaf in group.leaves)
                found.append(
                    warning(
                        "collapsed",
                        f"{table.short_name}“{group.label}”只写了一行（{group.key}），没有分项（{rows}）。"
                        "各项勾稽关系按这一行计算；草稿中这一组合并为一行印出，数字只印一次。法定格式要求分项填写。",
                        key=group.key,
                        table=table.full_name,
                        row=group.label,
                    )
                )
    return found


SHOWN_ROWS = 6  # rows of blank cells named in the message; all of them are in ``related`` (--format json)


def blank_findings(report: Report) -> list[Finding]:
    """One warning for the cells the file leaves blank (""), grouped by table and row, and
    one for the blank totals the tool computed. A blank cell counts as 0 and prints empty."""
    computed = totals.computed_keys(report.format)
    full = totals.completed(report)
    cells = report.format.cell_by_key()
    ordered = [c.key for c in report.format.cells()]
    blank = sorted((key for key, figure in report.figures.items() if figure.blank), key=ordered.index)
    leaves = [key for key in blank if key not in computed]
    blank_totals = [key for key in blank if key in computed]
    found = []
    if leaves:
        found.append(
            warning(
                "blank",
                f'{len(leaves)} 个格子留空（写成 ""），按 0 计算，草稿中印成空白：{blank_rows(leaves, cells, computed)}。'
                "法定表格每格都应填数字，没有的填 0。",
                key=leaves[0],
                related=tuple(leaves),
            )
        )
    if blank_totals:
        names = "、".join(f"{cells[k].table.short_name}“{cells[k].short_name}”＝{full[k]}" for k in blank_totals)
        found.append(
            warning(
                "blank-total",
                f"{len(blank_totals)} 个总计留空，已由各项相加算出，草稿中印出算出的数：{names}。",
                key=blank_totals[0],
                related=tuple(blank_totals),
            )
        )
    return found


def unread_findings(report: Report) -> list[Finding]:
    """One error, per table, naming (by row) the cells an import could not read from its
    source (written "未读出"): the report is not checked or drafted as if they were known."""
    cells = report.format.cell_by_key()
    ordered = {c.key: index for index, c in enumerate(report.format.cells())}
    unread = sorted((key for key, figure in report.figures.items() if figure.unread), key=ordered.__getitem__)
    by_table: dict[str, list[str]] = {}
    for key in unread:
        by_table.setdefault(key.split(".")[0], []).append(key)
    return [
        error(
            "unread",
            f'{len(keys)} 个格子没有从原文读出（写成 "{UNREAD}"）：{blank_rows(keys, cells)}。'
            '请对照原文填上数字（原文空白的格子写 ""）；与这些格子有关的勾稽关系在填好后才能核对。',
            key=keys[0],
            table=cells[keys[0]].table.full_name,
            related=tuple(keys),
        )
        for keys in by_table.values()
    ]


def blank_rows(keys: list[str], cells: dict[str, Cell], computed: frozenset[str] = frozenset()) -> str:
    """“表三 3 行 12 格（一、本年新收政府信息公开申请数量：整行；…）”: blank cells by table
    and row; a table whose one row holds groups of columns (表四) is grouped by them."""
    tables: dict[Table, dict[str, list[tuple[str, Cell]]]] = {}
    for key in keys:
        cell = cells[key]
        if cell.row.id:
            row, column = cell.row.name.rsplit("／", 1)[-1], cell.column.name.rsplit("／", 1)[-1]
        else:  # 表四: 行政复议／结果维持, 行政诉讼／未经复议直接起诉／结果维持
            row, _, column = cell.column.name.rpartition("／")
        tables.setdefault(cell.table, {}).setdefault(row, []).append((column, cell))
    said = []
    for table, rows in tables.items():
        count = sum(len(c) for c in rows.values())
        parts = []
        for row, columns in list(rows.items())[:SHOWN_ROWS]:
            first = columns[0][1]
            leaves = [c for c in first.row.columns if f"{first.table.key}.{first.row.id}.{c.id}" not in computed]
            whole = first.row.id and len(columns) == len(leaves)
            parts.append(f"{row}：" + ("整行" if whole else "、".join(c for c, _ in columns)))
        more = f"；等，共 {len(rows)} 行（--format json 列出每一格）" if len(rows) > SHOWN_ROWS else ""
        said.append(f"{table.short_name} {len(rows)} 行 {count} 格（{'；'.join(parts)}{more}）")
    return "；".join(said)


def completeness(report: Report) -> list[Finding]:
    """Warnings for what a published report needs but the file leaves empty."""
    found = []
    contact = report.contact
    for key, value, label in (
        ("report.contact.office", contact.office, "联系机构"),
        ("report.contact.phone", contact.phone, "联系电话"),
        ("report.download.site", report.download.site, "电子版下载网站"),
    ):
        if not value:
            found.append(
                warning(
                    "missing",
                    f"没有填写{label}（{key}）。报告开头要写明电子版下载地址和联系方式，草稿中将显示【待填写】。",
                    key=key,
                )
            )
    if contact.postcode and not _POSTCODE.match(contact.postcode):
        found.append(
            warning(
                "postcode",
                f"邮政编码“{contact.postcode}”不是6位数字。",
                key="report.contact.postcode",
                expected="6位数字",
                actual=contact.postcode,
            )
        )
    for key, heading in missing_texts(report):
        found.append(warning("empty-text", f"“{heading}”还没有内容，草稿中将显示【待填写】。", key=f"text.{key}"))
    return found


def narrative_findings(report: Report) -> list[Finding]:
    """Placeholders that cannot be filled (errors), typed numbers that disagree with the
    tables, and next-year review marks still in place (warnings)."""
    found = []
    for key in report.format.text_keys():
        text = report.text.get(key, "")
        if not text:
            continue
        heading = report.format.text_heading(key)
        states = statements.may_state_figures(text)
        names = report_names.names(report) if narrative.has_placeholders(text) or states else {}
        found += placeholder_findings(text, names, f"text.{key}", heading)
        if states:
            cells = functools.partial(report_names.cells_of, report.format)
            for mismatch in statements.read(text, names, statements.blank_cells(report), cells):
                found.append(
                    warning(
                        "text-figure",
                        mismatch.message(),
                        key=f"text.{key}",
                        expected=mismatch.actual,
                        actual=mismatch.typed,
                        snippet=mismatch.sentence,
                    )
                )
        found += review_findings(text, f"text.{key}", heading)
    return found


# A report is published after its year ends, and seldom more than a year late.
LATEST_PUBLICATION = 2  # years after the report year


def deadline_findings(report: Report) -> list[Finding]:
    if not report.published:
        return []
    year_end = date(report.year, 12, 31)
    if report.published <= year_end:
        return [
            error(
                "published",
                f"发布日期 {chinese_date(report.published)} 早于报告年度结束（{chinese_date(year_end)}）。"
                f"年度报告在年度结束后才能发布，请核对年份。",
                key="report.published",
                expected=f"晚于 {year_end.isoformat()}",
                actual=report.published.isoformat(),
            )
        ]
    latest = date(report.year + LATEST_PUBLICATION, 12, 31)
    if report.published > latest:
        return [
            error(
                "published",
                f"发布日期 {chinese_date(report.published)} 不合理：{report.year} 年度的报告应在 "
                f"{report.year + 1} 年发布，最晚不超过 {chinese_date(latest)}。请核对年份。",
                key="report.published",
                expected=f"不晚于 {latest.isoformat()}",
                actual=report.published.isoformat(),
            )
        ]
    if report.kind not in KINDS:
        return []
    due = deadline(report.year, report.kind)
    if report.published <= due:
        return []
    return [
        warning(
            "deadline",
            f"发布日期 {chinese_date(report.published)} 晚于法定期限 {chinese_date(due)}"
            f"（{report.kind}报告应在次年{due.month}月{due.day}日前公开，《条例》第四十九条）。",
            key="report.published",
            expected=f"不晚于 {due.isoformat()}",
            actual=report.published.isoformat(),
        )
    ]
