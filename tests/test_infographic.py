"""The 图解 (issue 36): ``build --to infographic`` draws the report's figures, and every figure
drawn is read back from the SVG and compared with ``build --to json`` of the same file."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from cli_helpers import run
from conftest import EXAMPLES, REPO
from lxml import etree

from reportgen import check_file
from reportgen.model.names import cells_of
from reportgen.renderers import png as raster
from reportgen.workflows.build import Renderers, render_drafts

GOLDEN = REPO / "tests" / "golden"
SVG = "{http://www.w3.org/2000/svg}"
ids = lambda p: f"{p.parent.name}-{p.stem}"  # noqa: E731


def unread_copy(folder: Path) -> Path:
    """qingchuan-finance 2025 (last year beside it) with table 二's 行政许可 left blank ("")
    and one applicant cell not read from its source ("未读出")."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (REPO / "data" / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8")
    changed = text.replace("licensing = 35 ", 'licensing = "" ', 1).replace(
        "new = { natural_person = 23, commercial = 4,", 'new = { natural_person = 23, commercial = "未读出",', 1
    )
    assert changed.count('""') > text.count('""') and "未读出" in changed
    (folder / "2025.toml").write_text(changed, encoding="utf-8")
    (folder / "2024.toml").write_bytes((REPO / "data" / "qingchuan-finance" / "2024.toml").read_bytes())
    return folder / "2025.toml"


def built(source: Path, out: Path, *extra) -> dict[str, Path]:
    result = run("build", source, "-o", out, "--to", "infographic,json", *extra)
    assert result.exit_code == 0, result.output
    return {
        kind: next(out.glob(f"*{ending}"))
        for kind, ending in (("svg", ".图解.svg"), ("png", ".图解.png"), ("html", ".图解.html"), ("json", "告.json"))
    }


def drawn(svg: Path) -> dict[str, tuple[str, str]]:
    """Every figure in the SVG: its name -> (text, state)."""
    tree = etree.parse(str(svg))
    found = {}
    for span in tree.iter(f"{SVG}tspan"):
        if span.get("data-name"):
            assert span.get("data-name") not in found, span.get("data-name")
            found[span.get("data-name")] = (span.text, span.get("data-state"))
    return found


def expected(name: str, data: dict, report) -> tuple[str, str]:
    """What the open data says a figure is: a cell's value, a row group's the sum of its
    cells; null where the report leaves a cell blank (空白) or could not read it (未读出)."""
    if name.startswith("fees."):
        return _number(data["fees"][name.split(".")[1]])
    cells = {cell.key for cell in report.format.cells()}
    if name in cells:
        value = _open_data(data, name)
        if value is None:
            stated = report.figures.get(name)
            return ("空白", "blank") if stated is not None and stated.blank else ("未读出", "unread")
        return _number(value)
    keys = cells_of(report.format, name)
    assert keys, name
    if any(report.figures.get(key) is not None and report.figures[key].unread for key in keys):
        return "未读出", "unread"
    return _number(sum(_open_data(data, key) or 0 for key in keys))


def _open_data(data: dict, key: str):
    table, rest = key.split(".", 1)
    node = data["tables"][table]
    for part in rest.split("."):
        node = node[part]
    return node


def _number(value) -> tuple[str, str]:
    return (format(value, "f") if isinstance(value, Decimal) else str(value)), "number"


@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_every_figure_drawn_equals_the_open_data(tmp_path, example):
    files = built(example, tmp_path)
    data = json.loads(files["json"].read_text(encoding="utf-8"), parse_float=Decimal)
    report = check_file(example, previous=None).report
    figures = drawn(files["svg"])
    assert len(figures) == 6 + 2 + 6 + 7 + 3 * 5 + (2 if report.format.has_fees else 0)
    for name, shown in figures.items():
        assert shown == expected(name, data, report), name


