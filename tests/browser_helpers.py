"""Headless Chromium for the tests that look at pages as a user does: the driver, and
axe-core's violations of a page."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def chromium(downloads: Path | None = None, lang: str | None = None):
    """A headless Chromium driven by selenium (Debian's chromium and chromium-driver);
    ``lang``: the browser's language (zh-CN as a clerk's is, en-US as an English one's)."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.fail("Chromium and chromedriver are needed: apt-get install chromium chromium-driver (as .ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(flag)
    prefs = {}
    if lang:
        options.add_argument(f"--lang={lang}")
        prefs["intl.accept_languages"] = lang
    if downloads is not None:
        prefs.update({"download.default_directory": str(downloads), "download.prompt_for_download": False})
    if prefs:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    if downloads is not None:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def axe_violations(browser) -> tuple[list[str], str]:
    """axe-core's violations of the page open in ``browser``: their ids, and the details."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    results = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
    )
    violations = json.loads(results)
    return [v["id"] for v in violations], json.dumps(violations, ensure_ascii=False)[:2000]


@contextmanager
def serving(folder: Path):
    """``reportgen serve FOLDER`` itself, in a process of its own, on a free port: its
    address with the token, once the page can answer; the page stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", folder, "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line, deadline = "", time.monotonic() + 60
        while "token=" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
        assert "token=" in line, process.stderr.read() if process.poll() is not None else "no address printed"
        yield line.strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
