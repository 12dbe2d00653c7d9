"""The page as a clerk and a city office see it (issue 37), in Chromium with a Chinese locale
at 1280 and 375 px, screenshots taken and axe-core finding nothing: a folder of 300 units
with counts by state, a filter and sorting, cards at phone width; a report page whose save
bar stays in view with the finding count, 表四 fitting 1280 px, inputs wide enough for an
address, dates typed and shown as 2026-01-23, file inputs in Chinese, the product named in
Chinese; result pages that say what the command line says; version control not tripped."""

from __future__ import annotations

import shutil
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_helpers import axe_violations, chromium, serving
from city_helpers import make_city
from conftest import DATA

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402  (after the warning filter)

from reportgen.web.app import create_app  # noqa: E402

SHOTS = "clerk-page"  # the screenshots' names: clerk-page-<page>-<width>.png, in the test's folder


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """300 units on the roster: 5 filed a file that cannot be read, 5 left a warning, 10 never filed."""
    made = make_city(tmp_path_factory.mktemp("page"), units=310, missing=10, broken=5, warned=5)
    shutil.copy(made.roster, made.data / "名单.csv")
    return made


@pytest.fixture(scope="module")
def served(city):
    with serving(city.data) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    driver = chromium(lang="zh-CN")
    yield driver
    driver.quit()


def look(browser, address: str, width: int, shot: Path) -> dict:
    """Open the page at ``width`` px, screenshot it whole, and measure what a clerk would notice."""
    browser.set_window_size(width, 900)
    browser.get(address)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(height, 8000))
    browser.get_screenshot_as_file(str(shot))
    assert shot.stat().st_size > 10_000
    browser.set_window_size(width, 900)
    browser.get(address)
    measured = browser.execute_script(
        "const d = document.documentElement;"
        "return {overflow: d.scrollWidth - d.clientWidth, height: d.scrollHeight,"
        " header: document.querySelector('header').innerText, title: document.title};"
    )
    ids, details = axe_violations(browser)
    assert ids == [], details
    return measured


@pytest.mark.parametrize("width", [1280, 375])
def test_the_folder_page_of_300_units_leads_with_counts_filters_and_sorts(served, browser, city, tmp_path, width):
    measured = look(browser, served, width, tmp_path / f"{SHOTS}-folder-{width}.png")
    assert measured["overflow"] <= 0
    assert "reportgen" not in measured["header"] and "年度报告" in measured["header"]
    assert "reportgen" not in measured["title"]
    counts = browser.find_element("css selector", "ul.counts").text
    assert "共 300 个文件" in counts and "有错误" in counts and "已报送，无法读取 5" in counts and "未报送 10" in counts
    first = browser.find_elements("css selector", "#files tbody tr")[0].text
    assert "已报送，无法读取" in first  # what needs action comes first
    roster = browser.find_element("id", "roster-title").find_element("xpath", "following-sibling::p").text
    assert "10 个还没有" in roster
    names = browser.find_elements("css selector", "table.files td.agency")
    widest = max(n.size["width"] for n in names[:20])
    tallest = max(n.size["height"] for n in names[:20])
    assert widest >= 150 and tallest < 60, (widest, tallest)  # a name on a line or two, never a character a line
    address = served.split("?")[0]
    browser.get(f"{address}?state={quote('已报送，无法读取')}&sort=agency")
    rows = browser.find_elements("css selector", "#files tbody tr")
    assert len(rows) == 5 and all("已报送，无法读取" in r.text for r in rows)
    agencies = [r.find_element("css selector", "td.agency").text for r in rows]
    assert agencies == sorted(agencies) and set(agencies) == set(city.broken)


def report_address(served: str, relative: str) -> str:
    """A report page's address with the launch's token (what the folder page's link carries)."""
    base, _, token = served.partition("?")
    return base.rstrip("/") + "/report/" + quote(relative) + f"?{token}"


@pytest.mark.parametrize("width", [1280, 375])
def test_a_report_page_keeps_its_save_bar_in_view_and_fits(served, browser, city, tmp_path, width):
    relative = f"{city.warned[0]}/2025.toml"
    measured = look(browser, report_address(served, relative), width, tmp_path / f"{SHOTS}-report-{width}.png")
    assert measured["overflow"] <= 0 and measured["height"] > 2000
    bar = browser.find_element("css selector", ".savebar")
    for fraction in (0, 0.5):
        browser.execute_script(f"window.scrollTo(0, document.documentElement.scrollHeight * {fraction})")
        top = browser.execute_script("return arguments[0].getBoundingClientRect().top", bar)
        assert 0 <= top < browser.execute_script("return window.innerHeight"), fraction  # in view
    assert "0 个错误，1 个警告" in bar.text and "保存" in bar.text
    labels = browser.execute_script(
        "return [...document.querySelectorAll('table.statutory th[scope=row]')].map(t => t.getBoundingClientRect().width)"
    )
    assert min(labels) >= 60  # row labels readable, not a character a line
    if width == 1280:
        appeals = browser.execute_script(
            "const box = document.querySelector('table.statutory').closest('h2 ~ .scroll') &&"
            " [...document.querySelectorAll('.scroll')].find(s => s.getAttribute('aria-labelledby') === 't-appeals');"
            "return [box.scrollWidth, box.clientWidth];"
        )
        assert appeals[0] <= appeals[1], "表四 scrolls sideways at 1280 px"
        for name in ("report.contact.address", "report.download.url", "report.contact.office"):
            field = browser.find_element("name", name)
            assert browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", field), name


