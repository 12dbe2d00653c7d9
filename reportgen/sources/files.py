"""Finding the data files a command was given: files as named, folders searched by year."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable


def collect(inputs: Iterable[Path], year: int | None) -> list[Path]:
    """The data files named, and in folders those whose name carries the year (2025.toml).
    Hidden files and Office lock files (~$…) are left out."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            if year is None:
                raise ValueError("a folder needs a year")
            found += sorted(
                p for p in item.rglob("*.toml")
                if str(year) in p.name and not p.name.startswith((".", "~$"))
            )
        else:
            found.append(item)
    return list(dict.fromkeys(found))
