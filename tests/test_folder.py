"""A folder of data files as a whole (``reportgen.workflows.folder``): each file's kind,
state and deadline (met, missed, not yet due, from the publication date), next year's file,
the roster's gaps, as plain data; the page's folder view shows the same."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from conftest import DATA

from reportgen.workflows.folder import MET, MISSED, NOT_YET_DUE, DataFolder, deadline_status


@pytest.fixture
def folder(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


@pytest.mark.parametrize(
    "published, today, expected",
    [
        (date(2026, 1, 23), date(2026, 6, 1), MET),  # published before the day
        (date(2026, 1, 31), date(2026, 6, 1), MET),  # on the day itself
        (date(2026, 2, 1), date(2026, 2, 1), MISSED),  # published a day late
        (None, date(2026, 2, 1), MISSED),  # not published, the day gone
        (None, date(2026, 1, 31), NOT_YET_DUE),
    ],
)
def test_a_deadline_is_met_missed_or_not_yet_due(published, today, expected):
    assert deadline_status(date(2026, 1, 31), published, today) == expected
    assert deadline_status(None, published, today) == ""  # a document with no statutory deadline


def test_each_file_of_the_folder_as_plain_data(folder):
    states = {s.relative: s for s in DataFolder(folder).states(today=date(2026, 2, 15))}
    assert "qingchuan-finance/2025.toml" in states and len(states) == len(list(DATA.glob("*/*.toml")))
    annual = states["qingchuan-finance/2025.toml"]
    assert (annual.agency, annual.year, annual.name, annual.annual) == ("青川市财政局", 2025, "年度报告", True)
    assert annual.ok and annual.state_text == "通过"
    assert annual.due == date(2026, 1, 31) and annual.published == date(2026, 1, 23)
    assert annual.deadline_status == MET and annual.deadline_text == "按时"
    assert annual.next_year == "" and annual.can_start_next_year
    assert len(annual.figures) == 4 and all(isinstance(v, int) for v in annual.figures)
    last = states["qingchuan-finance/2024.toml"]
    assert last.next_year == "qingchuan-finance/2025.toml" and not last.can_start_next_year
    tasks = states["qingchuan-finance/2025-任务分解表.toml"]
    assert not tasks.annual and tasks.name == "政务公开任务分解表" and tasks.due is None and tasks.deadline_status == ""


def test_a_file_unpublished_after_its_deadline_is_missed_and_a_broken_one_says_its_errors(folder):
    path = folder / "qingchuan-finance" / "2025.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("published = 2026-01-23", "# published"), encoding="utf-8")
    state = DataFolder(folder).state(path, today=date(2026, 3, 1))
    assert state.published is None and state.deadline_status == MISSED
    assert DataFolder(folder).state(path, today=date(2026, 1, 2)).deadline_status == NOT_YET_DUE
    path.write_text("[report\n", encoding="utf-8")
    broken = DataFolder(folder).state(path)
    assert not broken.ok and broken.errors == 1 and broken.state_text == "已报送，无法读取" and broken.year == 2025
    assert broken.agency == "qingchuan-finance" and not broken.can_start_next_year


def test_a_check_is_remembered_until_the_file_changes(folder):
    data = DataFolder(folder)
    path = folder / "qingchuan-finance" / "2025.toml"
    first = data.checked(path)
    assert data.checked(path) is first
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert data.checked(path) is not first


def test_the_roster_gaps_and_a_roster_that_cannot_be_read(folder):
    (folder / "名单.csv").write_text("机关名称,类别\n青川市财政局,部门\n青川市教育局,政府\n", encoding="utf-8")
    data = DataFolder(folder)
    states = data.states()
    assert "名单.csv" not in {s.path.name for s in states}  # the roster is not a data file
    gaps = data.roster_gaps(states, today=date(2026, 4, 1))
    assert (gaps.name, gaps.year, gaps.units, gaps.problem) == ("名单.csv", 2025, 2, "")
    assert [(u.agency, u.kind, u.due, u.deadline_status) for u in gaps.missing] == [
        ("青川市教育局", "政府", date(2026, 3, 31), MISSED)
    ]
    assert "qingchuan-hrss/2025.toml" in gaps.extra
    assert data.roster_gaps(states, "2024").year == 2024
    (folder / "名单.csv").write_text("单位\n青川市财政局\n", encoding="utf-8")
    assert "机关名称" in data.roster_gaps(states).problem
    (folder / "名单.csv").unlink()
    assert data.roster_gaps(states) is None


def test_new_files_are_named_inside_the_folder(folder):
    data = DataFolder(folder)
    made = data.new_file("青川市教育局", 2025)
    assert made == folder.resolve() / "青川市教育局" / "2025.toml" and made.is_file()
    tasks = data.new_file("青川市教育局", 2026, "任务分解表")
    assert tasks.parent == made.parent and tasks.name != "2026.toml"
    following = data.next_year(made)
    assert following.name == "2026.toml" and data.state(made).next_year == "青川市教育局/2026.toml"
    assert data.annual_json("青川市财政局", 2025)[:1] == b"{" and data.annual_json("青川市财政局", 1999) is None


def test_the_folder_page_shows_the_same_states(folder):
    import warnings

    from reportgen.web.app import create_app

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient

    path = folder / "qingchuan-hrss" / "2025.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("published = ", "# published = "), encoding="utf-8")
    with TestClient(create_app(folder, "t", 8765), base_url="http://127.0.0.1:8765") as client:
        page = client.get("/?token=t").text
    row = page.split("qingchuan-finance/2025.toml</a>", 1)[1].split("</tr>", 1)[0]
    assert "通过" in row and "按时</span>（期限 2026-01-31，2026-01-23 公开）" in row
    unpublished = page.split("qingchuan-hrss/2025.toml</a>", 1)[1].split("</tr>", 1)[0]
    assert (
        "逾期</span>（期限 2026-01-31）" in unpublished or "未到</span>（期限 2026-01-31）" in unpublished
    )  # by today
    assert "生成 2026 年</button>" in row and "已有 2025 年文件" in page  # 2024's next year is there
