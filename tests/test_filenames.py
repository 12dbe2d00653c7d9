"""Names made from agency names, years and uploaded files: valid on Windows, macOS and
Linux alike, whatever the agency is called (filenames.safe_name), in every writer."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from cli_helpers import run
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.filenames import MAX_NAME_BYTES, safe_name

FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)} | {"\x7f"}
RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$", re.IGNORECASE)
KINDS = ("政府信息公开工作年度报告", "政务公开工作要点任务分解表", "政府信息公开数据填报表", "政务公开工作总结")

# Agency names as people type them, and as they should not: Chinese, Latin, the characters
# Windows forbids, control characters, dots and spaces at the ends, device names, very long.
agency_names = st.one_of(
    st.text(min_size=0, max_size=200),
    st.text(
        alphabet=st.sampled_from(list("青川市财政局人力资源社会保障（）·〇 .-_") + sorted(FORBIDDEN)), max_size=300
    ),
    st.sampled_from(["CON", "prn", "Aux", "NUL", "COM1", "lpt9", "con.", "CON ", " ..", "...", "", "\t"]),
)


def assert_valid_everywhere(name: str) -> None:
    assert name and not (set(name) & FORBIDDEN), name
    assert name == name.strip(" .") and name not in (".", "..")
    assert PureWindowsPath(name).name == name == PurePosixPath(name).name
    assert not RESERVED.match(name.split(".")[0].rstrip(" "))
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


@settings(max_examples=300, deadline=None)
@given(agency=agency_names, year=st.integers(1990, 2099), kind=st.sampled_from(KINDS))
def test_any_agency_name_gives_a_name_valid_everywhere_keeping_year_and_kind(agency, year, kind):
    name = safe_name(f"{agency}{year}年{kind}")
    assert_valid_everywhere(name)
    assert name.endswith(f"{year}年{kind}"), name  # the year and the kind survive any shortening
    assert safe_name(name) == name  # made safe once and for all


@settings(max_examples=200, deadline=None)
@given(agency=agency_names)
def test_a_bare_agency_name_or_an_upload_gives_a_valid_name(agency, tmp_path_factory):
    name = safe_name(agency, fallback="上传的文件")
    assert_valid_everywhere(name)
    folder = tmp_path_factory.mktemp("n")
    (folder / name).write_text("x", encoding="utf-8")  # this file system takes it, with a backup's suffix too
    (folder / f"{name}.备份-12.docx").write_text("x", encoding="utf-8")
    assert [p.name for p in folder.iterdir()].count(name) == 1


def test_examples():
    assert (
        safe_name("CON") == "_CON" and safe_name("nul.txt") == "_nul.txt" and safe_name("Com1 .docx") == "_Com1 .docx"
    )
    assert safe_name('青川市"阳光"办/科:*?') == "青川市_阳光_办_科_"
    assert safe_name("  某局. . ") == "某局"
    assert safe_name("../..") == "report" and safe_name("", fallback="上传的文件") == "上传的文件"
    long = safe_name("某" * 100 + "2025年政府信息公开工作年度报告")
    assert long.endswith("…2025年政府信息公开工作年度报告") and long.startswith("某某某")
    assert (
        safe_name("CONSOLE") == "CONSOLE"
        and safe_name("青川市财政局2025年政府信息公开工作年度报告") == "青川市财政局2025年政府信息公开工作年度报告"
    )


# ------------------------------------------------------------------ every writer

HOSTILE = '青川市"阳光"/政务:服务*中心?' + "某" * 40  # 57 characters: within the 60 allowed, shortened in file names


def hostile_data(tmp_path: Path) -> Path:
    text = (DATA / "qingchuan-hrss" / "2025.toml").read_text(encoding="utf-8")
    source = tmp_path / "data" / "hostile" / "2025.toml"
    source.parent.mkdir(parents=True)
    source.write_text(text.replace("青川市人力资源和社会保障局", HOSTILE.replace('"', '\\"')), encoding="utf-8")
    return source


def written_names(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if not p.name.startswith(".")]


def test_build_form_and_batch_name_their_files_safely(tmp_path):
    source = hostile_data(tmp_path)
    for args in (
        ("build", source, "-o", tmp_path / "build", "--to", "docx,md,html,xlsx"),
        ("form", source, "-o", tmp_path / "form"),
        ("form", "--agency", HOSTILE, "--year", 2025, "-o", tmp_path / "blank"),
        ("batch", tmp_path / "data", "--year", 2025, "-o", tmp_path / "batch", "--jobs", 1),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output
    for folder in ("build", "form", "blank", "batch"):
        names = [n for n in written_names(tmp_path / folder) if not n.startswith("summary.")]
        assert names, folder
        for name in names:
            stem = name.split(".")[0]  # X.docx, X.网页片段.html
            assert_valid_everywhere(stem)
            assert stem.endswith(("2025年政府信息公开工作年度报告", "2025年政府信息公开数据填报表")), name
            assert stem.startswith("青川市_阳光_政务_服务_中心_某"), name


def test_import_names_the_agency_folder_safely(tmp_path):
    source = hostile_data(tmp_path)
    assert run("build", source, "-o", tmp_path / "drafts", "--to", "md").exit_code == 0
    draft = next((tmp_path / "drafts").glob("*.md"))
    result = run("import", draft, "-o", tmp_path / "imported")
    assert result.exit_code in (0, 1), result.output
    folders = [p for p in (tmp_path / "imported").iterdir() if p.is_dir()]
    assert len(folders) == 1
    assert_valid_everywhere(folders[0].name)
    assert (folders[0] / "2025.toml").exists()
