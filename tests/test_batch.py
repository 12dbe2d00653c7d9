"""`reportgen batch`, rosters and `reportgen aggregate`, through the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from cli_helpers import run
from conftest import DATA, with_tables
from openpyxl import load_workbook

from reportgen.workflows import build as build_module
from reportgen.cli.terminal import Progress


@pytest.fixture
def office(tmp_path):
    """A data folder of six 2025 documents: four good (Qingchuan finance's annual report, task
    table and work summary; Qingchuan HRSS's annual report), one with bad TOML, one failing R1."""
    data = tmp_path / "data"
    for slug in ("qingchuan-finance", "qingchuan-hrss"):
        shutil.copytree(DATA / slug, data / slug)
    (data / "broken-toml").mkdir()
    (data / "broken-toml" / "2025.toml").write_text("[report]\nagency = 未加引号\n", encoding="utf-8")
    (data / "bad-figures").mkdir()
    (data / "bad-figures" / "2025.toml").write_text(
        with_tables("[requests]\nnew = { natural_person = 4 }\n", year=2025).replace("测试市测试局", "测试市统计局"),
        encoding="utf-8",
    )
    return data


def summary(out):
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_one_broken_agency_never_stops_the_others(office, tmp_path):
    out = tmp_path / "out"
    result = run("batch", office, "--year", 2025, "-o", out, "--jobs", 2)
    assert result.exit_code == 1, result.output
    data = summary(out)
    by_source = {
        os.path.basename(os.path.dirname(r["source"])): r for r in data["results"] if r["source"].endswith("2025.toml")
    }
    assert (data["agencies"], data["succeeded"], data["failed"]) == (6, 4, 2)
    assert by_source["qingchuan-finance"]["status"] == "成功"
    assert by_source["qingchuan-hrss"]["status"] == "成功"
    # a file that cannot be read: the unit (named from its folder) filed, and why it cannot be read
    assert by_source["broken-toml"]["status"] == "已报送，无法读取"
    assert by_source["broken-toml"]["agency"] == "broken-toml"
    assert "TOML 语法错误" in by_source["broken-toml"]["message"] and "第2行" in by_source["broken-toml"]["message"]
    assert by_source["bad-figures"]["status"] == "有错误"
    assert by_source["bad-figures"]["errors"] == 1 and by_source["bad-figures"]["outputs"] == []
    assert (out / "青川市财政局2025年政府信息公开工作年度报告.docx").exists()
    assert (out / "青川市人力资源和社会保障局2025年政府信息公开工作年度报告.md").exists()
    # the terminal table and the same as CSV
    assert "青川市财政局" in result.output and "成功" in result.output
    assert "共 6 个文件（4 个单位）：成功 4，未成功 2（其中 1 个已报送，无法读取）。" in result.output
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["机关名称", "数据文件", "状态", "错误数", "警告数", "草稿", "说明"]
    assert sorted(r[2] for r in rows[1:]) == ["已报送，无法读取", "成功", "成功", "成功", "成功", "有错误"]


def test_a_crash_inside_a_renderer_is_one_failed_agency(office, tmp_path, monkeypatch):
    real = build_module.render_drafts

    def fragile(report, *args, **kwargs):
        if report.agency == "青川市财政局":
            raise ZeroDivisionError("renderer bug")
        return real(report, *args, **kwargs)

    monkeypatch.setattr(build_module, "render_drafts", fragile)
    out = tmp_path / "out"
    result = run(
        "batch",
        office / "qingchuan-finance" / "2025.toml",
        office / "qingchuan-hrss",
        "--year",
        2025,
        "-o",
        out,
        "--jobs",
        1,
    )
    assert result.exit_code == 1
    data = summary(out)
    statuses = {r["agency"] or r["source"]: r["status"] for r in data["results"]}
    assert statuses == {str(office / "qingchuan-finance" / "2025.toml"): "失败", "青川市人力资源和社会保障局": "成功"}
    crashed = next(r for r in data["results"] if r["status"] == "失败")
    assert crashed["message"].startswith("reportgen 程序出错") and "ZeroDivisionError" not in result.output
    assert crashed["detail"].startswith("ZeroDivisionError: renderer bug")  # for the maintainers, in summary.json


def test_all_good_exits_zero_and_the_examples_build(tmp_path):
    result = run("batch", DATA, "--year", 2025, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    # three annual reports, and Qingchuan finance's task table and work summary
    assert summary(tmp_path)["succeeded"] == 5
    assert (tmp_path / "2025年青川市财政局政务公开任务分解表.xlsx").exists()
    assert (tmp_path / "青川市财政局2025年政务公开工作总结及2026年工作思路.docx").exists()


def test_a_file_of_another_year_is_not_built(tmp_path):
    out = tmp_path / "out"
    result = run("batch", DATA / "qingchuan-finance" / "2024.toml", "--year", 2025, "-o", out)
    assert result.exit_code == 1
    [row] = summary(out)["results"]
    assert row["status"] == "未生成" and "这是 2024 年度的数据文件" in row["message"]


def test_a_folder_needs_a_year():
    result = run("batch", DATA)
    assert result.exit_code == 2


# ------------------------------------------------------------------ roster


def test_a_roster_names_missing_units_and_extra_files(office, tmp_path):
    roster = tmp_path / "名单.toml"
    roster.write_text(
        '[[unit]]\nagency = "青川市财政局"\n[[unit]]\nagency = "青川市人力资源和社会保障局"\n'
        '[[unit]]\nagency = "青川市教育局"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    shutil.rmtree(office / "broken-toml")
    result = run("batch", office, "--year", 2025, "-o", out, "--roster", roster)
    assert result.exit_code == 1
    assert "名单中 1 个单位没有 2025 年度的数据文件（未报送）：青川市教育局" in result.output
    assert f"不在名单中的数据文件：{office / 'bad-figures' / '2025.toml'}" in result.output
    data = summary(out)
    assert data["missing"] == [{"agency": "青川市教育局", "kind": ""}]
    assert data["extra"] == [str(office / "bad-figures" / "2025.toml")]
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_bytes().decode("utf-8-sig"))))
    assert ["青川市教育局", "", "未报送"] == rows[-1][:3]


