"""Reading TOML: the line of every key, exact decimals, Chinese syntax errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.sources.tomlfile import TomlSyntaxError, key_lines, parse

TEXT = '''# comment = 1
[report]
agency = "a = b"   # trailing = comment
contact = { office = "办公室", phone = "1" }

[requests]
new = { natural_person = 3, other_org = { value = 2, note = "x, y" } }
"quoted key".x = 1

[text]
overview = """
fake = 1
"""
problems = \'\'\'one line\'\'\'

[requests.carried_over]
natural_person = 1
'''


def test_key_lines_cover_tables_keys_and_inline_tables():
    lines = key_lines(TEXT)
    assert lines["report"] == 2
    assert lines["report.agency"] == 3
    assert lines["report.contact.phone"] == 4
    assert lines["requests.new.natural_person"] == 7
    assert lines["requests.new.other_org.note"] == 7
    assert lines["requests.quoted key.x"] == 8
    assert lines["text.overview"] == 11
    assert lines["text.problems"] == 14
    assert lines["requests.carried_over.natural_person"] == 17


def test_keys_inside_strings_and_comments_are_not_keys():
    lines = key_lines(TEXT)
    assert "text.fake" not in lines
    assert "comment" not in lines
    assert "report.trailing" not in lines


def test_floats_are_exact_decimals():
    assert parse("a = 5949.088667\nb = 1.50")["a"] == Decimal("5949.088667")
    assert str(parse("b = 1.50")["b"]) == "1.50"


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("a = \n", "值的写法不对（文字要加英文双引号，数字和日期不加引号）", 1),
        ("[x\n", "表名缺少结尾的“]”", 1),
        ("a = 1 b = 2\n", "一行只能写一个“键 = 值”", 1),
        ("a = 1\na = 2\n", "“a”写了两次：同一个表中每个键只能写一次，请删去多余的一行", 2),
        ("[report]\npublished = 2026-13-01\n", "日期 2026-13-01 不存在：月份只能是 1 到 12（写成 2026-01-20 这样）", 2),
        ("published = 2026-02-29\n", "日期 2026-02-29 不存在：2026 年 2 月只有 28 天", 1),
        ("published = 2026-1-20\n", "日期 2026-1-20 的月和日要写两位数：2026-01-20", 1),
        ('agency = "某局\n', '“agency”的文字缺少结尾的英文引号 "（引号要成对，写在同一行）', 1),
        ("agency = “某局”\n", '“agency”的文字要用英文双引号 "…" 括起来，不能用中文引号“…”', 1),
        ('agency ＝ "某局"\n', "键名后面要用英文等号“=”，不能用中文等号“＝”", 1),
        ("new = 1,000\n", "数字中不能有逗号：“new”要写成 1000", 1),
        ("new = 12件\n", "数字后面不能写单位或文字：“new = 12件”要写成 12", 1),
        ("[report\n", "表名缺少结尾的“]”", 1),
    ],
)
def test_syntax_errors_are_in_chinese_with_a_line(text, message, line):
    with pytest.raises(TomlSyntaxError) as caught:
        parse(text)
    assert caught.value.message == message
    assert caught.value.line == line
