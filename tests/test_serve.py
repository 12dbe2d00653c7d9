"""``reportgen serve`` (issue 26): the local page. Its security (token, Host, Origin, paths),
saving (only the changed values differ; a file changed meanwhile is not overwritten), drafts,
uploads and the JSON API through the application itself; and in a real browser, a clerk's
work: type a figure that breaks R1, see the finding beside the cell, fix it, save, by
keyboard alone, on a phone's width, with axe-core finding nothing."""

from __future__ import annotations

import difflib
import io
import json
import shutil
import socket
import subprocess
import sys
import time
import warnings
from urllib.parse import quote

import docx
import jsonschema
import pytest
from browser_helpers import axe_violations, chromium, serving
from conftest import DATA, INTERLEAVED_TASKS as INTERLEAVED, REPO

from reportgen.web.app import create_app

warnings.filterwarnings("ignore", message=".*httpx.*")  # Starlette's test client, on the httpx it still uses
from starlette.testclient import TestClient  # noqa: E402

PORT = 8765
TOKEN = "test-token"
BASE = f"http://127.0.0.1:{PORT}"
REPORT = "qingchuan-finance/2025.toml"


@pytest.fixture
def folder(tmp_path):
    served = tmp_path / "data"
    shutil.copytree(DATA, served)
    return served


@pytest.fixture
def client(folder):
    with TestClient(create_app(folder, TOKEN, PORT), base_url=BASE) as opened:
        assert opened.get(f"/?token={TOKEN}").status_code == 200  # the cookie, as the first visit gets it
        yield opened


# ------------------------------------------------------------------ security


def test_every_request_needs_the_token(folder):
    with TestClient(create_app(folder, TOKEN, PORT), base_url=BASE) as stranger:
        refused = stranger.get("/")
        assert refused.status_code == 403 and "令牌" in refused.text
        assert stranger.get(f"/report/{REPORT}").status_code == 403
        assert stranger.get("/?token=wrong").status_code == 403
        assert stranger.get("/", headers={"x-reportgen-token": TOKEN}).status_code == 200
        first = stranger.get(f"/?token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/"  # the token out of the address
        assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]


def test_host_and_origin_are_this_page_only(client):
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 421  # DNS rebinding
    assert client.get("/", headers={"host": f"127.0.0.1:{PORT + 1}"}).status_code == 421
    assert client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200
    posted = client.post(f"/check/{REPORT}", data={}, headers={"origin": "http://evil.example"})
    assert posted.status_code == 403 and "Origin" in posted.text
    assert client.post(f"/check/{REPORT}", data={}, headers={"origin": BASE}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "qingchuan-finance/..%2F..%2F..%2Fetc%2Fpasswd",
        "/etc/passwd",
        "outside.toml",
    ],
)
def test_no_path_outside_the_folder_is_read(client, folder, path):
    (folder / "outside.toml").symlink_to("/etc/passwd")
    for route in ("report", "draft/docx", "draft/json"):
        answer = client.get(f"/{route}/{path}")
        assert answer.status_code in (403, 404), (route, path)
        assert "root:" not in answer.text
    saved = client.post(f"/save/{path}", data={"report.agency": "x"})
    assert saved.status_code in (403, 404)


def test_uploads_and_forms_have_limits_said_in_chinese(client, folder):
    too_large = client.post("/import", files={"report": ("大.html", b"x" * (33 * 1024 * 1024))})
    assert too_large.status_code == 413 and "太大" in too_large.text

    def unannounced():  # no length given: counted as it arrives
        for _ in range(40):
            yield b"y" * (1024 * 1024)

    streamed = client.post(
        "/import", content=unannounced(), headers={"content-type": "multipart/form-data; boundary=z"}
    )
    assert streamed.status_code == 413 and "太大" in streamed.text
    many = client.post(f"/check/{REPORT}", data={f"k{n}": "1" for n in range(1500)})
    assert many.status_code == 400 and "已拒绝" in many.text and "exceeded" not in many.text.lower()
    (folder / "qingchuan-finance" / "说明.txt").write_text("不是数据文件", encoding="utf-8")
    assert client.get("/report/qingchuan-finance/说明.txt").status_code == 404
    (folder / "qingchuan-finance" / "2020.toml").write_bytes("agency = '青川'".encode("gbk"))
    not_utf8 = client.post("/check/qingchuan-finance/2020.toml", data={})
    assert not_utf8.status_code == 400 and "不是 UTF-8 编码" in not_utf8.text
    wrong_method = client.get(f"/save/{REPORT}")
    assert wrong_method.status_code == 405 and "不接受" in wrong_method.text


