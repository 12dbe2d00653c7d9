"""The names of the files reportgen writes beside a person's files, and recognises again.

Shared by the stages that read folders (``sources``: which files are data) and the stage
that writes (``output``: backups, temporaries, the record of what was written), so it sits
below both.

- a backup of a file about to be replaced: ``X.备份-1.docx``, ``2025.备份-2.toml`` (the
  file's own extension, numbered);
- a temporary file while writing: ``.reportgen-….tmp`` (renamed over the final name);
- the record of what reportgen wrote into a folder: ``.reportgen-manifest.jsonl``.
"""

from __future__ import annotations

import re
from pathlib import Path

BACKUP = "备份"
MANIFEST = ".reportgen-manifest.jsonl"
TEMP_PREFIX = ".reportgen-"
_BACKUP_NAME = re.compile(rf"\.{BACKUP}-\d+(\.[^.]*)?$")


def backup_name(path: Path, number: int) -> Path:
    """X.docx → X.备份-1.docx; a name ending in a compound suffix keeps its last part."""
    return path.with_name(f"{path.stem}.{BACKUP}-{number}{path.suffix}")


def is_backup(path: Path | str) -> bool:
    return bool(_BACKUP_NAME.search(Path(path).name))


def not_data(path: Path | str) -> bool:
    """A file that is never a clerk's input: hidden, an Office lock file (~$…), or one of
    reportgen's backups."""
    name = Path(path).name
    return name.startswith((".", "~$")) or is_backup(name)
