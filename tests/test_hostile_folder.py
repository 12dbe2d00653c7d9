"""A hostile or broken folder (issue 33): links leading out, dangling links, pipes, data files
of absurd shape, over-long names. Through the page (Starlette's ASGI client) and through the
commands (the real entry point; a subprocess with its memory measured for the costly ones):
each gets a clear Chinese answer, nothing is written outside the folder, no traceback, no
freeze, under 500 MB."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings

import pytest
from cli_helpers import run
from conftest import DATA, REPO
from hostile_folder import CARRIED, HOSTILE_SHAPES, IMPORTED_AGENCY, SERVED_AGENCY, links_beside, odd_folder

from reportgen.web.app import create_app

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402  (after the warning filter)

PORT = 8765
TOKEN = "test-token"
BASE = f"http://127.0.0.1:{PORT}"
PUBLISHED = REPO / "tests" / "fixtures" / "published" / "portal-gbk-2025.html"


@pytest.fixture
def odd(tmp_path):
    return odd_folder(tmp_path)


@pytest.fixture
def page(odd):
    with TestClient(create_app(odd.root, TOKEN, PORT), base_url=BASE, raise_server_exceptions=False) as opened:
        assert opened.get(f"/?token={TOKEN}", follow_redirects=False).status_code == 303  # the cookie
        yield opened


def said(answer) -> str:
    """The message a page shows."""
    return " ".join(re.findall(r'<p class="message">(.*?)</p>', answer.text, re.DOTALL)) or answer.text


# ------------------------------------------------------------------ nothing written outside the folder


def test_the_page_writes_nothing_through_a_link_leading_out(page, odd):
    before = odd.outside_state()
    new = page.post("/new", data={"agency": "linked", "year": "2026"})
    assert new.status_code == 400 and "指向外面的链接" in said(new), said(new)
    following = page.post("/new", data={"from": "qingchuan-finance/2025.toml"})  # 2026.toml: a link leading out
    assert following.status_code == 400 and "链接" in said(following), said(following)
    imported = page.post("/import", files={"report": ("年报.html", PUBLISHED.read_bytes())})
    assert imported.status_code == 400 and "指向外面的链接" in said(imported), said(imported)
    assert "Traceback" not in new.text + following.text + imported.text
    assert odd.outside_state() == before  # nothing written, nothing changed, no record left
    assert page.post("/new", data={"agency": "示例新局", "year": "2026"}).status_code == 200  # the page still works
    assert (odd.root / "示例新局" / "2026.toml").is_file()


def test_a_record_that_is_a_link_leading_out_is_refused_before_anything_is_written(page, odd):
    (odd.root / "qingchuan-finance" / "2026.toml").unlink()
    (odd.root / "qingchuan-finance" / ".reportgen-manifest.jsonl").symlink_to(odd.outside / "2025.toml")
    before = odd.outside_state()
    answer = page.post("/new", data={"from": "qingchuan-finance/2025.toml"})
    assert answer.status_code == 400 and "链接" in said(answer)
    assert not (odd.root / "qingchuan-finance" / "2026.toml").exists()  # the folder unchanged
    assert odd.outside_state() == before


def test_the_commands_write_nothing_through_a_link_leading_out(odd, tmp_path, monkeypatch):
    before = odd.outside_state()
    imported = run("import", PUBLISHED, "-o", odd.root)
    assert imported.exit_code == 1 and "指向外面的链接" in imported.output and "Traceback" not in imported.output
    monkeypatch.chdir(odd.root.parent)
    made = run("init", "--agency", "某局", "--short", "linked", "--year", "2026")
    assert made.exit_code == 1 and "指向外面的链接" in made.output
    following = run("next-year", odd.root / "qingchuan-finance" / "2025.toml")
    assert following.exit_code == 1 and "链接" in following.output
    out = tmp_path / "output"
    out.mkdir()
    (out / ".reportgen-manifest.jsonl").symlink_to(odd.outside / "2025.toml")
    built = run("build", odd.root / "qingchuan-finance" / "2025.toml", "-o", out, "--to", "md")
    assert built.exit_code == 1 and "链接" in built.output
    assert odd.outside_state() == before
    assert not [p for p in out.iterdir() if p.suffix == ".md"]
    assert IMPORTED_AGENCY  # the published fixture's agency is the linked name


# ------------------------------------------------------------------ no request holds the page


def within(seconds: float, work):
    """``work()``'s result, failing (not hanging) if it takes longer than ``seconds``."""
    import concurrent.futures

    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        return pool.submit(work).result(timeout=seconds)
    finally:
        pool.shutdown(wait=False)


