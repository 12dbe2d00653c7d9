"""A served or written-to folder that is itself odd, generated for the tests (issue 33): what
shared drives and office folders hold besides a clerk's own files.

    folder = odd_folder(tmp_path)          # data/ as shipped, plus the odd things below
    folder.outside                          # the folder the links lead into (must stay unchanged)

- ``linked``: an agency subfolder that is a symbolic link leading out of the folder;
- ``示例市自然资源和规划局``: the same, named as the agency a published fixture is from;
- ``qingchuan-finance/2026.toml``: next year's file, a link leading out;
- ``dangling/2025.toml``: a link to nothing;
- ``pipe/2025.toml``: a FIFO (a reader that opens it waits for ever);
- data files of hostile shape: ``deep_key`` (one dotted key of 20,000 parts), ``long_figure``
  (a figure of 5,000 digits), ``deep_arrays`` (arrays nested 5,000 deep), ``many_tables``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from conftest import DATA

IMPORTED_AGENCY = "示例市自然资源和规划局"  # the agency of tests/fixtures/published/portal-gbk-2025.html
HEADER = 'agency = "青川市财政局"\nyear = 2025\nkind = "部门"\n'


@dataclass
class OddFolder:
    root: Path
    outside: Path

    def outside_state(self) -> dict[str, bytes]:
        """Every file in the outside folder, with its bytes: compared before and after."""
        return {
            p.relative_to(self.outside).as_posix(): p.read_bytes()
            for p in sorted(self.outside.rglob("*"))
            if p.is_file()
        }


def odd_folder(tmp_path: Path) -> OddFolder:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(DATA / "qingchuan-finance" / "2025.toml", outside / "2025.toml")
    (outside / "2026.toml").write_text("# not reportgen's, outside the folder\n", encoding="utf-8")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / IMPORTED_AGENCY).symlink_to(outside, target_is_directory=True)
    (root / "qingchuan-finance" / "2026.toml").symlink_to(outside / "2026.toml")
    (root / "dangling").mkdir()
    (root / "dangling" / "2025.toml").symlink_to(tmp_path / "nothing-here.toml")
    (root / "pipe").mkdir()
    os.mkfifo(root / "pipe" / "2025.toml")
    return OddFolder(root, outside)


def deep_key(parts: int = 20_000) -> str:
    """``a.b.b.b… = 1``: 40 KB, which tomllib and tomlkit take seconds and gigabytes over."""
    return HEADER + "a" + ".b" * parts + " = 1\n"


def long_figure(digits: int = 5_000) -> str:
    """A figure typed with more digits than Python converts to an int by default (4,300)."""
    return HEADER + "[requests.new]\nnatural = " + "9" * digits + "\n"


def deep_arrays(depth: int = 5_000) -> str:
    return HEADER + "x = " + "[" * depth + "]" * depth + "\n"


def many_parts_table(parts: int = 5_000) -> str:
    return HEADER + "[" + ".".join(f"k{n}" for n in range(parts)) + "]\nv = 1\n"


HOSTILE_SHAPES = {
    "deep_key": deep_key,
    "long_figure": long_figure,
    "deep_arrays": deep_arrays,
    "many_parts_table": many_parts_table,
}

LONG_SEGMENT = "长" * 100 + ".toml"  # 302 bytes in UTF-8: more than a file name may have


SERVED_AGENCY = "qingchuan-finance"
CARRIED = 77  # last year's carry-forward in the file outside the folder: never to be seen by the page


def links_beside(tmp_path: Path, linked: bool = True) -> OddFolder:
    """A served folder ``服务/qingchuan-finance/`` with 2024.toml and 2025.toml, and beside them
    two files from outside: last year's (2023.toml, carrying forward 77 requests, which 2024
    does not carry over: rule X1) and the same year's work summary (2024-工作总结.toml,
    stating 77 requests, which the annual report does not). ``linked``: each is a symbolic
    link leading out of the folder; else a copy inside it (what the page may use)."""
    root = tmp_path / "服务"
    agency = root / SERVED_AGENCY
    agency.mkdir(parents=True)
    for name in ("2024.toml", "2025.toml"):
        shutil.copy(DATA / SERVED_AGENCY / name, agency / name)
    outside = tmp_path / "外面"
    outside.mkdir()
    last = (DATA / SERVED_AGENCY / "2024.toml").read_text(encoding="utf-8")
    last = last.replace("year = 2024", "year = 2023").replace(
        "carry_forward = { natural_person = 2 }", f"carry_forward = {{ natural_person = {CARRIED} }}"
    )
    (outside / "2023.toml").write_text(last, encoding="utf-8")
    summary = (DATA / SERVED_AGENCY / "2025-工作总结.toml").read_text(encoding="utf-8")
    summary = summary.replace("year = 2025", "year = 2024").replace("date = 2026-01-12", "date = 2025-01-10")
    summary = summary.replace("[figures]\n", f"[figures]\nrequests = {CARRIED}\n")
    (outside / "2024-工作总结.toml").write_text(summary, encoding="utf-8")
    for name in ("2023.toml", "2024-工作总结.toml"):
        if linked:
            (agency / name).symlink_to(outside / name)
        else:
            shutil.copy(outside / name, agency / name)
    return OddFolder(root, outside)
