"""A build records each Markdown marker's text worked out from the in-memory draft (as for
Word, ``tests/test_refresh.py``); refresh reads an edited draft's file. They must agree for
every example and golden case, or every refresh would see conflicts; and what is recorded
is what a build of the real command writes in its record."""

from __future__ import annotations

import pytest
from cli_helpers import run
from conftest import DATA, REPO

from reportgen import check_file
from reportgen.output.manifest import Manifest
from reportgen.renderers import markers
from reportgen.renderers.markdown import marker_texts
from reportgen.workflows.build import Renderers, render_drafts

SOURCES = sorted(DATA.glob("*/*.toml")) + sorted((REPO / "tests" / "golden").glob("*.toml"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_the_recorded_marker_texts_agree_with_the_markdown_file(source):
    renderers, drafted = Renderers.prepare(), []
    written = render_drafts(check_file(source).report, renderers, ("md",), drafted=drafted)["md"].decode("utf-8")
    in_file, from_draft = markers.md_texts(written), marker_texts(drafted[0])
    assert in_file and {name: from_draft.get(name) for name in in_file} == in_file
    left_out = set(from_draft) - set(in_file)  # made for the template, not placed by it
    assert left_out <= ({"date"} if not drafted[0].signed else set()), left_out


def test_a_build_records_the_digests_of_what_it_wrote(tmp_path):
    source = tmp_path / "2025.toml"
    source.write_bytes((DATA / "qingchuan-finance" / "2025.toml").read_bytes())
    result = run("build", source, "--to", "md", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    [written] = (tmp_path / "out").glob("*.md")
    entry = Manifest(tmp_path / "out").entry(written)
    in_file = markers.md_texts(written.read_text(encoding="utf-8"))
    assert {name: entry["markers"][name] for name in in_file} == {n: markers.digest(t) for n, t in in_file.items()}
