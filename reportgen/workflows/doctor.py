"""``reportgen doctor``: what this computer has of what reportgen needs, one line each.

Each ``Need`` is met (✔) or says what to do. Required needs (Python, reportgen's packages,
drafting a report, a writable output folder) decide whether drafting works; the others
(LibreOffice for PDFs, the 公文 fonts, a console that shows Chinese) only say what is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.renderers.fonts import FACES

PYTHON = (3, 11)
GONGWEN_FONTS = ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体")
# Windows keeps fonts as files: the file names of the fonts reportgen uses, by family.
WINDOWS_FONT_FILES = {
    "方正小标宋简体": ("fzxbsjw.ttf", "方正小标宋简体.ttf", "fzxbsjw--gb1-0.ttf"),
    "仿宋_GB2312": ("仿宋_gb2312.ttf", "fs_gb2312.ttf", "simfang_gb2312.ttf"),
    "楷体_GB2312": ("楷体_gb2312.ttf", "kt_gb2312.ttf", "simkai_gb2312.ttf"),
    "黑体": ("simhei.ttf",),
    "仿宋": ("simfang.ttf",),
    "楷体": ("simkai.ttf",),
    "宋体": ("simsun.ttc",),
    "Noto Serif CJK SC": ("notoserifcjk-regular.ttc", "notoserifcjksc-regular.otf"),
    "Noto Sans CJK SC": ("notosanscjk-regular.ttc", "notosanscjksc-regular.otf"),
}


@dataclass
class Need:
    ok: bool
    text: str  # what was found, or what to do
    required: bool = True


@dataclass
class Examination:
    needs: list[Need]

    @property
    def drafting_works(self) -> bool:
        return all(need.ok for need in self.needs if need.required)


def examine(output: Path, console_encoding: str | None, console_shows_chinese: bool) -> Examination:
    """Every need, in the order a clerk would fix them."""
    return Examination(
        [
            python(),
            packages(),
            drafting(),
            output_folder(output),
            libreoffice(),
            *fonts(),
            Need(
                True, "不需要 Chromium 或其他浏览器组件（reportgen serve 用电脑上已有的浏览器打开）。", required=False
            ),
            console(console_encoding, console_shows_chinese),
        ]
    )


def python() -> Need:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= PYTHON:
        return Need(True, f"Python {version}（{sys.executable}）")
    return Need(False, f"Python {version} 太旧：reportgen 需要 Python 3.11 或更新的版本，请到 python.org 下载安装。")


def packages() -> Need:
    """reportgen's own version and those of the packages it needs, each installed."""
    try:
        own = metadata.version("reportgen")
        wanted = [_name(r) for r in metadata.requires("reportgen") or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        return Need(False, "reportgen 没有安装完整（找不到它的安装信息），请重新安装：pip install reportgen。")
    found, missing = [], []
    for name in wanted:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Need(
            False,
            f"缺少 reportgen 需要的软件包：{'、'.join(missing)}。请重新安装 reportgen"
            "（不能上网的电脑：见 README“政务内网（不能上网）的电脑上安装”）。",
        )
    return Need(True, f"reportgen {own}，软件包齐全：{'，'.join(found)}")


def _name(requirement: str) -> str:
    return re.split(r"[\s;<>=!~\[(]", requirement.strip(), maxsplit=1)[0]


def drafting() -> Need:
    """A real draft, Word and Markdown, of a blank report made in memory."""
    from reportgen.checks.check import check_text
    from reportgen.formats import statutory
    from reportgen.workflows.build import Renderers, render_drafts
    from reportgen.workflows.scaffold import new_file

    try:
        report = check_text(new_file(statutory.require_format(2025), "测试局", 2025, "部门")).report
        assert report is not None  # a new file, as init writes it, is always read
        drafts = render_drafts(report, Renderers.prepare(), ("docx", "md"))
    except (ReportgenError, OSError, ValueError) as problem:
        return Need(False, f"生成草稿失败：{problem}。请重新安装 reportgen。")
    if not drafts.get("docx") or not drafts.get("md"):
        return Need(False, "生成草稿失败：没有得到 Word 或 Markdown 草稿。请重新安装 reportgen。")
    return Need(True, "可以生成 Word 和 Markdown 草稿（用一份空白报告试过）")


def output_folder(folder: Path) -> Need:
    """The folder drafts are written to: writable (or creatable), tried with a file of our own."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return Need(False, f"输出文件夹 {folder} 无法创建：{existing} 不是文件夹。请用 -o 指定别的文件夹。")
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".reportgen-doctor-", suffix=".tmp"):
            pass
    except OSError:
        return Need(
            False,
            f"输出文件夹 {existing} 不能写入（没有权限或磁盘已满）。请用 -o 指定自己能写的文件夹，如“文档”中的一个文件夹。",
        )
    where = folder if folder == existing else f"{folder}（运行时创建，{existing.resolve()} 可以写入）"
    return Need(True, f"输出文件夹可以写入：{where}")


def libreoffice() -> Need:
    from reportgen.renderers.pdf import LibreOffice, PdfUnavailable

    try:
        office = LibreOffice.find()
    except PdfUnavailable as missing:
        return Need(
            False, f"没有 LibreOffice，只是不能生成 PDF（Word 和 Markdown 草稿不受影响）。{missing}", required=False
        )
    version = office.version() or "版本未知"
    return Need(True, f"{version}（{office.program}），可以生成 PDF", required=False)


def installed_fonts() -> set[str] | None:
    """The font families this computer has: from fc-list where there is one, else from the
    Windows font folders by file name; None when neither can be read."""
    if shutil.which("fc-list"):
        try:
            done = subprocess.run(["fc-list", ":", "family"], capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return {
            name.strip()
            for line in done.stdout.decode("utf-8", "replace").splitlines()
            for name in line.split(",")
            if name.strip()
        }
    folders = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if os.environ.get("LOCALAPPDATA"):
        folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    files = {p.name.lower() for folder in folders if folder.is_dir() for p in folder.iterdir()}
    if not files:
        return None
    return {family for family, names in WINDOWS_FONT_FILES.items() if files & set(names)}


def fonts() -> list[Need]:
    """Each 公文 font (met), or the stand-in Word/WPS and LibreOffice will use for it (an
    optional thing missing: what to install is said), or neither (optional too: Word and
    Markdown drafts do not need fonts; a PDF's characters would be another font's)."""
    have = installed_fonts()
    if have is None:
        return [Need(False, "无法列出这台电脑的字体（没有 fc-list，也找不到 Windows 的字体文件夹）。", required=False)]
    needs = []
    for font in GONGWEN_FONTS:
        face = FACES[font]
        others = [f for f in dict.fromkeys((face.windows, face.noto)) if f != font]
        stand_ins = [f for f in others if f in have]
        if font in have:
            needs.append(Need(True, f"字体 {font}", required=False))
        elif stand_ins:
            needs.append(
                Need(
                    False,
                    f"字体 {font}：没有安装，用 {stand_ins[0]} 代替（要与正式公文一致，请安装 {font}）",
                    required=False,
                )
            )
        else:
            needs.append(
                Need(
                    False,
                    f"字体 {font}：没有安装，也没有可代替的 {' 或 '.join(others)}。"
                    f"请安装 {font}（Linux：sudo apt-get install fonts-noto-cjk 可作代替）。",
                    required=False,
                )
            )
    return needs


def console(encoding: str | None, shows_chinese: bool) -> Need:
    if shows_chinese:
        return Need(True, f"命令行窗口可以显示中文（{encoding or 'utf-8'}）", required=False)
    return Need(
        False,
        f"命令行窗口不能显示中文（{encoding}）：Windows 先运行 chcp 65001，"
        "或设置环境变量 PYTHONIOENCODING=utf-8。生成的文件不受影响。",
        required=False,
    )