def test_check_reads_a_csv_roster_saved_by_excel_in_gbk(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        "机关名称,类别\n青川市财政局,部门\n青川市人力资源和社会保障局,部门\n青川市临江区人民政府,政府\n".encode("gbk")
    )
    result = run("check", DATA, "--year", 2025, "--roster", roster)
    assert result.exit_code == 0, result.output
    assert "名单中的 3 个单位都已报送。" in result.output
    roster.write_bytes("机关名称\n青川市财政局\n青川市水利局\n".encode("gbk"))
    result = run("check", DATA, "--year", 2025, "--roster", roster)
    assert result.exit_code == 1
    assert "未报送）：青川市水利局" in result.output
    assert "不在名单中的数据文件：" in result.output and "linjiang-district" in result.output


# ------------------------------------------------------------------ progress


def test_the_progress_bar_shows_count_agency_elapsed_and_eta(capsys):
    progress = Progress(enabled=True)
    progress.started -= 10
    from reportgen.workflows.batch import AgencyResult

    progress(2, 4, AgencyResult("x.toml", agency="青川市财政局"))
    line = capsys.readouterr().err
    assert line.startswith("\r[") and "2/4 青川市财政局 用时 00:10 剩余约 00:10" in line


def test_a_long_agency_name_never_makes_the_progress_bar_wider_than_the_terminal(capsys, monkeypatch):
    from reportgen.cli.terminal import display_width
    from reportgen.workflows.batch import AgencyResult

    monkeypatch.setenv("COLUMNS", "80")
    Progress(enabled=True)(
        7, 60, AgencyResult("x.toml", agency="青川市人力资源和社会保障局机关事务服务中心信息化建设办公室")
    )
    line = capsys.readouterr().err.removeprefix("\r").replace("\x1b[K", "")
    assert display_width(line) <= 79
    assert "7/60 青川市人力资源" in line and "…" in line


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "batch", str(DATA), "--year", "2025", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert "\r" not in result.stderr and "█" not in result.stderr


# ------------------------------------------------------------------ interruption


