"""`reportgen check`, `reportgen keys`, `--version` and `--help`, through the CLI."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run, run_process
from conftest import EXAMPLES, skeleton, with_tables

from reportgen import __version__


def test_every_example_passes_without_errors():
    result = run("check", *EXAMPLES)
    assert result.exit_code == 0, result.output
    assert f"共检查 {len(EXAMPLES)} 个文件：{len(EXAMPLES)} 个通过，0 个有错误" in result.output


def test_a_clean_file_reports_that_it_passed(write):
    path = write(skeleton())
    result = run("check", path)
    assert result.exit_code == 0
    assert f"{path}：通过，没有发现问题" in result.output


def test_warnings_alone_exit_zero(write):
    path = write(skeleton().replace('supervision = "将政务公开纳入年度考核。"\n', ""))
    result = run("check", path)
    assert result.exit_code == 0
    assert "通过，1 个警告" in result.output
    assert "[警告]" in result.output


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def test_a_broken_file_exits_one_and_names_table_row_column_values_and_key(write):
    text = with_tables("[requests]\ndisclosed = { natural_person = 3, total = 4 }\nnew = { natural_person = 3 }\n")
    path = write(text)
    result = run("check", path)
    assert result.exit_code == 1
    out = result.output
    assert f"{path}：1 个错误" in out
    line = line_of(text, "disclosed = { natural_person = 3, total = 4 }")
    assert f"[错误] 第{line}行 requests.disclosed.total （R2）" in out
    assert "位置：表三 三、收到和处理政府信息公开申请情况 行“三、本年度办理结果／（一）予以公开” 列“总计”" in out
    assert "应为：3　实际：4" in out


def test_a_misspelt_key_is_reported_not_ignored(write):
    path = write(with_tables("[appeals]\nreveiw = { upheld = 1 }\n"))
    result = run("check", path)
    assert result.exit_code == 1
    assert "未知的键“appeals.reveiw”，其中的内容没有被读取。是否应为“appeals.review”" in result.output


def test_findings_are_grouped_per_file_and_summarised(write):
    good = write(skeleton(), "a/2021.toml")
    bad = write(with_tables("[proactive]\npenalty = -1\n"), "b/2021.toml")
    result = run("check", good, bad)
    assert result.exit_code == 1
    out = result.output
    assert out.index(f"{good}：通过") < out.index(f"{bad}：1 个错误")
    assert "共检查 2 个文件：1 个通过，1 个有错误（共 1 个错误，0 个警告）。" in out


def test_json_output_carries_the_same_findings(write):
    text = with_tables("[proactive]\nadministrative_fees = -1.25\n")
    path = write(text)
    result = run("check", "--format", "json", path)
    assert result.exit_code == 1
    data = json.loads(result.output)
    [entry] = data["files"]
    assert (entry["file"], entry["errors"], entry["warnings"]) == (str(path), 1, 0)
    [finding] = entry["findings"]
    assert finding == {
        "severity": "error",
        "code": "R5",
        "message": "“表二 行政事业性收费／本年收费金额（单位：万元）”不能为负数，文件中写的是 -1.25。",
        "key": "proactive.administrative_fees",
        "table": "表二 二、主动公开政府信息情况",
        "row": "第二十条第（八）项／行政事业性收费",
        "column": "本年收费金额（单位：万元）",
        "expected": "非负数（可带小数）",
        "actual": "-1.25",
        "file": str(path),
        "line": line_of(text, "administrative_fees = -1.25"),
        "col": None,
        "related": [],
        "snippet": "",
        "identity": "测试市测试局｜2021｜R5｜proactive.administrative_fees",  # the same in every check (issue 38)
    }


def test_malformed_toml_exits_one_with_line_and_column(write):
    path = write("[report]\nagency = 测试局\n")
    result = run("check", path)
    assert result.exit_code == 1
    assert "[错误] 第2行第10列" in result.output and "（syntax）" not in result.output
    assert "TOML 语法错误：值的写法不对" in result.output


def test_a_missing_file_is_an_error_not_a_crash(tmp_path):
    result = run("check", tmp_path / "nope.toml")
    assert result.exit_code == 1
    assert f"找不到文件：{tmp_path / 'nope.toml'}" in result.output


def test_a_gbk_file_is_named_with_a_hint(tmp_path):
    path = tmp_path / "gbk.toml"
    path.write_bytes('[report]\nagency = "测试局"\n'.encode("gbk"))
    result = run("check", path)
    assert result.exit_code == 1
    assert "第2行：文件不是 UTF-8 编码，而是 GBK 编码" in result.output and "另存为" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["check"], "错误：缺少参数 文件或文件夹。"),
        (["check", "--format", "xml", "x.toml"], "错误：--format 的值“xml”无效，只能是：text、json。"),
        (["check", "x.toml", "--format"], "错误：选项 --format 后面要写一个值。"),
        (["check", "--formt", "json", "x.toml"], "错误：没有这个选项：--formt。您是否要用 --format？"),
        (["batch", "data"], "错误：缺少选项 --year。"),
        (["batch", "data", "--year", "2025", "--jobs", "0"], "错误：--jobs 的值“0”无效，应为 1 或更大的整数。"),
        (["check", "--bogus", "x.toml"], "错误：没有这个选项：--bogus。"),
        (["chek"], "错误：没有这个命令：chek。您是否要用 check？可用的命令："),
        (["bild"], "错误：没有这个命令：bild。您是否要用 build？"),
        (["check", "a.toml", "--allow-errors"], "错误：没有这个选项：--allow-errors。"),
        (["refresh"], "错误：缺少参数 草稿。"),
        (["init", "--year", "2025"], "错误：缺少选项 --agency。"),
        (["keys", "--year", "abc"], "错误：--year 的值“abc”无效，应为整数。"),
    ],
)
def test_usage_errors_exit_two_with_a_chinese_message(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"reportgen {__version__}\n"


def test_help_is_in_chinese():
    result = run("--help")
    assert result.exit_code == 0
    for text in ("用法：", "选项", "命令", "显示本帮助并退出。", "检查数据文件"):
        assert text in result.output
    result = run("check", "--help")
    assert "没有错误时退出码为 0" in result.output


def test_keys_lists_every_key_of_the_year_with_its_label():
    result = run("keys", "--year", "2020")
    assert result.exit_code == 0
    assert "2019年版（试行）" in result.output
    assert "  proactive.procurement.amount 第二十条第（九）项／政府集中采购／采购总金额\n" in result.output


def test_keys_reads_in_an_80_column_terminal_without_markdown():
    from reportgen.cli.terminal import display_width

    for args in (["--year", "2025"], ["--year", "2020"], ["--document", "任务分解表"], ["--document", "工作总结"]):
        result = run_process("keys", *args, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        assert "`" not in result.stdout and "| " not in result.stdout and "---" not in result.stdout
        assert max(display_width(line) for line in result.stdout.splitlines()) <= 80


def test_keys_refuses_a_year_before_2019():
    result = run("keys", "--year", "2018")
    assert result.exit_code == 1
    assert "2018 年度没有全国统一的报告格式" in result.output


@pytest.mark.parametrize("year", ["9999", "2007", "0"])
def test_keys_and_init_refuse_an_absurd_year(tmp_path, year):
    for args in (["keys", "--year", year], ["init", "--agency", "某局", "--year", year, "-o", tmp_path / "x.toml"]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert f"报告年度 {year} 不合理" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "x.toml").exists()
