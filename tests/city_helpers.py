"""A city's coordinating office, generated: a roster of units and a data folder holding the
annual report of most of them, as an office collects them (issue 37).

Every unit's file is the fictional 青川市人力资源和社会保障局's report under the unit's name,
in a folder named after the unit (as ``reportgen init`` names it without ``--short``).
Some units never filed (no folder), some filed a file that cannot be read (a TOML syntax
error), some filed one with a warning (no telephone number).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conftest import DATA

DISTRICTS = ("", "临江区", "青山区", "北川县", "南溪镇")
OFFICES = (
    "财政局",
    "教育局",
    "民政局",
    "司法局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电旅游局",
    "卫生健康委员会",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "住房和城乡建设局",
    "自然资源和规划局",
    "生态环境局",
    "退役军人事务局",
)
SOURCE = DATA / "qingchuan-hrss" / "2025.toml"


@dataclass
class City:
    data: Path
    roster: Path
    names: list[str]
    missing: list[str]
    broken: list[str]
    warned: list[str]


def unit_names(count: int) -> list[str]:
    names = []
    for index in range(count):
        district = DISTRICTS[index // len(OFFICES) % len(DISTRICTS)]
        office = OFFICES[index % len(OFFICES)]
        round_ = index // (len(OFFICES) * len(DISTRICTS))
        names.append(f"青川市{district}{office}" + (f"第{round_ + 1}分局" if round_ else ""))
    return names


def make_city(root: Path, units: int = 30, missing: int = 3, broken: int = 2, warned: int = 2) -> City:
    """``units`` units on the roster; the last ``missing`` never filed, the first ``broken``
    filed a file with a syntax error, the next ``warned`` left the telephone blank."""
    names = unit_names(units)
    data, text = root / "data", SOURCE.read_text(encoding="utf-8")
    for index, name in enumerate(names[: units - missing]):
        body = text.replace("青川市人力资源和社会保障局", name)
        if index < broken:
            body = body.replace("year = 2025", "year = 2025\nkind = 部门 机关", 1)  # a bare word: a syntax error
        elif index < broken + warned:
            body = body.replace('phone = "0839-3218856"', 'phone = ""')
        folder = data / name
        folder.mkdir(parents=True)
        (folder / "2025.toml").write_text(body, encoding="utf-8")
    roster = root / "名单.csv"
    roster.write_text("机关名称,类别\n" + "".join(f"{n},部门\n" for n in names), encoding="utf-8")
    return City(data, roster, names, names[units - missing :], names[:broken], names[broken : broken + warned])
