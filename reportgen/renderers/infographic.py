"""图解: the year's report at a glance, drawn from the same figures as the drafts.

Three files (``build --to infographic`` or ``--to 图解``): an SVG 1080 px wide, its PNG
(``reportgen.renderers.png``) and an HTML fragment for the portal holding the PNG and the
same figures as a list, the text alternative for screen readers (GB/T 37668).

Which figures are drawn is data (``reportgen/formats/infographic.toml``); each is looked up
by the name the draft's sentences use (``reportgen.model.names``), so a figure drawn is the
figure the report prints, and its change against last year is worded as the draft words
it. Every figure is SVG text carrying its name (``data-name``), never a path, so a test
reads it back. A blank cell is drawn as 空白 and an unread one as 未读出, never as 0.

The layout (every position) is computed here; ``templates/infographic.svg.j2`` only draws
it. Nothing depends on the clock or the machine: the same data gives the same bytes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path


from reportgen.draft.report_draft import title_lines
from reportgen.model import UNREAD, Report, format_number
from reportgen.model.names import Unread, lookup, names, with_year_on_year
from reportgen.model.totals import completed
from reportgen.renderers import png
from reportgen.renderers import templates as template_folder

SVG_TEMPLATE = "infographic.svg.j2"
HTML_TEMPLATE = "infographic.html.j2"
BLANK = "空白"  # a cell the report leaves empty
FLAG = "【数据待核】"
ACCENTS = {  # the portal's colour: (accent, its light tint)
    "red": ("#B3121B", "#FBECEC"),
    "blue": ("#1A4C8B", "#E9F0F9"),
}
ACCENT_NAMES = {"红": "red", "red": "red", "蓝": "blue", "blue": "blue"}

WIDTH = 1080
MARGIN = 60
INNER = WIDTH - 2 * MARGIN
TITLE_SIZE = 48  # px: 19 characters fit the width, as 19 of 二号 fit the Word title's line
GAP = 24


@dataclass(frozen=True)
class Shown:
    """One figure as drawn: its name, the text drawn, and its state."""

    name: str
    label: str
    text: str  # "35", "5949.088667", 空白 or 未读出
    state: str  # "number", "blank" or "unread"
    value: int | Decimal | None = None
    unit: str = ""
    change: str = ""  # "较上年增加7件（30.4%）", "与上年持平", ""
    arrow: str = ""  # ↑ ↓ or ""

    @property
    def said(self) -> str:
        """The label in one line: “行政诉讼（复议后起诉）” for the drawn “行政诉讼 / 复议后起诉”."""
        first, _, rest = self.label.partition("\n")
        return f"{first}（{rest}）" if rest else first


@dataclass
class Picture:
    """What the picture shows and where: the template's whole input."""

    title: tuple[tuple[str, int], ...]  # (line, font size)
    accent: str
    tint: str
    flag: str
    sections: list = field(default_factory=list)
    footer: tuple[str, ...] = ()  # the footer's lines as drawn
    notes: tuple[str, ...] = ()  # the same: publication date and source
    height: int = 0
    header: int = 0  # the coloured band's height
    footer_y: int = 0
    parts: dict = field(default_factory=dict)  # the figures, by part (``content``)


# ------------------------------------------------------------------ what is drawn


@cache
def _spec() -> dict:
    with open(Path(__file__).resolve().parents[1] / "formats" / "infographic.toml", "rb") as file:
        return tomllib.load(file)


def _figure(
    report: Report, full: dict, found: dict, yoy, name: str, label: str, unit: str = "", compare: bool = True
) -> Shown:
    """A figure by name: a cell as the open data gives it, a row group's total as the draft's
    sentences do; a blank cell as 空白 and an unread one as 未读出."""
    if name in full:
        figure, stated = full[name], report.figures.get(name)
        if figure.unread:
            return Shown(name, label, UNREAD, "unread", unit=unit)
        if stated is not None and stated.blank:
            return Shown(name, label, BLANK, "blank", unit=unit)
        value = figure.value
    else:
        value = lookup(found, name)
        if isinstance(value, Unread):
            return Shown(name, label, UNREAD, "unread", unit=unit)
        if value is None:
            raise KeyError(name)
    change = yoy(name, unit or "件").removeprefix("，") if compare else ""
    arrow = "↑" if "增加" in change else "↓" if "减少" in change else ""
    return Shown(name, label, format_number(value), "number", value, unit, change, arrow)


