"""The PDF of a Word draft, printed by LibreOffice in headless mode.

LibreOffice is an optional system dependency: without it, ``LibreOffice.find`` raises a
``PdfUnavailable`` error that says, in Chinese, how to install it. Many drafts are converted
by one LibreOffice process (``convert``), and a batch by a few of them side by side
(``convert_parallel``), instead of starting LibreOffice once per draft.

LibreOffice runs with a profile of its own (so that it never meets a clerk's running
LibreOffice) and with reportgen's font substitutions (``reportgen.renderers.fonts``), so
that a machine without the 公文 fonts prints a serif body, sans headings and a bold title.
Fonts are embedded in the PDF.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from reportgen.errors import ReportgenError, os_reason
from reportgen.renderers.fonts import fontconfig

INSTALL_HINT = (
    "生成 PDF 需要 LibreOffice，但这台电脑上没有找到（soffice）。请先安装："
    "Debian/Ubuntu/统信/麒麟运行 sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
    "Windows 到 libreoffice.org 下载安装（装在默认位置即可找到）；装在别处时，设置环境变量 REPORTGEN_SOFFICE "
    "指向 soffice.exe（或它所在的 program 文件夹）。Word 和 Markdown 草稿不需要 LibreOffice。"
)
SOFFICE_VARIABLE = "REPORTGEN_SOFFICE"
SECONDS_PER_DRAFT = 20
SECONDS_TO_START = 60


class PdfUnavailable(ReportgenError):
    """LibreOffice is not installed, or failed to print a PDF."""


def usual_places(platform: str, environ, home: Path) -> list[Path]:
    """Where LibreOffice's installers put soffice, on this kind of system."""
    if platform == "win32":
        bases = [environ.get(name) for name in ("PROGRAMFILES", "ProgramW6432", "PROGRAMFILES(X86)")]
        bases += [r"C:\Program Files", r"C:\Program Files (x86)"]
        if environ.get("LOCALAPPDATA"):
            bases.append(str(Path(environ["LOCALAPPDATA"]) / "Programs"))
        places = [Path(base) / "LibreOffice" / "program" / "soffice.exe" for base in bases if base]
    elif platform == "darwin":
        places = [
            Path(folder) / "LibreOffice.app" / "Contents" / "MacOS" / "soffice"
            for folder in ("/Applications", str(home / "Applications"))
        ]
    else:  # a distribution's package is on PATH; libreoffice.org's own packages go to /opt/libreofficeX.Y
        places = sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True) or [
            Path("/opt/libreoffice/program/soffice")
        ]
        places.append(Path("/snap/bin/libreoffice"))
    unique: list[Path] = []
    for place in places:
        if place not in unique:
            unique.append(place)
    return unique


def locate(platform: str, environ, home: Path) -> tuple[Path | None, list[str]]:
    """soffice, and the places tried, in order: REPORTGEN_SOFFICE (the program, or its
    folder), PATH, the usual install places."""
    tried: list[str] = []
    named = environ.get(SOFFICE_VARIABLE, "").strip().strip('"')
    exe = ".exe" if platform == "win32" else ""
    if named:
        path = Path(named)
        path = path / f"soffice{exe}" if path.is_dir() else path
        if path.is_file():
            return path, tried
        tried.append(f"环境变量 {SOFFICE_VARIABLE} 指向的 {named}（不存在）")
    else:
        tried.append(f"环境变量 {SOFFICE_VARIABLE}（未设置）")
    search = environ.get("PATH", "")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name, path=search)
        if found:
            return Path(found), tried
    tried.append("PATH 中的 soffice、libreoffice")
    for place in usual_places(platform, environ, home):
        if place.is_file():
            return place, tried
        tried.append(str(place))
    return None, tried


