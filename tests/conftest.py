"""Shared helpers: paths, and data files built from a valid skeleton."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ALL_EXAMPLES = sorted(DATA.glob("*/*.toml"))  # every document kind


def _kind(path: Path) -> str:
    from reportgen.sources.datafile import kind_of_file

    return kind_of_file(path)


EXAMPLES = [p for p in ALL_EXAMPLES if _kind(p) == "annual"]  # the statutory annual reports
DOCUMENTS = [p for p in ALL_EXAMPLES if _kind(p) != "annual"]  # task tables, work summaries, pre-2019 reports
# A task table whose headings and tasks are interleaved, with comments: what tomlkit would reorder.
INTERLEAVED_TASKS = """# 任务分解表，标题和任务交错写
document = "任务分解表"

[report]
agency = "青川市财政局"   # 机关名称
year = 2026

[[heading]]
path = "一"
title = "主动公开"

[[task]]
heading = "一"
task = "公开预算。"   # 第一项
lead = ["预算科"]

[[heading]]
path = "二"
title = "依申请公开"

# 第二项的说明
[[task]]
heading = "二"
task = "规范答复。"
lead = ["法规科"]
status = "推进中"

[[task]]
heading = "二"
task = "修订文书。"
lead = ["法规科"]
"""
SPEC = REPO / "tests" / "spec" / "statutory-format.md"  # a copy of ../shared/spec
IN_CI = bool(os.environ.get("CI"))

_TEXTS_2021 = """
[text]
proactive = "全年主动公开政府信息120条。"
on_request = "严格依法办理政府信息公开申请。"
management = "动态更新政府信息公开目录。"
platforms = "持续完善门户网站政府信息公开专栏。"
supervision = "将政务公开纳入年度考核。"
problems = "政策解读形式还比较单一，下一年将增加图解和视频解读。"
"""

_TEXTS_2019 = """
[text]
overview = "本年度政府信息公开工作平稳有序。"
problems = "政策解读形式还比较单一，下一年将增加图解和视频解读。"
"""


def skeleton(year: int = 2021, kind: str = "部门") -> str:
    """A complete, valid data file with every table left at 0."""
    texts = _TEXTS_2021 if year >= 2021 else _TEXTS_2019
    if kind == "政府":
        texts += 'assessment = "将政务公开纳入绩效考核。"\n'
    return f"""[report]
agency = "测试市测试局"
year = {year}
kind = "{kind}"
published = {year + 1}-01-20

[report.contact]
office = "测试市测试局办公室"
address = "测试市人民路1号"
postcode = "100000"
phone = "010-12345678"

[report.download]
site = "测试市人民政府门户网站"
url = "https://www.example.gov.cn"
{texts}"""


def with_tables(tables: str, year: int = 2021, kind: str = "部门") -> str:
    """The skeleton plus table sections given as TOML text."""
    return skeleton(year, kind) + "\n" + tables.strip() + "\n"


@pytest.fixture
def write(tmp_path):
    """write(text, name="2021.toml") -> Path of a data file in a temporary folder."""

    def _write(text: str, name: str = "2021.toml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


# ------------------------------------------------------------------ the fast tier
#
# `pytest -m "not slow"` leaves out what needs LibreOffice, Chromium, the batch process pool
# or the stateful soak (README, 开发); CI runs everything. A test is slow when its module is
# listed here, when it uses one of these fixtures, or when it is marked @pytest.mark.slow.
SLOW_MODULES = {
    "test_libreoffice",  # LibreOffice: Word → PDF, templates re-saved
    "test_print",  # LibreOffice: the printed PDF
    "test_workflow",  # the stateful soak (tests/workflow_machine.py)
}
SLOW_FIXTURES = {
    "browser",  # Chromium (tests/browser_helpers.py)
    "printed",  # a draft or form printed by LibreOffice
    "pdf_texts",
    "published",  # drafts built with --to pdf
    "many",  # eight units' PDFs printed side by side
}
SLOW_NAMES = {  # tests elsewhere that print, re-save, use the pool or stop processes, by name
    "test_an_interrupted_batch_leaves_complete_drafts_and_an_honest_summary",  # pool, Ctrl-C
    "test_a_killed_rerun_never_leaves_the_previous_runs_summary",  # pool, killed
    "test_every_example_survives_the_form_and_a_libreoffice_resave",
    "test_a_form_resaved_by_libreoffice_reads_back_and_its_formulas_add_up",
    "test_a_pool_worker_told_to_stop_ends_quietly",
    "test_a_pdf_libreoffice_spoiled_is_not_counted_as_built",
    "test_a_batch_stopped_while_printing_leaves_no_libreoffice_and_no_temporary_files",
    "test_one_unreadable_file_never_stops_an_audit",  # audit's pool
    "test_batch_publishes_html_and_pdf_for_every_unit",
    "test_the_printed_task_table_repeats_its_header_on_every_landscape_page",
    "test_the_task_workbook_survives_a_libreoffice_resave",
    "test_a_division_continuing_on_the_next_page_repeats_its_heading",  # printed
    "test_refresh_survives_a_libreoffice_round_trip",
    "test_every_kind_drafts_from_the_page",  # a PDF from the page
    "test_ctrl_c_ends_the_page_plainly",  # a real server process
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rpartition(".")[2] if getattr(item, "module", None) else ""
        name = item.name.partition("[")[0]
        if module in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or name in SLOW_NAMES:
            item.add_marker(pytest.mark.slow)