def test_blank_and_unread_cells_are_drawn_as_such_and_only_with_allow_errors(tmp_path):
    source = unread_copy(tmp_path / "data")
    refused = run("build", source, "-o", tmp_path / "refused", "--to", "图解")
    assert refused.exit_code == 1 and "没有生成草稿" in refused.output
    assert not list((tmp_path / "refused").glob("*图解*"))
    files = built(source, tmp_path / "out", "--allow-errors")
    figures = drawn(files["svg"])
    assert figures["proactive.licensing"] == ("空白", "blank")
    assert figures["requests.new.commercial"] == ("未读出", "unread")
    assert figures["requests.new.total"] == ("未读出", "unread")  # a total of an unread cell is unread
    data = json.loads(files["json"].read_text(encoding="utf-8"), parse_float=Decimal)
    report = check_file(source, previous=None).report
    for name, shown in figures.items():
        assert shown == expected(name, data, report), name
    svg = files["svg"].read_text(encoding="utf-8")
    assert "【数据待核】本图数据未通过核对" in svg
    page = files["html"].read_text(encoding="utf-8")
    assert "【数据待核】" in page and "作出行政许可决定：空白" in page and "商业企业未读出" in page


def test_the_change_against_last_year_is_worded_as_the_draft_words_it(tmp_path):
    source = REPO / "data" / "qingchuan-finance" / "2025.toml"
    result = run("build", source, "-o", tmp_path, "--to", "infographic,md")
    assert result.exit_code == 0, result.output
    svg = next(tmp_path.glob("*.图解.svg")).read_text(encoding="utf-8")
    draft = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "共新收政府信息公开申请30件，较上年增加7件（30.4%）" in draft
    tree = etree.fromstring(svg.encode("utf-8"))
    changes = ["".join(t.itertext()) for t in tree.iter(f"{SVG}text") if t.get("class") == "change"]
    assert "↑ 较上年增加7件（30.4%）" in changes and "与上年持平" in changes
    first_year = run(
        "build", REPO / "data" / "qingchuan-finance" / "2024.toml", "-o", tmp_path / "first", "--to", "infographic"
    )
    assert first_year.exit_code == 0, first_year.output
    assert "较上年" not in next((tmp_path / "first").glob("*.图解.svg")).read_text(encoding="utf-8")


def test_the_png_is_the_svg_drawn_not_blank_and_the_same_bytes_every_time(tmp_path):
    from PIL import Image

    example = REPO / "data" / "qingchuan-finance" / "2025.toml"
    first, second = built(example, tmp_path / "a"), built(example, tmp_path / "b", "--accent", "红")
    for kind in ("svg", "png", "html"):
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind
    height = int(etree.parse(str(first["svg"])).getroot().get("height"))
    with Image.open(first["png"]) as image:
        assert image.size == (1080, height) and height > 1920
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # text is drawn (antialiased), not a blank canvas
    red = sum(n for n, (r, g, b) in colours if (r, g, b) == (0xB3, 0x12, 0x1B))
    assert red > 1080 * 200  # the accent band and the bars
    blue = built(example, tmp_path / "blue", "--accent", "蓝")
    with Image.open(blue["png"]) as image:
        assert (0x1A, 0x4C, 0x8B) in {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}


def test_a_machine_without_a_chinese_face_is_told_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(raster, "face", lambda: None)
    result = run("build", REPO / "data" / "qingchuan-finance" / "2025.toml", "-o", tmp_path, "--to", "图解")
    assert result.exit_code != 0
    assert "没有找到可用于图解 PNG 的中文黑体字体" in result.output
    assert not list(tmp_path.glob("*"))


def test_to_names_the_picture_in_english_or_chinese_and_rejects_other_accents(tmp_path):
    bad = run("build", REPO / "data" / "wuhai-finance" / "2019.toml", "-o", tmp_path, "--to", "图解", "--accent", "绿")
    assert bad.exit_code != 0 and "只能是：红、蓝、red、blue" in bad.output
    task_table = REPO / "data" / "qingchuan-finance" / "2025-任务分解表.toml"
    result = run("build", task_table, "-o", tmp_path, "--to", "infographic")
    assert result.exit_code == 1 and "未生成：政务公开任务分解表没有图解（只用于2019年起的年度报告）。" in result.output
    assert not list(tmp_path.glob("*图解*"))  # only the annual report's figures are drawn
    alias = run("build", REPO / "data" / "wuhai-finance" / "2019.toml", "-o", tmp_path / "2019", "--to", "图解，md")
    assert alias.exit_code == 0, alias.output
    assert {p.name.split("报告", 1)[1] for p in (tmp_path / "2019").iterdir() if not p.name.startswith(".")} == {
        ".图解.svg",
        ".图解.png",
        ".图解.html",
        ".md",
    }


