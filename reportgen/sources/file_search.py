"""Finding the data files a command was given: files as named, folders searched by year."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from reportgen.filenames import not_data


def collect(inputs: Iterable[Path], year: int | None) -> list[Path]:
    """The data files named, and in folders those whose name carries the year: data files
    (2025.toml) and returned fill-in forms (…2025年…填报表.xlsx). Hidden files, Office
    lock files (~$…) and reportgen's backups (2025.备份-1.toml) are left out."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            if year is None:
                raise ValueError("a folder needs a year")
            found += sorted(
                p
                for p in item.rglob("*")
                if p.suffix.lower() in (".toml", ".xlsx") and str(year) in p.name and not not_data(p)
            )
        else:
            found.append(item)
    return list(dict.fromkeys(found))
