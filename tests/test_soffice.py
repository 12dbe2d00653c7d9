"""Finding LibreOffice: REPORTGEN_SOFFICE, then PATH, then where its installers put it on
Windows, macOS and Linux; a missing one is explained with every place tried."""

from __future__ import annotations

import os
import stat

import pytest
from cli_helpers import run
from conftest import EXAMPLES

from reportgen.renderers.pdf import LibreOffice, PdfUnavailable


def fake_program(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho 'LibreOffice 24.8.4.2 fake'\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_found_on_path(tmp_path):
    program = fake_program(tmp_path / "bin" / "soffice")
    found = LibreOffice.find(environ={"PATH": f"{tmp_path / 'empty'}{os.pathsep}{tmp_path / 'bin'}"})
    assert found.program == str(program)
    assert found.version() == "LibreOffice 24.8.4.2 fake"


def test_found_as_libreoffice_on_path(tmp_path):
    program = fake_program(tmp_path / "bin" / "libreoffice")
    assert LibreOffice.find(environ={"PATH": str(tmp_path / "bin")}).program == str(program)


@pytest.mark.parametrize("variable", ["PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"])
def test_found_where_the_windows_installer_puts_it(tmp_path, variable):
    base = tmp_path / "Program Files"
    inside = base / "Programs" if variable == "LOCALAPPDATA" else base
    program = fake_program(inside / "LibreOffice" / "program" / "soffice.exe")
    (program.parent / "version.ini").write_text("[Version]\nMsiProductVersion=7.6.4.1\n", encoding="utf-8")
    found = LibreOffice.find(platform="win32", environ={"PATH": str(tmp_path / "empty"), variable: str(base)})
    assert found.program == str(program)
    assert found.version() == "LibreOffice 7.6.4.1"


def test_found_in_the_macos_applications_folders(tmp_path):
    program = fake_program(tmp_path / "home" / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    found = LibreOffice.find(platform="darwin", environ={"PATH": str(tmp_path / "empty")}, home=tmp_path / "home")
    assert found.program == str(program)


def test_named_by_the_environment_variable_as_a_program_or_its_folder(tmp_path):
    program = fake_program(tmp_path / "LO" / "program" / "soffice")
    on_path = fake_program(tmp_path / "bin" / "soffice")
    for named in (program, program.parent):
        found = LibreOffice.find(environ={"PATH": str(on_path.parent), "REPORTGEN_SOFFICE": str(named)})
        assert found.program == str(program)  # the variable wins over PATH


def test_missing_names_every_place_tried(tmp_path):
    with pytest.raises(PdfUnavailable) as missing:
        LibreOffice.find(
            platform="win32",
            environ={
                "PATH": str(tmp_path),
                "PROGRAMFILES": str(tmp_path / "PF"),
                "REPORTGEN_SOFFICE": str(tmp_path / "nowhere" / "soffice.exe"),
            },
        )
    said = str(missing.value)
    assert f"环境变量 REPORTGEN_SOFFICE 指向的 {tmp_path / 'nowhere' / 'soffice.exe'}（不存在）" in said
    assert "PATH 中的 soffice、libreoffice" in said
    assert str(tmp_path / "PF" / "LibreOffice" / "program" / "soffice.exe") in said
    assert "libreoffice.org" in said


def test_the_command_line_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("REPORTGEN_SOFFICE", raising=False)
    result = run("build", EXAMPLES[0], "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 1
    assert "已找过：环境变量 REPORTGEN_SOFFICE（未设置）；PATH 中的 soffice、libreoffice" in result.output
    assert not (tmp_path / "out").exists()
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(tmp_path / "没有这个"))
    result = run("batch", EXAMPLES[0].parent.parent, "--year", 2025, "-o", tmp_path / "out", "--to", "pdf")
    assert result.exit_code == 1 and f"指向的 {tmp_path / '没有这个'}（不存在）" in result.output
