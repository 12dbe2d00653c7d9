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
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from reportgen.errors import ReportgenError
from reportgen.renderers.fonts import fontconfig

INSTALL_HINT = (
    "生成 PDF 需要 LibreOffice，但这台电脑上没有找到（soffice）。请先安装："
    "Debian/Ubuntu/统信/麒麟运行 sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
    "Windows 到 libreoffice.org 下载安装后，把安装文件夹中的 program 加入 PATH，或设置环境变量 REPORTGEN_SOFFICE "
    "指向 soffice.exe。Word 和 Markdown 草稿不需要 LibreOffice。"
)
SECONDS_PER_DRAFT = 20
SECONDS_TO_START = 60


class PdfUnavailable(ReportgenError):
    """LibreOffice is not installed, or failed to print a PDF."""


class LibreOffice:
    """A LibreOffice installation that prints .docx files to PDF."""

    def __init__(self, program: str):
        self.program = program

    @classmethod
    def find(cls) -> LibreOffice:
        program = os.environ.get("REPORTGEN_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
        if not program and sys.platform == "win32":
            default = Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "LibreOffice" / "program" / "soffice.exe"
            program = str(default) if default.exists() else None
        if not program:
            raise PdfUnavailable(INSTALL_HINT)
        return cls(program)

    def convert(self, documents: dict[str, bytes], progress: Callable[[int], None] | None = None) -> dict[str, bytes]:
        """PDFs of the given .docx documents (name → bytes), printed by one LibreOffice process.
        ``progress(n)`` is called as the PDFs appear, with how many are done."""
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
                self.program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder / "out"),
                *(str(path) for path in names.values()),
            ]
            watching = _Watch(folder / "out", progress) if progress else None
            try:
                done = subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL,
                                      timeout=SECONDS_TO_START + SECONDS_PER_DRAFT * len(documents))
            except subprocess.TimeoutExpired:
                raise PdfUnavailable("LibreOffice 生成 PDF 超时，没有写出 PDF。") from None
            except OSError as problem:
                raise PdfUnavailable(f"无法运行 LibreOffice（{self.program}）：{problem}。{INSTALL_HINT}") from None
            finally:
                if watching:
                    watching.stop()
            results = {}
            for name, source in names.items():
                pdf = folder / "out" / f"{source.stem}.pdf"
                if not pdf.exists() or pdf.stat().st_size == 0:
                    detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
                    raise PdfUnavailable(f"LibreOffice 没有生成 {name} 的 PDF（退出码 {done.returncode}）。{detail}")
                results[name] = pdf.read_bytes()
            return results

    def convert_parallel(self, documents: dict[str, bytes], processes: int = 2,
                         progress: Callable[[int, int], None] | None = None) -> dict[str, bytes]:
        """``convert`` with the documents shared among a few LibreOffice processes;
        ``progress(done, total)`` as the PDFs appear."""
        items = list(documents.items())
        processes = max(1, min(processes, len(items)))
        chunks = [dict(items[i::processes]) for i in range(processes)]
        counts = [0] * processes
        lock = threading.Lock()

        def tell(index: int, count: int) -> None:
            with lock:
                counts[index] = count
                progress(sum(counts), len(items))

        def one(index: int) -> dict[str, bytes]:
            return self.convert(chunks[index], (lambda n: tell(index, n)) if progress else None)

        with ThreadPoolExecutor(processes) as pool:
            parts = list(pool.map(one, range(processes)))
        merged: dict[str, bytes] = {}
        for part in parts:
            merged.update(part)
        return {name: merged[name] for name in documents}


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
