"""The year's work as a state machine, driven through the real CLI (issue 21).

A clerk builds drafts in any mix of formats (Word, Markdown, the web page, open data, PDF),
edits them in Word and in a Markdown editor (adds, rewords and deletes paragraphs, rewords
a generated sentence, adds a comment), changes figures in the data file, refreshes, builds
again with and without ``--force``, runs ``batch --refresh``, downloads a draft from the
page and uploads it edited ("更新并下载"), re-imports a published report over a data file
someone corrected by hand, makes the fill-in form again over a return a unit filled in,
copies or moves the whole folder to a shared drive, works from another folder (inside,
beside, above or unrelated to the data and output folders, at different depths; paths
given relative to it) and starts next year (issue 21, issue 32).

After every step:
- every edit a person ever made is in the current file or in a backup beside it;
- every backup made holds exactly what it replaced (or what was uploaded);
- the record of each folder names every file reportgen wrote with its own digest, and
  its data file, worked out from the folder, exists;
- every draft shows its data, or the last command that drafted named it (stale);
- no file outside the folders the command writes into was touched.

``tests/test_workflow.py`` runs a bounded number of examples in CI; ``bench/soak_workflow.py``
runs many more.
"""

from __future__ import annotations

import collections
import hashlib
import io
import json
import os
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import docx
from cli_helpers import run
from conftest import DATA
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from openpyxl import load_workbook
from record_helpers import assert_record_names_every_file, record_lines

from reportgen.checks.check import check_file
from reportgen.output.manifest import Manifest
from reportgen.workflows import siblings
from reportgen.workflows.build import DraftFiles, Renderers, output_stem, render_drafts

FINANCE = DATA / "qingchuan-finance"
DRAFT_SUFFIXES = (".docx", ".md")
_RENDERERS: list = []
FORMATS = ("docx,md", "docx,pdf", "md,html", "html,json", "docx,md,html,pdf", "pdf", "md")
PDFS_PER_SEQUENCE = 2  # LibreOffice takes seconds a print: a few per sequence
# Where the clerk works from: a folder relative to the sequence's root, its home, or elsewhere.
WORKING = ("root", "out", "data", "home", "elsewhere", "elsewhere/深/一层/又一层")
BACKUP = re.compile(r"\.备份-\d+(?=\.[^.]+$)")
CHINESE_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


