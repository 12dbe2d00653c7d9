"""Issue 38, the reading: a page holding several reports is split into one report each
whatever the titles' line breaks, and refused (never merged) when its parts cannot be told
apart; a published draft is an error of its own in audit; a portal capture's header lines
are read as such, and a path is never a title.

Fixtures are generated (tests/fixtures/published/pairs.py over shapes.py; every figure
fictional)."""

from __future__ import annotations

import random
import sys

import pytest
from cli_helpers import run
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportgen.errors import ReportgenError
from reportgen.sources.published import import_report, import_reports

FIXTURES = REPO / "tests" / "fixtures" / "published"
sys.path.insert(0, str(FIXTURES))
import pairs  # noqa: E402
import shapes  # noqa: E402

AGENCIES = ("示例市财政局", "示例市人力资源和社会保障局", "示例县人民政府", "示例区教育局", "示例市生态环境局")


def cells(imported) -> dict[str, object]:
    return {**imported.figures, **imported.groups}


def read_as(sample, imported) -> bool:
    """Whether every statutory cell was read as ``sample`` published it."""
    found = cells(imported)
    return all(found.get(key) == value for key, value in shapes.expected(sample).items())


def _pair(seed: int, agencies=(AGENCIES[0], AGENCIES[1])):
    rng = random.Random(seed)
    return [shapes.make_sample(rng, agency=agency) for agency in agencies]


def _figures_differ(samples) -> bool:
    return shapes.expected(samples[0]) != shapes.expected(samples[1])


@pytest.mark.parametrize("shape", pairs.SHAPES)
def test_two_reports_in_one_file_become_two_whatever_the_titles_line_breaks(tmp_path, shape):
    samples = _pair(11)
    path = tmp_path / f"两份{pairs.suffix(shape)}"
    path.write_text(pairs.two_reports(samples, shape), encoding="utf-8")
    found = import_reports(path)
    assert [i.agency for i in found] == [s.agency for s in samples]
    for sample, imported in zip(samples, found):
        assert read_as(sample, imported), shape
        assert imported.contact.get("phone") == "010-66668888"


def test_reportgens_own_html_drafts_of_two_agencies_import_as_two(tmp_path):
    """The case of the issue: reportgen prints titles over two lines (<br>); two drafts put
    one after the other, as pages or as 网页片段, import as two data files, each agency with
    its own figures."""
    out = tmp_path / "drafts"
    for name in ("qingchuan-finance", "qingchuan-hrss"):
        assert run("build", REPO / "data" / name / "2025.toml", "--to", "html", "-o", out).exit_code == 0
    fragments = sorted(out.glob("*.网页片段.html"))
    assert len(fragments) == 2 and all("<br>" in f.read_text(encoding="utf-8") for f in fragments)
    page = tmp_path / "两份.html"
    page.write_text("\n".join(f.read_text(encoding="utf-8") for f in fragments), encoding="utf-8")
    result = run("import", page, "-o", tmp_path / "data")
    assert result.exit_code == 0, result.output
    finance = (tmp_path / "data" / "青川市财政局" / "2025.toml").read_text(encoding="utf-8")
    hrss = (tmp_path / "data" / "青川市人力资源和社会保障局" / "2025.toml").read_text(encoding="utf-8")
    assert "new = { natural_person = 23," in finance and "natural_person = 86" not in finance
    assert "new = { natural_person = 86," in hrss
    audit = run("audit", tmp_path / "data", "-o", tmp_path / "r.xlsx")  # the data files are no published reports
    assert audit.exit_code != 0
    folder = tmp_path / "pages"
    folder.mkdir()
    page.replace(folder / page.name)
    run("audit", folder, "-o", tmp_path / "核查.xlsx")
    book = load_workbook(tmp_path / "核查.xlsx")
    assert sorted(r[0] for r in book["各单位汇总"].iter_rows(min_row=2, values_only=True)) == [
        "青川市人力资源和社会保障局",
        "青川市财政局",
    ]