class LibreOffice:
    """A LibreOffice installation that prints .docx files to PDF."""

    def __init__(self, program: str):
        self.program = program

    @classmethod
    def find(cls, platform: str | None = None, environ=None, home: Path | None = None) -> LibreOffice:
        """LibreOffice named by REPORTGEN_SOFFICE, else on PATH, else in its usual install
        places (``usual_places``); the message when it is missing names every place tried."""
        program, tried = locate(
            platform or sys.platform, os.environ if environ is None else environ, Path.home() if home is None else home
        )
        if program is None:
            raise PdfUnavailable(INSTALL_HINT + "已找过：" + "；".join(tried) + "。")
        return cls(str(program))

    def version(self) -> str:
        """LibreOffice's version, as it says it ("LibreOffice 7.4.7.2 …"), or "" if it does not."""
        ini = Path(self.program).parent / "version.ini"  # Windows: soffice.exe prints nothing
        try:
            for line in ini.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith(("MsiProductVersion=", "ProductVersion=")):
                    return "LibreOffice " + line.split("=", 1)[1].strip()
        except OSError:
            pass
        try:
            done = subprocess.run(
                [self.program, "--version"],
                capture_output=True,
                timeout=SECONDS_TO_START,
                env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.decode("utf-8", "replace").strip().splitlines()[0] if done.stdout.strip() else ""

    def convert(
        self,
        documents: dict[str, bytes],
        progress: Callable[[int], None] | None = None,
        done: dict[str, bytes] | None = None,
    ) -> dict[str, bytes]:
        """PDFs of the given .docx documents (name → bytes), printed by one LibreOffice process.
        ``progress(n)`` is called as the PDFs appear, with how many are done. ``done``, when
        given, gets each PDF found complete, also when the run was stopped (Ctrl-C) before
        the others were printed, so that the caller can keep what was printed."""
        if not documents:
            return {}
        with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as work:
            folder = Path(work)
            (folder / "in").mkdir()
            (folder / "out").mkdir()
            names = {}
            for index, (name, data) in enumerate(documents.items()):
                source = folder / "in" / f"{index:06d}.docx"  # plain names: no quoting trouble
                source.write_bytes(data)
                names[name] = source
            conf = folder / "fonts.conf"
            conf.write_text(fontconfig(), encoding="utf-8")
            env = {**os.environ, "FONTCONFIG_FILE": str(conf), "SAL_USE_VCLPLUGIN": "svp"}
            command = [
                self.program,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(folder / "out"),
                *(str(path) for path in names.values()),
            ]
            watching = _Watch(folder / "out", progress) if progress else None
            try:
                returncode = _run(command, env, folder, SECONDS_TO_START + SECONDS_PER_DRAFT * len(documents))
            except subprocess.TimeoutExpired:
                raise PdfUnavailable("LibreOffice 生成 PDF 超时，没有写出 PDF。") from None
            except OSError as problem:
                raise PdfUnavailable(
                    f"无法运行 LibreOffice（{self.program}）：{os_reason(problem)}。{INSTALL_HINT}"
                ) from None
            finally:
                if watching:
                    watching.stop()
            results: dict[str, bytes] = {}
            failed = ""
            for name, source in names.items():
                pdf = folder / "out" / f"{source.stem}.pdf"
                if not pdf.exists() or pdf.stat().st_size == 0:
                    failed = (
                        failed
                        or f"LibreOffice 没有生成 {Path(name).name} 的 PDF（退出码 {returncode}），没有写出 PDF。"
                    )
                    continue
                printed = pdf.read_bytes()
                if fault := verify(printed, documents[name]):
                    failed = failed or (
                        f"LibreOffice 生成的 {Path(name).name} {fault}，没有写出。"
                        "请确认 LibreOffice 能正常打开 Word 草稿后重试。"
                    )
                    continue
                results[name] = printed
                if done is not None and printed.rstrip().endswith(b"%%EOF"):  # complete: the trailer is written last
                    done[name] = printed
            if failed:
                raise PdfUnavailable(failed)
            return results

    def convert_parallel(
        self,
        documents: dict[str, bytes],
        processes: int = 2,
        progress: Callable[[int, int], None] | None = None,
        done: dict[str, bytes] | None = None,
    ) -> dict[str, bytes]:
        """``convert`` with the documents shared among a few LibreOffice processes;
        ``progress(done, total)`` as the PDFs appear; ``done`` as in ``convert`` (filled
        before an interruption is raised again)."""
        items = list(documents.items())
        processes = max(1, min(processes, len(items)))
        chunks = [dict(items[i::processes]) for i in range(processes)]
        counts = [0] * processes
        lock = threading.Lock()

        def tell(index: int, count: int) -> None:
            assert progress is not None  # tell is handed on only with a progress callback
            with lock:
                counts[index] = count
                progress(sum(counts), len(items))

        def one(index: int) -> dict[str, bytes]:
            return self.convert(chunks[index], (lambda n: tell(index, n)) if progress else None, done)

        pool = ThreadPoolExecutor(processes)
        try:
            parts = list(pool.map(one, range(processes)))
        except BaseException:  # Ctrl-C, or one of them failed: the others are stopped, not waited for
            stop_all()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown()
        merged: dict[str, bytes] = {}
        for part in parts:
            merged.update(part)
        return {name: merged[name] for name in documents}


# ------------------------------------------------------------------ LibreOffice's processes
#
# LibreOffice starts a process of its own (soffice.bin) beside the one started here. Each run
# is started in a process group of its own, so that all of it can be stopped at once: when
# the run fails or is interrupted (Ctrl-C), and, by a small watchdog process, when reportgen
# itself is killed; the watchdog also removes the run's temporary folder.

_running: set[subprocess.Popen] = set()
_lock = threading.Lock()

_WATCHDOG = """
import os, shutil, signal, sys, time
parent, group, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
while True:
    time.sleep(0.3)
    try:
        os.killpg(group, 0)
    except (ProcessLookupError, PermissionError):
        sys.exit(0)  # LibreOffice is done
    if os.getppid() != parent:  # reportgen is gone
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
        sys.exit(0)
"""


def _run(command: list[str], env: dict, folder: Path, timeout: float) -> int:
    """Run LibreOffice in a process group of its own, watched; its exit code."""
    posix = os.name == "posix"
    if sys.platform == "win32":
        flags = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        flags = 0
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=posix,
        creationflags=flags,
    )
    with _lock:
        _running.add(process)
    watchdog = (
        subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(process.pid), str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if posix
        else None
    )
    try:
        process.communicate(timeout=timeout)
        return process.returncode
    finally:
        _stop(process)
        with _lock:
            _running.discard(process)
        if watchdog is not None:
            watchdog.kill()
            watchdog.wait()


