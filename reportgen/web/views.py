"""What the page shows, laid out for its templates: the statutory tables as printed with
each figure's input, the totals the tool computes, the findings in the list and beside each
cell, and the small charts of the folder page. Plain functions over the model and a check's
result; no request, no file.
"""

from __future__ import annotations

import re

from reportgen.model import Report, format_number, totals
from reportgen.formats import layout
from reportgen.workflows.folder import CHART


def tables(report) -> list[dict]:
    """The statutory tables as the page lays them out: the printed grid, each figure cell
    with its key, what the file states and what the tool computes."""
    if not isinstance(report, Report):
        return []
    full = totals.completed(report)
    computed = totals.computed_keys(report.format)
    laid = []
    for table in report.format.tables.values():
        grid = layout.grid(table, report.collapsed)
        rows = []
        for row in grid.rows:
            cells = []
            for cell in row:
                item = {"role": cell.role, "text": cell.text, "colspan": cell.colspan, "rowspan": cell.rowspan}
                if cell.cell is not None:
                    key = cell.cell.key
                    stated = report.figures.get(key)
                    item.update(
                        key=key,
                        id=key.replace(".", "-"),
                        computed=key in computed and stated is None,
                        value=_shown(stated) if stated is not None else ("" if key in computed else "0"),
                        total=str(full[key]),
                        label=_label(cell.cell),
                    )
                cells.append(item)
            rows.append(cells)
        laid.append({"key": table.key, "title": table.full_name, "rows": rows})
    return laid


def _form_key(key: str | None) -> str:
    """A finding's key as the page names its input: ``task[3].lead`` is ``task.3.lead``."""
    return (key or "").replace("[", ".").replace("]", "")


def computed_totals(report) -> dict[str, str]:
    """The totals the tool computes where the file states none, by key, as shown."""
    if not isinstance(report, Report):
        return {}
    full = totals.completed(report)
    return {key: str(full[key]) for key in totals.computed_keys(report.format) if key not in report.figures}


def _shown(figure) -> str:
    if figure.unread:
        return "未读出"
    if figure.blank:
        return ""
    return format_number(figure.value)


def _label(cell) -> str:
    row = cell.row.name.replace("／", " ") if cell.row.name else ""
    return " ".join(part for part in (cell.table.short_name, row, cell.column.name.replace("／", " ")) if part)


def findings(checked) -> list[dict]:
    return [
        {
            "error": f.is_error,
            "message": f.message,
            "key": f.key,
            "id": _form_key(f.key).replace(".", "-"),
            "rule": f.code if f.code[:1] in "RX" and f.code[1:].isdigit() else "",
        }
        for f in checked.findings
    ]


def cell_findings(checked) -> dict[str, list[dict]]:
    """Each cell's findings, by cell key: those that name it, or name it among their cells."""
    found: dict[str, list[dict]] = {}
    for finding in checked.findings:
        for key in dict.fromkeys([_form_key(finding.key), *finding.related]):
            if key:
                found.setdefault(key, []).append({"error": finding.is_error, "message": finding.message})
                break  # beside the cell it names; the others are in the list
    return found


_CELL_KEY = re.compile(r"^[A-Za-z0-9_.]+$")


def marks(checked) -> str:
    """A style rule marking every cell an error names (a broken rule's cells all), so that
    the page marks them without replacing the inputs being typed in."""
    keys = sorted(
        {
            key
            for finding in checked.findings
            if finding.is_error
            for key in (_form_key(finding.key), *finding.related)
            if key and _CELL_KEY.match(key)
        }
    )
    if not keys:
        return ""
    return ",".join(f'[name="{key}"]' for key in keys) + "{background:#fdecec;border-color:#a40000}"


def chart(points: dict[int, list]) -> str:
    """A small SVG of the main figures across the years (a line each, the first and last
    year under it), drawn on the server."""
    years = sorted(points)
    width, height, pad, below = 220, 80, 8, 14
    top = max((v for year in years for v in points[year]), default=0) or 1
    colours = ("#1f5fa8", "#2e7d32", "#b26a00", "#8e24aa")
    lines = []
    xs = [pad + (width - 2 * pad) * (n / max(1, len(years) - 1)) for n in range(len(years))]
    if len(years) == 1:
        xs = [width / 2]
    for index, (label, _) in enumerate(CHART):
        coords = [
            f"{x:.1f},{height - below - pad - (height - below - 2 * pad) * (points[year][index] / top):.1f}"
            for x, year in zip(xs, years)
        ]
        if len(coords) == 1:  # one year: a dot per figure, side by side, each with its number
            cx, cy = width / 2 + (index - (len(CHART) - 1) / 2) * 48, float(coords[0].split(",")[1])
            value = points[years[0]][index]
            lines.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colours[index]}"><title>{label}</title></circle>'
                f'<text x="{cx:.1f}" y="{cy - 6 if cy > 20 else cy + 14:.1f}" text-anchor="middle" '
                f'class="figure">{value}</text>'
            )
        else:
            lines.append(
                f'<polyline fill="none" stroke="{colours[index]}" stroke-width="2" points="{" ".join(coords)}">'
                f"<title>{label}</title></polyline>"
            )
    ends = dict.fromkeys([(xs[0], years[0], "start" if len(years) > 1 else "middle"), (xs[-1], years[-1], "end")])
    for x, year, anchor in list(ends)[: 1 if len(years) == 1 else 2]:
        lines.append(f'<text x="{x:.1f}" y="{height - 2}" text-anchor="{anchor}">{year}</text>')
    said = "；".join(
        f"{year}年：" + "，".join(f"{label}{points[year][i]}" for i, (label, _) in enumerate(CHART)) for year in years
    )
    return (
        f'<svg role="img" aria-label="{said}" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        + "".join(lines)
        + "</svg>"
    )


SORTS = {"agency": "机关名称", "year": "年度", "state": "状态", "due": "公开期限"}
CHARTS_SHOWN = 40  # more agencies than this: no small charts (a page of 300 charts reads as noise)


def shown_files(states, category: str = "", sort: str = "") -> list:
    """The folder's files the page lists: those in ``category`` (all if ""), ordered by
    ``sort`` (``SORTS``; by default the state, what needs action first, then the agency)."""
    from reportgen.workflows.folder import CATEGORIES

    chosen = [s for s in states if not category or s.category == category]
    rank = {c: n for n, c in enumerate(CATEGORIES)}
    keys = {
        "agency": lambda s: (s.agency, str(s.year)),
        "year": lambda s: (str(s.year), s.agency),
        "due": lambda s: (s.due.isoformat() if s.due else "9999", s.agency),
        "state": lambda s: (rank.get(s.category, 9), s.agency, str(s.year)),
    }
    return sorted(chosen, key=keys.get(sort, keys["state"]))


def charts(states) -> dict[str, str]:
    """A chart per agency of its annual reports' main figures, from the folder's states."""
    series: dict[str, dict[int, list]] = {}
    for state in states:
        if state.annual:
            series.setdefault(state.agency, {})[state.year] = list(state.figures)
    return {agency: chart(points) for agency, points in series.items()}
