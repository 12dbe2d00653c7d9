"""The page's "更新并下载" (issue 32): an edited draft uploaded is refreshed by the rules of
``reportgen refresh`` — never forced — and the page shows each change, each conflict and
where the backup is, then offers the refreshed draft. Nothing is replaced silently."""

from __future__ import annotations

import io
import re
import shutil
import warnings
from urllib.parse import quote

import docx
import pytest
from cli_helpers import run
from conftest import DATA
from record_helpers import assert_one_line_per_file, assert_record_names_every_file
from test_edits import set_new_requests, table_three_new, text_of

from reportgen.web.app import create_app

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402  (after the warning filter)

PORT, TOKEN = 8766, "test-token"
BASE = f"http://127.0.0.1:{PORT}"
REPORT = "qingchuan-finance/2025.toml"
NAME = "青川市财政局2025年政府信息公开工作年度报告.docx"


@pytest.fixture
def folder(tmp_path):
    served = tmp_path / "office" / "data"
    served.parent.mkdir()
    shutil.copytree(DATA, served)
    return served


@pytest.fixture
def client(folder):
    with TestClient(create_app(folder, TOKEN, PORT), base_url=BASE) as opened:
        assert opened.get(f"/?token={TOKEN}").status_code == 200
        yield opened


def reword(data: bytes, new_text=None, paragraph: str = "") -> bytes:
    document = docx.Document(io.BytesIO(data))
    for para in document.paragraphs:
        for piece in para.runs:
            if "共需办理" in piece.text or "合计需要办理" in piece.text:
                piece.text = new_text if new_text is not None else piece.text.replace("共需办理", "合计需要办理")
                if paragraph:
                    para.insert_paragraph_before(paragraph)
                out = io.BytesIO()
                document.save(out)
                return out.getvalue()
    raise AssertionError("no sentence on requests")