def _stop(process: subprocess.Popen) -> None:
    """Stop a LibreOffice run with everything it started (nothing, if it has finished)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        elif process.poll() is None:
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(process.pid)], capture_output=True)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def stop_all() -> None:
    """Stop every LibreOffice run still going (the batch was interrupted)."""
    with _lock:
        running = list(_running)
    for process in running:
        _stop(process)


def verify(pdf: bytes, docx: bytes) -> str:
    """What is wrong with a PDF LibreOffice printed from ``docx`` ("" if nothing): it must be
    a whole PDF, have pages, and show on its first page the words the draft begins with
    (its title)."""
    import io
    import logging

    from pdfminer.high_level import extract_text  # imported when PDFs are printed: start-up time
    from pdfminer.pdfpage import PDFPage

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
        return "不是完整的 PDF 文件"
    try:
        if not any(True for _ in PDFPage.get_pages(io.BytesIO(pdf), maxpages=1)):
            return "没有任何页面"
        text = extract_text(io.BytesIO(pdf), maxpages=1)
    except Exception:  # pdfminer's many kinds of error for a damaged file
        return "已损坏，无法打开"
    title = _first_words(docx)
    if title and _plain(title) not in _plain(text):
        return f"第一页上没有草稿开头的“{title}”"
    return ""


def _first_words(docx: bytes) -> str:
    """The text of a Word draft's first paragraph that has any (its title's first line)."""
    import io
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            root = etree.fromstring(
                package.read("word/document.xml"), etree.XMLParser(resolve_entities=False, no_network=True)
            )
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return ""
    for paragraph in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t")).strip()
        if text:
            return text[:40]
    return ""


def _plain(text: str) -> str:
    """Text as compared: compatibility characters (⼀, ﬁ) made plain, white space left out."""
    return "".join(unicodedata.normalize("NFKC", text).split())


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _Watch:
    """Counts the PDFs appearing in a folder while LibreOffice prints, a few times a second."""

    def __init__(self, folder: Path, progress: Callable[[int], None]):
        self.folder, self.progress = folder, progress
        self.done = threading.Event()
        self.seen = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.3):
            self._look()

    def _look(self) -> None:
        count = sum(1 for _ in self.folder.glob("*.pdf"))
        if count != self.seen:
            self.seen = count
            self.progress(count)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()
        self._look()
