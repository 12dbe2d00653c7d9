"""The year's other documents: the task table, the work summary and the pre-2019 report.

Each kind is data (reportgen/kinds/*.toml); these tests go through the real CLI and read
the drafts back: the Word XML with XPath, the Markdown's HTML tables, the workbook.
"""

from __future__ import annotations

import re
import shutil
import tomllib
import zipfile
from pathlib import Path

import lxml.html
import pytest
from cli_helpers import run
from conftest import DATA, DOCUMENTS, REPO
from lxml import etree

from reportgen import check_file

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
XIAMEN = DATA / "xiamen-finance" / "2021-任务分解表.toml"
QINGCHUAN = DATA / "qingchuan-finance"
GOLDEN = REPO / "tests" / "golden"


def document_xml(path: Path):
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def word_rows(path: Path) -> list[list[tuple[str, int]]]:
    """Each row of the first table: (cell text, grid columns it spans)."""
    table = document_xml(path).xpath("//w:tbl", namespaces=NS)[0]
    rows = []
    for tr in table.xpath("w:tr", namespaces=NS):
        cells = []
        for tc in tr.xpath("w:tc", namespaces=NS):
            span = tc.xpath("string(w:tcPr/w:gridSpan/@w:val)", namespaces=NS)
            cells.append(("".join(tc.xpath(".//w:t/text()", namespaces=NS)), int(span or 1)))
        rows.append(cells)
    return rows


def tasks_of(source: Path) -> list[dict]:
    return tomllib.loads(source.read_text(encoding="utf-8"))["task"]


def build(*args, out: Path):
    result = run("build", *args, "-o", out)
    assert result.exit_code == 0, result.output
    return result


# ------------------------------------------------------------------ examples


def test_every_kind_builds_its_own_files_from_the_quick_start_command(tmp_path):
    result = run("build", *DOCUMENTS, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir() if not p.name.startswith(".")}
    assert {
        "2021年厦门市财政局政务公开任务分解表.docx",
        "2021年厦门市财政局政务公开任务分解表.md",
        "2021年厦门市财政局政务公开任务分解表.xlsx",
    } <= names
    assert {
        "台州市财政局2021年政务公开工作总结及2022年工作思路.docx",
        "泰州市财政局2013年政府信息公开工作年度报告.docx",
        "2010年省财政厅政务公开工作报告.docx",
    } <= names
    assert not any(n.endswith(".xlsx") and "总结" in n for n in names)  # a workbook only where there is a list table


# ------------------------------------------------------------------ task table: Word


@pytest.fixture(scope="module")
def xiamen_word(tmp_path_factory):
    out = tmp_path_factory.mktemp("tasks")
    build(XIAMEN, "--to", "docx", out=out)
    return out / "2021年厦门市财政局政务公开任务分解表.docx"


def test_the_task_table_is_landscape_with_a_repeated_header_and_unsplit_rows(xiamen_word):
    root = document_xml(xiamen_word)
    size = root.xpath("//w:sectPr/w:pgSz", namespaces=NS)[0]
    assert size.get(f"{{{W}}}orient") == "landscape" and int(size.get(f"{{{W}}}w")) > int(size.get(f"{{{W}}}h"))
    rows = root.xpath("//w:tbl[1]/w:tr", namespaces=NS)
    assert [bool(r.xpath("w:trPr/w:tblHeader", namespaces=NS)) for r in rows[:2]] == [True, False]
    assert all(r.xpath("w:trPr/w:cantSplit", namespaces=NS) for r in rows)
    # only the header and the heading rows keep with the next row: the table runs over pages
    kept = [i for i, r in enumerate(rows) if r.xpath("w:tc[1]//w:keepNext", namespaces=NS)]
    heading_rows = [i for i, r in enumerate(rows) if len(r.xpath("w:tc", namespaces=NS)) == 1]
    assert kept == [0, *heading_rows]


def test_the_task_table_reads_back_from_word_with_its_merged_heading_rows(xiamen_word):
    rows = word_rows(xiamen_word)
    assert [text for text, _ in rows[0]] == ["序号", "工作任务", "工作要求", "牵头处室", "协办单位"]
    width = sum(span for _, span in rows[0])
    headings, read = [], []
    for row in rows[1:]:
        if len(row) == 1:
            assert row[0][1] == width  # a heading row spans the whole table
            headings.append(row[0][0])
        else:
            number, task, requirement, lead, assist = (text for text, _ in row)
            read.append(
                {
                    "number": int(number),
                    "task": task,
                    "requirement": requirement,
                    "lead": lead.split("、"),
                    "assist": assist.split("、") if assist else [],
                }
            )
    data = tomllib.loads(XIAMEN.read_text(encoding="utf-8"))
    assert read == [{k: t[k] for k in ("number", "task", "requirement", "lead", "assist")} for t in data["task"]]
    assert len(read) == 31
    expected = []
    for heading in data["heading"]:
        sub = heading["path"][1:]
        expected.append(f"{sub}{heading['title']}" if sub else f"{heading['path']}、{heading['title']}")
    assert headings == expected
    assert headings[:2] == ["一、紧扣“十四五”开好局起好步，进一步深化政务公开", "（一）做好各类规划主动公开"]


