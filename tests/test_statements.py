"""Text that restates the tables, read against them (issue 17): the stock phrasings of real
reports, consistent and inconsistent, with zero false alarms on consistent text."""

from __future__ import annotations

import pytest
from cli_helpers import run
from conftest import with_tables

from reportgen import check_text

# A 2025 department: 85 requests, 81 concluded (42 disclosed or partly, 5 withheld, 31
# unable, 1 unprocessed, 2 other), 4 carried forward; 36 reviews, 9 lawsuits.
TABLES = """
[proactive]
rules = { issued = 0, repealed = 0, in_force = 12 }
normative_documents = { issued = 62, repealed = 3, in_force = 393 }
licensing = 1200
penalty = 3500
enforcement = 0

[requests]
new = { natural_person = 80, commercial = 5 }
disclosed = { natural_person = 30 }
partly_disclosed = { natural_person = 12 }
withheld_third_party = { natural_person = 5 }
unable_not_held = { natural_person = 26, commercial = 5 }
unprocessed_repeat = { natural_person = 1 }
other_misc = { natural_person = 2 }
carry_forward = { natural_person = 4 }

[appeals]
review = { upheld = 30, corrected = 6 }
lawsuit_direct = { upheld = 5 }
lawsuit_after_review = { pending = 4 }
"""

CONSISTENT = [
    "全年共收到政府信息公开申请85件，办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；"
    "不予公开5件，占6.17%；无法提供31件，占38.27%；不予处理1件；其他处理2件。结转至2026年4件。",
    "本年度被申请行政复议36起，被提起行政诉讼9起。",
    "本年度制发行政规范性文件62件，废止行政规范性文件3件，现行有效行政规范性文件393件，现行有效规章12件。",
    "全年作出行政许可决定1200件，行政处罚决定3500件。",
    "共办结81件，结转下年度继续办理4件。予以公开30件，部分公开12件。",
    # sentences with numbers that restate nothing in the tables
    "全年主动公开政府信息1200条，召开新闻发布会3场，开展培训2次、培训人员120人次。",
    "办结12345热线转办工单2000件，行政许可承诺时限压缩50个工作日。",
    "不予公开的，均依法书面说明理由。行政复议决定维持30件。",
]

INCONSISTENT = [
    ("共收到政府信息公开申请154件，共办结148件，结转至2026年6件。", ["154", "148", "6"]),
    ("予以公开及部分公开40件，占49.38%。", ["40"]),
    ("不予公开5件，占5.17%。", ["5.17"]),
    ("行政复议35起，行政诉讼9起。", ["35"]),
    ("本年度制发行政规范性文件61件，现行有效行政规范性文件390件。", ["61", "390"]),
    ("作出行政处罚决定3400件。", ["3400"]),
    ("无法提供31个，其他处理3件。", ["3"]),
]


def findings_for(text: str, tables: str = TABLES):
    source = with_tables(tables, year=2025).replace(
        'on_request = "严格依法办理政府信息公开申请。"', f'on_request = "{text}"'
    )
    result = check_text(source)
    assert result.errors == 0, [f.message for f in result.findings if f.is_error]
    return [f for f in result.findings if f.code == "text-figure"]


@pytest.mark.parametrize("text", CONSISTENT)
def test_consistent_text_in_the_styles_of_real_reports_gives_no_finding(text):
    assert findings_for(text) == []


@pytest.mark.parametrize("text, typed", INCONSISTENT)
def test_each_inconsistent_statement_is_one_finding_naming_sentence_and_cell(text, typed):
    found = findings_for(text)
    assert sorted(f.actual for f in found) == sorted(typed), [f.message for f in found]
    for finding in found:
        assert finding.message.startswith("正文“") and "表" in finding.message


def test_a_share_is_checked_to_the_precision_printed():
    [finding] = findings_for(
        "办结81件，其中不予公开5件，占6.2%；无法提供31件，占38.3%。无法提供比例为38%。".replace("占6.2%", "占6.3%")
    )
    assert finding.message == (
        "正文“办结81件，其中不予公开5件，占6.3%；”中写的占比是 6.3%，"
        "而按表格表三“（三）不予公开”总计 5 ÷ 办结总数 81应为 6.2%。请核对。"
    )


def test_a_number_typed_for_rows_the_table_leaves_blank_is_a_finding():
    blank = TABLES.replace(
        "withheld_third_party = { natural_person = 5 }",
        'withheld_third_party = { natural_person = "" }\nunable_unclear = { natural_person = 5 }',
    )
    found = findings_for("不予公开5件。", blank)
    assert [f.actual for f in found] == ["5"]
    assert "在表格中留空" not in found[0].message  # some 不予公开 cells are written (0)
    all_blank = blank.replace(
        "[requests]",
        "[requests]\n"
        + "\n".join(
            f'{row} = {{ natural_person = "", commercial = "", research = "", public_interest = "", '
            f'legal_services = "", other_org = "" }}'
            for row in (
                "withheld_state_secret",
                "withheld_by_law",
                "withheld_security",
                "withheld_internal",
                "withheld_process",
                "withheld_enforcement_file",
                "withheld_query",
            )
        ),
    )
    all_blank = all_blank.replace(
        'withheld_third_party = { natural_person = "" }',
        "withheld_third_party = { "
        'natural_person = "", commercial = "", research = "", public_interest = "", '
        'legal_services = "", other_org = "" }',
    )
    [finding] = findings_for("不予公开5件。", all_blank)
    assert "表三“（三）不予公开”总计在表格中留空" in finding.message


def test_the_rules_are_data_beside_the_formats():
    from reportgen.checks import statements

    assert statements.RULES_FILE.name == "statements.toml"
    assert statements.RULES_FILE.parent.name == "formats"
    assert len(statements.rules().statements) >= 20


def test_check_prints_the_finding_with_the_line_of_the_sentence(write):
    path = write(
        with_tables(TABLES, year=2025).replace(
            'on_request = "严格依法办理政府信息公开申请。"', 'on_request = "行政复议35起。"'
        ),
        "2025.toml",
    )
    result = run("check", path)
    assert result.exit_code == 0
    assert "正文“行政复议35起。”中写的是 35，而表四“行政复议／总计”为 36。" in result.output


def test_every_match_of_a_rule_holds_its_keyword():
    """A sentence without a rule's keyword is not read with it: the keyword must be in every
    text the rule can match (generated from its regular expression)."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from reportgen.checks.statements import _filled, rules

    for statement in rules().statements:
        assert statement.keyword, statement.id
        plain = re.sub(r"\(\?<[!=][^)]*\)", "", _filled(statement.written))  # lookbehinds: from_regex cannot

        @settings(max_examples=60, deadline=None)
        @given(text=st.from_regex(plain, fullmatch=True))
        def holds(text):
            assert statement.keyword in text  # noqa: B023 -- holds() runs before the loop moves on

        holds()