def plain(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_an_upload_shows_each_change_each_conflict_and_the_backup_then_the_download(client, folder):
    word = client.get(f"/draft/docx/{REPORT}").content
    edited = reword(word, paragraph="科长加的一段话。")
    set_new_requests(folder / REPORT, 30)
    answer = client.post(f"/refresh/{REPORT}", files={"draft": (NAME, edited)})
    assert answer.status_code == 200, answer.text
    page = plain(answer.text)
    assert "冲突：保留了人改的内容" in page and "合计需要办理" in page and "按新数据应为" in page
    assert "表三" in page and "30" in page  # the table's changed cells, listed
    assert f"草稿/{NAME.replace('.docx', '.备份-1.docx')}" in page
    assert answer.headers["x-reportgen-conflicts"] == "1"
    kept = folder / "草稿" / NAME
    assert (folder / "草稿" / NAME.replace(".docx", ".备份-1.docx")).read_bytes() == edited  # the backup is the upload
    downloaded = client.get("/drafts/" + quote(NAME))
    assert downloaded.status_code == 200 and downloaded.content == kept.read_bytes()
    assert "合计需要办理" in text_of(kept) and "科长加的一段话。" in text_of(kept) and table_three_new(kept) == "30"
    assert_record_names_every_file(folder / "草稿")
    # the clerk types the new figures into their own sentence: accepted
    fresh = re.search(r"按新数据应为</dt><dd>([^<]*共需办理[^<]*)</dd>", answer.text)[1]
    mine = reword(kept.read_bytes(), fresh.replace("共需办理", "合计需要办理"))
    accepted = client.post(f"/refresh/{REPORT}", files={"draft": (NAME, mine)})
    assert accepted.status_code == 200 and "冲突" not in plain(accepted.text), accepted.text
    assert "没有需要更新的内容" in plain(accepted.text)
    assert list((folder / "草稿").glob("*.备份-2.docx"))  # the earlier upload, kept
    assert_record_names_every_file(folder / "草稿", edited={NAME})
    assert_one_line_per_file(folder / "草稿")  # compacted on every upload


def test_a_draft_the_page_did_not_hand_out_is_treated_as_edited_throughout(client, folder, tmp_path):
    assert run("build", folder / REPORT, "-o", tmp_path / "elsewhere", "--to", "docx").exit_code == 0
    word = (tmp_path / "elsewhere" / NAME).read_bytes()
    set_new_requests(folder / REPORT, 30)
    answer = client.post(f"/refresh/{REPORT}", files={"draft": ("别处的.docx", reword(word))})
    assert answer.status_code == 200, answer.text
    assert "冲突" in plain(answer.text) and "表三" in plain(answer.text)
    kept = folder / "草稿" / "别处的.docx"
    assert table_three_new(kept) == "23" and "合计需要办理" in text_of(kept)  # nothing replaced silently


@pytest.mark.parametrize("ends", ["\r\n", "\n"])
def test_a_markdown_draft_saved_on_windows_is_updated_without_conflicts(client, folder, ends):
    markdown = client.get(f"/draft/md/{REPORT}").content.decode("utf-8") + "\n科长加的一段话。\n"
    set_new_requests(folder / REPORT, 30)
    uploaded = b"\xef\xbb\xbf" + markdown.replace("\n", ends).encode("utf-8")
    answer = client.post(f"/refresh/{REPORT}", files={"draft": ("草稿.md", uploaded)})
    assert answer.status_code == 200 and "冲突" not in plain(answer.text), answer.text
    body = client.get("/drafts/" + quote("草稿.md")).content
    assert body.startswith(b"\xef\xbb\xbf") and "科长加的一段话。" in body.decode("utf-8-sig")
    assert "共收到政府信息公开申请37件" in body.decode("utf-8-sig")


def test_only_uploaded_drafts_are_offered_back(client, folder):
    (folder / "草稿").mkdir()
    (folder / "草稿" / "x.toml").write_text("a = 1\n", encoding="utf-8")
    assert client.get("/drafts/x.toml").status_code == 404
    assert client.get("/drafts/" + quote("没有.docx")).status_code == 404
    assert client.get("/drafts/..%2F" + quote(REPORT)).status_code in (403, 404)


def test_the_upload_result_lists_one_cell_a_line_and_counts_what_it_counts(client, folder):
    word = client.get(f"/draft/docx/{REPORT}").content
    set_new_requests(folder / REPORT, 30)
    answer = client.post(f"/refresh/{REPORT}", files={"draft": (NAME, word)})
    assert answer.status_code == 200, answer.text
    heading = plain(answer.text.split("<h1>", 1)[1].split("</h1>", 1)[0])
    said = re.search(r"已更新(\d+)处（(.+)）", heading)
    assert said, heading
    changes = answer.text.split('id="changes"', 1)[1].split("</section>", 1)[0].split("<h2", 1)[0]
    cells = re.findall(r'<ul class="cells">(.*?)</ul>', changes, re.S)
    listed = [item for block in cells for item in re.findall(r"<li>(.*?)</li>", block)]
    assert len(listed) > 1 and all(item.count("→") == 1 for item in listed)  # one cell a line, none joined by “；”
    assert int(said[1]) == changes.count("→")  # the count is of the places listed, each cell one
    parts = dict((unit, int(n)) for n, unit in re.findall(r"(\d+)(句|格|个数字)", said[2]))
    assert parts.get("格", 0) >= len(listed) and parts.get("句", 0) >= 1
    assert sum(parts.values()) + len(re.findall(r"(?:^|、)(标题|落款日期|开头段落)", said[2])) == int(said[1])


def test_a_single_years_chart_labels_its_points_with_their_figures(client):
    page = client.get("/").text
    charts = page.split("主要数字的变化", 1)[1].split("</ul>", 1)[0]
    single = [svg for svg in re.findall(r"<svg.*?</svg>", charts, re.S) if "<circle" in svg]
    assert single
    for svg in single:
        said = re.search(r'aria-label="(\d{4})年：([^"]*)"', svg)
        assert said and "；" not in said[2], svg  # one year
        figures = [int(n) for n in re.findall(r"(\d+)(?:，|$)", said[2])]
        shown = [int(n) for n in re.findall(r'<text [^>]*class="figure">(\d+)</text>', svg)]
        assert shown == figures and svg.count("<circle") == len(figures)


def _other_agency(folder, tmp_path) -> bytes:
    """The Word draft of another agency's report for the same year, built by the command line."""
    other = tmp_path / "第01局"
    other.mkdir()
    text = (folder / REPORT).read_text(encoding="utf-8").replace("青川市财政局", "青川市第01局")
    (other / "2025.toml").write_text(text, encoding="utf-8")
    assert run("build", other / "2025.toml", "-o", tmp_path / "out01", "--to", "docx").exit_code == 0
    return next((tmp_path / "out01").glob("青川市第01局*.docx")).read_bytes()


def _other_year(folder, tmp_path) -> bytes:
    assert run("build", folder / "qingchuan-finance/2024.toml", "-o", tmp_path / "out24", "--to", "docx").exit_code == 0
    return next((tmp_path / "out24").glob("*2024年*.docx")).read_bytes()


def _other_kind(folder, tmp_path) -> bytes:
    source = folder / "qingchuan-finance/2025-任务分解表.toml"
    assert run("build", source, "-o", tmp_path / "outk", "--to", "docx").exit_code == 0
    return next((tmp_path / "outk").glob("*.docx")).read_bytes()


@pytest.mark.parametrize("other", [_other_agency, _other_year, _other_kind])
def test_another_reports_draft_is_refused_as_the_command_line_refuses_it(client, folder, tmp_path, other):
    client.get(f"/draft/docx/{REPORT}")  # the page handed out this report's draft: its tables may match
    draft = other(folder, tmp_path)
    set_new_requests(folder / REPORT, 30)
    answer = client.post(f"/refresh/{REPORT}", files={"draft": ("other.docx", draft)})
    assert answer.status_code == 400, answer.text
    said = plain(answer.text)
    assert "other.docx与数据文件不是同一份报告" in said and "没有更新草稿" in said, said
    assert "已更新" not in said
    assert not (folder / "草稿" / "other.docx").exists()
    assert not list((folder / "草稿").glob("other*"))
    # the command line refuses the very same draft with the same words
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "other.docx").write_bytes(draft)
    refused = run("refresh", tmp_path / "cli" / "other.docx", "--data", folder / REPORT)
    assert refused.exit_code == 1 and "与数据文件不是同一份报告" in refused.output and "没有更新草稿" in refused.output
    assert (tmp_path / "cli" / "other.docx").read_bytes() == draft


def test_the_clerks_own_retouched_title_is_still_their_report(client, folder):
    word = client.get(f"/draft/docx/{REPORT}").content
    document = docx.Document(io.BytesIO(word))
    heading = next(p for p in document.paragraphs if "年度报告" in p.text)
    heading.runs[-1].text = heading.runs[-1].text + "（送审稿）"
    out = io.BytesIO()
    document.save(out)
    set_new_requests(folder / REPORT, 30)
    answer = client.post(f"/refresh/{REPORT}", files={"draft": (NAME, out.getvalue())})
    assert answer.status_code == 200, answer.text
    assert table_three_new(folder / "草稿" / NAME) == "30" and "送审稿" in text_of(folder / "草稿" / NAME)