def content(report: Report, previous: Report | None = None) -> dict:
    """Every figure the picture shows, by part, in the order drawn."""
    full, found = completed(report), names(report)
    yoy = with_year_on_year(found, names(previous) if previous else None)["yoy"]
    spec, common = _spec()[report.format.id], _spec()["common"]

    def shown(entries, unit="", compare=True):
        return [
            _figure(
                report, full, found, yoy, e["name"], e["label"], e.get("unit", unit), compare and e.get("compare", True)
            )
            for e in entries
        ]

    parts = {
        "proactive": shown(spec["proactive"]),
        "requests": shown(common["requests"]),
        "applicants": shown(common["applicants"], "件", compare=False),
        "outcomes": shown(common["outcomes"], "件", compare=False),
        "appeals": [
            (
                shown([{"name": f"{a['name']}.total", "label": a["label"], "unit": "件"}])[0],
                shown(
                    [{"name": f"{a['name']}.{r['name']}", "label": r["label"]} for r in common["results"]],
                    "件",
                    compare=False,
                ),
            )
            for a in common["appeals"]
        ],
    }
    if report.format.has_fees:
        parts["fees"] = [
            Shown(
                "fees.notices",
                "发出信息处理费收费通知",
                format_number(report.fees.notices),
                "number",
                report.fees.notices,
                "件",
            ),
            Shown(
                "fees.amount", "收取信息处理费", format_number(report.fees.amount), "number", report.fees.amount, "元"
            ),
        ]
    return parts


# ------------------------------------------------------------------ where it is drawn


def _width(text: str) -> float:
    """Width in em: a digit or Latin letter a little over half a Chinese character."""
    return sum(0.6 if ch.isascii() else 1 for ch in text)


def wrap(text: str, size: int, room: float) -> list[str]:
    """``text`` in lines of at most ``room`` px at ``size`` px: broken where it says (a line
    break in the label), else after the last character that fits."""
    lines = []
    for part in text.split("\n"):
        line = ""
        for ch in part:
            if line and _width(line + ch) * size > room:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


TITLE_CHARACTERS = INNER // TITLE_SIZE - 1  # 19, as the Word title's line
# Where a long agency name may break: after the name of a unit (国家税务总局 / 青川市临江区税务局).
_UNIT_ENDS = (
    "人民政府",
    "委员会",
    "办公室",
    "办公厅",
    "管理局",
    "总局",
    "分局",
    "局",
    "厅",
    "院",
    "中心",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "镇",
    "乡",
    "街道",
)


def title_in_lines(text: str, agency: str) -> tuple[str, ...]:
    """The title broken by meaning as the Word title is (the agency, then the rest); an
    agency name too long for a line is broken after the name of a unit within it."""
    lines = title_lines(text, agency)
    if all(_width(line) <= TITLE_CHARACTERS for line in lines):
        return lines
    if agency and text.startswith(agency) and len(text) > len(agency):
        rest = text[len(agency) :]
        return (*_by_units(agency), *(title_lines(rest) if _width(rest) > TITLE_CHARACTERS else (rest,)))
    return _by_units(text)


def _by_units(name: str) -> tuple[str, ...]:
    if _width(name) <= TITLE_CHARACTERS:
        return (name,)
    cuts = [
        i
        for i in range(3, len(name) - 2)  # no line a stub of one or two characters
        if name[:i].endswith(_UNIT_ENDS) and _width(name[:i]) <= TITLE_CHARACTERS
    ]
    if not cuts:  # no unit to break after: the line is set smaller (``_title``)
        return (name,)
    return (name[: cuts[-1]], *_by_units(name[cuts[-1] :]))