# ------------------------------------------------------------------ checking and saving


def test_a_change_is_checked_and_its_finding_is_beside_the_cell(client):
    answer = client.post(f"/check/{REPORT}", data={"requests.new.natural_person": "30"})
    assert "（R1）" in answer.text
    beside = answer.text.split('id="f-requests-new-natural_person"', 1)[1].split("</span>", 1)[0]
    assert "错误" in beside and "两者应相等" in beside
    fixed = client.post(f"/check/{REPORT}", data={"requests.new.natural_person": "23"})
    assert "（R1）" not in fixed.text and "通过" in fixed.text


def test_saving_changes_only_what_changed(client, folder):
    before = (folder / REPORT).read_text(encoding="utf-8")
    page = client.get(f"/report/{REPORT}").text
    version = page.split('name="_version" id="version" value="', 1)[1].split('"', 1)[0]
    form = _form(page)
    form["proactive.licensing"] = "36"
    form["text.problems"] = form["text.problems"] + "\n下一年将公开更多解读。"
    saved = client.post(f"/save/{REPORT}", data={**form, "_version": version})
    assert saved.status_code == 200 and "已保存" in saved.text
    after = (folder / REPORT).read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    old = next(line for line in before.splitlines() if line.startswith("licensing = 35 "))
    assert sorted(diff) == sorted(
        ["-" + old, "+" + old.replace("licensing = 35 ", "licensing = 36 "), "+下一年将公开更多解读。"]
    ), diff
    same = client.post(f"/save/{REPORT}", data={**form, "_version": _version(saved.text)})
    assert "没有改动" in same.text and (folder / REPORT).read_text(encoding="utf-8") == after


def test_a_file_changed_on_disk_since_the_page_loaded_is_not_overwritten(client, folder):
    page = client.get(f"/report/{REPORT}").text
    version = page.split('name="_version" id="version" value="', 1)[1].split('"', 1)[0]
    edited = (folder / REPORT).read_text(encoding="utf-8") + "\n# 在编辑器中加的一行\n"
    (folder / REPORT).write_text(edited, encoding="utf-8")
    form = _form(page)
    form["proactive.licensing"] = "99"
    refused = client.post(f"/save/{REPORT}", data={**form, "_version": version})
    assert refused.status_code == 409 and "被改过" in refused.text and "重新载入" in refused.text
    assert (folder / REPORT).read_text(encoding="utf-8") == edited


def test_a_hostile_figure_gets_the_checks_finding_not_a_stack_trace(client):
    answer = client.post(f"/check/{REPORT}", data={"requests.new.natural_person": "<script>1</script>"})
    assert answer.status_code == 200 and "<script>1" not in answer.text and "应为" in answer.text


# ------------------------------------------------------------------ drafts, uploads, data


def test_drafts_download_and_open(client):
    word = client.get(f"/draft/docx/{REPORT}")
    assert word.status_code == 200 and "attachment" in word.headers["content-disposition"]
    assert "青川市财政局" in "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert client.get(f"/draft/md/{REPORT}").text.count("<table") == 3