def test_the_printed_task_table_repeats_its_header_on_every_landscape_page(xiamen_word, tmp_path):
    import pdfplumber

    from reportgen.renderers.pdf import LibreOffice

    pdf = tmp_path / "tasks.pdf"
    pdf.write_bytes(LibreOffice.find().convert({"tasks": xiamen_word.read_bytes()})["tasks"])
    data = {t["number"]: t for t in tasks_of(XIAMEN)}
    found = {}
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) >= 3
        for number, page in enumerate(document.pages, 1):
            assert page.width > page.height
            [table] = page.extract_tables()
            assert table[0] == ["序号", "工作任务", "工作要求", "牵头处室", "协办单位"], f"第{number}页没有表头"
            for row in table[1:]:
                if row[0] and row[0].isdigit():
                    found[int(row[0])] = [re.sub(r"\s", "", cell or "") for cell in row]
    assert sorted(found) == list(range(1, 32))
    for task_number, cells in found.items():  # a row is never split: each row is whole on its page
        task = data[task_number]
        assert cells[1:4] == [task["task"], task["requirement"], "、".join(task["lead"])], task_number


# ------------------------------------------------------------------ task table: Markdown, HTML, Excel


def test_markdown_and_html_print_heading_rows_across_the_table(tmp_path):
    build(GOLDEN / "tasks-small-2026.toml", "--to", "md,html", out=tmp_path)
    md = (tmp_path / "2026年示例县人民政府办公室政务公开任务分解表.md").read_text(encoding="utf-8")
    table = lxml.html.fromstring(md[md.index("<table") : md.index("</table>") + 8])
    assert (
        table.xpath("//tr[2]/th/@colspan") == ["8"] and table.xpath("string(//tr[2]/th)") == "一、加强重点领域信息公开"
    )
    page = lxml.html.parse(str(tmp_path / "2026年示例县人民政府办公室政务公开任务分解表.html")).getroot()
    assert page.xpath("//thead//th/text()")[:3] == ["序号", "工作任务", "工作要求"]
    assert page.xpath("//tbody/tr[1]/th/@colspan") == ["8"]
    assert "规范答复文书 & <格式>。" in page.xpath("//tbody//td/text()")  # escaped, shown as written
    assert not page.xpath("//p[contains(., '2026年3月20日')]")  # a task table has no signature