def test_a_pipe_is_refused_by_the_page_before_it_is_opened(page, odd):
    following = within(20, lambda: page.post("/new", data={"from": "pipe/2025.toml"}))
    assert following.status_code == 400 and "不是普通文件" in said(following), said(following)
    for route in ("/report/pipe/2025.toml", "/draft/md/pipe/2025.toml"):
        assert within(20, lambda route=route: page.get(route)).status_code == 404
    for route in ("/check/pipe/2025.toml", "/save/pipe/2025.toml"):
        assert within(20, lambda route=route: page.post(route, data={})).status_code == 404
    (odd.root / IMPORTED_AGENCY).unlink()
    (odd.root / IMPORTED_AGENCY).mkdir()
    os.mkfifo(odd.root / IMPORTED_AGENCY / "2025.toml")  # import's target is a pipe
    imported = within(20, lambda: page.post("/import", files={"report": ("年报.html", PUBLISHED.read_bytes())}))
    assert imported.status_code == 400 and "不是普通文件" in said(imported), said(imported)
    assert stat.S_ISFIFO(os.lstat(odd.root / IMPORTED_AGENCY / "2025.toml").st_mode)  # left as it was


def test_a_pipe_is_refused_by_the_commands(odd):
    os.mkfifo(odd.root / "pipe" / "2024.toml")
    following = within(
        60, lambda: run("next-year", odd.root / "pipe" / "2024.toml", "-o", odd.root / "pipe" / "x.toml")
    )
    assert following.exit_code == 1 and "不是普通文件" in following.output
    (odd.root / IMPORTED_AGENCY).unlink()
    (odd.root / IMPORTED_AGENCY).mkdir()
    os.mkfifo(odd.root / IMPORTED_AGENCY / "2025.toml")
    imported = within(60, lambda: run("import", PUBLISHED, "-o", odd.root))
    assert imported.exit_code == 1 and "不是普通文件" in imported.output and "Traceback" not in imported.output


