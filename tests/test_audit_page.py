"""Issue 38 on the page: ``reportgen serve`` over an audit folder shows, per report, the
open and fixed findings of its 整改台账 and its notice to download; in Chromium at 1280 and
375 px with axe finding nothing."""

from __future__ import annotations

import random
import sys
import time
import warnings
from urllib.parse import quote

import docx
import pytest
from browser_helpers import axe_violations, chromium, serving
from cli_helpers import run
from conftest import REPO

from reportgen.web.app import create_app

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(REPO / "tests" / "fixtures" / "published"))
import pairs  # noqa: E402
import shapes  # noqa: E402

PORT, TOKEN = 8766, "test-token"
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def audit_folder(tmp_path):
    """核查/: the published reports, the result of two audits (the second with --since) and the notices."""
    root = tmp_path / "核查"
    published = root / "已发布"
    published.mkdir(parents=True)
    broken = shapes.make_sample(random.Random(1), agency="示例市财政局")
    broken.figures["requests.new.natural_person"] += 1
    (published / "a.html").write_text(shapes.portal_page(broken), encoding="utf-8")
    (published / "b.html").write_text(
        pairs.with_draft_markers(shapes.portal_page(shapes.make_sample(random.Random(2), agency="示例市教育局"))),
        encoding="utf-8",
    )
    (published / "c.html").write_text(
        shapes.portal_page(shapes.make_sample(random.Random(3), agency="示例市民政局")), encoding="utf-8"
    )
    run("audit", published, "-o", root / "第一次核查结果.xlsx", "--notices", root / "整改通知", "--date", "2026-04-10")
    (published / "a.html").write_text(
        shapes.portal_page(shapes.make_sample(random.Random(1), agency="示例市财政局")), encoding="utf-8"
    )  # 财政局 re-published, fixed
    second = run(
        "audit",
        published,
        "--since",
        root / "第一次核查结果.xlsx",
        "-o",
        root / "第二次核查结果.xlsx",
        "--date",
        "2026-05-10",
    )
    assert "整改台账" in second.output, second.output
    return root


def test_the_folder_page_shows_each_reports_open_and_fixed_findings_and_its_notice(audit_folder):
    with TestClient(create_app(audit_folder, TOKEN, PORT), base_url=BASE) as client:
        page = client.get(f"/?token={TOKEN}").text
        assert "整改台账（第二次核查结果.xlsx）" in page  # the newest result
        rows = {cells[0]: cells for cells in _rows(page, "ledger-title")}
        assert rows["示例市财政局"][2] == "0" and int(rows["示例市财政局"][3]) >= 1 and rows["示例市教育局"][2] != "0"
        assert rows["示例市教育局"][3] == "0" and "示例市民政局" not in rows  # a clean report has no finding
        link = f"/notice/{quote('整改通知/示例市教育局2025年报告整改通知.docx')}"
        assert f'href="{link}"' in page
        answer = client.get(link)
        assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
        word = docx.Document(__import__("io").BytesIO(answer.content))
        assert word.paragraphs[0].text.split("\n") == [
            "关于示例市教育局2025年",
            "政府信息公开工作年度报告",
            "有关问题的整改通知",
        ]
        for refused in ("/notice/第二次核查结果.xlsx", "/notice/..%2F..%2Fetc%2Fpasswd", "/notice/已发布/a.html"):
            assert client.get(refused).status_code in (403, 404), refused


def _rows(page: str, labelled: str) -> list[list[str]]:
    import re

    section = page.split(f'aria-labelledby="{labelled}"', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).split("（")[0].strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]
    ]


@pytest.fixture
def served(audit_folder):
    with serving(audit_folder) as address:
        yield address


@pytest.mark.parametrize("width", [1280, 375])
def test_in_chromium_the_notice_downloads_and_axe_finds_nothing(served, tmp_path, width):
    downloads = tmp_path / "下载"
    downloads.mkdir()
    browser = chromium(downloads)
    try:
        browser.set_window_size(width, 1600)
        browser.get(served)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        found, details = axe_violations(browser)
        assert found == [], details
        browser.save_screenshot(str(tmp_path / f"page-{width}.png"))
        browser.find_element("css selector", "a[aria-label='Word：下载示例市教育局的整改通知']").click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(downloads.glob("*.docx")):
            time.sleep(0.1)  # waiting for a state: the download's arrival
        [notice] = downloads.glob("*.docx")
        assert notice.name == "示例市教育局2025年报告整改通知.docx"
    finally:
        browser.quit()