def test_a_page_whose_reports_cannot_be_told_apart_is_refused_never_merged(tmp_path):
    samples = _pair(5)
    path = tmp_path / "两份无标题.html"
    path.write_text(pairs.without_second_title(samples), encoding="utf-8")
    with pytest.raises(ReportgenError) as refused:
        import_reports(path)
    assert "分不清" in str(refused.value) and str(path) in str(refused.value)
    result = run("import", path, "-o", tmp_path / "data")
    assert result.exit_code == 1 and "分不清每一份从哪里开始" in result.output
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.toml"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32),
    shape=st.sampled_from(pairs.SHAPES),
    agencies=st.lists(st.sampled_from(AGENCIES), min_size=2, max_size=2, unique=True),
    told_apart=st.booleans(),
)
def test_never_a_figure_of_one_report_under_anothers_name(tmp_path, seed, shape, agencies, told_apart):
    """Over random pairs in every shape: each report read is one of the pair, read as that
    agency published it, or the file is refused; never a mix."""
    samples = _pair(seed, agencies)
    path = tmp_path / f"pair{pairs.suffix(shape)}"
    text = (
        pairs.two_reports(samples, shape)
        if told_apart or not shape.startswith("html")
        else pairs.without_second_title(samples)
    )
    path.write_text(text, encoding="utf-8")
    try:
        found = import_reports(path)
    except ReportgenError as refused:
        assert "分不清" in str(refused) or not told_apart
        return
    by_agency = {s.agency: s for s in samples}
    for imported in found:
        assert imported.agency in by_agency, imported.agency
        assert read_as(by_agency[imported.agency], imported), (shape, imported.agency)
    assert len(found) == 2


def test_a_capture_header_is_read_as_such_and_a_path_is_never_a_title(tmp_path):
    sample = shapes.make_sample(random.Random(3), agency="示例综合实验区财政金融局", year=2023)
    path = tmp_path / "capture.txt"
    path.write_text(pairs.capture_text(sample), encoding="utf-8")
    imported = import_report(path)
    assert imported.agency == "示例综合实验区财政金融局" and imported.year == 2023
    assert read_as(sample, imported)
    result = run("import", path, "-o", tmp_path / "data")
    assert (tmp_path / "data" / "示例综合实验区财政金融局" / "2023.toml").exists(), result.output
    assert "本地目录" not in result.output and "zwgk" not in "".join(p.name for p in (tmp_path / "data").iterdir())
    sample.signed = None  # not dated under the signature: the date is the header's 发布时间
    path.write_text(pairs.capture_text(sample), encoding="utf-8")
    undated = import_report(path)
    assert undated.published == sample.page_date and undated.download["url"] == sample.url
    assert "zwgk" not in " ".join([*undated.texts.values(), *undated.contact.values()])


@pytest.mark.parametrize("marker", ["data", "unfilled", "review"])
def test_a_published_draft_is_an_error_of_its_own(tmp_path, marker):
    sample = shapes.make_sample(random.Random(8), agency="示例市财政局")
    folder = tmp_path / "已发布"
    folder.mkdir()
    (folder / "clean.html").write_text(
        shapes.portal_page(shapes.make_sample(random.Random(9), agency="示例区教育局")), encoding="utf-8"
    )
    (folder / "draft.html").write_text(
        pairs.with_draft_markers(shapes.portal_page(sample), marker=marker), encoding="utf-8"
    )
    result = run("audit", folder, "-o", tmp_path / "核查.xlsx")
    assert result.exit_code == 1
    rows = list(load_workbook(tmp_path / "核查.xlsx")["核查结果"].iter_rows(min_row=2, values_only=True))
    drafts = [r for r in rows if r[3] == "发布了未核定的草稿"]
    assert [(r[0], r[8]) for r in drafts] == [("示例市财政局", "错误")]
    said = {"data": "【数据待核】", "unfilled": "【待填写】", "review": "【请按本年情况改写】"}[marker]
    assert said in drafts[0][7]
    assert read_as(sample, import_report(folder / "draft.html"))  # the tables read as printed