def renderers() -> Renderers:
    if not _RENDERERS:
        _RENDERERS.append(Renderers.prepare())
    return _RENDERERS[0]


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def file_text(path: Path) -> str:
    """What a person sees of a file: its text, a Word draft's body and comments, a workbook's cells."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as package:
            parts = [n for n in package.namelist() if n in ("word/document.xml", "word/comments.xml")]
            return "".join(re.sub(r"<[^>]+>", "", package.read(n).decode("utf-8")) for n in parts)
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        return " ".join(
            str(c)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for c in row
            if c is not None
        )
    return path.read_text(encoding="utf-8")


def versions(path: Path) -> list[Path]:
    """A file and its backups beside it (X.备份-1.docx …)."""
    return [path, *sorted(path.parent.glob(f"{path.stem}.备份-*{path.suffix}"))] if path.parent.exists() else [path]


class Edit:
    """Something a person did to a file: text they wrote (which must survive somewhere) or
    a paragraph they deleted (whose absence must survive somewhere)."""

    def __init__(self, relative: str, written: str = "", deleted: str = ""):
        self.relative, self.written, self.deleted = relative, written, deleted

    def kept_in(self, root: Path) -> bool:
        for version in versions(root / self.relative):
            if not version.exists():
                continue
            text = file_text(version)
            if (self.written and self.written in text) or (self.deleted and self.deleted not in text):
                return True
        return False

    def __repr__(self) -> str:
        return f"Edit({self.relative!r}, written={self.written!r}, deleted={self.deleted[:20]!r})"


class YearsWork(RuleBasedStateMachine):
    """One office folder (``data/``, ``out/``, ``forms/``, ``published/``) under ``self.base``."""

    base: Path  # set by the test
    done: collections.Counter = collections.Counter()  # the steps taken, by kind, over all sequences

    def __init__(self):
        super().__init__()
        self.counter = 0
        import tempfile

        self.home = Path(tempfile.mkdtemp(dir=self.base, prefix="run"))
        self.root = self.home / "seq"
        (self.root / "data").mkdir(parents=True)
        for name in ("2024.toml", "2025.toml"):
            shutil.copy(FINANCE / name, self.root / "data" / name)
        (self.root / "published").mkdir()
        assert run("build", FINANCE / "2025.toml", "-o", self.root / "published", "--to", "html").exit_code == 0
        self.edits: list[Edit] = []
        self.reported: set[str] = set()  # drafts the last drafting command named as not current
        self.dirty = True  # the data changed since the last drafting command
        self.requests = 23
        self.next_year_done = False
        self.working = "root"
        self.pdfs = 0
        self.touched: set[str] = set()  # files a person changed that reportgen has not written since
        self.uploaded: set[str] = set()  # digests of what was uploaded on the page

    # -------------------------------------------------------------- helpers

    @property
    def source(self) -> Path:
        return self.root / "data" / "2025.toml"

    @property
    def out(self) -> Path:
        return self.root / "out"

    def draft(self, suffix: str) -> Path | None:
        found = [p for p in self.out.glob(f"*{suffix}") if "备份" not in p.name and "片段" not in p.name]
        return found[0] if found else None

    def token(self, what: str) -> str:
        self.counter += 1
        return f"人改{what}{self.counter}号"

    def cwd(self) -> Path:
        where = {"root": self.root, "out": self.out, "data": self.root / "data", "home": self.home}.get(self.working)
        return where if where is not None else self.base / self.working

    def command(self, allowed: tuple[str, ...], *args, drafting: bool = False):
        """Run a command from the working directory (paths given relative to it); only files
        under the ``allowed`` folders (relative to the root) may change."""
        before = snapshot(self.root)
        self.done[" ".join(str(a) for a in args if str(a).startswith("--") or a == args[0])] += 1
        here = self.cwd()
        here.mkdir(parents=True, exist_ok=True)
        was = os.getcwd()
        os.chdir(here)
        try:
            result = run(*[os.path.relpath(a, here) if isinstance(a, Path) else a for a in args])
        finally:
            os.chdir(was)
        assert "Traceback" not in result.output, result.output
        after = snapshot(self.root)
        changed = {name for name in set(before) | set(after) if before.get(name) != after.get(name)}
        outside = {name for name in changed if not name.startswith(allowed)}
        assert not outside, (args, outside)
        self.check_backups(before, after)
        if drafting:
            self.reported = set()
            self.dirty = False
        self.reported |= {Path(p).name for p in re.findall(r"([^\s：]+\.(?:docx|md|html|pdf))", result.output)}
        return result

    def check_backups(self, before: dict[str, str], after: dict[str, str]) -> None:
        """Every backup made holds what it replaced (or, on the page, what was uploaded)."""
        for name in set(after) - set(before):
            if BACKUP.search(name):
                original = BACKUP.sub("", name)
                assert after[name] == before.get(original) or after[name] in self.uploaded, (name, original)

    def free_paragraphs(self, document):
        """Paragraphs outside every marker, with text, outside tables."""
        return [
            p
            for p in document.paragraphs
            if p.text.strip() and not p._p.xpath(".//w:bookmarkStart") and not p._p.xpath(".//w:bookmarkEnd")
        ]

    # -------------------------------------------------------------- drafting

    @rule()
    def build(self):
        self.command(("out",), "build", self.source, "-o", self.out, drafting=True)

    @rule(to=st.sampled_from(FORMATS), force=st.booleans())
    def build_to(self, to, force):
        """build --to any mix of formats (a PDF only a few times a sequence)."""
        if "pdf" in to and self.pdfs >= PDFS_PER_SEQUENCE:
            to = ",".join(k for k in to.split(",") if k != "pdf") or "docx"
        self.pdfs += "pdf" in to
        result = self.command(
            ("out",), "build", self.source, "-o", self.out, "--to", to, *(["--force"] if force else []), drafting=True
        )
        assert result.exit_code in (0, 1), result.output
        assert "未生成：" not in result.output or "没有覆盖" in result.output, result.output

    @rule(where=st.sampled_from(WORKING))
    def work_from_another_folder(self, where):
        self.working = where
        self.done[f"working directory: {where}"] += 1

    @rule()
    def build_force(self):
        self.command(("out",), "build", self.source, "-o", self.out, "--force", drafting=True)

    @precondition(lambda self: self.draft(".docx") is not None)
    @rule()
    def refresh_word(self):
        self.command(("out",), "refresh", self.draft(".docx"), drafting=True)

    @precondition(lambda self: self.draft(".md") is not None)
    @rule()
    def refresh_markdown(self):
        self.command(("out",), "refresh", self.draft(".md"), drafting=True)

    @rule()
    def batch_refresh(self):
        result = self.command(
            ("out",), "batch", self.root / "data", "--year", "2025", "-o", self.out, "--refresh", drafting=True
        )
        summary = json.loads((self.out / "summary.json").read_text(encoding="utf-8"))
        for unit in summary["results"]:
            self.reported |= {Path(s.split("：")[0]).name for s in unit.get("stale", [])}
        assert result.exit_code in (0, 1), result.output

    # -------------------------------------------------------------- a person's edits

    @precondition(lambda self: self.draft(".docx") is not None)
    @rule(how=st.sampled_from(["add", "reword", "delete", "comment"]), where=st.integers(0, 50))
    def edit_word(self, how, where):
        word = self.draft(".docx")
        document = docx.Document(word)
        free = self.free_paragraphs(document)
        if not free:
            return
        target = free[where % len(free)]
        relative = str(word.relative_to(self.root))
        if how == "add":
            text = self.token("段落")
            target.insert_paragraph_before(text)
            self.edits.append(Edit(relative, written=text))
        elif how == "reword" and target.runs:
            text = self.token("改写")
            target.runs[0].text = text + target.runs[0].text
            self.edits.append(Edit(relative, written=text))
        elif how == "delete" and len(target.text) > 8 and not target.text.startswith("人改"):
            deleted = target.text
            if sum(1 for p in document.paragraphs if deleted in p.text) != 1:
                return
            target._p.getparent().remove(target._p)
            self.edits.append(Edit(relative, deleted=deleted))
        elif how == "comment" and target.runs:
            text = self.token("批注")
            document.add_comment(target.runs, text=text, author="科长")
            self.edits.append(Edit(relative, written=text))
        else:
            return
        document.save(word)
        self.touched.add(str(word.relative_to(self.root)))
        self.done[f"Word：{how}"] += 1

    @precondition(lambda self: self.draft(".md") is not None)
    @rule(windows=st.booleans())
    def edit_markdown(self, windows):
        """A paragraph added, saved as Notepad saves it (CRLF, BOM) or as it was."""
        markdown = self.draft(".md")
        text = self.token("Markdown")
        content = markdown.read_bytes().decode("utf-8-sig").replace("\r\n", "\n") + f"\n{text}\n"
        data = ("\ufeff" + content.replace("\n", "\r\n")).encode("utf-8") if windows else content.encode("utf-8")
        markdown.write_bytes(data)
        self.edits.append(Edit(str(markdown.relative_to(self.root)), written=text))
        self.touched.add(str(markdown.relative_to(self.root)))
        self.done["Markdown：add" + ("（Windows）" if windows else "")] += 1

    @precondition(lambda self: self.draft(".docx") is not None)
    @rule()
    def reword_a_generated_sentence(self):
        """The clerk rewords the sentence on requests, inside its marker ("共需办理" → their words)."""
        word = self.draft(".docx")
        written = self.token("措辞").translate(CHINESE_DIGITS)  # no figure of its own
        if not reword_in(word, written):
            return
        self.edits.append(Edit(str(word.relative_to(self.root)), written=written))
        self.touched.add(str(word.relative_to(self.root)))
        self.done["Word：reword a generated sentence"] += 1

    @rule(kind=st.sampled_from(["docx", "md"]), edit=st.booleans())
    def upload_on_the_page(self, kind, edit):
        """The page's 更新并下载: a draft downloaded from the page, edited, uploaded."""
        from reportgen.web.app import create_app

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from starlette.testclient import TestClient

        data = self.root / "data"
        before = snapshot(self.root)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with TestClient(create_app(data, "t", 8799), base_url="http://127.0.0.1:8799") as page:
                assert page.get("/?token=t").status_code == 200
                draft = page.get(f"/draft/{kind}/2025.toml")
                assert draft.status_code == 200, draft.text
                content, name = draft.content, f"上传的草稿.{kind}"
                if edit:
                    written = self.token("上传").translate(CHINESE_DIGITS)
                    content = edited_draft(content, kind, written)
                    self.edits.append(Edit(f"data/草稿/{name}", written=written))
                self.uploaded.add(hashlib.sha256(content).hexdigest())
                answer = page.post("/refresh/2025.toml", files={"draft": (name, content)})
        assert answer.status_code == 200, answer.text
        assert "下载更新后的草稿" in answer.text and ("冲突" in answer.text) == (
            answer.headers["x-reportgen-conflicts"] != "0"
        )
        after = snapshot(self.root)
        changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
        assert all(n.startswith("data/草稿/") for n in changed), changed
        self.check_backups(before, after)
        self.done[f"page upload {kind}" + (" edited" if edit else "")] += 1

    @rule(requests=st.integers(20, 30))
    def change_figure(self, requests):
        """A late correction: 新收 changes and so does 予以公开, so that table 三 still balances."""
        text = self.source.read_text(encoding="utf-8")
        step = requests - self.requests
        new = re.search(r"^new = \{ natural_person = (\d+),", text, re.M)
        disclosed = re.search(r"^disclosed = \{ natural_person = (\d+),", text, re.M)
        text = text[: new.start(1)] + str(int(new[1]) + step) + text[new.end(1) :]
        disclosed = re.search(r"^disclosed = \{ natural_person = (\d+),", text, re.M)
        text = text[: disclosed.start(1)] + str(int(disclosed[1]) + step) + text[disclosed.end(1) :]
        self.source.write_text(text, encoding="utf-8")
        self.requests = requests
        self.dirty = self.dirty or step != 0
        self.done["change figure"] += 1

    # -------------------------------------------------------------- import, forms

    @rule()
    def import_over_a_corrected_file(self):
        page = next(p for p in (self.root / "published").glob("*.html") if "片段" not in p.name)
        imported = self.root / "imported"
        self.command(("imported",), "import", page, "-o", imported)
        [target] = imported.rglob("2025.toml")
        text = self.token("邮编核对")
        target.write_text(target.read_text(encoding="utf-8") + f"# {text}\n", encoding="utf-8")
        self.edits.append(Edit(str(target.relative_to(self.root)), written=text))
        result = self.command(("imported",), "import", page, "-o", imported, "--force")
        assert result.exit_code == 0, result.output

    @rule()
    def form_over_a_filled_return(self):
        forms = self.root / "forms"
        self.command(("forms",), "form", FINANCE / "2025.toml", "-o", forms)
        [form] = [p for p in forms.glob("*.xlsx") if "备份" not in p.name]
        book = load_workbook(form)
        text = self.token("填报")
        book["基本信息"]["B12"].value = text
        book.save(form)
        self.edits.append(Edit(str(form.relative_to(self.root)), written=text))
        refused = self.command(("forms",), "form", FINANCE / "2025.toml", "-o", forms)
        assert refused.exit_code == 1, refused.output
        self.command(("forms",), "form", FINANCE / "2025.toml", "-o", forms, "--force")

    # -------------------------------------------------------------- the folder travels; next year

    @rule(move=st.booleans())
    def copy_or_move_the_folder(self, move):
        self.counter += 1
        destination = self.home / f"shared{self.counter}" / "seq"
        destination.parent.mkdir(parents=True)
        if move:
            shutil.move(self.root, destination)
        else:
            shutil.copytree(self.root, destination, symlinks=True)
        self.root = destination
        self.done["move folder" if move else "copy folder"] += 1

    @precondition(lambda self: not self.next_year_done)
    @rule()
    def next_year(self):
        result = self.command(("data",), "next-year", self.source)
        assert result.exit_code == 0, result.output
        assert check_file(self.root / "data" / "2026.toml").errors == 0
        self.next_year_done = True

    # -------------------------------------------------------------- what must always hold

    @invariant()
    def the_record_names_every_file_with_its_own_digest(self):
        still = set()
        for relative in self.touched:  # a person's change stays one until reportgen writes the file again
            path = self.root / relative
            last = {e["file"]: e["sha256"] for e in record_lines(path.parent)}
            if path.is_file() and last.get(path.name) != _digest(path):
                still.add(relative)
        self.touched = still
        for folder in (self.out, self.root / "published", self.root / "data" / "草稿"):
            if folder.is_dir():
                edited = {Path(r).name for r in self.touched if (self.root / r).parent == folder}
                # published/ was drafted from the repository's data, which does not travel with the folder
                assert_record_names_every_file(folder, edited=edited, travels=folder.name != "published")

    @invariant()
    def every_edit_is_kept_somewhere(self):
        lost = [edit for edit in self.edits if not edit.kept_in(self.root)]
        assert not lost, lost

    @invariant()
    def every_draft_is_current_or_was_named(self):
        if self.dirty or not self.out.exists():
            return
        checked = check_file(self.source)
        drafted: list = []
        last = checked.previous.report if checked.previous else None
        drafts = render_drafts(checked.report, renderers(), ("docx", "md"), previous=last, drafted=drafted)
        stem = output_stem(checked.report, self.source)
        behind = siblings.stale(
            self.out, stem, self.source, DraftFiles(drafts, drafted[0], renderers(), None), Manifest(self.out)
        )
        unnamed = [s.path.name for s in behind if s.path.name not in self.reported]
        assert not unnamed, unnamed


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reword_in(word: Path, written: str) -> bool:
    """``written`` put into the generated sentence on requests of a Word draft (in its marker)."""
    document = docx.Document(word)
    for paragraph in document.paragraphs:
        for piece in paragraph.runs:
            if "共需办理" in piece.text:
                piece.text = piece.text.replace("共需办理", f"{written}共需办理", 1)
                document.save(word)
                return True
    return False


def edited_draft(content: bytes, kind: str, written: str) -> bytes:
    """A downloaded draft with a paragraph added (Word) or a line added (Markdown, saved with CRLF)."""
    if kind == "md":
        return ("\ufeff" + content.decode("utf-8").replace("\n", "\r\n") + f"\r\n{written}\r\n").encode("utf-8")
    document = docx.Document(io.BytesIO(content))
    document.paragraphs[3].insert_paragraph_before(written)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
