"""Reading a data file: each schema failure and its exact message, and what is read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import skeleton, with_tables

from reportgen import check_text


def only(text: str):
    result = check_text(text, "t.toml")
    assert len(result.findings) == 1, [f.message for f in result.findings]
    return result.findings[0]


# ---------------------------------------------------------------- what is read


def test_omitted_figures_are_zero_and_annotations_are_kept():
    result = check_text(
        with_tables("""
[proactive]
normative_documents = { issued = 3, in_force = { value = 22, note = "其中修订16件" } }
""")
    )
    assert result.findings == []
    report = result.report
    assert report.figure("proactive.normative_documents.repealed").value == 0
    figure = report.figure("proactive.normative_documents.in_force")
    assert (figure.value, figure.note, str(figure)) == (22, "其中修订16件", "22（其中修订16件）")


def test_amounts_keep_exactly_the_decimals_given():
    result = check_text(with_tables("[proactive]\nadministrative_fees = 120.50\n"))
    assert str(result.report.figure("proactive.administrative_fees")) == "120.50"


def test_metadata_and_narrative_are_read():
    report = check_text(skeleton()).report
    assert (report.agency, report.year, report.kind) == ("测试市测试局", 2021, "部门")
    assert report.published == date(2022, 1, 20)
    assert report.contact.postcode == "100000"
    assert report.text["problems"].startswith("政策解读")
    assert report.format.id == "2021"


def test_the_format_follows_the_report_year():
    assert check_text(skeleton(2019)).report.format.id == "2019"
    assert check_text(skeleton(2020)).report.format.id == "2019"
    assert check_text(skeleton(2021)).report.format.id == "2021"
    assert check_text(skeleton(2026)).report.format.id == "2021"


def test_section_six_fees_are_separate_from_table_two_fees():
    result = check_text(
        with_tables("""