@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_golden_svg(example):
    """Each example's SVG as kept in tests/golden/infographic-*.svg. Regenerate with
    UPDATE_GOLDEN=1 after an intended change, and look at the PNG and the diff."""
    checked = check_file(example)
    last = checked.previous.report if checked.previous else None
    produced = render_drafts(checked.report, Renderers.prepare(), ("infographic",), previous=last)["infographic"]
    golden = GOLDEN / f"infographic-{ids(example)}.svg"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(produced)
    assert produced == golden.read_bytes()


def test_batch_and_aggregate_draw_pictures(tmp_path):
    data = tmp_path / "data"
    for slug in ("qingchuan-finance", "qingchuan-hrss", "linjiang-district"):
        (data / slug).mkdir(parents=True)
        for source in (REPO / "data" / slug).glob("2025.toml"):
            (data / slug / source.name).write_bytes(source.read_bytes())
    result = run("batch", data, "-y", "2025", "-o", tmp_path / "out", "--to", "图解", "-j", "1")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.图解.png"))) == 3
    summed = run(
        "aggregate", data, "-y", "2025", "--name", "青川市", "-o", tmp_path / "sum", "--图解", "--accent", "蓝"
    )
    assert summed.exit_code == 0, summed.output
    [svg] = (tmp_path / "sum").glob("*.图解.svg")
    figures = drawn(svg)
    reports = [check_file(p, previous=None).report for p in sorted(data.glob("*/2025.toml"))]
    for name in ("requests.new.total", "proactive.licensing", "requests.withheld.total", "appeals.review.total"):
        assert figures[name] == (str(sum(_total(r, name) for r in reports)), "number"), name
    assert figures["requests.new.total"][0] != "0"
    text = svg.read_text(encoding="utf-8")
    assert "青川市3个单位" in text and "发布日期" not in text and "#1A4C8B" in text


def _total(report, name: str) -> int:
    from reportgen.model.names import lookup, names

    return lookup(names(report), name)


def test_the_fragment_passes_axe_in_chromium(tmp_path):
    from browser_helpers import axe_violations, chromium

    files = built(REPO / "data" / "qingchuan-finance" / "2025.toml", tmp_path)
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>图解</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>'
        "<h1>政府信息公开工作年度报告</h1>" + files["html"].read_text(encoding="utf-8") + "</main></body></html>",
        encoding="utf-8",
    )
    browser = chromium()
    try:
        for width in (1280, 375):
            browser.set_window_size(width, 1600)
            browser.get(page.as_uri())
            loaded = browser.execute_script(
                "const i = document.querySelector('img'); return [i.complete, i.naturalWidth,"
                " document.documentElement.scrollWidth - document.documentElement.clientWidth]"
            )
            assert loaded[:2] == [True, 1080] and loaded[2] <= 0, loaded
            found, details = axe_violations(browser)
            assert found == [], details
    finally:
        browser.quit()


@pytest.mark.parametrize(
    "agency, lines",
    [
        ("青川市财政局", ("青川市财政局", "2025年政府信息公开工作年度报告图解")),
        (
            "国家税务总局青川市临江区税务局第一税务分局稽查局",
            ("国家税务总局青川市临江区税务局", "第一税务分局稽查局", "2025年政府信息公开工作年度报告图解"),
        ),
        (
            "中华人民共和国国家发展和改革委员会办公厅",
            ("中华人民共和国国家发展和改革委员会", "办公厅", "2025年政府信息公开工作年度报告图解"),
        ),
    ],
)
def test_long_agency_names_break_by_meaning_in_the_title(agency, lines):
    from reportgen.renderers.infographic import TITLE_CHARACTERS, title_in_lines

    assert title_in_lines(f"{agency}2025年政府信息公开工作年度报告图解", agency) == lines
    assert TITLE_CHARACTERS == 19


