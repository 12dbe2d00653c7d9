"""A hostile or broken folder (issue 33): links leading out, dangling links, pipes, data files
of absurd shape, over-long names. Through the page (Starlette's ASGI client) and through the
commands (the real entry point; a subprocess with its memory measured for the costly ones):
each gets a clear Chinese answer, nothing is written outside the folder, no traceback, no
freeze, under 500 MB."""

from __future__ import annotations

import os
import re
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
from conftest import REPO
from hostile_folder import IMPORTED_AGENCY, odd_folder

from reportgen.web.app import create_app

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

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
    return " ".join(re.findall(r'<p class="message">(.*?)</p>', answer.text, re.S)) or answer.text


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
        assert within(20, lambda: page.get(route)).status_code == 404
    for route in ("/check/pipe/2025.toml", "/save/pipe/2025.toml"):
        assert within(20, lambda: page.post(route, data={})).status_code == 404
    (odd.root / IMPORTED_AGENCY).unlink()
    (odd.root / IMPORTED_AGENCY).mkdir()
    os.mkfifo(odd.root / IMPORTED_AGENCY / "2025.toml")  # import's target is a pipe
    imported = within(20, lambda: page.post("/import", files={"report": ("年报.html", PUBLISHED.read_bytes())}))
    assert imported.status_code == 400 and "不是普通文件" in said(imported), said(imported)
    assert stat.S_ISFIFO(os.lstat(odd.root / IMPORTED_AGENCY / "2025.toml").st_mode)  # left as it was


def test_a_pipe_is_refused_by_the_commands(odd):
    os.mkfifo(odd.root / "pipe" / "2024.toml")
    following = within(60, lambda: run("next-year", odd.root / "pipe" / "2024.toml", "-o", odd.root / "pipe" / "x.toml"))
    assert following.exit_code == 1 and "不是普通文件" in following.output
    (odd.root / IMPORTED_AGENCY).unlink()
    (odd.root / IMPORTED_AGENCY).mkdir()
    os.mkfifo(odd.root / IMPORTED_AGENCY / "2025.toml")
    imported = within(60, lambda: run("import", PUBLISHED, "-o", odd.root))
    assert imported.exit_code == 1 and "不是普通文件" in imported.output and "Traceback" not in imported.output


@pytest.fixture
def serving(odd):
    """``reportgen serve`` on the odd folder, in a process of its own: (process, host, port, token)."""
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "serve", odd.root, "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
