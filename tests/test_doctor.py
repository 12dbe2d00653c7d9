"""`reportgen doctor` through the real entry point: one line per need, ✔ or what to do; exit 0
when drafting works, 1 when something required is missing. Other machines are imitated
with a PATH holding fake `fc-list` and `soffice` programs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from cli_helpers import run, run_process

import reportgen


def program(folder, name, output):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    printed = " ".join(f"'{line}'" for line in output.splitlines())  # printf: a shell builtin, no PATH needed
    path.write_text(f"#!/bin/sh\nprintf '%s\\n' {printed}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def doctor(tmp_path, *args, env=None):
    return run_process("doctor", *args, cwd=tmp_path, env={"REPORTGEN_SOFFICE": "", **(env or {})})


MARKS = ("✔ ", "✘ ", "！ ", "[OK] ", "[X] ", "[!] ")
ASCII = {"PYTHONIOENCODING": "ascii"}
C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}


def lines(result):
    return [line for line in result.stdout.splitlines() if line.startswith(MARKS)]


def flat(text):
    """The text without the line breaks and indents of wrapping."""
    return "".join(text.split())


def test_this_machine(tmp_path):
    result = doctor(tmp_path)
    assert result.exit_code == 0, result.output
    said = result.stdout
    assert f"✔ Python {sys.version_info.major}.{sys.version_info.minor}" in said
    assert f"✔ reportgen {reportgen.__version__}，软件包齐全：typer " in said and "python-docx " in said
    assert "✔ 可以生成 Word 和 Markdown 草稿" in said
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    assert f"✔ LibreOffice {version}" in said and "可以生成 PDF" in said
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    if "黑体" not in families:  # the suite's machines have Noto CJK, not the 公文 fonts: stand-ins, marked ！
        assert flat("！ 字体 黑体：没有安装，用 Noto Sans CJK SC 代替（要与正式公文一致，请安装 黑体）") in flat(said)
        assert "标“！”的几项按需处理" in said
    assert "✔ 命令行窗口可以显示中文" in said and "✔ 输出文件夹可以写入：output" in said
    assert "可以使用 reportgen 生成草稿。" in said
    assert len(lines(result)) == 11
    assert not (tmp_path / "output").exists()  # looked at, not made


def test_an_office_pc_with_the_gongwen_fonts_and_libreoffice_in_program_files(tmp_path):
    bin_ = tmp_path / "bin"
    program(bin_, "fc-list", "方正小标宋简体\n仿宋_GB2312\n楷体_GB2312,KaiTi_GB2312\n黑体,SimHei\n")
    program(bin_, "soffice", "LibreOffice 24.8.4.2 abc")
    result = doctor(tmp_path, env={"PATH": str(bin_)})
    assert result.exit_code == 0, result.output
    for font in ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体"):
        assert f"✔ 字体 {font}\n" in result.stdout
    assert flat(f"✔ LibreOffice 24.8.4.2 abc（{bin_ / 'soffice'}），可以生成 PDF") in flat(result.stdout)
    assert "！" not in result.stdout


def test_a_pc_without_libreoffice_or_fonts_still_drafts(tmp_path):
    bin_ = tmp_path / "bin"
    program(bin_, "fc-list", "DejaVu Sans\n")
    result = doctor(tmp_path, env={"PATH": str(bin_)})
    assert result.exit_code == 0, result.output
    said = result.stdout
    assert "！ 没有 LibreOffice，只是不能生成 PDF" in said and "已找过" in said and "REPORTGEN_SOFFICE" in flat(said)
    assert flat("！ 字体 仿宋_GB2312：没有安装，也没有可代替的 仿宋 或 Noto Serif CJK SC") in flat(said)
    assert flat("！ 字体 黑体：没有安装，也没有可代替的 Noto Sans CJK SC") in flat(said)
    assert "标“！”的几项按需处理" in said


def test_fonts_with_only_stand_ins_are_marked_optional_with_what_to_install(tmp_path):
    """The README: a missing optional thing gets ！. A 公文 font stood in for (by Noto CJK,
    by Windows' 仿宋) is such a thing, said with what to install; one installed gets ✔."""
    bin_ = tmp_path / "bin"
    program(bin_, "fc-list", "Noto Serif CJK SC\nNoto Sans CJK SC,Noto Sans CJK SC Regular\n仿宋,FangSong\n黑体\n")
    result = doctor(tmp_path, env={"PATH": str(bin_)})
    assert result.exit_code == 0, result.output
    said = flat(result.stdout)
    assert (
        flat("！ 字体 方正小标宋简体：没有安装，用 Noto Serif CJK SC 代替（要与正式公文一致，请安装 方正小标宋简体）")
        in said
    )
    assert flat("！ 字体 仿宋_GB2312：没有安装，用 仿宋 代替（要与正式公文一致，请安装 仿宋_GB2312）") in said
    assert flat("！ 字体 楷体_GB2312：没有安装，用 Noto Serif CJK SC 代替") in said
    assert "✔ 字体 黑体\n" in result.stdout
    assert not [line for line in lines(result) if line.startswith("✔ 字体") and "代替" in line]
    assert "标“！”的几项按需处理" in result.stdout


def test_an_output_folder_that_cannot_be_written_is_required(tmp_path):
    (tmp_path / "报告.docx").write_text("不是文件夹", encoding="utf-8")
    result = doctor(tmp_path, "-o", tmp_path / "报告.docx" / "草稿")
    assert result.exit_code == 1, result.output
    assert flat(f"✘ 输出文件夹 {tmp_path / '报告.docx' / '草稿'} 无法创建") in flat(result.stdout)
    assert "缺少必需的东西" in result.stdout


def test_a_missing_package_is_required(tmp_path):
    hidden = tmp_path / "hide"
    hidden.mkdir()
    # a sitecustomize that makes one of reportgen's packages look uninstalled
    (hidden / "sitecustomize.py").write_text(
        "import importlib.metadata as m\n_real = m.version\n"
        "def version(name):\n    if name == 'openpyxl':\n        raise m.PackageNotFoundError(name)\n"
        "    return _real(name)\nm.version = version\n",
        encoding="utf-8",
    )
    result = doctor(tmp_path, env={"PYTHONPATH": str(hidden)})
    assert result.exit_code == 1, result.output
    assert "✘ 缺少 reportgen 需要的软件包：openpyxl" in result.stdout


@pytest.mark.parametrize("encoding", ["ascii", "gbk"])
def test_consoles_that_cannot_show_everything(tmp_path, encoding):
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "doctor"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    said = done.stdout.decode(encoding)
    if encoding == "ascii":
        assert done.stderr.decode("ascii").count("cannot show Chinese") == 1
    else:  # GBK shows Chinese but has no ✔ or ✘: their ASCII stand-ins
        assert "[OK] 可以生成 Word 和 Markdown 草稿" in said and "[OK] 命令行窗口可以显示中文（gbk）" in said
    assert not [line for line in said.splitlines() if line.startswith("? ")]
    assert len([line for line in said.splitlines() if line.startswith(MARKS[3:])]) == 11


@pytest.mark.parametrize("env", [ASCII, C_LOCALE], ids=["ascii", "c-locale"])
def test_an_ascii_console_tells_the_marks_apart(tmp_path, env):
    """Met, required-and-missing and optional-and-missing each keep a mark of their own,
    [OK], [X] and [!], where ✔ ✘ ！ would all be shown as '?'; the lines are otherwise as
    a UTF-8 console shows them (their Chinese as '?')."""
    bin_ = tmp_path / "bin"
    program(bin_, "fc-list", "Noto Serif CJK SC\nNoto Sans CJK SC\n")
    (tmp_path / "报告.docx").write_text("不是文件夹", encoding="utf-8")
    args = ("-o", tmp_path / "报告.docx" / "草稿")
    result = doctor(tmp_path, *args, env={"PATH": str(bin_), **env})
    assert result.exit_code == 1 and "Traceback" not in result.stderr, result.output
    said = result.stdout.splitlines()
    assert said[0].startswith("[OK] Python ") and result.stdout.isascii()
    assert [line for line in said if line.startswith("[X] ")], result.stdout  # the output folder
    assert len([line for line in said if line.startswith("[!] ")]) == 6, result.stdout  # LibreOffice, 4 fonts, console
    assert not [line for line in said if line.startswith("? ")]
    utf8 = doctor(tmp_path, *args, env={"PATH": str(bin_)})
    shown = [line for line in utf8.stdout.splitlines() if line.startswith(MARKS[:3])]
    assert [line.split(" ", 1)[0] for line in lines(result)][:-1] == [
        {"✔": "[OK]", "✘": "[X]", "！": "[!]"}[line[0]] for line in shown
    ][:-1]  # the last: the console's
    assert said[-1] == "缺少必需的东西（标“[X]”的几项），请先按提示处理。".encode("ascii", "replace").decode()


def test_listed_in_the_help():
    result = run("--help")
    assert "doctor" in result.stdout
