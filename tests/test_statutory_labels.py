"""The statutory formats reproduce the spec's labels character for character.

The expected labels are read from the spec itself (../shared/spec/statutory-format.md,
beside the repository as in CI), not from our data files; a few of the easily mistyped
labels are also pinned literally.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import SPEC

from reportgen.formats import statutory
from reportgen.formats.statutory import Header

FORMATS = statutory.formats()


@pytest.fixture(scope="module")
def spec() -> str:
    assert SPEC.exists(), f"the spec is missing: {SPEC}"
    return SPEC.read_text(encoding="utf-8")


def _section(spec: str, heading: str) -> str:
    start = spec.index(heading)
    end = spec.find("\n## ", start + 1)
    return spec[start : end if end > 0 else None]


def _code_blocks(text: str) -> list[list[str]]:
    return [block.strip("\n").splitlines() for block in re.findall(r"```\n(.*?)```", text, re.S)]


def _bracket_labels(lines: list[str]) -> list[str]:
    labels = []
    for line in lines:
        count = 2 if "×2" in line else 1
        labels += re.findall(r"\[(\S+?)(?:\s[^\]]*)?\]", line) * count
    return labels


def _preorder(nodes: tuple[Header, ...]) -> list[str]:
    return [label for n in nodes for label in ([n.label] + _preorder(n.children)) if label]


# ------------------------------------------------------------------ outline


def test_section_headings(spec):
    [outline] = _code_blocks(_section(spec, "## 2. Outline"))
    for fmt in FORMATS.values():
        assert [s.heading for s in fmt.sections] == outline


def test_themes_of_section_one(spec):
    themes = re.findall(r"（[一二三四五]）[^\s.]+", _section(spec, "## 2. Outline"))
    for fmt in FORMATS.values():
        overview = fmt.sections[0]
        assert [t.heading for t in overview.themes if not t.kinds] == themes
    assert "工作考核、社会评议和责任追究结果" in _section(spec, "## 2. Outline")


# ------------------------------------------------------------------ table 二


def _spec_blocks(lines: list[str]) -> list[tuple[str, list[str], list[str]]]:
    blocks = []
    for line in lines:
        cells = [re.sub(r"\s+\(.*\)$", "", c).strip() for c in line.split("|")]
        if len(cells) == 1:
            blocks.append((cells[0], [], []))
        elif cells[0] == "信息内容":
            blocks[-1][1].extend(cells[1:])
        else:
            blocks[-1][2].append(cells[0])
    return blocks


@pytest.mark.parametrize("fmt_id, marker", [("2021", "2021 format:"), ("2019", "2019 format")])
def test_table_two(spec, fmt_id, marker):
    text = _section(spec, "## 3. Table 二")
    [lines] = _code_blocks(text[text.index(marker) :])[:1]
    table = FORMATS[fmt_id].tables["proactive"]
    ours = [(b.caption, [c.label for c in b.columns if not c.blank], [r.label for r in b.rows]) for b in table.blocks]
    assert ours == _spec_blocks(lines)
    assert table.row_header == "信息内容"


# ------------------------------------------------------------------ table 三


@pytest.mark.parametrize("fmt_id", ["2019", "2021"])
def test_table_three(spec, fmt_id):
    header, rows = _code_blocks(_section(spec, "## 4. Table 三"))
    table = FORMATS[fmt_id].tables["requests"]
    corner, *columns = _bracket_labels(header)
    assert table.corner == corner
    assert Counter(_preorder(table.column_tree)) == Counter(columns)
    expected = [re.split(r"\s{2,}", line.strip())[0] for line in rows]
    if fmt_id == "2019":  # （六）其他处理 is a single row in 2019
        start = expected.index("（六）其他处理") + 1
        del expected[start : start + 3]
    assert _preorder(table.row_tree) == expected


def test_table_three_data_columns_in_order(spec):
    line = next(x for x in _section(spec, "## 4. Table 三").splitlines() if x.startswith("Data columns in order"))
    expected = re.findall(r"[\u4e00-\u9fff]+", line.split(":", 1)[1])
    for fmt in FORMATS.values():
        names = [c.name.rsplit("／", 1)[-1] for c in fmt.tables["requests"].rows[0].columns]
        assert names == expected


# ------------------------------------------------------------------ table 四


def test_table_four(spec):
    [header] = _code_blocks(_section(spec, "## 5. Table 四"))
    expected = Counter(_bracket_labels(header))
    for fmt in FORMATS.values():
        assert Counter(_preorder(fmt.tables["appeals"].column_tree)) == expected
        assert len(fmt.tables["appeals"].rows[0].columns) == 15


# ------------------------------------------------------------------ pinned


def test_easily_mistyped_labels_are_exact():
    rows = {r.name.rsplit("／", 1)[-1] for r in FORMATS["2021"].tables["requests"].rows}
    assert "3.危及“三安全一稳定”" in rows  # curly quotes
    assert "1.属于国家秘密" in rows  # ASCII full stop after the number
    assert "5.属于三类内部事务信息" in rows  # not 内容事务
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in rows  # not 情况
    assert "（七）总计" in rows


def test_every_label_uses_full_width_brackets():
    for fmt in FORMATS.values():
        for table in fmt.tables.values():
            for cell in table.cells():
                assert "(" not in cell.row.name + cell.column.name
                assert ")" not in cell.row.name + cell.column.name