[proactive]
administrative_fees = 3.5
[processing_fees]
notices = 2
amount = 340
""")
    )
    assert result.findings == []
    report = result.report
    assert report.fees.notices == 2 and report.fees.amount == 340
    assert report.figure("proactive.administrative_fees").value == Decimal("3.5")


def test_a_utf8_bom_is_accepted():
    assert check_text("\ufeff" + skeleton()).findings == []


# ---------------------------------------------------------------- failures


def test_a_misspelt_key_is_reported_with_the_nearest_valid_key():
    finding = only(with_tables("[requests]\nnew = { natural_persn = 3 }\n"))
    assert finding.code == "unknown-key"
    assert finding.key == "requests.new.natural_persn"
    assert finding.message == (
        "未知的键“requests.new.natural_persn”，其中的内容没有被读取。"
        "是否应为“requests.new.natural_person”（表三 一、本年新收政府信息公开申请数量／自然人）？"
    )


def test_a_misspelt_row_is_reported_and_its_figures_are_not_silently_used():
    result = check_text(with_tables("[requests]\ndisclosd = { natural_person = 3 }\nnew = { natural_person = 3 }\n"))
    codes = sorted(f.code for f in result.findings)
    assert codes == ["R1", "unknown-key"]
    unknown = next(f for f in result.findings if f.code == "unknown-key")
    assert "是否应为“requests.disclosed”" in unknown.message


def test_a_key_of_the_other_format_is_named_as_such():
    finding = only(with_tables("[proactive]\nother_services = { previous = 1 }\n"))
    assert finding.message == (
        "未知的键“proactive.other_services”，其中的内容没有被读取。"
        "这是2019年版（试行）（国办公开办函〔2019〕60号）的键，"
        "本报告使用的是2021年版（国办公开办函〔2021〕30号）。"
    )


def test_an_unknown_key_without_a_near_match_lists_the_valid_keys():
    finding = only(with_tables("[appeals]\nreview = { xyz = 1 }\n"))
    assert finding.message == (
        "未知的键“appeals.review.xyz”，其中的内容没有被读取。这里可用的键：upheld、corrected、other、pending、total。"
    )


def test_a_quoted_number_is_a_type_error():
    finding = only(with_tables('[proactive]\nlicensing = "12"\n'))
    assert finding.code == "type"
    assert finding.message == "“表二 行政许可／本年处理决定数量”应为非负整数，文件中写的是 “12”（数字不要加引号）。"
    assert finding.table == "表二 二、主动公开政府信息情况"
    assert finding.row == "第二十条第（五）项／行政许可"
    assert finding.column == "本年处理决定数量"


def test_a_row_written_as_a_single_number_is_a_type_error():
    finding = only(with_tables("[requests]\ncarried_over = 2\n"))
    assert finding.message == (
        "“requests.carried_over”是一组数字，不能直接写成 2，应按项分别填写，"
        "如 carried_over = { natural_person = … }。可用的键：natural_person、commercial、research、"
        "public_interest、legal_services、other_org、total。"
    )


def test_an_annotated_figure_needs_a_value():
    finding = only(with_tables('[proactive]\nlicensing = { note = "含变更" }\n'))
    assert finding.message == (
        "“表二 行政许可／本年处理决定数量”写成了带说明的形式，但缺少 value（数字）。"
        '应写成 { value = 22, note = "其中修订16件" }。'
    )


def test_a_quoted_date_is_a_type_error():
    finding = only(skeleton().replace("published = 2022-01-20", 'published = "2022-01-20"'))
    assert (finding.code, finding.key, finding.line) == ("type", "report.published", 5)
    assert finding.message == "“发布日期”应为日期（如 2025-01-20，不加引号），文件中写的是 “2022-01-10”。".replace(
        "10", "20"
    )


def test_an_unknown_report_kind_is_rejected():
    finding = only(skeleton().replace('kind = "部门"', 'kind = "单位"'))
    assert finding.message == "“报告类别”只能填 “部门”、“政府”，文件中写的是 “单位”。"


def test_missing_required_metadata_is_reported_field_by_field():
    text = skeleton().replace('agency = "测试市测试局"\n', "").replace("published = 2022-01-20\n", "")
    result = check_text(text)
    messages = [f.message for f in result.findings]
    assert messages == [
        "缺少必填项“report.agency”（机关名称），应填文字（加英文双引号），如“某某市财政局”。",
        "缺少必填项“report.published”（发布日期），应填日期（如 2025-01-20，不加引号）。",
    ]
    assert all(f.code == "missing" and f.line == 1 for f in result.findings)


def test_malformed_toml_names_line_and_column():
    text = skeleton() + "\n[requests]\nnew = { natural_person = 3\n"
    finding = only(text)
    assert finding.code == "syntax"
    assert (finding.line, finding.col) == (len(text.splitlines()), 27)
    assert finding.message == "TOML 语法错误：花括号 { } 没有闭合，或花括号内换了行。"


def test_an_unquoted_text_value_is_a_syntax_error_at_its_line():
    finding = only(skeleton().replace('agency = "测试市测试局"', "agency = 测试市测试局"))
    assert (finding.code, finding.line, finding.col) == ("syntax", 2, 10)
    assert finding.message == "TOML 语法错误：值的写法不对（文字要加英文双引号，数字和日期不加引号）。"


def test_a_year_before_2019_is_refused():
    finding = only(skeleton(2018).replace("[text]", "[textx]").split("[textx]")[0])
    assert finding.code == "year"
    assert finding.message == (
        "2018 年度没有全国统一的报告格式（2019 年起才有）。2019 年以前的年度报告（2008 年条例）"
        '请在文件开头写 document = "2008年条例年度报告"，按第三十二条的六项起草，数字写在正文中。'
    )


def test_a_format_override_that_differs_from_the_year_is_a_warning():
    text = (
        skeleton(2021)
        .replace('kind = "部门"', 'kind = "部门"\nformat = "2019"')
        .replace("[text]\n", '[text]\noverview = "概述。"\n')
    )
    result = check_text(text)
    assert result.report.format.id == "2019"
    [finding] = [f for f in result.findings if f.code == "format"]
    assert finding.severity.value == "warning"
    assert finding.message == (
        "2021 年度的报告应使用2021年版（国办公开办函〔2021〕30号），"
        "文件指定了2019年版（试行）（国办公开办函〔2019〕60号）。"
    )


def test_every_problem_is_reported_at_once():
    text = with_tables("""
[proactive]
licensing = "3"
penalty = -1
[requests]
new = { natural_persn = 1 }
disclosed = { natural_person = 1, total = 2 }
""")
    codes = sorted(f.code for f in check_text(text).findings)
    # R1 too: the misspelt row's figure was not read, so 一 no longer balances.
    assert codes == ["R1", "R2", "R5", "type", "unknown-key"]


def test_empty_required_narrative_is_a_warning():
    text = skeleton().replace('supervision = "将政务公开纳入年度考核。"\n', "")
    finding = only(text)
    assert (finding.severity.value, finding.code, finding.key) == ("warning", "empty-text", "text.supervision")
    assert finding.message == "“一、总体情况（五）监督保障”还没有内容，草稿中将显示【待填写】。"


def test_a_government_report_also_needs_the_assessment_part():
    text = skeleton(kind="政府").replace('assessment = "将政务公开纳入绩效考核。"\n', "")
    finding = only(text)
    assert finding.key == "text.assessment"