def test_a_long_agency_and_a_long_amount_stay_inside_the_picture(tmp_path):
    text = (REPO / "data" / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8")
    source = tmp_path / "x" / "2025.toml"
    source.parent.mkdir()
    source.write_text(
        text.replace(
            'agency = "青川市财政局"', 'agency = "国家税务总局青川市临江区税务局第一税务分局稽查局"', 1
        ).replace("administrative_fees = 0", "administrative_fees = 5949.088667", 1),
        encoding="utf-8",
    )
    svg = built(source, tmp_path / "out")["svg"]
    tree = etree.parse(str(svg))
    titles = [t.text for t in tree.iter(f"{SVG}text") if t.get("class") == "title"]
    assert titles == ["国家税务总局青川市临江区税务局", "第一税务分局稽查局", "2025年政府信息公开工作年度报告图解"]
    footer = [t.text for t in tree.iter(f"{SVG}text") if t.get("class") == "footer"]
    assert footer[1:] == [
        "数据来源：国家税务总局青川市临江区税务局第一税务分局稽查局",
        "2025年政府信息公开工作年度报告",
    ]
    [amount] = [s for s in tree.iter(f"{SVG}tspan") if s.get("data-name") == "proactive.administrative_fees"]
    assert amount.text == "5949.088667" and int(amount.get("font-size")) * 0.6 * 11 <= (960 - 24) / 2 - 56


def test_the_page_hands_out_the_three_files_of_the_picture(tmp_path):
    import shutil
    import warnings
    from urllib.parse import quote

    from conftest import DATA

    from reportgen.web.app import create_app

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    cli = built(folder / "qingchuan-finance" / "2025.toml", tmp_path / "cli")
    report, tasks = "qingchuan-finance/2025.toml", "qingchuan-finance/2025-任务分解表.toml"
    with TestClient(create_app(folder, "t", 8765), base_url="http://127.0.0.1:8765") as client:
        assert client.get("/?token=t").status_code == 200
        page = client.get(f"/report/{report}").text
        for kind, label, ending, media in (
            ("infographic", "图解（SVG）", "svg", "image/svg+xml"),
            ("infographic-png", "图解（PNG 图片）", "png", "image/png"),
            ("infographic-html", "图解网页片段（附文字说明）", "html", "text/html"),
        ):
            assert f'<a href="/draft/{kind}/{quote(report)}">下载 {label}</a>' in page
            got = client.get(f"/draft/{kind}/{report}")
            assert got.status_code == 200 and got.headers["content-type"].startswith(media)
            assert (
                quote(f"青川市财政局2025年政府信息公开工作年度报告.图解.{ending}") in got.headers["content-disposition"]
            )
            assert got.content == cli[ending].read_bytes(), kind  # the page's picture is the command line's
        assert "/draft/infographic" not in client.get(f"/report/{tasks}").text
        assert client.get(f"/draft/infographic-png/{tasks}").status_code == 400  # the annual report's figures only


def test_the_readme_shows_the_examples_picture():
    from PIL import Image

    assert "![青川市财政局2025年政府信息公开工作年度报告图解](docs/infographic-example.png)" in (
        REPO / "README.md"
    ).read_text(encoding="utf-8")
    golden = etree.parse(str(GOLDEN / "infographic-qingchuan-finance-2025.svg")).getroot()
    with Image.open(REPO / "docs" / "infographic-example.png") as image:  # drawn from the golden SVG's layout
        assert image.size == (1080, int(golden.get("height")))


def test_the_face_is_the_first_installed_of_the_list_on_linux_and_windows(tmp_path, monkeypatch):
    windows = tmp_path / "Windows" / "Fonts"
    windows.mkdir(parents=True)
    for name in ("msyh.ttc", "MSYHBD.TTC", "simhei.ttf"):
        (windows / name).write_bytes(b"")
    monkeypatch.setattr(raster, "font_folders", lambda: [windows])
    raster.face.cache_clear()
    try:
        chosen = raster.face()
        assert chosen.family == "Microsoft YaHei"
        assert [Path(f).name for f in chosen.files] == ["msyh.ttc", "MSYHBD.TTC"]
        noto = tmp_path / "share" / "noto"
        noto.mkdir(parents=True)
        (noto / "NotoSansCJK-Regular.ttc").write_bytes(b"")
        monkeypatch.setattr(raster, "font_folders", lambda: [windows, tmp_path / "share"])
        raster.face.cache_clear()
        assert raster.face().family == "Noto Sans CJK SC" and len(raster.face().files) == 1
    finally:
        raster.face.cache_clear()


def test_a_picture_a_person_changed_is_not_overwritten_without_force(tmp_path):
    example = REPO / "data" / "qingchuan-finance" / "2025.toml"
    files = built(example, tmp_path)
    files["svg"].write_text(
        files["svg"].read_text(encoding="utf-8").replace("主动公开", "主动公开（改）"), encoding="utf-8"
    )
    again = run("build", example, "-o", tmp_path, "--to", "图解")
    assert "主动公开（改）" in files["svg"].read_text(encoding="utf-8")
    assert "没有覆盖" in again.output or "被人改过" in again.output
    forced = run("build", example, "-o", tmp_path, "--to", "图解", "--force")
    assert forced.exit_code == 0, forced.output
    assert "主动公开（改）" not in files["svg"].read_text(encoding="utf-8")
    [backup] = tmp_path.glob("*.备份-1*")
    assert "主动公开（改）" in backup.read_text(encoding="utf-8")


def _figures_with_changes(svg: Path) -> list[tuple[str, str]]:
    """Each figure the SVG draws a change against last year for: (the figure with its unit, the change)."""
    tree = etree.parse(str(svg))
    figures = {s.get("data-name"): s for s in tree.iter(f"{SVG}tspan") if s.get("data-name")}
    found = []
    for text in tree.iter(f"{SVG}text"):
        if text.get("class") == "change":
            figure = figures[text.get("data-of")]
            unit = figure.getnext().text if figure.getnext() is not None else ""
            found.append((figure.text + unit, "".join(text.itertext()).lstrip("↑↓ ")))
    return sorted(found)


def _changes_said(fragment: Path) -> list[tuple[str, str]]:
    """The same read from the fragment's text alternative: “行政复议：2件，较上年增加1件（100.0%）”."""
    import re

    text = fragment.read_text(encoding="utf-8")
    return sorted(re.findall(r"：([^：，<]+)，((?:较上年|与上年)[^，。<]*)", text))


@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_the_picture_and_its_text_state_the_same_changes_against_last_year(tmp_path, example):
    files = built(example, tmp_path)
    drawn_changes, said = _figures_with_changes(files["svg"]), _changes_said(files["html"])
    assert drawn_changes == said
    if check_file(example).previous is not None:  # every box of table 四 compared, in the picture too
        names = {
            t.get("data-of") for t in etree.parse(str(files["svg"])).iter(f"{SVG}text") if t.get("class") == "change"
        }
        assert {"appeals.review.total", "appeals.lawsuit_direct.total", "appeals.lawsuit_after_review.total"} <= names
        assert ("2件", "较上年增加1件（100.0%）") in said


def _record(folder: Path) -> dict[str, dict]:
    lines = (folder / ".reportgen-manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return {entry["file"]: entry for entry in map(json.loads, lines)}


def test_an_edited_picture_behind_the_data_is_named_with_what_to_do(tmp_path, monkeypatch):
    """A person's line added to the fragment: kept while the figures are current; once the data
    changes, the fragment is named as still showing old figures (rebuild with --force, refresh
    does not apply), exit 1, from any working directory; the record of each file says what it states."""
    import shlex

    data = tmp_path / "单位" / "财政局"
    data.mkdir(parents=True)
    for name in ("2024.toml", "2025.toml"):
        (data / name).write_bytes((REPO / "data" / "qingchuan-finance" / name).read_bytes())
    monkeypatch.chdir(tmp_path / "单位")
    source, out = Path("财政局/2025.toml"), Path("草稿")
    assert run("build", source, "--to", "图解,md", "-o", out).exit_code == 0
    [svg] = out.glob("*.图解.svg")
    [fragment] = out.glob("*.图解.html")
    record = _record(out)
    drawn = {record[p.name]["drawn"] for p in out.glob("*.图解.*")}
    assert len(drawn) == 1 and len(next(iter(drawn))) == 64  # the three files state the same
    fragment.write_text(fragment.read_text(encoding="utf-8") + "<p>人加的说明</p>\n", encoding="utf-8")
    same = run("build", source, "--to", "图解", "-o", out)
    assert same.exit_code == 0 and "没有覆盖（被人改过，数字已是最新）" in same.output, same.output

    text = (data / "2025.toml").read_text(encoding="utf-8")
    (data / "2025.toml").write_text(text.replace("licensing = 35 ", "licensing = 36 ", 1), encoding="utf-8")
    behind = run("build", source, "--to", "图解", "-o", out)
    assert behind.exit_code == 1, behind.output
    assert "数字已是最新" not in behind.output
    assert f"{fragment} 在本程序写出后被修改过" in behind.output and "它还是旧的数字" in behind.output
    assert "不能用 refresh 更新" in behind.output and "--force" in behind.output
    assert "人加的说明" in fragment.read_text(encoding="utf-8") and "作出行政许可决定：35件" in fragment.read_text(
        encoding="utf-8"
    )
    assert drawn_of(svg)["proactive.licensing"] == ("36", "number")  # the pictures not edited are redrawn

    other = run("build", source, "--to", "md", "-o", out)  # the other drafts' builds name it too
    assert other.exit_code == 1
    [line] = [x for x in other.output.splitlines() if fragment.name in x]
    assert line.strip().startswith("图解网页片段") and "还是旧的数字" in line
    command = line.split("请运行：", 1)[1]
    assert command == f"reportgen build {source} -o {out} --to 图解 --force"

    refreshed = run("refresh", fragment)
    assert refreshed.exit_code != 0 and "只能更新 reportgen 生成的 Word" not in refreshed.output
    assert (
        "refresh 不更新图解" in refreshed.output and f"reportgen build {source} -o {out} --to 图解" in refreshed.output
    )

    done = run(*shlex.split(command)[1:])
    assert done.exit_code == 0, done.output
    assert "作出行政许可决定：36件" in fragment.read_text(encoding="utf-8")
    [backup] = out.glob("*.图解.备份-1.html")
    assert "人加的说明" in backup.read_text(encoding="utf-8")
    assert run("build", source, "--to", "md", "-o", out).exit_code == 0


def drawn_of(svg: Path) -> dict[str, tuple[str, str]]:
    return drawn(svg)


def test_a_picture_in_another_colour_is_not_behind_the_data(tmp_path):
    source = REPO / "data" / "qingchuan-finance" / "2025.toml"
    assert run("build", source, "--to", "图解", "--accent", "蓝", "-o", tmp_path).exit_code == 0
    result = run("build", source, "--to", "md", "-o", tmp_path)  # drawn in red if drawn now: still current
    assert result.exit_code == 0 and "图解" not in result.output, result.output


def test_the_page_says_a_picture_cannot_be_refreshed_by_upload(tmp_path):
    import shutil
    import warnings

    from conftest import DATA

    from reportgen.web.app import create_app

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    report = "qingchuan-finance/2025.toml"
    with TestClient(create_app(folder, "t", 8765), base_url="http://127.0.0.1:8765") as client:
        assert client.get("/?token=t").status_code == 200
        png = client.get(f"/draft/infographic-png/{report}")
        assert png.status_code == 200
        answer = client.post(
            f"/refresh/{report}", files={"draft": ("青川市财政局2025年政府信息公开工作年度报告.图解.png", png.content)}
        )
        assert answer.status_code == 400 and "图解是由数据画出的图片，不能上传更新" in answer.text
        assert not (folder / "草稿" / "青川市财政局2025年政府信息公开工作年度报告.图解.png").exists()


def test_refresh_of_the_word_draft_names_the_pictures_still_showing_old_figures(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("2024.toml", "2025.toml"):
        (data / name).write_bytes((REPO / "data" / "qingchuan-finance" / name).read_bytes())
    out = tmp_path / "out"
    assert run("build", data / "2025.toml", "--to", "md,图解", "-o", out).exit_code == 0
    text = (data / "2025.toml").read_text(encoding="utf-8")
    (data / "2025.toml").write_text(text.replace("licensing = 35 ", "licensing = 36 ", 1), encoding="utf-8")
    [md] = out.glob("*.md")
    md.write_text(md.read_text(encoding="utf-8") + "\n人加的一段。\n", encoding="utf-8")
    refreshed = run("refresh", md)
    named = [line for line in refreshed.output.splitlines() if "图解" in line]
    assert len(named) == 3 and all("还是旧的数字" in line for line in named), refreshed.output
    assert all(line.endswith(f"reportgen build {data / '2025.toml'} -o {out} --to 图解") for line in named)
    assert run("build", data / "2025.toml", "--to", "图解", "-o", out).exit_code == 0
    assert "图解" not in run("refresh", md).output
