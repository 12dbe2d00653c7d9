"""What the generation record must say of a folder, checked as a user's next command reads it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reportgen.filenames import MANIFEST

NOT_RECORDED = ("summary.json", "summary.csv", MANIFEST)


def record_lines(folder: Path) -> list[dict]:
    path = folder / MANIFEST
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def assert_record_names_every_file(
    folder: Path, sources: dict[str, Path] | None = None, edited=(), travels: bool = True
) -> None:
    """Every file reportgen wrote in ``folder`` (backups aside) has a record under its own
    name whose digest is the file's own, unless a person changed it since (``edited``:
    names); every recorded data file, worked out from the folder, is the one it was made
    from (``sources``: file name → data file). ``travels=False``: the folder was copied or
    moved without its data, so a recorded data file need not be found."""
    last: dict[str, dict] = {}
    for entry in record_lines(folder):
        last[entry["file"]] = entry
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in NOT_RECORDED or "备份" in path.name or path.name.startswith("."):
            continue
        entry = last.get(path.name)
        assert entry is not None, f"no record for {path.name}: {sorted(last)}"
        assert path.name in edited or entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), (
            f"{path.name}: another file's digest"
        )
        if "source" in entry:
            assert not Path(entry["source"]).is_absolute() or ":" in entry["source"], entry
            where = (folder / entry["source"]).resolve()
            assert where.is_file() or not travels, (path.name, entry["source"])
            if sources and path.name in sources:
                assert where == sources[path.name].resolve(), (path.name, entry["source"])
        if path.suffix == ".pdf":
            assert "printed_from" in entry and "markers" not in entry, entry


def assert_one_line_per_file(folder: Path) -> None:
    names = [entry["file"] for entry in record_lines(folder)]
    assert len(names) == len(set(names)), names
