"""Finding the report in a published document: who, which year, which format, every cell of
tables 二, 三 and 四, and the text of each section.

Tables are found and read by their labels, never by position (``grids`` for a document's
tables, ``stream`` for text without table markup); the words by their headings (``texts``).
Figures are kept exactly as published, totals included; a blank cell stays blank; a cell
that could not be read is listed and written “未读出”, never guessed.
"""

from __future__ import annotations

import re

from reportgen.formats import statutory
from reportgen.formats.statutory import Format
from reportgen.model import DEPARTMENT, GOVERNMENT, UNREAD
from reportgen.model import totals
from reportgen.sources.imported import Imported
from reportgen.sources.published import drafts, grids, headings, stream, texts
from reportgen.sources.published.blocks import Document, normal


class NoReport(Exception):
    """The document holds no annual report."""


class NoFormat(Exception):
    """The report is of a year the tool has no statutory format for."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


class Merged(Exception):
    """A part of the document holds the tables of several reports, and their titles could
    not be told apart: reading it as one would put one report's figures under another's name."""

    def __init__(self, count: int, agency: str):
        super().__init__(count, agency)
        self.count = count
        self.agency = agency


def recover_all(document: Document) -> list[Imported]:
    """Every report in a document: a page may hold several, one after the other (each under
    its own title, with its own tables). A title with no table after it (a link to another
    report, the page's own heading repeated) starts none. A part holding the tables of more
    than one report raises Merged: never one report made of two."""
    parts = _parts(document)
    if len(parts) == 1:
        _refuse_merged(document)
        return [recover(document)]
    found = []
    for part in parts:
        try:
            imported = recover(part)
        except (NoReport, NoFormat):
            continue
        _refuse_merged(part, imported.agency)
        if any(key.startswith(("requests.", "appeals.")) for key in (*imported.figures, *imported.groups)):
            found.append(imported)
    return found or [recover(document)]


_REQUESTS_HEADING = normal("三、收到和处理政府信息公开申请情况")
_SECTION_ONE = normal("一、总体情况")


def reports_in(document: Document) -> int:
    """How many reports' bodies a document (or a part of it) holds, by the headings only one
    report has once: 一、总体情况 and 三、收到和处理政府信息公开申请情况."""
    text = [normal(block) for block in document.blocks if isinstance(block, str) and block.strip()]
    overview = sum(1 for line in text if line.startswith(_SECTION_ONE) and len(line) <= len(_SECTION_ONE) + 2)
    requests = sum(len(re.findall(rf"(?<!表三){re.escape(_REQUESTS_HEADING)}", line)) for line in text)
    return max(overview, requests)  # not tables: a table continued on the next page repeats its header


def _refuse_merged(part: Document, agency: str = "") -> None:
    count = reports_in(part)
    if count > 1:
        raise Merged(count, agency)


def _parts(document: Document) -> list[Document]:
    """The document cut before each title of another report (another agency or year)."""
    starts, last = [], None
    for index, found in titles(document):
        if found != last:
            starts.append(index)
            last = found
    if len(starts) < 2:
        return [document]
    bounds = [0, *starts[1:], len(document.blocks)]
    return [
        Document(document.source, document.blocks[a:b], document.flat, dict(document.meta))
        for a, b in zip(bounds, bounds[1:])
    ]


def recover(document: Document) -> Imported:
    result = Imported(document.source)
    paragraphs = [p for p in document.paragraphs() if p.strip()]
    title_at, paragraphs = _title(paragraphs, result)
    if title_at is None:
        raise NoReport
    result.format = _choose_format(document, result)
    if result.format is None:
        raise NoFormat(result.year)
    fmt = result.format
    paragraphs = paragraphs[: title_at + 1] + headings.split_run_on(paragraphs[title_at + 1 :], fmt)
    columns: dict[str, dict[int, str]] = {}  # each table's columns, for its continuation pages
    for grid in document.tables():
        grids.read(grid, fmt, result, columns)
    unread = tuple(
        key for key in fmt.tables if not any(k.startswith(key + ".") for k in (*result.figures, *result.groups))
    )
    if unread:  # tables printed without table markup: read from the text
        lines = [line for line in document.lines() if line.strip() or document.flat]
        lines = headings.split_run_on(lines, fmt)
        stream.read(lines, fmt, result, _regions(lines, fmt), unread)
    texts.read(paragraphs, title_at, fmt, result, document.meta.get("published", ""))
    if not result.kind:
        result.kind = (
            GOVERNMENT
            if result.agency.endswith(("人民政府", "人民政府办公室", "人民政府办公厅")) or "assessment" in result.texts
            else DEPARTMENT
        )
        result.remarks.append(f"报告类别按机关名称判断为“{result.kind}”，请核对。")
    _list_missing(fmt, result)
    result.drafts = drafts.markers(document)
    if result.drafts:
        result.remarks.append(
            f"原文中有草稿的标记（{drafts.said(result.drafts)}）：这是一份没有核定的草稿，表格中的数字照原文录入。"
        )
    return result


def _regions(lines: list[str], fmt: Format) -> dict[str, list[str]]:
    """Each table's lines: from its section's heading to the next heading."""
    found: dict[str, list[str]] = {}
    current = None
    after = -1
    for line in lines:
        heading = headings.which(line, fmt, after) if line.strip() else None
        if heading is not None and heading.theme is None:
            after = heading.order
            current = heading.section.table or None
            continue
        if heading is not None:
            after = heading.order
            continue
        if current:
            found.setdefault(current, []).append(line)
    return found


# ------------------------------------------------------------------ title, year, format

_CORE = r"(?:政府)?信息公开(?:工作)?(?:年度报告|年报)"
_AGENCY_FIRST = re.compile(rf"^(?P<agency>.*?)(?P<year>(?:19|20)\d\d)\s*年度?\s*{_CORE}$")
_YEAR_FIRST = re.compile(rf"^(?P<year>(?:19|20)\d\d)\s*年度?\s*(?P<agency>.+?){_CORE}$")
_INSIDE = re.compile(
    rf"(?:^|(?<=[\s>》|｜:：】\]）)]))(?P<agency>[^\s>》|｜:：】\]。，,]{{0,40}}?)(?P<year>(?:19|20)\d\d)\s*年度?\s*{_CORE}"
)
_LABEL = re.compile(r"^(?:标\s*题|题\s*名|名\s*称|文章标题|主\s*题)\s*[:：]\s*")


# A path: an ASCII segment beside a separator (zwgk/zfxxgk/…, C:\\…); a stray "/" inside a
# Chinese name is not one.
_NOT_A_TITLE = re.compile(
    r"[A-Za-z0-9_.~%-]/|/[A-Za-z0-9_.~%-]|[A-Za-z0-9_:]\\[A-Za-z0-9_]|https?:|www\.|\.s?html?$|"
    r"^(?:发布机构|发文机关|本地目录|原文链接|链接|网址|URL|路径|"
    r"来源|信息来源|索引号|发布时间|发布日期|所属栏目|栏目|分类)[:：|]",
    re.I,
)


def _title_of(text: str) -> tuple[str, int] | None:
    """(agency, year) if ``text`` is a report's title. A path, an address or a capture's
    header line other than its 标题 (本地目录：zwgk/…/某局2023年度…) is never one."""
    text = _LABEL.sub("", re.sub(r"\s+", "", text)).strip('《》“”"')
    if _NOT_A_TITLE.search(text):
        return None
    for pattern in (_AGENCY_FIRST, _YEAR_FIRST):
        if match := pattern.match(text):
            agency = match["agency"].strip('《》“”"').removesuffix("关于")
            if agency.endswith("人民"):  # 某县人民政府信息公开…: the 政府 belongs to the agency
                agency += "政府"
            return agency, int(match["year"])
    return None


_AGENCY_LINE = re.compile(r"^[^\s，。,.:：;；>|/\\（()）《》“”\"]{2,40}$")


def titles(document: Document) -> list[tuple[int, tuple[str, int]]]:
    """Where each report's title starts in ``document.blocks``, with its (agency, year),
    found by meaning: agency + year + 政府信息公开工作年度报告 in one block, or over two
    or three blocks (a title printed with <br>, wrapped in a Word file or saved as text
    lines: 某局 / 2025年政府信息公开工作年度报告, or 某局2025年政府信息公开工作 / 年度报告)."""
    blocks = document.blocks

    def short(i: int) -> str | None:
        """The i-th block if it is a short line of text (a title's part), else None."""
        block = blocks[i] if 0 <= i < len(blocks) else None
        return block if isinstance(block, str) and 0 < len(block.strip()) <= 60 else None

    found: list[tuple[int, tuple[str, int]]] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if not isinstance(block, str) or not block.strip():
            index += 1
            continue
        title = _title_of(block)
        if title is not None and title[0]:
            found.append((index, title))
            index += 1
            continue
        before = short(index - 1)
        if (
            title is not None
            and before is not None
            and _AGENCY_LINE.match(_LABEL.sub("", before.strip()))
            and _title_of(before) is None
        ):  # 某局<br>2025年…年度报告
            joined = _title_of(before + block)
            if joined is not None and joined[0]:
                found.append((index - 1, joined))
                index += 1
                continue
        if short(index) and re.search(r"(?:19|20)\d\d\s*年", block):  # 某局2025年…工作<br>年度报告
            for width in (2, 3):
                parts = [short(index + k) for k in range(width)]
                if all(part is not None for part in parts):
                    text = "".join(part for part in parts if part is not None)
                    joined = _title_of(text)
                    start = index
                    if (
                        joined is not None
                        and not joined[0]
                        and before is not None
                        and _AGENCY_LINE.match(before.strip())
                    ):  # 某局 / 2025年…工作 / 年度报告
                        joined, start = _title_of(before + text), index - 1
                    if joined is not None and joined[0]:
                        found.append((start, joined))
                        index += width - 1
                        break
        index += 1
    return found


def _title(paragraphs: list[str], result: Imported) -> tuple[int | None, list[str]]:
    """The index of the title line, and the lines (a title inside a longer line is cut out
    of it); fills agency and year. A title broken after the agency, or before 年度报告, is
    joined with the line next to it."""
    for index, line in enumerate(paragraphs):
        found = _title_of(line)
        joined = False
        if (
            found is None
            and index + 1 < len(paragraphs)
            and len(line) <= 60
            and re.search(r"(?:19|20)\d\d\s*年", line)
            and len(paragraphs[index + 1]) <= 20
        ):  # 某局2025年政府信息公开工作 / 年度报告
            found = _title_of(line + paragraphs[index + 1]) or found
            joined = found is not None and found[0] != ""
        if found is None or (not found[0] and not (index and len(paragraphs[index - 1]) <= 40)):
            continue
        agency, year = found
        if not agency:  # the title broken after the agency
            agency = _LABEL.sub("", re.sub(r"\s+", "", paragraphs[index - 1]))
        result.agency, result.year = agency, year
        if joined:
            paragraphs = paragraphs[:index] + [line + paragraphs[index + 1]] + paragraphs[index + 2 :]
        return index, paragraphs
    for index, line in enumerate(paragraphs):  # a page saved as text: the title inside a line
        match = _INSIDE.search(line)
        if match and match["agency"] and (found := _title_of(match.group())) and found[0]:
            result.agency, result.year = found
            pieces = [line[: match.start()].strip(), match.group(), line[match.end() :].strip()]
            paragraphs = (
                paragraphs[:index]
                + [p for p in pieces[:1] if p]
                + pieces[1:2]
                + [p for p in pieces[2:] if p]
                + paragraphs[index + 1 :]
            )
            return index + (1 if pieces[0] else 0), paragraphs
    return None, paragraphs


_SIGNS_2019 = ("本年新制作数量", "对外公开总数量", "其他对外管理服务事项", "政府集中采购", "上一年项目数量")
_SIGNS_2021 = ("本年制发件数", "现行有效件数", "本年处理决定数量", "逾期不补正", "逾期未按收费通知")


def _choose_format(document: Document, result: Imported) -> Format | None:
    text = normal(
        " ".join([*document.paragraphs(), *(c.text for g in document.tables() for row in g.rows for c in row)])
    )
    score = {"2019": sum(normal(s) in text for s in _SIGNS_2019), "2021": sum(normal(s) in text for s in _SIGNS_2021)}
    by_year = statutory.format_for_year(result.year) if statutory.EARLIEST_YEAR <= result.year else None
    formats = statutory.formats()
    if not any(score.values()):
        if by_year is None:
            result.problems.append(f"{result.year} 年度没有全国统一的报告格式，reportgen 无法导入这份报告。")
        return by_year
    chosen = formats[max(score, key=lambda year: score[year])]
    if by_year is not None and chosen is not by_year:
        result.remarks.append(f"表格是{chosen.label}，而 {result.year} 年度应使用{by_year.label}。")
    return chosen


# ------------------------------------------------------------------ what was not read


def _list_missing(fmt: Format, result: Imported) -> None:
    computed = totals.computed_keys(fmt)
    missing = [
        cell
        for cell in fmt.cells()
        if cell.key not in result.figures
        and cell.key not in computed
        and not result.in_stated_group(cell.key)
        and cell.key not in result.explained
    ]
    tables: dict[str, list[str]] = {}
    for cell in missing:
        tables.setdefault(cell.table.short_name, []).append(cell.short_name)
    for name, cells in tables.items():
        shown = "、".join(cells[:6]) + (f" 等 {len(cells)} 格" if len(cells) > 6 else "")
        result.problems.append(f"{name}：没有读到 {shown}，数据文件中写成“{UNREAD}”，请对照原文补上。")
