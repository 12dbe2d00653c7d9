"""`reportgen build` through the CLI: outputs, refusal on errors, --allow-errors, safe names,
atomic writes, hostile text, templates."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest
from cli_helpers import run
from conftest import DATA, EXAMPLES, REPO, skeleton, with_tables


GOLDEN = REPO / "tests" / "golden"


def drafts(folder) -> list:
    """The drafts in an output folder (not reportgen's own hidden record of them)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def paragraphs(path) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs]


def test_build_writes_a_docx_and_a_md_per_example(tmp_path):
    result = run("build", *EXAMPLES, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    names = [p.name for p in drafts(tmp_path)]
    assert "乌海市财政局2019年政府信息公开工作年度报告.docx" in names
    assert "青川市财政局2025年政府信息公开工作年度报告.md" in names
    assert len(names) == 2 * len(EXAMPLES)
    assert f"共 {len(EXAMPLES)} 个数据文件：生成 {len(EXAMPLES)} 份草稿，0 个未生成。" in result.output


def test_draft_content_follows_the_statutory_outline(tmp_path):
    run("build", GOLDEN / "small-department-2021.toml", "-o", tmp_path, "--to", "docx")
    [path] = tmp_path.glob("*.docx")
    texts = paragraphs(path)
    assert texts[0] == "示例县市场监督管理局\n2023年政府信息公开工作年度报告"  # broken after the agency
    assert texts[1].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert "本报告所列数据的统计期限为2023年1月1日至2023年12月31日。" in texts[1]
    assert "示例县人民政府门户网站（https://www.example.gov.cn）下载" in texts[1]
    assert "示例县市场监督管理局办公室（地址：示例县解放路8号，邮编：610000，电话：028-88886666）联系" in texts[1]
    headings = [p.text for p in docx.Document(path).paragraphs if p.style.style_id == "Heading1"]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    subheadings = [p.text for p in docx.Document(path).paragraphs if p.style.style_id == "Heading2"]
    assert subheadings[:2] == ["（一）主动公开", "（一）重点领域信息公开"]
    assert "【待填写：一、总体情况（五）监督保障】" in texts
    assert texts[-2:] == ["示例县市场监督管理局", "2024年1月26日"]


def test_build_refuses_a_file_with_errors(tmp_path):
    source = tmp_path / "bad.toml"
    source.write_text(with_tables("[requests]\nnew = { natural_person = 2 }\n"), encoding="utf-8")
    result = run("build", source, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "[错误]" in result.output and "（R1）" in result.output
    assert "未生成：数据有错误" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_allow_errors_builds_a_flagged_draft_listing_the_findings(tmp_path):
    source = tmp_path / "bad.toml"
    source.write_text(with_tables("[requests]\nnew = { natural_person = 2 }\n"), encoding="utf-8")
    result = run("build", source, "-o", tmp_path, "--allow-errors")
    assert result.exit_code == 0
    assert "草稿已标注【数据待核】" in result.output
    texts = paragraphs(next(tmp_path.glob("*.docx")))
    assert texts[1].startswith("【数据待核】本草稿的数据未通过核对，共 1 个问题")
    assert "附：数据核对问题清单" in texts
    assert any(t.startswith("1. [错误] “自然人”列：一（2）＋二（0）＝2") for t in texts)
    markdown = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "> **【数据待核】**" in markdown and "## 附：数据核对问题清单" in markdown


@pytest.mark.parametrize(
    "agency, expected",
    [
        ("../x", "_x2021年政府信息公开工作年度报告"),
        ("a/b", "a_b2021年政府信息公开工作年度报告"),
        ("..\\\\..\\\\evil", "_.._evil2021年政府信息公开工作年度报告"),
    ],
)
def test_agency_names_cannot_write_outside_the_output_folder(tmp_path, agency, expected):
    source = tmp_path / "in" / "2021.toml"
    source.parent.mkdir()
    source.write_text(skeleton().replace('agency = "测试市测试局"', f'agency = "{agency}"'), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert [p.name for p in drafts(out)] == [f"{expected}.docx", f"{expected}.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_two_files_for_the_same_agency_and_year_do_not_overwrite_each_other(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text(skeleton(), encoding="utf-8")
    result = run("build", tmp_path / "a.toml", tmp_path / "b.toml", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"与 {tmp_path / 'a.toml'} 的草稿同名" in result.output


def test_to_selects_the_drafts_and_rejects_unknown_kinds(tmp_path):
    result = run("build", GOLDEN / "government-2019.toml", "-o", tmp_path, "--to", "md")
    assert result.exit_code == 0
    assert [p.suffix for p in drafts(tmp_path)] == [".md"]
    result = run("build", GOLDEN / "government-2019.toml", "-o", tmp_path, "--to", "xls")
    assert result.exit_code == 2
    assert (
        "--to 的值“xls”无效，只能是：docx、md、html、pdf、xlsx、json、图解 或 infographic，可用逗号分隔。"
        in result.output
    )


def test_no_temporary_files_are_left_behind(tmp_path):
    run("build", *EXAMPLES, "-o", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        ".gitignore",
        ".reportgen-manifest.jsonl",
    ]


def test_rebuilding_unchanged_input_gives_identical_bytes(tmp_path):
    run("build", EXAMPLES[0], "-o", tmp_path / "a")
    run("build", EXAMPLES[0], "-o", tmp_path / "b")
    for first in drafts(tmp_path / "a"):
        assert first.read_bytes() == (tmp_path / "b" / first.name).read_bytes()


def test_templates_are_looked_up_in_the_given_folder_first(tmp_path):
    folder = tmp_path / "tpl"
    shutil.copytree(REPO / "templates", folder)
    template = folder / "report.md.j2"
    template.write_text("本局定制：" + template.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("build", GOLDEN / "government-2019.toml", "-o", tmp_path / "out", "--templates", folder, "--to", "md")
    assert result.exit_code == 0
    assert next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8").startswith("本局定制：")


def test_an_incomplete_templates_folder_is_a_clear_error(tmp_path):
    result = run("build", GOLDEN / "government-2019.toml", "-o", tmp_path, "--templates", tmp_path)
    assert result.exit_code == 1
    assert f"错误：模板文件夹 {tmp_path} 中缺少：report.docx、report.md.j2" in result.output


# ------------------------------------------------------------------ hostile text


def test_hostile_text_reaches_the_word_draft_unchanged(tmp_path):
    run("build", GOLDEN / "hostile-text-2021.toml", "-o", tmp_path, "--to", "docx")
    texts = paragraphs(next(tmp_path.glob("*.docx")))
    assert texts[0] == "R&D <研究> 中心\n2022年政府信息公开工作年度报告"
    assert 'R&D <x> & "y" 的 *星号* 与 _下划线_，以及 `反引号` 和 [方括号](链接)。' in texts
    assert "# 这一行以井号开头，不是标题。" in texts


def test_a_ten_thousand_character_paragraph_is_printed_whole(tmp_path):
    long = "公开" * 5000
    source = tmp_path / "long.toml"
    source.write_text(skeleton().replace('problems = "', f'problems = "{long}'), encoding="utf-8")
    run("build", source, "-o", tmp_path)
    texts = paragraphs(next(tmp_path.glob("*.docx")))
    assert any(t.startswith(long) for t in texts)
    assert long in next(tmp_path.glob("*.md")).read_text(encoding="utf-8")


def test_line_breaks_become_paragraphs(tmp_path):
    source = tmp_path / "lines.toml"
    source.write_text(
        skeleton().replace(
            'problems = "政策解读形式还比较单一，下一年将增加图解和视频解读。"',
            'problems = "第一段。\\n第二段。\\r\\n第三段。"',
        ),
        encoding="utf-8",
    )
    run("build", source, "-o", tmp_path)
    texts = paragraphs(next(tmp_path.glob("*.docx")))
    start = texts.index("第一段。")
    assert texts[start : start + 3] == ["第一段。", "第二段。", "第三段。"]


def test_control_characters_are_rejected_with_a_clear_message(tmp_path):
    source = tmp_path / "ctrl.toml"
    source.write_text(skeleton().replace('problems = "', 'problems = "前文\\u0007后文'), encoding="utf-8")
    result = run("build", source, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert (
        "“五、存在的主要问题及改进情况”中有不能写入 Word 文档的控制字符 U+0007（第 1 行文字），请删除后重试。"
        in result.output
    )


def test_formats_a_document_kind_does_not_have_are_skipped_with_the_reason_of_each(tmp_path, monkeypatch):
    """One rule: a format the document kind does not have is skipped with one line saying
    which and why, when something asked for was made (exit 0); only when nothing could be
    made is it an error (exit 1). The 图解 is accepted by both its names."""
    monkeypatch.chdir(tmp_path)
    summary = DATA / "qingchuan-finance" / "2025-工作总结.toml"
    result = run("build", summary, "--to", "html,xlsx,图解", "-o", "out")
    assert result.exit_code == 0, result.output
    assert (
        "  跳过：政务公开工作总结没有Excel 表（只用于任务分解表），也没有图解（只用于2019年起的年度报告）。"
        in result.output.splitlines()
    )
    assert sorted(p.name.split("思路")[1] for p in Path("out").iterdir() if not p.name.startswith(".")) == [
        ".html",
        ".网页片段.html",
    ]
    annual = DATA / "qingchuan-hrss" / "2025.toml"
    wrong = run("build", annual, "--to", "xlsx", "-o", "out2")
    assert wrong.exit_code == 1
    assert "未生成：政府信息公开工作年度报告没有Excel 表（只用于任务分解表）。" in wrong.output
    assert "开放数据和图解" not in wrong.output and not list(Path("out2").glob("*.xlsx"))
    tasks = DATA / "qingchuan-finance" / "2025-任务分解表.toml"
    both = run("build", tasks, annual, "--to", "infographic", "-o", "out3")
    assert both.exit_code == 0, both.output
    assert "  跳过：政务公开任务分解表没有图解（只用于2019年起的年度报告）。" in both.output.splitlines()
    assert "生成 1 份草稿，0 个未生成，1 个没有所要的种类（已跳过）" in both.output
    alone = run("build", tasks, "--to", "图解,json", "-o", "out4")
    assert alone.exit_code == 1
    assert "未生成：政务公开任务分解表没有图解、开放数据（只用于2019年起的年度报告）。" in alone.output
    assert "生成 0 份草稿，1 个未生成" in alone.output


def test_allow_errors_says_what_was_marked_for_a_picture_and_for_a_text_draft(tmp_path):
    text = (DATA / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8")
    source = tmp_path / "x" / "2025.toml"
    source.parent.mkdir()
    source.write_text(
        text.replace(
            "new = { natural_person = 23, commercial = 4,", 'new = { natural_person = 23, commercial = "未读出",', 1
        ),
        encoding="utf-8",
    )
    picture = run("build", source, "--to", "图解", "--allow-errors", "-o", tmp_path / "a")
    assert picture.exit_code == 0, picture.output
    [note] = [line for line in picture.output.splitlines() if line.strip().startswith("注意：")]
    assert "文末" not in note and "图解已标注【数据待核】" in note and f"reportgen check {source}" in note
    count = note.split("图上写明有 ")[1].split(" 个问题")[0]
    [svg] = (tmp_path / "a").glob("*.图解.svg")
    assert f"本图数据未通过核对（{count} 个问题）" in svg.read_text(encoding="utf-8")
    mixed = run("build", source, "--to", "md,图解", "--allow-errors", "-o", tmp_path / "b")
    [note] = [line for line in mixed.output.splitlines() if line.strip().startswith("注意：")]
    assert "草稿已标注【数据待核】，文末列出了全部问题" in note and "图解已标注【数据待核】" in note
    text_only = run("build", source, "--to", "md", "--allow-errors", "-o", tmp_path / "c")
    [note] = [line for line in text_only.output.splitlines() if line.strip().startswith("注意：")]
    assert note.strip() == "注意：数据有错误，草稿已标注【数据待核】，文末列出了全部问题。"