def test_a_typed_change_updates_the_count_in_the_save_bar(served, browser, city):
    from selenium.webdriver.common.keys import Keys

    relative = f"{city.names[20]}/2025.toml"
    browser.set_window_size(1280, 900)
    browser.get(report_address(served, relative))
    assert "通过，没有发现问题" in browser.find_element("id", "count").text
    cell = browser.find_element("name", "requests.new.natural_person")  # 表三 no longer balances (R1)
    cell.send_keys(Keys.END, "9")
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )

    def count() -> tuple[str, str]:
        try:  # the bar's count is replaced by each check's answer
            found = browser.find_element("id", "count")
            return found.text, found.get_attribute("class")
        except (StaleElementReferenceException, NoSuchElementException):
            return "", ""

    deadline = time.monotonic() + 15
    while "个错误" not in count()[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    text, classes = count()
    assert "1 个错误" in text and "bad" in classes


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_dates_and_file_inputs_read_in_chinese_whatever_the_browsers_language(served, city, lang):
    driver = chromium(lang=lang)
    try:
        driver.set_window_size(1280, 900)
        driver.get(report_address(served, f"{city.names[30]}/2025.toml"))
        date = driver.find_element("name", "report.published")
        assert date.get_attribute("value") == "2026-01-27" and date.get_attribute("type") == "text"
        assert date.get_attribute("placeholder") == "2026-01-23"
        page = driver.find_element("tag name", "body").text
        assert "选择文件" in page and "未选择文件" in page
        assert "Choose File" not in page and "No file chosen" not in page
        chosen = driver.find_element("css selector", "input[type=file][name=draft]")
        draft = Path(driver.capabilities.get("chrome", {}).get("userDataDir", "/tmp")) / "某局草稿.md"
        draft.write_text("# 草稿\n", encoding="utf-8")
        chosen.send_keys(str(draft))
        assert driver.find_element("css selector", "label.file .chosen").text == "某局草稿.md"
    finally:
        driver.quit()


# ------------------------------------------------------------------ result pages, version control


@pytest.fixture
def folder(tmp_path):
    served = tmp_path / "data"
    shutil.copytree(DATA, served)
    return served


@pytest.fixture
def client(folder):
    with TestClient(create_app(folder, "t", 8765), base_url="http://127.0.0.1:8765") as opened:
        assert opened.get("/?token=t").status_code == 200
        yield opened


def test_next_year_on_the_page_says_what_the_command_line_says(client, folder):
    page = client.post("/new", data={"from": "qingchuan-hrss/2025.toml"}).text
    assert "已新建 青川市人力资源和社会保障局 2026 年度的年度报告数据文件" in page
    assert "从上年延续的数字" in page and "本年发生的数字" in page and "已清零" in page
    assert 'href="/report/qingchuan-hrss/2026.toml"' in page


def test_import_on_the_page_lists_its_notes_and_records_the_uploaded_files_own_name(client, folder):
    published = Path(__file__).parent / "fixtures" / "published" / "portal-gbk-2025.html"
    page = client.post("/import", files={"report": ("某局2025年报.html", published.read_bytes(), "text/html")}).text
    assert "已导入 某局2025年报.html" in page and "检查：" in page
    [made] = [p for p in folder.rglob("2025.toml") if "某局2025年报.html" in p.read_text(encoding="utf-8")[:300]]
    first = made.read_text(encoding="utf-8").splitlines()[0]
    assert "从 某局2025年报.html 导入" in first and "reportgen-upload" not in first and "/tmp" not in first


def test_serving_and_saving_leave_version_control_clean(client, folder):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(folder)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "data"], check=True)
    page = client.get("/report/qingchuan-hrss/2025.toml").text
    version = page.split('id="version" value="', 1)[1].split('"', 1)[0]
    saved = client.post(
        "/save/qingchuan-hrss/2025.toml", data={"_version": version, "report.contact.phone": "0839-1234567"}
    )
    assert "已保存" in saved.text
    client.post("/new", data={"from": "qingchuan-hrss/2025.toml"})
    word = client.get("/draft/md/qingchuan-hrss/2025.toml").content
    client.post("/refresh/qingchuan-hrss/2025.toml", files={"draft": ("人社局草稿.md", word, "text/markdown")})
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True).stdout
    changed = sorted(line[3:] for line in status.splitlines())
    assert changed == ["qingchuan-hrss/2025.toml", "qingchuan-hrss/2026.toml"], status  # what the clerk did, no more
