"""The arithmetic rules R1–R5: for each, a case that passes and a case that fails."""

from __future__ import annotations

from decimal import Decimal

from conftest import with_tables

from reportgen import check_text


def findings(text: str, code: str | None = None):
    result = check_text(text, "t.toml")
    return [f for f in result.findings if code is None or f.code == code]


BALANCED = """
[requests]
new = { natural_person = 5, commercial = 1 }
carried_over = { natural_person = 1 }
disclosed = { natural_person = 3, commercial = 1 }
unable_not_held = { natural_person = 2 }
carry_forward = { natural_person = 1 }
"""


def test_a_balanced_table_three_passes_every_rule():
    assert findings(with_tables(BALANCED)) == []


# ---------------------------------------------------------------- R1


def test_r1_fails_when_new_plus_carried_differs_from_handled_plus_carried_forward():
    text = with_tables(
        BALANCED.replace("carry_forward = { natural_person = 1 }", "carry_forward = { natural_person = 2 }")
    )
    [finding] = findings(text)
    assert finding.code == "R1"
    assert finding.column == "自然人"
    assert finding.table == "表三 三、收到和处理政府信息公开申请情况"
    assert (finding.expected, finding.actual) == (7, 6)
    assert finding.key == "requests.new.natural_person"
    assert "requests.carry_forward.natural_person" in finding.related
    assert finding.message == (
        "“自然人”列：一（5）＋二（1）＝6，而（七）总计（5）＋四（2）＝7，两者应相等。"
        "规则：第一项加第二项之和，等于第三项加第四项之和。"
    )


def test_r1_counts_carried_over_requests_only_once():
    # A classic mistake: counting last year's carried-over requests as newly received too.
    text = with_tables(BALANCED.replace("new = { natural_person = 5,", "new = { natural_person = 6,"))
    [finding] = findings(text, "R1")
    assert finding.column == "自然人"


# ---------------------------------------------------------------- R2


def test_r2_passes_when_a_stated_row_total_equals_its_columns():
    text = with_tables(
        BALANCED.replace(
            "disclosed = { natural_person = 3, commercial = 1 }",
            "disclosed = { natural_person = 3, commercial = 1, total = 4 }",
        )
    )
    assert findings(text) == []


def test_r2_fails_when_a_stated_row_total_differs_from_its_columns():
    text = with_tables(
        BALANCED.replace(
            "disclosed = { natural_person = 3, commercial = 1 }",
            "disclosed = { natural_person = 3, commercial = 1, total = 5 }",
        )
    )
    [finding] = findings(text)
    assert finding.code == "R2"
    assert finding.key == "requests.disclosed.total"
    assert finding.row == "三、本年度办理结果／（一）予以公开"
    assert finding.column == "总计"
    assert (finding.expected, finding.actual) == (4, 5)
    assert finding.line == text.splitlines().index("disclosed = { natural_person = 3, commercial = 1, total = 5 }") + 1


def test_r2_flags_a_total_left_at_zero_while_its_parts_are_not():
    text = with_tables(
        BALANCED.replace(
            "new = { natural_person = 5, commercial = 1 }", "new = { natural_person = 5, commercial = 1, total = 0 }"
        )
    )
    [finding] = findings(text, "R2")
    assert (finding.expected, finding.actual) == (6, 0)


# ---------------------------------------------------------------- R3


def test_r3_passes_when_a_stated_column_total_equals_the_results():
    text = with_tables(BALANCED + "total = { natural_person = 5, commercial = 1, total = 6 }\n")
    assert findings(text) == []


def test_r3_fails_when_the_stated_grand_total_differs_from_the_results():
    text = with_tables(BALANCED + "total = { natural_person = 4, commercial = 1 }\n")
    [finding] = findings(text)
    assert finding.code == "R3"
    assert finding.key == "requests.total.natural_person"
    assert finding.row == "三、本年度办理结果／（七）总计"
    assert finding.column == "自然人"
    assert (finding.expected, finding.actual) == (5, 4)
    assert finding.message == (
        "“自然人”列的“（七）总计”应为 5（（一）予以公开 3，1.本机关不掌握相关政府信息 2），"
        "文件中写的是 4。规则：（七）总计等于（一）至（六）各项之和。"
    )


def test_r3_uses_the_single_other_row_in_the_2019_format():
    table = """
[requests]
new = { natural_person = 2 }
other = { natural_person = 2 }
total = { natural_person = 2 }
"""
    assert findings(with_tables(table, year=2019)) == []
    [finding] = findings(
        with_tables(table.replace("total = { natural_person = 2 }", "total = { natural_person = 1 }"), year=2019)
    )
    assert finding.code == "R3"


# ---------------------------------------------------------------- R4


def test_r4_passes_for_consistent_review_and_litigation_totals():
    text = with_tables("""
[appeals]
review = { upheld = 2, corrected = 1, total = 3 }
lawsuit_direct = { pending = 1, total = 1 }
lawsuit_after_review = { other = 1, total = 1 }
""")
    assert findings(text) == []


def test_r4_fails_for_each_group_whose_stated_total_is_wrong():
    text = with_tables("""
[appeals]
review = { upheld = 2, corrected = 1, total = 3 }
lawsuit_direct = { pending = 1, total = 2 }
lawsuit_after_review = { other = 1, total = 0 }
""")
    found = findings(text)
    assert [(f.code, f.column, f.expected, f.actual) for f in found] == [
        ("R4", "行政诉讼／未经复议直接起诉／总计", 1, 2),
        ("R4", "行政诉讼／复议后起诉／总计", 1, 0),
    ]
    assert found[0].table == "表四 四、政府信息公开行政复议、行政诉讼情况"


# ---------------------------------------------------------------- R5


def test_r5_passes_for_non_negative_whole_counts_and_decimal_fees():
    text = with_tables("""
[proactive]
licensing = 12
administrative_fees = 5949.088667
""")
    assert findings(text) == []
    result = check_text(text)
    assert result.report.figure("proactive.administrative_fees").value == Decimal("5949.088667")


def test_r5_fails_for_a_negative_count():
    [finding] = findings(with_tables("[proactive]\npenalty = -3\n"))
    assert finding.code == "R5"
    assert finding.key == "proactive.penalty"
    assert finding.row == "第二十条第（六）项／行政处罚"
    assert finding.column == "本年处理决定数量"
    assert finding.actual == "-3"
    assert finding.message == "“表二 行政处罚／本年处理决定数量”不能为负数，文件中写的是 -3。"


def test_r5_fails_for_a_fractional_count():
    [finding] = findings(with_tables("[requests]\nnew = { natural_person = 1.5 }\n"), "R5")
    assert finding.key == "requests.new.natural_person"
    assert finding.message == ("“表三 一、本年新收政府信息公开申请数量／自然人”是件数，应为整数，文件中写的是 1.5。")


def test_r5_fails_for_a_negative_fee_amount():
    [finding] = findings(with_tables("[proactive]\nadministrative_fees = -0.5\n"))
    assert (finding.code, finding.key) == ("R5", "proactive.administrative_fees")


def test_r5_allows_a_negative_change_in_the_2019_format_only():
    assert (
        findings(with_tables("[proactive]\nlicensing = { previous = 5, change = -2, decisions = 3 }\n", year=2019))
        == []
    )
    [finding] = findings(
        with_tables("[proactive]\nlicensing = { previous = 5, change = 2, decisions = -3 }\n", year=2019)
    )
    assert (finding.code, finding.key) == ("R5", "proactive.licensing.decisions")