def _title(text: str, agency: str) -> tuple[tuple[str, int], ...]:
    """The title's lines and their size: a line still too wide is set smaller, never cut."""
    return tuple((line, min(TITLE_SIZE, int(INNER / _width(line)))) for line in title_in_lines(text, agency))


def pack(segments: tuple[str, ...], size: int, room: float) -> list[str]:
    """Lines of whole segments (“数据来源：” / the agency / “2025年…报告”) where they fit; a
    segment longer than a line is broken after its last character that fits."""
    lines = [""]
    for segment in segments:
        if lines[-1] and _width(lines[-1] + segment) * size > room >= _width(segment) * size:
            lines.append("")
        head, *more = wrap(lines[-1] + segment, size, room)
        lines[-1:] = [head, *more]
    return lines


def layout(
    report: Report, parts: dict, accent: str, flagged: int, title: str, source: tuple[str, ...], published: str | None
) -> Picture:
    colour, tint = ACCENTS[accent]
    heading = _title(title, report.agency)
    flag = f"{FLAG}本图数据未通过核对（{flagged} 个问题），核对无误前请勿发布。" if flagged else ""
    said: list[tuple[str, ...]] = [("发布日期：", published)] if published is not None else []
    said.append(("数据来源：", *source))
    notes = tuple("".join(segments) for segments in said)
    footer = tuple(line for segments in said for line in pack(segments, 28, INNER))
    picture = Picture(heading, colour, tint, flag, footer=footer, notes=notes, parts=parts)
    y = 96 + sum(int(size * 1.45) for _, size in heading) + 40
    header = y
    if flag:
        y += 24
        picture.sections.append({"kind": "flag", "y": y, "lines": wrap(flag, 28, INNER - 48)})
        y += 48 + 40 * len(picture.sections[-1]["lines"])
    y += 36
    y = _cards(picture, "主动公开", parts["proactive"], y)
    y = _cards(picture, "依申请公开", parts["requests"], y)
    y = _bars(picture, "申请人情况（本年新收申请）", parts["applicants"], y)
    y = _bars(picture, "办理结果", parts["outcomes"], y)
    if "fees" in parts:
        y = _cards(picture, "", parts["fees"], y - 12, small=True)
    y = _appeals(picture, "行政复议和行政诉讼", parts["appeals"], y)
    picture.header, picture.footer_y = header, y + 8
    picture.height = y + 8 + 68 + 44 * len(footer)
    return picture


def _heading(picture: Picture, text: str, y: int) -> int:
    picture.sections.append({"kind": "heading", "y": y, "text": text})
    return y + 76