def many_agencies(folder, count):
    template = (DATA / "qingchuan-hrss" / "2025.toml").read_text(encoding="utf-8")
    for index in range(count):
        path = folder / f"unit-{index:04d}" / "2025.toml"
        path.parent.mkdir(parents=True)
        path.write_text(template.replace("青川市人力资源和社会保障局", f"青川市第{index:04d}号单位"), encoding="utf-8")


def complete_outputs(out):
    drafts = [p for p in out.iterdir() if not p.name.startswith(".") and p.suffix in (".docx", ".md")]
    for path in drafts:
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as package:
                assert package.testzip() is None
                assert b"</w:document>" in package.read("word/document.xml")
        else:
            assert path.read_text(encoding="utf-8").rstrip().endswith("</p>"), path
    return drafts


def start_batch(data, out):
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", "batch", str(data), "--year", "2025", "-o", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_for_drafts(out, count):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and len([p for p in out.iterdir() if p.suffix == ".docx"]) >= count:
            return
        time.sleep(0.002)


def assert_summary_agrees_with_disk(out, units, exactly):
    """Every unit is listed; every unit listed as built has complete drafts on disk; with
    ``exactly``, no draft on disk belongs to a unit the summary does not list as built."""
    document = summary(out)
    assert document["agencies"] == units == len(document["results"])
    listed = {o for r in document["results"] for o in r["outputs"]}
    on_disk = {str(p) for p in complete_outputs(out)}
    assert listed <= on_disk
    if exactly:
        assert listed == on_disk
    with open(out / "summary.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))[1:]
    assert len(rows) == units
    assert sum(1 for r in document["results"] if r["status"] == "未处理") == document["unprocessed"]
    return document


@pytest.mark.parametrize(
    "how, whom, after",
    [
        (signal.SIGINT, "group", 10),
        (signal.SIGINT, "group", 120),
        (signal.SIGINT, "parent", 40),
        (signal.SIGKILL, "group", 10),
        (signal.SIGKILL, "group", 120),
        (signal.SIGKILL, "parent", 40),
    ],
)
def test_an_interrupted_batch_leaves_complete_drafts_and_an_honest_summary(tmp_path, how, whom, after):
    many_agencies(tmp_path / "data", 300)
    out = tmp_path / "out"
    process = start_batch(tmp_path / "data", out)
    wait_for_drafts(out, after)
    if whom == "group":
        os.killpg(process.pid, how)
    else:
        os.kill(process.pid, how)
    _, stderr = process.communicate(timeout=60)
    stderr = stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    document = assert_summary_agrees_with_disk(out, 300, exactly=how == signal.SIGINT)
    if how == signal.SIGINT:
        assert process.returncode == 130
        assert document["state"] == "已中断" and document["interrupted"] is True
        assert document["unprocessed"] > 0 and document["succeeded"] + document["unprocessed"] == 300
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
        assert f"{document['unprocessed']} 个未处理" in stderr
    else:
        assert document["state"] == "进行中" and document["running"] is True
    # the next run finishes the job and clears whatever a killed run left behind
    result = run("batch", tmp_path / "data", "--year", "2025", "-o", out)
    assert result.exit_code == 0, result.output
    document = assert_summary_agrees_with_disk(out, 300, exactly=True)
    assert document["state"] == "已完成" and document["succeeded"] == 300
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    manifest = (out / ".reportgen-manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(manifest) == 602  # one line per file: 300 × (docx, md), summary.json, summary.csv


def test_a_killed_rerun_never_leaves_the_previous_runs_summary(tmp_path):
    many_agencies(tmp_path / "data", 300)
    out = tmp_path / "out"
    assert run("batch", tmp_path / "data", "--year", "2025", "-o", out).exit_code == 0
    assert summary(out)["state"] == "已完成"
    (out / "unit-drafts-gone").mkdir()
    for draft in out.glob("*.docx"):
        draft.unlink()  # so that the rerun has work to do
    process = start_batch(tmp_path / "data", out)
    wait_for_drafts(out, 10)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    document = summary(out)
    assert document["state"] == "进行中" and document["succeeded"] < 300


def test_the_manifest_keeps_one_line_per_file_over_many_runs(tmp_path):
    many_agencies(tmp_path / "data", 20)
    out = tmp_path / "out"
    for _ in range(3):
        assert run("batch", tmp_path / "data", "--year", "2025", "-o", out, "--force").exit_code == 0
        assert run("build", tmp_path / "data" / "unit-0000" / "2025.toml", "-o", out).exit_code == 0
    lines = (out / ".reportgen-manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len({json.loads(line)["file"] for line in lines}) == 42  # 20 × (docx, md), the two summaries


def test_os_errors_are_explained_in_chinese(tmp_path):
    if os.geteuid() == 0:  # root may write anywhere: use a file where a folder should be
        blocker = tmp_path / "out"
        blocker.write_text("", encoding="utf-8")
        result = run("build", DATA / "qingchuan-hrss" / "2025.toml", "-o", blocker / "sub")
        assert result.exit_code == 1
        assert "路径中有一段不是文件夹（Not a directory）" in result.output or "文件已经存在" in result.output
    from reportgen.errors import os_reason
    import errno

    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足（No space left on device）"
    assert os_reason(OSError(errno.EACCES, "Permission denied")) == "没有权限（Permission denied）"


# ------------------------------------------------------------------ aggregate


def unit(folder, name, agency, tables, kind="部门"):
    path = folder / name / "2025.toml"
    path.parent.mkdir(parents=True)
    path.write_text(with_tables(tables, year=2025, kind=kind).replace("测试市测试局", agency), encoding="utf-8")
    return path


@pytest.fixture
def city(tmp_path):
    data = tmp_path / "city"
    unit(
        data,
        "a",
        "示例市甲局",
        """
[proactive]
licensing = 10
administrative_fees = 1.25
[requests]
new = { natural_person = 3, commercial = 1 }
disclosed = { natural_person = 2, commercial = 1 }
carry_forward = { natural_person = 1 }
[appeals]
review = { upheld = 1 }
""",
    )
    unit(
        data,
        "b",
        "示例市乙局",
        """
[proactive]
licensing = 5
administrative_fees = 0.75
[requests]
new = { natural_person = 2 }
carried_over = { natural_person = 1 }
disclosed = { natural_person = 3 }
[appeals]
review = { corrected = 2 }
lawsuit_direct = { pending = 1 }
""",
    )
    return data


def test_aggregate_sums_every_cell_into_the_statutory_tables(city, tmp_path):
    out = tmp_path / "out"
    result = run("aggregate", city, "--year", 2025, "--name", "示例市", "-o", out)
    assert result.exit_code == 0, result.output
    assert "已汇总 2 个单位：示例市甲局、示例市乙局" in result.output
    md = (out / "示例市2025年政府信息公开工作年度报告统计汇总表.md").read_text(encoding="utf-8")
    assert md.splitlines()[1] == "# 示例市2025年政府信息公开工作年度报告统计汇总表"  # after its refresh marker
    # hand-computed: 10 + 5 licences, 1.25 + 0.75 万元, new 3+1+2 = 6, carried 1, disclosed 2+1+3 = 6
    assert '<tr><td>行政许可</td><td colspan="3">15</td></tr>' in md
    assert '<tr><td>行政事业性收费</td><td colspan="3">2.00</td></tr>' in md
    assert (
        '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>'
        in md
    )
    assert (
        '<td colspan="2">（一）予以公开</td><td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td>'
        in md
    )
    assert "纳入汇总的2个单位共新收政府信息公开申请6件" in md
    assert (out / "示例市2025年政府信息公开工作年度报告统计汇总表.docx").exists()

    sheet = load_workbook(out / "示例市2025年各单位政府信息公开数据一览.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[:4] == ["机关名称", "报告类别", "发布日期", "新收申请"]
    by_name = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert by_name["示例市甲局"]["新收申请"] == 4 and by_name["示例市乙局"]["新收申请"] == 2
    assert by_name["合计"]["新收申请"] == 6
    assert by_name["合计"]["行政复议"] == 3
    assert by_name["合计"]["行政诉讼（直接起诉）"] == 1


def test_table_four_of_the_sum_is_exact(city, tmp_path):
    out = tmp_path / "out"
    run("aggregate", city, "--year", 2025, "--name", "示例市", "-o", out)
    md = (out / "示例市2025年政府信息公开工作年度报告统计汇总表.md").read_text(encoding="utf-8")
    table_four = md.split("## 四、")[1]
    last_row = [r for r in table_four.splitlines() if r.startswith("<tr><td>")][0]
    assert last_row == (
        "<tr><td>1</td><td>2</td><td>0</td><td>0</td><td>3</td>"
        "<td>0</td><td>0</td><td>0</td><td>1</td><td>1</td>"
        "<td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>"
    )


def test_aggregate_checks_the_parents_own_report_cell_by_cell(city, tmp_path):
    unit(
        city,
        "parent",
        "示例市",
        """
[proactive]
licensing = 14
administrative_fees = 2.00
[requests]
new = { natural_person = 5, commercial = 1 }
carried_over = { natural_person = 1 }
disclosed = { natural_person = 5, commercial = 1 }
carry_forward = { natural_person = 1 }
[appeals]
review = { upheld = 1, corrected = 2 }
lawsuit_direct = { pending = 1 }
""",
        kind="政府",
    )
    result = run("aggregate", city, "--year", 2025, "--name", "示例市", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "示例市自己的报告" in result.output and "与各单位之和有 1 处不一致" in result.output
    assert "表二“行政许可／本年处理决定数量”：各单位合计为 15，示例市的报告中为 14。" in result.output


def test_files_with_errors_are_left_out_and_named(city, tmp_path):
    unit(city, "bad", "示例市丙局", "[requests]\nnew = { natural_person = 9 }\n")
    result = run("aggregate", city, "--year", 2025, "--name", "示例市", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert (
        f"未计入 1 个单位：\n  示例市丙局（{city / 'bad' / '2025.toml'}）：数据有 1 个错误，未计入汇总。"
        in result.output
    )
    assert "已汇总 2 个单位" in result.output


def test_batch_takes_the_same_font_options_as_build(tmp_path):
    result = run(
        "batch", DATA / "qingchuan-hrss", "--year", 2025, "-o", tmp_path, "--font-body", "仿宋", "--to", "docx"
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(next(tmp_path.glob("*.docx"))) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋"' in styles


def test_a_picture_batch_skips_task_tables_and_summaries_said_once(tmp_path):
    """--to 图解 over a folder that also holds task tables and work summaries: those are
    skipped (not 未生成), each reason said once, exit 0; a batch of nothing but them made
    nothing, and says so (exit 1)."""
    result = run("batch", DATA, "--year", 2025, "-o", tmp_path / "out", "--to", "图解", "-j", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        lines.count("已跳过 1 个文件（没有所要的种类）：政务公开任务分解表没有图解（只用于2019年起的年度报告）。") == 1
    )
    assert lines.count("已跳过 1 个文件（没有所要的种类）：政务公开工作总结没有图解（只用于2019年起的年度报告）。") == 1
    assert "未生成" not in result.output and "未成功 0" in result.output and "已跳过 2" in result.output
    done = summary(tmp_path / "out")
    assert done["succeeded"] == 3 and done["failed"] == 0 and done["skipped"] == 2
    assert sorted(r["status"] for r in done["results"]) == ["已跳过", "已跳过", "成功", "成功", "成功"]
    assert len(list((tmp_path / "out").glob("*.图解.png"))) == 3

    mixed = run("batch", DATA, "--year", 2025, "-o", tmp_path / "mixed", "--to", "md,图解", "-j", "1")
    assert mixed.exit_code == 0, mixed.output
    assert "跳过（1 个文件）：政务公开任务分解表没有图解（只用于2019年起的年度报告）。" in mixed.output.splitlines()
    assert summary(tmp_path / "mixed")["succeeded"] == 5

    tasks = DATA / "qingchuan-finance" / "2025-任务分解表.toml"
    none = run("batch", tasks, "--year", 2025, "-o", tmp_path / "none", "--to", "图解", "-j", "1")
    assert none.exit_code == 1
    [row] = summary(tmp_path / "none")["results"]
    assert row["status"] == "未生成" and row["message"] == "政务公开任务分解表没有图解（只用于2019年起的年度报告）。"
    assert "跳过" not in none.output