def test_the_task_workbook_survives_a_libreoffice_resave(tmp_path):
    import subprocess

    from openpyxl import load_workbook

    from reportgen.renderers.pdf import LibreOffice

    build(XIAMEN, "--to", "xlsx", out=tmp_path)
    path = tmp_path / "2021年厦门市财政局政务公开任务分解表.xlsx"

    def read(p):
        sheet = load_workbook(p).active
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        merged = sorted(str(r) for r in sheet.merged_cells.ranges)
        return sheet, rows, merged

    sheet, rows, merged = read(path)
    assert sheet.title == "任务分解表" and sheet["A1"].value == "2021年厦门市财政局政务公开任务分解表"
    assert rows[0] == ["序号", "工作任务", "工作要求", "牵头处室", "协办单位"]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$2:$2"
    assert sheet.freeze_panes == "A3"
    assert len([r for r in rows if isinstance(r[0], str) and r[0].isdigit()]) == 31
    assert "A3:E3" in merged and rows[1][0].startswith("一、紧扣")  # the first heading row, merged across
    resaved = tmp_path / "resaved"
    office = LibreOffice.find()
    subprocess.run(
        [
            office.program,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(resaved),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    _, rows_again, merged_again = read(resaved / path.name)
    assert rows_again == rows and merged_again == merged


def test_by_division_lists_what_each_division_leads_and_assists(tmp_path):
    result = build(XIAMEN, "--by", "牵头处室", out=tmp_path)
    word = tmp_path / "2021年厦门市财政局政务公开任务分解表（按牵头处室）.docx"
    assert word.exists() and "（按牵头处室）.xlsx" in result.output
    rows = word_rows(word)
    assert [t for t, _ in rows[0]] == ["序号", "分工", "工作任务", "工作要求", "协办单位"]
    data = tasks_of(XIAMEN)
    led = sum(1 for t in data if "预算处" in t["lead"])
    helped = sum(1 for t in data if "预算处" in t["assist"])
    groups = {row[0][0]: i for i, row in enumerate(rows) if len(row) == 1}
    assert f"预算处（牵头{led}项，协办{helped}项）" in groups
    start = groups[f"预算处（牵头{led}项，协办{helped}项）"]
    following = [row for row in rows[start + 1 : start + 1 + led + helped]]
    assert [row[1][0] for row in following] == ["牵头"] * led + ["协办"] * helped
    assert {int(row[0][0]) for row in following[:led]} == {t["number"] for t in data if "预算处" in t["lead"]}


def test_by_division_is_refused_for_other_kinds(tmp_path):
    result = run("build", QINGCHUAN / "2025.toml", "--by", "牵头处室", "-o", tmp_path)
    assert result.exit_code == 1 and "只用于任务分解表" in result.output


# ------------------------------------------------------------------ task table: checks


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


TASKS = """document = "任务分解表"

[report]
agency = "示例局"
year = 2026

[[heading]]
path = "一"
title = "第一部分"

[[heading]]
path = "一（一）"
title = "第一组"

[[task]]
heading = "一（一）"
task = "任务甲。"
lead = ["办公室"]
assist = ["信息中心"]

[[task]]
heading = "一（一）"
task = "任务乙。"
lead = ["法规科"]
"""

# (what is changed, expected codes, a phrase of the message, the line named)
TASK_CASES = [
    ("", [], "", None),
    ('lead = ["法规科"]\n', ["missing"], "第 2 个任务缺少牵头处室（lead）", 21),
    ('lead = ["法规科"]\nassist = ["法规科", "办公室"]\n', ["task-units"], "“法规科”既是牵头处室又是协办单位", 25),
    ('heading = "一（一）"\ntask = "任务乙。"', ["heading"], "所属标题“一（二）”不存在", 22),
    ('task = "任务乙。"\n', ["task-number"], "序号 1 用了两次", 23),
    ('task = "任务甲。"\n', ["task-number"], "序号跳过了 5，应为 1", 17),
    ('assist = ["信息中心"]\n', ["task-status"], "推进中，请在落实情况（progress）中写明", 20),
    ('assist = ["信息中心"]\n', ["type"], "“状态”只能填 “完成”、“推进中”、“未启动”", 20),
    ('path = "一（一）"', ["heading"], "没有写“一”这一级标题", None),
]
REPLACEMENTS = [
    None,
    ('lead = ["法规科"]\n', ""),
    ('lead = ["法规科"]\n', 'lead = ["法规科"]\nassist = ["法规科", "办公室"]\n'),
    ('heading = "一（一）"\ntask = "任务乙。"', 'heading = "一(二)"\ntask = "任务乙。"'),
    ('task = "任务乙。"\n', 'number = 1\ntask = "任务乙。"\n'),
    ('task = "任务甲。"\n', 'number = 5\ntask = "任务甲。"\n'),
    ('assist = ["信息中心"]\n', 'assist = ["信息中心"]\nstatus = "推进中"\n'),
    ('assist = ["信息中心"]\n', 'assist = ["信息中心"]\nstatus = "已完成"\n'),
    ('[[heading]]\npath = "一"\ntitle = "第一部分"\n\n', ""),
]


@pytest.mark.parametrize("case", range(len(TASK_CASES)), ids=lambda i: TASK_CASES[i][2] or "clean")
def test_task_table_checks(tmp_path, case):
    _, codes, phrase, line = TASK_CASES[case]
    text = TASKS if REPLACEMENTS[case] is None else TASKS.replace(*REPLACEMENTS[case], 1)
    assert text != TASKS or case == 0
    path = write(tmp_path, "2026-任务分解表.toml", text)
    result = check_file(path)
    found = [f for f in result.findings if f.code != "task-status" or "task-status" in codes]
    assert sorted({f.code for f in found}) == sorted(codes), [f.message for f in result.findings]
    if phrase:
        [finding] = [f for f in found if f.code in codes and phrase in f.message] or [None]
        assert finding is not None, [f.message for f in found]
        if line:
            assert finding.line == line
    cli = run("check", path)
    assert cli.exit_code == (1 if any(f.is_error for f in found) else 0)


def test_the_published_table_naming_a_unit_as_both_lead_and_assistant_is_reported(tmp_path):
    """Seed 004 lists 各业务处室 as both 牵头 and 协办 for tasks 11 and 13; the example keeps it
    as 牵头 only and says so. Put back as published, the check names both tasks."""
    text = XIAMEN.read_text(encoding="utf-8")
    published = re.sub(r"(# 原表协办单位中也列有“各业务处室”\nassist = \[)", r'\1"各业务处室", ', text)
    assert published.count('# 原表协办单位中也列有“各业务处室”\nassist = ["各业务处室", ') == 2
    path = write(tmp_path, "2021-任务分解表.toml", published)
    result = run("check", path)
    assert result.exit_code == 1
    assert "任务 11“突出便民实用，创新政策解读方式。”中，“各业务处室”既是牵头处室又是协办单位" in result.output
    assert "任务 13“提升政策解读工作质量。”中，“各业务处室”既是牵头处室又是协办单位" in result.output
    assert "2 个错误" in result.output


def test_tasks_out_of_heading_order_are_warned_about(tmp_path):
    text = TASKS + '\n[[task]]\nheading = "一"\ntask = "任务丙。"\nlead = ["办公室"]\n'
    result = check_file(write(tmp_path, "2026-任务分解表.toml", text))
    [finding] = result.findings
    assert finding.code == "heading-order" and "却排在“一（一）”的任务之后" in finding.message


# ------------------------------------------------------------------ kinds and keys that do not belong


@pytest.mark.parametrize(
    "text, phrase",
    [
        (
            'document = "工作计划"\n[report]\nagency = "示例局"\nyear = 2026\n',
            "不认识的文档种类“工作计划”。可用的文档种类：“年度报告”、“2008年条例年度报告”、“工作总结”、“任务分解表”",
        ),
        (
            TASKS + "\n[figures]\nrequests = 3\n",
            "“figures”是政府信息公开工作年度报告（2008年条例）或政务公开工作总结的内容，不能写在政务公开任务分解表中",
        ),
        (TASKS + "\n[requests]\nnew = { natural_person = 1 }\n", "“requests”是政府信息公开工作年度报告的内容"),
        (
            TASKS.replace('lead = ["法规科"]', 'lead = ["法规科"]\nleader = "张三"'),
            "未知的键“task[2].leader”，其中的内容没有被读取。是否应为“lead”？",
        ),
    ],
)
def test_a_kind_or_key_that_does_not_belong_is_an_error_naming_it(tmp_path, text, phrase):
    path = write(tmp_path, "2026-文档.toml", text)
    result = run("check", path)
    assert result.exit_code == 1
    assert phrase in result.output, result.output


def test_an_annual_report_holding_tasks_is_told_to_declare_its_kind(tmp_path):
    text = (QINGCHUAN / "2025.toml").read_text(encoding="utf-8") + '\n[[task]]\ntask = "任务。"\nlead = ["办公室"]\n'
    result = run("check", write(tmp_path / "a", "2025.toml", text))
    assert result.exit_code == 1
    assert "“task”是政务公开任务分解表的内容，不能写在年度报告中" in result.output
    assert 'document = "任务分解表"' in result.output


# ------------------------------------------------------------------ work summary


def test_the_work_summary_states_its_figures_against_last_year(tmp_path):
    build(DATA / "taizhou-finance" / "2021-工作总结.toml", "--to", "md", out=tmp_path)
    md = (tmp_path / "台州市财政局2021年政务公开工作总结及2022年工作思路.md").read_text(encoding="utf-8")
    plain = re.sub(r"<!-- /?rg:[^>]* -->", "", md)
    assert "截至2021年12月7日，市财政局主动公开政府信息的情况：主动发布信息2128条，比去年同期增长16%" in plain
    assert "通过微信公众号发布信息361条，比去年同期增长18%。" in plain
    assert "共收到依申请公开17件" in plain
    assert plain.rstrip().endswith('<p align="right">台州市财政局<br>2021年12月7日</p>')


@pytest.fixture
def office_2025(tmp_path):
    """Qingchuan finance's 2025 documents: annual report, task table and work summary."""
    folder = tmp_path / "qingchuan-finance"
    shutil.copytree(QINGCHUAN, folder)
    (folder / "2024.toml").unlink()
    return folder


def test_the_work_summary_takes_the_annual_reports_figures_and_the_task_tables_progress(office_2025, tmp_path):
    from reportgen.model import names as prose

    annual = check_file(office_2025 / "2025.toml").report
    requests = prose.lookup(prose.names(annual), "requests.new.total")
    build(office_2025 / "2025-工作总结.toml", "--to", "md", out=tmp_path / "out")
    md = (tmp_path / "out" / "青川市财政局2025年政务公开工作总结及2026年工作思路.md").read_text(encoding="utf-8")
    assert f"收到政府信息公开申请{requests}件" in md
    assert "主动公开政府信息1180条，比上年增长12.2%" in md
    assert "对照《2025年青川市财政局政务公开任务分解表》，全年8项任务已完成7项，正在推进1项。" in md
    assert "任务4“专项资金分配结果公开到具体项目和单位”推进中：已公开到项目类别" in md
    assert md.index("市政务公开工作领导小组办公室：") < md.index("<!-- rg:opening -->")


@pytest.mark.parametrize(
    "figure, cutoff, expected",
    [
        (
            29,
            "",
            "工作总结 2025-工作总结.toml 写“收到政府信息公开申请”29件，年度报告 2025.toml 是 30件（requests.new.total）",
        ),
        (30, "", None),
        (29, "cutoff = 2025-12-05\n", None),  # partial figures as of 5 December: fewer is expected
        (31, "cutoff = 2025-12-05\n", "截至12月5日的“收到政府信息公开申请”31件，比年度报告 2025.toml 全年的30件"),
    ],
)
def test_a_summary_and_an_annual_report_that_disagree_produce_a_finding_from_either_side(
    office_2025, figure, cutoff, expected
):
    summary = office_2025 / "2025-工作总结.toml"
    text = summary.read_text(encoding="utf-8").replace("[figures]\n", f"[figures]\nrequests = {figure}\n")
    summary.write_text(text.replace("[report]\n", f"[report]\n{cutoff}"), encoding="utf-8")
    from_summary = [f for f in check_file(summary).findings if f.code == "summary-annual"]
    from_annual = [f for f in check_file(office_2025 / "2025.toml").findings if f.code == "summary-annual"]
    if expected is None:
        assert from_summary == [] and from_annual == []
        return
    assert [f.message for f in from_summary] == [f.message for f in from_annual]
    assert expected in from_summary[0].message
    assert from_summary[0].key == "figures.requests" and from_annual[0].key == "requests.new.total"
    assert from_annual[0].line is not None


def test_a_summary_of_another_agency_in_the_folder_is_not_compared(office_2025):
    summary = office_2025 / "2025-工作总结.toml"
    text = summary.read_text(encoding="utf-8").replace("[figures]\n", "[figures]\nrequests = 1\n")
    summary.write_text(text.replace('agency = "青川市财政局"', 'agency = "青川市审计局"'), encoding="utf-8")
    assert not [f for f in check_file(office_2025 / "2025.toml").findings if f.code == "summary-annual"]


# ------------------------------------------------------------------ the annual report's section 六


def test_the_annual_reports_section_six_can_state_the_task_tables_progress(office_2025, tmp_path):
    annual = office_2025 / "2025.toml"
    text = annual.read_text(encoding="utf-8").replace(
        "围绕全市政务公开工作要点确定的12项财政任务，我局逐项制定措施、明确责任科室，年底前已全部完成。",
        "对照本年度政务公开任务分解表，{{ tasks.summary }}未完成的任务：{{ tasks.unfinished }}",
    )
    annual.write_text(text, encoding="utf-8")
    build(annual, "--to", "md", out=tmp_path / "out")
    md = (tmp_path / "out" / "青川市财政局2025年政府信息公开工作年度报告.md").read_text(encoding="utf-8")
    plain = re.sub(r"<!-- /?rg:[^>]* -->", "", md)
    assert (
        "对照本年度政务公开任务分解表，全年8项任务已完成7项，正在推进1项。未完成的任务：任务4“专项资金分配结果公开到"
        "具体项目和单位”推进中：已公开到项目类别"
    ) in plain
    (office_2025 / "2025-任务分解表.toml").unlink()
    result = run("check", annual)
    assert result.exit_code == 1 and "占位符中的名称“tasks.summary”不存在" in result.output


# ------------------------------------------------------------------ next-year


def test_next_year_carries_the_unfinished_tasks(office_2025):
    result = run("next-year", office_2025 / "2025-任务分解表.toml")
    assert result.exit_code == 0, result.output
    assert "已完成的 7 项没有结转；结转 1 项" in result.output
    new = office_2025 / "2026-任务分解表.toml"
    text = new.read_text(encoding="utf-8")
    assert text.startswith("# 青川市财政局 2026 年政务公开任务分解表 数据文件")
    data = tomllib.loads(text)
    assert data["report"]["year"] == 2026 and "date" not in data["report"]
    assert data["report"]["basis"] == "《青川市2026年政务公开工作要点》"
    [task] = data["task"]
    assert task["task"] == "专项资金分配结果公开到具体项目和单位。" and task["carried"] == 2025
    assert "status" not in task and "number" not in task and task["progress"] == ""
    assert "# 上年落实情况：已公开到项目类别" in text
    assert [h["path"] for h in data["heading"]] == ["一", "一（一）"]  # renumbered: “一（一）” had no task left
    assert task["heading"] == "一（一）" and "“一（二）”改为“一（一）”" in result.output
    assert check_file(new).findings == []
    build(new, "--to", "md", out=office_2025 / "out")
    assert "专项资金分配结果公开到具体项目和单位。（2025年结转）" in (
        office_2025 / "out" / "2026年青川市财政局政务公开任务分解表.md"
    ).read_text(encoding="utf-8")


def test_next_year_keeps_a_heading_written_with_half_width_brackets(tmp_path):
    text = TASKS.replace('path = "一（一）"', 'path = "一(一)"').replace(
        'task = "任务乙。"', 'task = "任务乙。"\nstatus = "推进中"'
    )
    source = write(tmp_path, "2026-任务分解表.toml", text)
    assert run("next-year", source).exit_code == 0
    data = tomllib.loads((tmp_path / "2027-任务分解表.toml").read_text(encoding="utf-8"))
    assert [h["path"] for h in data["heading"]] == ["一", "一(一)"]
    assert [t["task"] for t in data["task"]] == ["任务甲。", "任务乙。"]


def test_next_year_of_a_summary_keeps_last_years_figures_for_the_comparison(office_2025):
    assert run("next-year", office_2025 / "2025-工作总结.toml").exit_code == 0
    new = office_2025 / "2026-工作总结.toml"
    text = new.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["figures"]["active_items"] == {"value": "", "last_year": 1180}
    assert "主动公开政府信息（条）" in text  # the comment kept
    assert data["text"]["work"].startswith("【请按本年情况改写，改写后删除本行】")
    new.write_text(
        text.replace(
            'active_items = {value = "", last_year = 1180}', "active_items = {value = 1298, last_year = 1180}"
        ),
        encoding="utf-8",
    )
    build(new, "--to", "md", "--allow-errors", out=office_2025 / "out")
    md = (office_2025 / "out" / "青川市财政局2026年政务公开工作总结及2027年工作思路.md").read_text(encoding="utf-8")
    assert "主动公开政府信息1298条，比上年增长10%" in md


def test_next_year_stops_a_pre_2019_report_at_2018(tmp_path):
    path = write(tmp_path, "2018.toml", 'document = "2008年条例年度报告"\n[report]\nagency = "示例局"\nyear = 2018\n')
    result = run("next-year", path)
    assert result.exit_code == 1
    assert "2019 年度的年度报告使用全国统一格式" in result.output


# ------------------------------------------------------------------ pre-2019 reports


def test_a_pre_2019_report_with_its_own_outline(tmp_path):
    build(DATA / "taizhou-finance" / "2013.toml", "--to", "docx", out=tmp_path)
    import docx

    word = docx.Document(tmp_path / "泰州市财政局2013年政府信息公开工作年度报告.docx")
    headings = [p.text for p in word.paragraphs if p.style.style_id == "Heading1"]
    assert headings == [
        "一、健全工作机制",
        "二、完善制度体系",
        "三、优化公开载体",
        "四、突出公开重点",
        "五、加强联动互动",
    ]
    texts = [p.text for p in word.paragraphs]
    assert any("受理依申请公开事项5件，均按规定完成办结" in t for t in texts)
    assert texts[-2:] == ["泰州市财政局", "2014年1月13日"]


def test_pre_2019_answers_that_do_not_add_up_are_warned_about(tmp_path):
    text = (GOLDEN / "annual2008-outline-2012.toml").read_text(encoding="utf-8").replace("granted = 5", "granted = 4")
    [finding] = check_file(write(tmp_path, "2012.toml", text)).findings
    assert finding.code == "outcomes"
    assert finding.message == (
        "答复的件数（同意公开4＋同意部分公开1＋信息不存在2＋正在办理1＝8）与受理的申请9件不相等。"
        "请核对；尚未答复的写在 pending（正在办理）中。"
    )


@pytest.mark.parametrize(
    "text, phrase",
    [
        (
            'document = "2008年条例年度报告"\n[report]\nagency = "示例局"\nyear = 2020\n',
            "政府信息公开工作年度报告（2008年条例）只适用于 2008—2018 年度；2020 年度的年度报告使用全国统一格式",
        ),
        (
            '[report]\nagency = "示例局"\nyear = 2015\nkind = "部门"\npublished = 2016-01-20\n',
            '2019 年以前的年度报告（2008 年条例）请在文件开头写 document = "2008年条例年度报告"',
        ),
    ],
)
def test_the_wrong_kind_for_a_year_is_explained(tmp_path, text, phrase):
    result = run("check", write(tmp_path, "x.toml", text))
    assert result.exit_code == 1 and phrase in result.output, result.output


# ------------------------------------------------------------------ init and keys


@pytest.mark.parametrize(
    "name, year, file",
    [
        ("任务分解表", 2026, "2026-任务分解表.toml"),
        ("工作总结", 2026, "2026-工作总结.toml"),
        ("2008年条例年度报告", 2014, "2014.toml"),
    ],
)
def test_init_writes_a_file_of_each_kind_that_checks_and_builds(tmp_path, monkeypatch, name, year, file):
    monkeypatch.chdir(tmp_path)
    result = run("init", "--agency", "示例市示例局", "--short", "demo", "--year", year, "--document", name)
    assert result.exit_code == 0, result.output
    path = tmp_path / "data" / "demo" / file
    checked = check_file(path)
    assert checked.errors == 0 and checked.unfilled_sections >= 1, [f.message for f in checked.findings]
    assert run("build", path, "-o", tmp_path / "out").exit_code == 0
    path.write_text(path.read_text(encoding="utf-8") + "# 经办人加的一行\n", encoding="utf-8")
    edited = path.read_text(encoding="utf-8")
    again = run("init", "--agency", "示例市示例局", "--short", "demo", "--year", year, "--document", name)
    assert again.exit_code == 1 and "没有覆盖" in again.output and path.read_text(encoding="utf-8") == edited


def test_init_and_keys_refuse_an_unknown_kind():
    for args in (("init", "--agency", "某局", "--year", 2026), ("keys",)):
        result = run(*args, "--document", "工作计划")
        assert result.exit_code == 2 and "不认识的文档种类“工作计划”" in result.output


def test_keys_lists_each_kinds_keys_from_its_definition():
    from reportgen import kinds

    for kind in kinds.kinds().values():
        if kind.statutory:
            continue
        result = run("keys", "--document", kind.aliases[0])
        assert result.exit_code == 0
        lines = [line.strip() for line in result.output.splitlines()]
        for field in kind.fields:
            assert f"report.{field.key} {field.label}" in lines
        for figure in kind.figures:
            assert f"figures.{figure.key} {figure.label}" in lines
        for entry in kind.entries:
            assert all(f"{f.key} {f.label}" in lines for f in entry.fields)
    assert run("keys").exit_code == 2


# ------------------------------------------------------------------ refresh


def test_an_edited_work_summary_takes_new_figures(office_2025, tmp_path):
    import docx

    summary = office_2025 / "2025-工作总结.toml"
    out = tmp_path / "out"
    build(summary, "--to", "docx", out=out)
    word = out / "青川市财政局2025年政务公开工作总结及2026年工作思路.docx"
    document = docx.Document(word)
    document.add_paragraph("科长加的一段话。")
    document.save(word)
    summary.write_text(summary.read_text(encoding="utf-8").replace("value = 1180", "value = 1200"), encoding="utf-8")
    result = run("refresh", word)
    assert result.exit_code == 0, result.output
    texts = [p.text for p in docx.Document(word).paragraphs]
    assert "科长加的一段话。" in texts
    assert any("主动公开政府信息1200条，比上年增长14.1%" in t for t in texts)


# ------------------------------------------------------------------ round trip


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TEXT = (
    st.text(
        alphabet="政务公开任务要求预算处办公室信息中心各业务一二三（）、。；：“”&<>'\"\\ abc123",
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
UNITS = st.lists(
    st.sampled_from(["办公室", "预算处", "条法处", "信息中心", "各处室", "国库处", "A&B科"]),
    min_size=0,
    max_size=4,
    unique=True,
)


@st.composite
def task_tables(draw):
    tops = draw(st.integers(1, 3))
    paths = []
    for top in "一二三"[:tops]:
        paths.append(top)
        paths += [f"{top}（{sub}）" for sub in "一二"[: draw(st.integers(0, 2))]]
    headings = [(path, draw(TEXT)) for path in paths]
    tasks = []
    for path in paths:  # tasks directly under a top heading come before its sub-headings' tasks
        for _ in range(draw(st.integers(0, 3))):
            units = draw(UNITS.filter(bool))
            split = draw(st.integers(1, len(units)))
            tasks.append(
                {
                    "heading": path,
                    "task": draw(TEXT),
                    "requirement": draw(st.one_of(st.just(""), TEXT)),
                    "lead": units[:split],
                    "assist": units[split:],
                    "status": draw(st.sampled_from(["", "完成"])),
                }
            )
    return headings, tasks


def task_file(headings, tasks) -> str:
    import json

    q = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731 - JSON strings are TOML strings
    parts = ['document = "任务分解表"\n[report]\nagency = "示例局"\nyear = 2026\n']
    parts += [f"[[heading]]\npath = {q(p)}\ntitle = {q(t)}\n" for p, t in headings]
    for task in tasks:
        parts.append("[[task]]\n" + "".join(f"{k} = {q(v)}\n" for k, v in task.items() if v != ""))
    return "\n".join(parts)


@settings(max_examples=30, deadline=None)
@given(task_tables())
def test_a_task_table_survives_data_to_word_and_workbook_and_back(table):
    """data → Word table and workbook → the same headings, tasks, units and numbers."""
    import io
    import tempfile

    from openpyxl import load_workbook

    from reportgen.checks.check import check_text
    from reportgen.workflows.build import render_drafts

    headings, tasks = table
    checked = check_text(task_file(headings, tasks), "2026-任务分解表.toml")
    assert checked.errors == 0, [f.message for f in checked.findings]
    files = render_drafts(checked.report, _renderers(), ("docx", "xlsx"))
    with tempfile.TemporaryDirectory() as folder:
        word = Path(folder) / "t.docx"
        word.write_bytes(files["docx"])
        word_rows_read = [[text for text, _ in row] for row in word_rows(word)]
    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    sheet_rows = [
        [c.value or "" for c in row if c.value is not None or row[0].value is not None]
        for row in sheet.iter_rows(min_row=3)
    ]
    for rows in (word_rows_read[1:], sheet_rows):
        read_tasks, read_headings = [], []
        for row in rows:
            if len([c for c in row if c != ""]) == 1 and not str(row[0]).isdigit():
                read_headings.append(row[0])
                continue
            number, task, requirement, lead, assist, *rest = (str(c) for c in row)
            read_tasks.append(
                {
                    "number": int(number),
                    "task": task,
                    "requirement": requirement,
                    "lead": lead.split("、") if lead else [],
                    "assist": assist.split("、") if assist else [],
                }
            )
        assert read_tasks == [
            {"number": n, **{k: t[k] for k in ("task", "requirement", "lead", "assist")}}
            for n, t in enumerate(tasks, 1)
        ]
        used = {t["heading"] for t in tasks} | {t["heading"].split("（")[0] for t in tasks}
        expected = [f"{p[1:]}{t}" if len(p) > 1 else f"{p}、{t}" for p, t in headings if p in used]
        assert read_headings == expected


_RENDERERS = []


def _renderers():
    from reportgen.workflows.build import Renderers

    if not _RENDERERS:
        _RENDERERS.append(Renderers.prepare())
    return _RENDERERS[0]


def test_a_roster_counts_annual_reports_only(tmp_path):
    """A unit that has sent in its task table but not its annual report has not reported."""
    folder = tmp_path / "data" / "audit-office"
    folder.mkdir(parents=True)
    (folder / "2025-任务分解表.toml").write_text(
        TASKS.replace("示例局", "青川市审计局").replace("2026", "2025"), encoding="utf-8"
    )
    shutil.copytree(QINGCHUAN, tmp_path / "data" / "qingchuan-finance")
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称\n青川市财政局\n青川市审计局\n", encoding="utf-8")
    result = run("check", tmp_path / "data", "--year", 2025, "--roster", roster)
    assert "名单中 1 个单位没有 2025 年度的数据文件（未报送）：青川市审计局" in result.output
    assert "名单外" not in result.output


def test_check_json_names_each_files_kind():
    import json

    result = run(
        "check",
        "--format",
        "json",
        XIAMEN,
        QINGCHUAN / "2025-工作总结.toml",
        DATA / "taizhou-finance" / "2013.toml",
        QINGCHUAN / "2025.toml",
    )
    assert [f["document"] for f in json.loads(result.stdout)["files"]] == ["tasks", "summary", "annual2008", "annual"]


SUMMARY = 'document = "工作总结"\n[report]\nagency = "示例局"\nyear = 2026\n'


@pytest.mark.parametrize(
    "text, phrase",
    [
        (
            SUMMARY + "[figures]\nrequests = -1\n",
            '“收到政府信息公开申请”应为非负整数（不知道时写 ""），文件中写的是 -1。',
        ),
        (
            SUMMARY + "[figures]\nactive_items = 123456789012\n",
            "“主动公开政府信息”123456789012不合理（超过 100,000,000）",
        ),
        (
            SUMMARY + "[figures]\nreviews = { value = 3, last = 2 }\n",
            "未知的键“figures.reviews.last”，其中的内容没有被读取。是否应为“last_year”？",
        ),
        (SUMMARY.replace("year = 2026", 'year = 2026\ncutoff = "2026-12-07"'), "“数据截止日期”应为日期"),
        (SUMMARY + '[[section]]\ntext = "只有正文"\n', "第 1 个自拟部分（[[section]]）没有标题（heading）"),
        (TASKS.replace('lead = ["法规科"]', "lead = 5"), "“牵头处室”应为文字或文字的列表"),
        (TASKS.replace('task = "任务乙。"', 'task = ""'), "第 2 个任务的工作任务（task）是空的。"),
        (TASKS.replace('path = "一"', 'path = "甲"'), "“编号”应为标题编号，如“一”或“一（一）”，文件中写的是 “甲”。"),
    ],
)
def test_bad_values_in_other_kinds_get_a_chinese_message_with_the_line(tmp_path, text, phrase):
    path = write(tmp_path, "2026-x.toml", text)
    result = run("check", path)
    assert result.exit_code == 1 and phrase in result.output, result.output
    assert re.search(r"\[错误\] 第\d+行", result.output)
    assert run("build", path, "-o", tmp_path / "out").exit_code == 1 and not (tmp_path / "out").exists()


def test_a_batch_roster_counts_annual_reports_only(tmp_path):
    folder = tmp_path / "data" / "audit-office"
    folder.mkdir(parents=True)
    (folder / "2025-任务分解表.toml").write_text(
        TASKS.replace("示例局", "青川市审计局").replace("2026", "2025"), encoding="utf-8"
    )
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称\n青川市审计局\n", encoding="utf-8")
    result = run("batch", tmp_path / "data", "--year", 2025, "--roster", roster, "-o", tmp_path / "out")
    import json

    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [u["agency"] for u in summary["missing"]] == ["青川市审计局"], result.output
    assert [r["document"] for r in summary["results"]] == ["tasks"]