def _cards(picture: Picture, heading: str, shown: list[Shown], y: int, small: bool = False) -> int:
    if heading:
        y = _heading(picture, heading, y)
    width = (INNER - GAP) // 2
    height = 112 if small else 196
    base, unit_size = (40, 24) if small else (72, 28)
    for index, figure in enumerate(shown):
        x = MARGIN + (index % 2) * (width + GAP)
        top = y + (index // 2) * (height + GAP)
        room = width - 56 - (_width(figure.unit) * unit_size + 6 if figure.state == "number" else 0)
        size = min(base, int(room / _width(figure.text)))  # a long amount is set smaller, never cut
        change = min(28, int((width - 56) / _width(f"{figure.arrow} {figure.change}"))) if figure.change else 0
        picture.sections.append(
            {
                "kind": "card",
                "x": x,
                "y": top,
                "w": width,
                "h": height,
                "small": small,
                "figure": figure,
                "size": size,
                "change_size": change,
                "label": wrap(figure.label, 30 if not small else 28, width - 56)[:2],
            }
        )
    rows = (len(shown) + 1) // 2
    return y + rows * (height + GAP) + 20


def _bars(picture: Picture, heading: str, shown: list[Shown], y: int) -> int:
    picture.sections.append({"kind": "subheading", "y": y, "text": heading})
    y += 60
    label_room, value_room = 214, 120
    track = INNER - label_room - value_room
    largest = max((s.value for s in shown if s.state == "number" and s.value is not None), default=0) or 1
    for figure in shown:
        length = round(track * figure.value / largest) if figure.state == "number" and figure.value else 0
        picture.sections.append(
            {"kind": "bar", "y": y, "x": MARGIN + label_room, "track": track, "length": length, "figure": figure}
        )
        y += 58
    return y + 28


def _appeals(picture: Picture, heading: str, shown: list, y: int) -> int:
    y = _heading(picture, heading, y)
    height = 190
    results_x = MARGIN + 330
    column = (INNER - 330 - 20) // 4
    for total, results in shown:
        columns = [{"x": results_x + column * i + column // 2, "figure": r} for i, r in enumerate(results)]
        # the change against last year under the whole box, as the text alternative says it
        change = min(28, int((INNER - 56) / _width(f"{total.arrow} {total.change}"))) if total.change else 0
        tall = height + (48 if total.change else 0)
        picture.sections.append(
            {
                "kind": "appeal",
                "y": y,
                "h": tall,
                "total": total,
                "change_size": change,
                "label": wrap(total.label, 30, 300)[:2],
                "results": columns,
            }
        )
        y += tall + GAP
    return y + 12


# ------------------------------------------------------------------ the files


def accent_of(value: str) -> str:
    """ "red"/"blue" from --accent (红, 蓝, red, blue)."""
    return ACCENT_NAMES[value.strip().lower()]


def picture(
    report: Report,
    previous: Report | None = None,
    *,
    accent: str = "red",
    flagged: int = 0,
    title: str = "",
    source: tuple[str, ...] = (),
    published: str | None = "",
) -> Picture:
    """What is drawn and where, for a report (or a region's summed tables: ``published=None``
    leaves the publication date out). ``source``: the source line in the pieces it may break
    between."""
    found = names(report)["report"]
    title = title or f"{report.agency}{report.year}年政府信息公开工作年度报告图解"
    source = source or (report.agency, f"{report.year}年政府信息公开工作年度报告")
    return layout(
        report,
        content(report, previous),
        accent,
        flagged,
        title,
        source,
        found.published if published == "" else published,
    )


def svg(drawn: Picture, folder: Path | None = None) -> str:
    return _template(SVG_TEMPLATE, folder).render(
        p=drawn, width=WIDTH, margin=MARGIN, inner=INNER, families=png.FAMILIES
    )


def statement(drawn: Picture) -> str:
    """What the picture states, whatever it looks like (colour, layout, face): the title, the
    【数据待核】 flag, the notes, and every figure with its unit and its change against last
    year. The picture's three files state the same; the record of each keeps this text's
    digest, so that a picture a person edited is known to show the current figures or not."""
    lines = ["".join(line for line, _ in drawn.title), drawn.flag, *drawn.notes]
    for figure in figures_of(drawn.parts):
        lines.append("\t".join((figure.name, figure.text, figure.unit, figure.change)))
    return "\n".join(lines)


def figures_of(parts: dict) -> list[Shown]:
    """Every figure of ``content``, in the order drawn (an appeal's total before its results)."""
    found: list[Shown] = []
    for part in parts.values():
        for item in part:
            if isinstance(item, Shown):
                found.append(item)
            else:
                total, results = item
                found += [total, *results]
    return found


def png_bytes(text: str) -> bytes:
    return png.render(text)


def fragment(drawn: Picture, image: str, folder: Path | None = None) -> str:
    """The portal's fragment: the PNG named ``image`` and the same figures as a list, its
    text alternative."""
    return _template(HTML_TEMPLATE, folder).render(
        p=drawn, parts=drawn.parts, image=image, width=WIDTH, title="".join(line for line, _ in drawn.title)
    )


def _template(name: str, folder: Path | None):
    path = template_folder.path_of(name, folder) if folder else template_folder.shipped() / name
    return template_folder.jinja(path, "图解模板", True)
