"""A roster: the units an office expects a report from, in a TOML or CSV file.

TOML::

    [[unit]]
    agency = "青川市财政局"
    kind = "部门"        # optional

CSV (UTF-8, or GBK as Excel saves it on Chinese Windows), with a header row naming the
column 机关名称 (or 单位名称, or agency), and optionally 类别 (or kind).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from reportgen import kinds, untrusted
from reportgen.errors import InputError
from reportgen.model import KINDS
from reportgen.model.text import normalise
from reportgen.sources.tomlfile import TomlSyntaxError, parse

UNREADABLE = "已报送，无法读取"  # a unit's file is there but could not be read: it filed, never 未报送
NAME_COLUMNS = ("机关名称", "单位名称", "agency")
KIND_COLUMNS = ("类别", "报告类别", "kind")


@dataclass(frozen=True)
class Unit:
    agency: str
    kind: str = ""


def load(path: Path) -> list[Unit]:
    raw = untrusted.read_file(path, "名单", untrusted.MAX_DATA_FILE)
    units = _from_toml(raw, path) if path.suffix.lower() == ".toml" else _from_csv(raw, path)
    if not units:
        raise InputError(f"名单 {path} 中没有任何单位。")
    return units


def _from_toml(raw: bytes, path: Path) -> list[Unit]:
    try:
        data = parse(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"名单 {path} 不是 UTF-8 编码，请“另存为”UTF-8 后重试。") from None
    except TomlSyntaxError as problem:
        where = f"第{problem.line}行：" if problem.line else ""
        raise InputError(f"名单 {path} {where}{problem.message}") from None
    entries = data.get("unit", [])
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("agency"), str) for e in entries
    ):
        raise InputError(f'名单 {path} 应写成若干 [[unit]]，每个有 agency = "机关名称"。')
    return [Unit(e["agency"].strip(), _kind(str(e.get("kind", "")).strip(), path, n)) for n, e in enumerate(entries, 1)]


def _from_csv(raw: bytes, path: Path) -> list[Unit]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"名单 {path} 的编码无法识别，请另存为 UTF-8 编码的 CSV。")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = rows[0].keys() if rows else []
    name = next((c for c in NAME_COLUMNS if c in header), None)
    if name is None:
        raise InputError(f"名单 {path} 的第一行应有“机关名称”一列。")
    kind = next((c for c in KIND_COLUMNS if c in header), None)
    units = []
    for number, row in enumerate(rows, 2):
        if (row.get(name) or "").strip():
            units.append(Unit(row[name].strip(), _kind((row.get(kind) or "").strip() if kind else "", path, number)))
    return units


def _kind(value: str, path: Path, line: int) -> str:
    """A roster's 类别: 部门 or 政府, or "" when not given."""
    if value and value not in KINDS:
        raise InputError(f"名单 {path} 第{line}行：类别“{value}”只能是“部门”或“政府”（或不填）。")
    return value


def compare(units: list[Unit], files: Iterable[tuple[str, str]]) -> tuple[list[Unit], list[str]]:
    """(units with no annual report, annual reports of no listed unit), given each annual
    report as (agency name in it, file); files whose agency could not be read are left out.
    Callers leave out the year's other documents: a task table or work summary is not a report."""
    files = [(agency, path) for agency, path in files if agency]
    listed = {normalise(u.agency) for u in units}
    found = {normalise(agency) for agency, _ in files}
    missing = [u for u in units if normalise(u.agency) not in found]
    extra = sorted(path for agency, path in files if normalise(agency) not in listed)
    return missing, extra


_AGENCY_LINE = re.compile(r'^\s*agency\s*=\s*"([^"\n]{2,80})"', re.M)


def unreadable_agency(path: str | Path, units: list[Unit] | None = None) -> str:
    """The unit a file that could not be read belongs to: its folder's name (a unit's files
    live in a folder named after it, or after a short name). With a roster, the listed unit
    whose name is the folder's, or failing that the one the file's own ``agency = "…"`` line
    names (a syntax error elsewhere leaves that line readable); else the folder's name."""
    folder = Path(path).parent.name
    if not units:
        return folder
    listed = {normalise(u.agency): u.agency for u in units}
    if normalise(folder) in listed:
        return listed[normalise(folder)]
    try:
        head = untrusted.read_file(Path(path), "数据文件", untrusted.MAX_DATA_FILE)[:65536].decode("utf-8", "replace")
    except (InputError, OSError):
        return folder
    found = _AGENCY_LINE.search(head)
    if found and normalise(found[1]) in listed:
        return listed[normalise(found[1])]
    return folder


def could_be_annual(path: str | Path) -> bool:
    """Whether a file that could not be read may be a unit's annual report: it is not named
    as another kind's file is (2025-任务分解表.toml, 2025-工作总结.toml)."""
    name = Path(path).name
    others = {kind.file.partition("{year}")[2] for kind in kinds.kinds().values()}
    others.discard(".toml")
    return not any(other and name.endswith(other) for other in others)


def filed(units: list[Unit] | None, files: Iterable[tuple[str, str, str | None]]) -> list[tuple[str, str]]:
    """The annual reports a roster is compared with, as (agency, file), from each file as
    (agency read from it, file, document kind; None when it could not be read): a file that
    could not be read counts for the unit it belongs to (``unreadable_agency``), never as 未报送."""
    out = []
    for agency, path, document in files:
        if document is None and could_be_annual(path):
            out.append((unreadable_agency(path, units), path))
        elif document == kinds.ANNUAL:
            out.append((agency, path))
    return out
