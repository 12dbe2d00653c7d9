"""An SVG drawn as a PNG, with a Chinese face found on this machine, no browser, no network.

The rasteriser is resvg (``resvg-py``: a wheel for Linux and Windows, nothing else to
install). It is given only the font files chosen here, never the machine's whole font
list, so the same SVG and the same font file give the same bytes, and what other fonts a
machine has does not change the picture. The face is the first of ``FACES`` found in the
font folders of Linux, Windows and macOS: Noto Sans CJK SC (思源黑体, Debian's and the
domestic Linux desktops' fonts-noto-cjk), Source Han Sans SC, Microsoft YaHei (every
Windows), SimHei, WenQuanYi Micro Hei. A machine with none of them cannot draw the PNG
and is told which to install; the SVG does not need one.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportgen.errors import ReportgenError

# The faces the picture may be drawn with, in order of preference: family name, and the file
# names of its regular and bold weights (the bold may be absent: resvg then draws bold text
# with the regular face).
FACES = (
    (
        "Noto Sans CJK SC",
        ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf"),
        ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"),
    ),
    (
        "Source Han Sans SC",
        ("SourceHanSans-Regular.ttc", "SourceHanSansSC-Regular.otf"),
        ("SourceHanSans-Bold.ttc", "SourceHanSansSC-Bold.otf"),
    ),
    ("Microsoft YaHei", ("msyh.ttc", "msyh.ttf"), ("msyhbd.ttc", "msyhbd.ttf")),
    ("SimHei", ("simhei.ttf",), ()),
    ("WenQuanYi Micro Hei", ("wqy-microhei.ttc",), ()),
)
FAMILIES = ", ".join(f"'{family}'" for family, _, _ in FACES) + ", sans-serif"  # the SVG's font-family


@dataclass(frozen=True)
class Face:
    family: str
    files: tuple[str, ...]  # regular, then bold when found


def font_folders() -> list[Path]:
    """Where fonts are installed on Linux, Windows and macOS, for all users and for one."""
    home = Path.home()
    folders = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/System/Library/Fonts"),
        Path("/Library/Fonts"),
        home / "Library/Fonts",
    ]
    if sys.platform == "win32" or os.environ.get("WINDIR"):
        windows = Path(os.environ.get("WINDIR", r"C:\Windows"))
        folders.insert(0, windows / "Fonts")
        if os.environ.get("LOCALAPPDATA"):
            folders.insert(1, Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    return [folder for folder in folders if folder.is_dir()]


@cache
def face() -> Face | None:
    """The first of ``FACES`` installed here, or None."""
    found: dict[str, Path] = {}
    wanted = {name.lower() for _, regular, bold in FACES for name in (*regular, *bold)}
    for folder in font_folders():
        for root, _, names in os.walk(folder):
            for name in names:
                if name.lower() in wanted:
                    found.setdefault(name.lower(), Path(root) / name)
    for family, regular, bold in FACES:
        first = next((found[n.lower()] for n in regular if n.lower() in found), None)
        if first is not None:
            heavy = next((found[n.lower()] for n in bold if n.lower() in found), None)
            return Face(family, (str(first),) + ((str(heavy),) if heavy else ()))
    return None


def require_face() -> Face:
    """The face to draw with; a clear message when this machine has none."""
    chosen = face()
    if chosen is None:
        raise ReportgenError(
            "没有找到可用于图解 PNG 的中文黑体字体。请安装思源黑体（Noto Sans CJK SC）、"
            "微软雅黑或黑体（SimHei）后重试；SVG 图解不需要字体，可以只生成 SVG。"
        )
    return chosen


def render(svg: str) -> bytes:
    """The PNG of ``svg`` at its own size, drawn with ``require_face()``."""
    import resvg_py  # imported when a picture is drawn (start-up time)

    chosen = require_face()
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            skip_system_fonts=True,
            font_files=list(chosen.files),
            font_family=chosen.family,
            sans_serif_family=chosen.family,
        )
    )