@pytest.fixture
def serving(odd):
    """``reportgen serve`` on the odd folder, in a process of its own: (process, host, port, token)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", odd.root, "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = "".join(process.stdout.readline() for _ in range(2)).split()[-1]
    base, token = address.split("/?token=")
    port = int(base.rsplit(":", 1)[1])
    yield process, port, token
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def get(port: int, token: str, path: str = "/") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"x-reportgen-token": token})
    try:
        return urllib.request.urlopen(request, timeout=20).status
    except urllib.error.HTTPError as answer:
        return answer.code


def test_a_half_sent_request_is_dropped_and_ctrl_c_ends_the_page(serving):
    from reportgen.web.security import HEADER_TIMEOUT

    process, port, token = serving
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nx-reportgen-tok")  # and nothing more
    assert get(port, token, "/report/qingchuan-finance/2025.toml") == 200  # the page answers meanwhile
    started = time.monotonic()
    half.settimeout(HEADER_TIMEOUT + 20)
    assert half.recv(100) == b""  # closed by the server
    waited = time.monotonic() - started
    assert waited < HEADER_TIMEOUT + 5
    half.close()
    held = socket.create_connection(("127.0.0.1", port))
    held.sendall(b"POST /check/qingchuan-finance/2025.toml HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers cut short
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    held.close()
    assert process.returncode == 0 and "reportgen 网页已停止。" in out and "Traceback" not in err


# ------------------------------------------------------------------ data files of absurd shape


@pytest.mark.parametrize("shape", sorted(HOSTILE_SHAPES))
def test_a_data_file_of_absurd_shape_is_refused_by_check_within_the_memory_limit(tmp_path, shape):
    from test_hostile import PEAK_MB, assert_clear, measured

    path = tmp_path / "2025.toml"
    path.write_text(HOSTILE_SHAPES[shape](), encoding="utf-8")
    result, peak = measured("check", path, tmp_path=tmp_path, timeout=60)
    assert_clear(result, path, "第4行" if shape != "long_figure" else "第5行")
    assert peak < PEAK_MB, peak
    following, peak = measured("next-year", path, tmp_path=tmp_path, timeout=60)
    assert_clear(following, path)
    assert peak < PEAK_MB and not (tmp_path / "2026.toml").exists()


@pytest.mark.parametrize("shape", sorted(HOSTILE_SHAPES))
def test_the_page_answers_a_data_file_of_absurd_shape_in_chinese(page, odd, shape):
    (odd.root / "absurd").mkdir()
    (odd.root / "absurd" / "2025.toml").write_text(HOSTILE_SHAPES[shape](), encoding="utf-8")
    shown = page.get("/report/absurd/2025.toml")
    assert shown.status_code in (200, 400) and "出错" not in shown.text
    assert "TOML 语法错误" in shown.text and any(word in shown.text for word in ("位的数字", "段组成", "层数太多"))
    for route in ("check", "save"):
        answer = within(20, lambda route=route: page.post(f"/{route}/absurd/2025.toml", data={"_version": "x"}))
        assert answer.status_code in (200, 400) and "出错" not in answer.text, answer.text
        assert "Traceback" not in answer.text and "第4行" in answer.text or "第5行" in answer.text
    assert page.get("/report/qingchuan-finance/2025.toml").status_code == 200  # the page goes on


def test_a_figure_typed_with_thousands_of_digits_is_answered_in_chinese(page, odd):
    report = "qingchuan-finance/2025.toml"
    before = (odd.root / report).read_bytes()
    for route in ("check", "save"):
        answer = page.post(f"/{route}/{report}", data={"requests.new.natural": "9" * 5000, "_version": "x"})
        assert answer.status_code in (200, 400) and "位" in answer.text and "出错" not in answer.text, answer.text[
            -500:
        ]
    assert (odd.root / report).read_bytes() == before


# ------------------------------------------------------------------ the folder page names what it cannot read


def test_the_folder_page_lists_what_it_can_and_names_what_it_cannot(page, odd):
    locked = odd.root / "locked" / "2025.toml"
    locked.parent.mkdir()
    locked.write_text(HOSTILE_SHAPES["deep_key"](), encoding="utf-8")
    (odd.root / "absurd").mkdir()
    (odd.root / "absurd" / "2025.toml").write_text(HOSTILE_SHAPES["long_figure"](), encoding="utf-8")
    locked.chmod(0)
    try:
        listing = within(30, lambda: page.get("/"))
    finally:
        locked.chmod(0o644)
    assert listing.status_code == 200, listing.text[-300:]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", listing.text, re.DOTALL):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        named = [cell for cell in cells if cell.endswith((".toml", "/"))]
        if named:
            rows[named[0]] = " ".join(cells)
    assert "悬空的链接" in rows["dangling/2025.toml"]
    assert "不是普通文件" in rows["pipe/2025.toml"]
    assert "文件夹外面" in rows["linked/"] and "文件夹外面" in rows[IMPORTED_AGENCY + "/"]
    assert (
        "已报送，无法读取" in rows["absurd/2025.toml"]
    )  # filed but not readable; its page says which line (test above)
    assert "qingchuan-finance/2025.toml" in rows and "通过" in rows["qingchuan-finance/2025.toml"]
    if os.geteuid() != 0:  # root reads any file
        assert "没有权限" in rows["locked/2025.toml"]


# ------------------------------------------------------------------ long names, tokens, Referer, encoded separators


def test_a_name_longer_than_a_file_system_allows_gets_the_finding_check_gives(page, odd, tmp_path):
    from hostile_folder import LONG_SEGMENT

    long = tmp_path / LONG_SEGMENT
    said_by_check = run("check", long)
    assert said_by_check.exit_code == 1 and "文件名太长" in said_by_check.output
    for answer in (
        page.get(f"/report/qingchuan-finance/{LONG_SEGMENT}"),
        page.get(f"/draft/md/{LONG_SEGMENT}"),
        page.post(f"/check/{LONG_SEGMENT}", data={}),
        page.post(f"/save/a/{LONG_SEGMENT}", data={}),
        page.post("/new", data={"from": f"x/{LONG_SEGMENT}"}),
    ):
        assert answer.status_code == 400 and "文件名太长" in said(answer) and "出错" not in answer.text, answer.text[
            -300:
        ]


def test_wrong_token_foreign_referer_and_encoded_separators_are_refused_as_said(odd):
    with TestClient(create_app(odd.root, TOKEN, PORT), base_url=BASE) as stranger:
        missing = stranger.get("/")
        wrong = stranger.get("/", headers={"x-reportgen-token": "not-it"})
        assert missing.status_code == wrong.status_code == 403
        assert "缺少" in missing.text and "令牌不对" in wrong.text and "缺少" not in wrong.text
        assert "令牌不对" in stranger.get("/?token=not-it").text
        mine = {"x-reportgen-token": TOKEN}
        report = "qingchuan-finance/2025.toml"
        foreign = stranger.post(f"/check/{report}", data={}, headers={**mine, "referer": "http://evil.example/x"})
        assert foreign.status_code == 403 and "Referer" in foreign.text
        assert (
            stranger.post(
                f"/check/{report}", data={}, headers={**mine, "referer": f"{BASE}/report/{report}"}
            ).status_code
            == 200
        )
        assert stranger.post(f"/check/{report}", data={}, headers=mine).status_code == 200  # no Referer at all
        assert stranger.get("/", headers={**mine, "referer": "http://evil.example/"}).status_code == 200  # a link
        for encoded in (
            "qingchuan-finance%2F2025.toml",
            "qingchuan-finance%2f2025.toml",
            "qingchuan-finance%5C2025.toml",
            "%2E%2E/qingchuan-finance/2025.toml",
            "qingchuan-finance/2025.toml%00",
            "qingchuan%252Ffinance",
        ):
            refused = stranger.get(f"/report/{encoded}", headers=mine)
            assert refused.status_code == 403 and "编码的分隔符" in refused.text, encoded
        assert stranger.get(f"/report/{report}", headers=mine).status_code == 200


# ------------------------------------------------------------------ what a clerk sees from the commands


def test_a_deleted_form_cell_is_named_by_its_sheet_and_label(tmp_path):
    import openpyxl

    from reportgen.workflows import forms

    made, _ = forms.from_data(REPO / "data" / "qingchuan-hrss" / "2025.toml", tmp_path)
    book = openpyxl.load_workbook(made)
    book.defined_names["rg_appeals_review_upheld"].attr_text = "'表四 复议诉讼'!#REF!"  # as Excel writes a deleted cell
    book.save(made)
    result = run("check", made)
    assert result.exit_code == 1 and "rg_" not in result.output
    assert "工作表“表四 复议诉讼”中填写“表四 行政复议 结果维持”的格子被删除了" in result.output


def test_a_second_audit_says_the_result_file_exists(tmp_path):
    published = tmp_path / "已发布"
    published.mkdir()
    (published / "年报.html").write_bytes(PUBLISHED.read_bytes())
    result = tmp_path / "核查结果.xlsx"
    assert run("audit", published, "-o", result).exit_code == 1  # the fixture's figures hold errors
    again = run("audit", published, "-o", result)
    assert "已经存在" in again.output and "已换成这一次的结果" in again.output
    import openpyxl

    book = openpyxl.load_workbook(result)
    book.active["A1"] = "我的批注"
    book.save(result)
    edited = run("audit", published, "-o", result)
    assert edited.exit_code == 2 and "核查结果文件" in edited.output and "已经存在" in edited.output
    assert openpyxl.load_workbook(result).active["A1"].value == "我的批注"


def test_a_pdf_with_only_an_owner_password_is_imported_as_its_open_twin(tmp_path):
    """Published PDFs often carry a permissions (owner) password and no user password: they
    open without one, and are read as the same PDF without protection is."""
    clerk = REPO / "tests" / "fixtures" / "published" / "clerk-2025.docx"
    protect = (
        'pdf:writer_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},'
        '"PermissionPassword":{"type":"string","value":"only-the-owner"},'
        '"EnableCopyingOfContent":{"type":"boolean","value":"false"},"Changes":{"type":"long","value":"0"}}'
    )
    made = {}
    for name, target in (("open", "pdf"), ("owner", protect)):
        work = tmp_path / name
        work.mkdir()
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(work),
                str(clerk),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        made[name] = work / "clerk-2025.pdf"
    assert b"/Encrypt" in made["owner"].read_bytes() and b"/Encrypt" not in made["open"].read_bytes()
    results = {name: run("import", pdf, "-o", tmp_path / f"out-{name}") for name, pdf in made.items()}
    assert results["owner"].exit_code == results["open"].exit_code == 0, results["owner"].output
    assert "密码" not in results["owner"].output

    def data(name):
        (written,) = (tmp_path / f"out-{name}").rglob("2025.toml")
        return [line for line in written.read_text(encoding="utf-8").splitlines() if "clerk-2025.pdf" not in line]

    assert data("owner") == data("open")


# ------------------------------------------------------------------ files read beside the one asked for stay inside


BESIDE = f"{SERVED_AGENCY}/2024.toml"


def seen_of_2024(folder) -> dict[str, str]:
    """What the page shows of 2024 (report page, check, its folder-page row, the Markdown and
    infographic drafts), the served folder's own path taken out (a temporary path holds digits)."""
    with TestClient(create_app(folder.root, TOKEN, PORT), base_url=BASE, raise_server_exceptions=False) as page:
        page.get(f"/?token={TOKEN}", follow_redirects=False)
        answers = {
            "report": page.get(f"/report/{BESIDE}"),
            "check": page.post(f"/check/{BESIDE}", data={}),
            "folder": page.get("/"),
            "md": page.get(f"/draft/md/{BESIDE}"),
            "infographic": page.get(f"/draft/infographic-html/{BESIDE}"),
        }
    assert all(a.status_code == 200 for a in answers.values()), {k: a.status_code for k, a in answers.items()}
    seen = {name: answer.text.replace(str(folder.root.parent), "") for name, answer in answers.items()}
    rows = [row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", seen["folder"], re.DOTALL) if BESIDE in row]
    seen["folder"] = " ".join(re.sub(r"<[^>]+>", " ", row) for row in rows)
    return seen


def test_last_years_file_and_the_summary_leading_out_are_never_read_by_the_page(tmp_path):
    linked = links_beside(tmp_path / "linked")
    seen = seen_of_2024(linked)
    for name, text in seen.items():
        assert str(CARRIED) not in text, name  # neither last year's carry-forward nor the summary's figure
        assert "上年报告：" not in text and "（X1）" not in text and "工作总结 2024-工作总结.toml 写" not in text, name
        assert "Traceback" not in text
    for name in ("report", "check"):  # the report page says why neither file was used
        assert "上年的文件 2023.toml 没有读取：经由链接指向文件夹外面" in seen[name], name
        assert "同一年度的文件 2024-工作总结.toml 没有读取：经由链接指向文件夹外面" in seen[name], name
    listing = TestClient(create_app(linked.root, TOKEN, PORT), base_url=BASE)
    listing.get(f"/?token={TOKEN}")
    assert "2023.toml" in listing.get("/").text and "经由链接指向文件夹外面" in listing.get("/").text
    # The drafts are those of a folder without the two files: as if absent.
    for name in ("2023.toml", "2024-工作总结.toml"):
        (linked.root / SERVED_AGENCY / name).unlink()
    absent = seen_of_2024(linked)
    assert seen["md"] == absent["md"] and seen["infographic"] == absent["infographic"]
    assert "与上年" not in seen["md"] + seen["infographic"]  # no comparison with a year not read


def test_the_same_files_inside_the_folder_are_used(tmp_path):
    """The test above can fail: copies of the two files inside the folder are read."""
    seen = seen_of_2024(links_beside(tmp_path, linked=False))
    assert "（X1）" in seen["report"] and "上年报告：" in seen["check"] and f"{CARRIED}" in seen["check"]
    assert "工作总结 2024-工作总结.toml 写" in seen["report"]
    assert "与上年" in seen["md"] and "与上年" in seen["infographic"]
    assert "没有读取" not in seen["report"]


def test_the_commands_still_read_last_years_file_through_a_link(tmp_path):
    """Only the page is bound to its folder: a command reads the files beside the one named."""
    linked = links_beside(tmp_path)
    checked = run("check", linked.root / BESIDE)
    assert "X1" in checked.output and str(linked.root / SERVED_AGENCY / "2023.toml") in checked.output


def test_a_summary_whose_annual_report_leads_out_is_drafted_as_if_it_had_none(tmp_path):
    """A served work summary of 2023 takes the figures it does not state from the year's
    annual report: 2023.toml, a link leading out, is not that report."""
    linked = links_beside(tmp_path)
    summary = (DATA / SERVED_AGENCY / "2025-工作总结.toml").read_text(encoding="utf-8")
    summary = summary.replace("year = 2025", "year = 2023").replace("date = 2026-01-12", "date = 2024-01-10")
    (linked.root / SERVED_AGENCY / "2023-工作总结.toml").write_text(summary, encoding="utf-8")
    served = f"{SERVED_AGENCY}/2023-工作总结.toml"

    def drafts() -> tuple[str, str, str]:
        with TestClient(create_app(linked.root, TOKEN, PORT), base_url=BASE) as page:
            page.get(f"/?token={TOKEN}", follow_redirects=False)
            return (
                page.get(f"/report/{served}").text,
                page.post(f"/check/{served}", data={}).text,
                page.get(f"/draft/md/{served}").text,
            )

    report, check, md = drafts()
    for text in (report, check):
        assert "同一年度的文件 2023.toml 没有读取：经由链接指向文件夹外面" in text
    (linked.root / SERVED_AGENCY / "2023.toml").unlink()
    assert md == drafts()[2]  # as if absent
    shutil.copy(linked.outside / "2023.toml", linked.root / SERVED_AGENCY / "2023.toml")
    assert drafts()[2] != md  # a copy inside the folder is drawn on