def test_the_api_gives_the_report_as_json_valid_against_its_schema(client):
    answer = client.get("/api/annual/青川市财政局/2025")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    data = answer.json()
    schema = json.loads((REPO / "docs" / "schema" / "annual-2021.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["tables"]["requests"]["new"]["natural_person"] == 23
    assert client.get("/api/annual/没有这个机关/2025").status_code == 404


def test_an_uploaded_edited_draft_is_refreshed_with_a_backup(client, folder):
    word = client.get(f"/draft/docx/{REPORT}").content
    text = (folder / REPORT).read_text(encoding="utf-8").replace("licensing = 35 ", "licensing = 37 ")
    (folder / REPORT).write_text(text, encoding="utf-8")
    files = {"draft": ("青川市财政局2025年政府信息公开工作年度报告.docx", word)}
    answer = client.post(f"/refresh/{REPORT}", files=files)
    assert answer.status_code == 200, answer.text
    assert (
        int(answer.headers["x-reportgen-changes"]) >= 1 and "已更新" in answer.text
    )  # what changed, then the download
    refreshed = client.get("/drafts/" + quote(files["draft"][0]))
    assert "37" in "".join(
        c.text for t in docx.Document(io.BytesIO(refreshed.content)).tables for r in t.rows for c in r.cells
    )
    again = client.post(f"/refresh/{REPORT}", files=files)
    assert again.status_code == 200 and list((folder / "草稿").glob("*.备份-1.docx"))


def test_upload_names_never_lead_out_of_the_folder(client, folder, tmp_path):
    word = client.get(f"/draft/docx/{REPORT}").content
    for name in ("..\\..\\外面.docx", "../../外面.docx", "C:\\Users\\王\\外面.docx"):
        assert client.post(f"/refresh/{REPORT}", files={"draft": (name, word)}).status_code == 200
    assert [p.name for p in (folder / "草稿").glob("*.docx") if "备份" not in p.name] == ["外面.docx"]
    assert not list(tmp_path.glob("*.docx")) and not (folder.parent.parent / "外面.docx").exists()
    shutil.rmtree(folder / "草稿")
    outside = tmp_path / "别处"
    outside.mkdir()
    (folder / "草稿").symlink_to(outside)  # a link leading out of the folder
    assert client.post(f"/refresh/{REPORT}", files={"draft": ("a.docx", word)}).status_code == 403
    assert not list(outside.iterdir())
    odd = client.post("/import", files={"report": ("..", b"<html></html>")})
    assert odd.status_code == 400 and "上传的文件" in odd.text


def test_an_uploaded_published_report_is_imported(client, folder):
    page = (REPO / "tests" / "fixtures" / "published" / "portal-gbk-2025.html").read_bytes()
    answer = client.post("/import", files={"report": ("年报.html", page)})
    assert answer.status_code == 200 and "示例市自然资源和规划局 2025 年度" in answer.text
    assert (folder / "示例市自然资源和规划局" / "2025.toml").exists()
    bomb = client.post("/import", files={"report": ("bomb.docx", b"PK\x03\x04 not a zip")})
    assert bomb.status_code == 400 and "不是有效的 .docx 文件" in bomb.text and "reportgen-upload" not in bomb.text


def test_a_returned_form_is_imported_from_the_page(client, folder, tmp_path):
    from reportgen.workflows import forms

    returned, _ = forms.from_data(folder / "qingchuan-hrss" / "2025.toml", tmp_path / "交回")
    before = client.get("/api/annual/青川市人力资源和社会保障局/2025").json()
    shutil.rmtree(folder / "qingchuan-hrss")
    answer = client.post("/import", files={"report": (returned.name, returned.read_bytes())})
    assert answer.status_code == 200 and "青川市人力资源和社会保障局 2025 年度" in answer.text
    assert (folder / "青川市人力资源和社会保障局" / "2025.toml").exists()
    after = client.get("/api/annual/青川市人力资源和社会保障局/2025").json()
    assert after["tables"] == before["tables"]  # every cell, through the form and back


def test_new_files_start_from_init_or_next_year(client, folder):
    made = client.post("/new", data={"agency": "青川市新设局", "year": "2026", "kind": "部门"})
    assert made.status_code == 200 and (folder / "青川市新设局" / "2026.toml").exists()
    following = client.post("/new", data={"from": "qingchuan-hrss/2025.toml"})
    assert following.status_code == 200 and (folder / "qingchuan-hrss" / "2026.toml").exists()


# ------------------------------------------------------------------ the other documents, the roster

TASKS = "qingchuan-finance/2025-任务分解表.toml"
SUMMARY = "qingchuan-finance/2025-工作总结.toml"


def test_a_task_table_is_edited_entry_by_entry_in_place(client, folder):
    path = folder / "qingchuan-finance" / "2026-任务分解表.toml"
    path.write_text(INTERLEAVED, encoding="utf-8")
    relative = "qingchuan-finance/2026-任务分解表.toml"
    page = client.get(f"/report/{relative}").text
    assert 'name="task.2.lead" id="task-2-lead" value="法规科"' in page and 'name="task.4.task"' in page  # and one more
    lacking = client.post(f"/check/{relative}", data={"task.2.lead": ""})
    beside = lacking.text.split('id="f-task-2-lead"', 1)[1].split("</span>", 1)[0]
    assert "第 2 个任务缺少牵头处室" in beside
    form = _form(page)
    form.update(
        {
            "task.2.lead": "法规科、办公室",
            "task.4.heading": "一",
            "task.4.task": "公开决算。",
            "task.4.lead": "预算科",
            "task.1._delete": "1",
        }
    )
    saved = client.post(f"/save/{relative}", data={**form, "_version": _version(page)})
    assert saved.status_code == 200 and saved.headers.get("hx-refresh") == "true"  # entries changed: laid out again
    expected = INTERLEAVED.replace(
        '[[task]]\nheading = "一"\ntask = "公开预算。"   # 第一项\nlead = ["预算科"]\n\n', ""
    )
    expected = expected.replace('lead = ["法规科"]\nstatus', 'lead = ["法规科", "办公室"]\nstatus')
    expected += '\n[[task]]\nheading = "一"\ntask = "公开决算。"\nlead = ["预算科"]\n'  # after the last task
    assert path.read_text(encoding="utf-8") == expected


def test_a_summary_keeps_its_figures_as_written(client, folder):
    before = (folder / SUMMARY).read_text(encoding="utf-8")
    page = client.get(f"/report/{SUMMARY}").text
    assert "一、2025年政务公开工作情况" in page and "主动公开政府信息" in page
    form = _form(page)
    assert form["figures.active_items"] == "1180" and form["figures.active_items.last_year"] == "1052"
    assert form["figures.requests"] == "" and form["text.closing"] == ""
    form.update({"figures.normative_documents.last_year": "5", "figures.reviews": "2"})
    client.post(f"/save/{SUMMARY}", data={**form, "_version": _version(page)})
    after = (folder / SUMMARY).read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == [
        "-normative_documents = 6                                # 制发行政规范性文件（件）",
        "+normative_documents = { value = 6, last_year = 5 }     # 制发行政规范性文件（件）",
        "+reviews = 2",
    ], diff
    wrong = client.post(f"/check/{SUMMARY}", data={"figures.active_items": "很多"})
    assert "“主动公开政府信息”应为非负整数" in wrong.text.split('id="f-figures-active_items"', 1)[1].split("</span>")[0]


def test_every_kind_drafts_from_the_page(client):
    tasks = client.get(f"/report/{TASKS}").text
    for kind in ("docx", "md", "xlsx", "pdf"):
        assert f'href="/draft/{kind}/{quote(TASKS)}"' in tasks
    sheet = client.get(f"/draft/xlsx/{TASKS}")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert "2025年青川市财政局政务公开任务分解表" in client.get(f"/draft/md/{TASKS}").text
    assert client.get(f"/draft/json/{TASKS}").status_code == 400  # open data is the annual report's
    for old in ("taizhou-finance/2013.toml", "liaoning-finance/2010-工作总结.toml"):
        assert client.get(f"/report/{old}").status_code == 200
        assert client.get(f"/draft/docx/{old}").content[:2] == b"PK"


def test_the_roster_shows_who_has_not_reported_and_starts_their_file(client, folder):
    (folder / "名单.csv").write_text(
        "机关名称,类别\n青川市财政局,部门\n青川市教育局,部门\n青川市临江区人民政府,政府\n", encoding="utf-8"
    )
    page = client.get("/").text
    assert "名单中 3 个单位，1 个还没有 2025 年度的年度报告（未报送）" in page
    missing = page.split('id="roster-title"', 1)[1]
    assert "青川市教育局" in missing and "青川市临江区人民政府</td>" not in missing
    assert "不在名单中的 2025 年度报告：qingchuan-hrss/2025.toml" in page
    assert "名单中的 3 个单位都有 2024 年度" not in client.get("/?year=2024").text  # 2024: only one has a report
    client.post("/new", data={"agency": "青川市教育局", "year": "2025", "kind": "部门"})
    assert "都有 2025 年度的年度报告" in client.get("/").text
    (folder / "名单.csv").unlink()
    (folder / "名单.toml").write_text('[[unit]]\nagency = "青川市财政局"\n', encoding="utf-8")
    page = client.get("/").text
    assert "名单中的 1 个单位都有 2025 年度的年度报告" in page and "名单.toml</a>" not in page  # not a data file
    (folder / "名单.toml").unlink()
    (folder / "名单.csv").write_text("单位\n青川市财政局\n", encoding="utf-8")
    assert "第一行应有“机关名称”一列" in client.get("/").text  # a bad roster is said, the folder still shown


def test_the_folder_page_sees_a_file_changed_in_an_editor(client, folder):
    def state(page: str) -> str:
        return page.split(f"{REPORT}</a>", 1)[1].split("</td>", 2)[1]

    assert "通过" in state(client.get("/").text)
    text = (folder / REPORT).read_text(encoding="utf-8").replace("licensing = 35 ", "licensing = -1 ")
    (folder / REPORT).write_text(text, encoding="utf-8")
    assert "个错误" in state(client.get("/").text)  # checked again, not remembered


def test_next_years_file_is_linked_once_it_exists(client):
    page = client.get("/").text
    row = page.split("qingchuan-finance/2024.toml</a>", 1)[1].split("</tr>", 1)[0]
    assert 'href="/report/qingchuan-finance/2025.toml">已有 2025 年文件' in row
    assert "生成 2026 年文件" in page.split("qingchuan-finance/2025.toml</a>", 1)[1].split("</tr>", 1)[0]


def test_new_documents_of_every_kind(client, folder):
    for document, name in (("任务分解表", "2026-任务分解表.toml"), ("工作总结", "2026-工作总结.toml")):
        made = client.post("/new", data={"agency": "青川市新设局", "year": "2026", "document": document})
        assert made.status_code == 200 and (folder / "青川市新设局" / name).exists()
        assert client.get(f"/report/青川市新设局/{name}").status_code == 200
    page = client.get("/report/青川市新设局/2026-工作总结.toml").text
    client.post(
        "/save/青川市新设局/2026-工作总结.toml",
        data={**_form(page), "figures.reviews": "3", "_version": _version(page)},
    )
    again = client.post("/new", data={"agency": "青川市新设局", "year": "2026", "document": "工作总结"})
    assert again.status_code == 400 and "改过" in again.text  # typed in on the page: never replaced
    assert "reviews = 3" in (folder / "青川市新设局" / "2026-工作总结.toml").read_text(encoding="utf-8")


def _form(page: str) -> dict[str, str]:
    """The form's fields as the page sends them."""
    import lxml.html

    root = lxml.html.fromstring(page)
    form = root.get_element_by_id("report")
    return {k: v for k, v in form.form_values() if not k.startswith("_")}


def _version(text: str) -> str:
    return text.split('id="version" value="', 1)[1].split('"', 1)[0]


# ------------------------------------------------------------------ in a browser


@pytest.fixture
def served(folder):
    """``reportgen serve`` itself, in a process of its own: its address with the token."""
    with serving(folder) as address:
        yield address


@pytest.fixture
def downloads(tmp_path):
    folder = tmp_path / "下载"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(downloads):
    driver = chromium(downloads)
    yield driver
    driver.quit()


def _text(browser, element_id: str) -> str | None:
    """An element's text; None while the page is swapping it for a new one."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    try:
        return browser.find_element("id", element_id).text
    except (StaleElementReferenceException, NoSuchElementException):
        return None


def _finding(browser, key: str) -> str | None:
    """The text beside a cell."""
    return _text(browser, f"f-{key.replace('.', '-')}")


def _wait(condition, seconds: float = 90.0):  # a state waited for: a loaded two-core machine is slow, not wrong
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    return condition()


def test_a_clerk_fixes_a_figure_and_saves_in_the_browser(served, browser, folder):
    from selenium.webdriver.common.keys import Keys

    browser.get(served)
    assert "文件夹中的报告" in browser.page_source
    browser.find_element("link text", REPORT).click()
    cell = browser.find_element("name", "requests.new.natural_person")
    cell.clear()
    cell.send_keys("30")  # R1 breaks: 30 + 2 ≠ 24 + 1
    assert _wait(lambda: "两者应相等" in (_finding(browser, "requests.new.natural_person") or "")), browser.page_source[
        -3000:
    ]
    assert _wait(lambda: _text(browser, "o-requests-new-total") == "37")  # its total, computed
    other = browser.find_element("name", "requests.carried_over.natural_person")  # a cell of the same rule
    marked = "253, 236, 236"
    assert _wait(lambda: marked in other.value_of_css_property("background-color"))  # marked, not replaced
    assert marked not in browser.find_element("name", "proactive.licensing").value_of_css_property("background-color")
    cell.send_keys(Keys.BACKSPACE, Keys.BACKSPACE, "23")
    assert _wait(lambda: _finding(browser, "requests.new.natural_person") == "")
    assert _wait(lambda: marked not in other.value_of_css_property("background-color"))
    licensing = browser.find_element("name", "proactive.licensing")
    licensing.send_keys(Keys.BACKSPACE, Keys.BACKSPACE, "36")
    browser.find_element("xpath", "//button[text()='保存']").click()
    assert _wait(lambda: "已保存" in (_text(browser, "saved") or ""))
    assert "licensing = 36 " in (folder / REPORT).read_text(encoding="utf-8")


def test_the_page_works_by_keyboard_alone(served, browser, folder):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(served.replace("/?", f"/report/{REPORT}?"))
    target = browser.find_element("name", "proactive.penalty")
    for _ in range(60):  # Tab through the fields until the figure is reached
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element == target:
            break
    assert browser.switch_to.active_element == target
    ActionChains(browser).send_keys(Keys.BACKSPACE, Keys.BACKSPACE, "13").perform()
    for _ in range(400):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.switch_to.active_element.text == "保存":
            break
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert _wait(lambda: "已保存" in (_text(browser, "saved") or ""))
    assert "penalty = 13 " in (folder / REPORT).read_text(encoding="utf-8")


def _downloaded(folder, suffix: str):
    found = _wait(lambda: [p for p in folder.glob(f"*{suffix}") if p.stat().st_size], 30)
    assert found, sorted(p.name for p in folder.iterdir())
    return found[0]


def test_a_clerk_downloads_a_word_draft_and_uploads_it_edited(served, browser, folder, downloads):
    browser.get(served.replace("/?", f"/report/{REPORT}?"))
    browser.find_element("link text", "下载 Word").click()
    word = _downloaded(downloads, ".docx")
    assert word.name == "青川市财政局2025年政府信息公开工作年度报告.docx"
    document = docx.Document(word)
    assert any("青川市财政局" in p.text for p in document.paragraphs)
    document.add_paragraph("科室补充的一段。")  # the clerk's edit in Word
    edited = folder.parent / "改过的草稿.docx"
    document.save(edited)
    word.unlink()
    text = (folder / REPORT).read_text(encoding="utf-8").replace("licensing = 35 ", "licensing = 37 ")
    (folder / REPORT).write_text(text, encoding="utf-8")
    browser.get(served.replace("/?", f"/report/{REPORT}?"))
    browser.find_element("name", "draft").send_keys(str(edited))
    browser.find_element("xpath", "//button[text()='更新并下载']").click()
    assert _wait(lambda: browser.find_elements("id", "download"))  # each change and the backup shown first
    assert "草稿/改过的草稿.备份-1.docx" in browser.find_element("id", "backups").text
    for width in (375, 1280):  # the page of changes, on a phone and a desk
        browser.set_window_size(width, 1600)
        found, details = axe_violations(browser)
        assert found == [], details
        assert (
            browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            <= 0
        )
    browser.find_element("id", "download").click()
    refreshed = docx.Document(_downloaded(downloads, "改过的草稿.docx"))
    assert any(p.text == "科室补充的一段。" for p in refreshed.paragraphs)  # the edit kept
    assert "37" in "".join(c.text for t in refreshed.tables for r in t.rows for c in r.cells)  # the new figure in
    assert (folder / "草稿" / "改过的草稿.docx").exists()
    assert (
        docx.Document(folder / "草稿" / "改过的草稿.备份-1.docx").paragraphs[-1].text == "科室补充的一段。"
    )  # as uploaded


def test_a_clerk_adds_a_task_in_the_browser(served, browser, folder):
    browser.get(served.replace("/?", f"/report/{TASKS}?"))
    count = len(browser.find_elements("css selector", "fieldset.entry:not(.new) [name$='.task']"))
    new = count + 1
    browser.find_element("name", f"task.{new}.heading").send_keys("一")
    browser.find_element("name", f"task.{new}.task").send_keys("公开财政资金直达基层情况。")
    assert _wait(lambda: "缺少牵头处室" in (_finding(browser, f"task.{new}.lead") or ""))
    browser.find_element("name", f"task.{new}.lead").send_keys("预算科、国库科")
    assert _wait(lambda: _finding(browser, f"task.{new}.lead") == "")
    browser.find_element("xpath", "//button[text()='保存']").click()
    assert _wait(lambda: browser.find_elements("name", f"task.{new + 1}.task"))  # laid out again, one more to add
    text = (folder / TASKS).read_text(encoding="utf-8")
    assert text.endswith('[[task]]\nheading = "一"\ntask = "公开财政资金直达基层情况。"\nlead = ["预算科", "国库科"]\n')


@pytest.mark.parametrize(
    "page", ["/", f"/report/{REPORT}", f"/report/{TASKS}", f"/report/{SUMMARY}", "/report/taizhou-finance/2013.toml"]
)
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_nothing_and_a_phone_scrolls_only_the_tables(served, browser, folder, page, width):
    (folder / "名单.csv").write_text("机关名称\n青川市财政局\n青川市教育局\n", encoding="utf-8")  # 未报送 shown too
    browser.set_window_size(width, 1600)
    browser.get(served.replace("/?", f"{page}?"))
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, "the page scrolls sideways outside the tables' own boxes"
    found, details = axe_violations(browser)
    assert found == [], details


def test_serve_listens_on_this_machine_only(served):
    port = int(served.split(":")[2].split("/")[0])
    with socket.socket() as probe:
        probe.settimeout(1)
        outside = [
            a
            for a in {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
            if not a.startswith("127.") and ":" not in a
        ]
        for address in outside:
            assert probe.connect_ex((address, port)) != 0


@pytest.mark.parametrize("when", ["at once", "after a page"])
def test_ctrl_c_ends_the_page_plainly(folder, when):
    import signal
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", folder, "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = "".join(process.stdout.readline() for _ in range(2)).split()[-1]
    if when == "after a page":
        base, token = address.split("/?token=")
        request = urllib.request.Request(base + "/", headers={"x-reportgen-token": token})
        assert urllib.request.urlopen(request, timeout=10).status == 200
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "reportgen 网页已停止。" in out and err == ""
