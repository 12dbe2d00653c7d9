"""What the local page writes into a data file (``reportgen.workflows.editing``), as
properties over random edits: what was typed reads back as typed, and every part of the
file the edit did not touch stays byte for byte, for the annual report (through tomlkit)
and for a task table whose headings and tasks are interleaved (part by part)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import DATA, INTERLEAVED_TASKS as INTERLEAVED

from reportgen import kinds
from reportgen.formats.statutory import require_format
from reportgen.sources.tomlfile import parse, segments
from reportgen.workflows import editing

TASKS = kinds.named("任务分解表")

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)
paragraphs = st.lists(words, min_size=1, max_size=3).map("\n".join)
task_fields = st.sampled_from(["task", "requirement", "deadline", "progress"])


# too_slow: 150 examples of a whole file's editing; generation is slow on a busy machine.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.dictionaries(st.tuples(st.integers(1, 3), task_fields), paragraphs, max_size=4),
    deleted=st.sets(st.integers(1, 3), max_size=2),
    added=st.one_of(st.none(), words),
)
def test_a_task_table_edit_reads_back_and_leaves_the_rest_alone(edits, deleted, added):
    values = {f"task.{n}.{field}": typed for (n, field), typed in edits.items()}
    values |= {f"task.{n}._delete": "1" for n in deleted}
    if added is not None:
        values |= {"task.4.task": added, "task.4.lead": "办公室"}
    after = editing.apply_document(INTERLEAVED, TASKS, values)
    data = parse(after)
    kept = [n for n in (1, 2, 3) if n not in deleted]
    tasks = data["task"]
    # the new entry's lead is typed: the entry is added, its task blank or not (the check asks for it)
    assert len(tasks) == len(kept) + (added is not None)
    for index, n in enumerate(kept):
        for field in ("task", "requirement", "deadline", "progress"):
            typed = edits.get((n, field))
            if typed is not None and typed.strip():
                assert tasks[index][field].strip() == typed.strip(), (n, field)
    if added is not None:
        assert tasks[-1]["lead"] == ["办公室"] and tasks[-1].get("task", "").strip() == added.strip()
    touched = {n for (n, _), typed in edits.items()}
    before_parts = [p for p in segments(INTERLEAVED)]
    after_text = after
    for number, part in enumerate((p for p in before_parts if p.name == ("task",)), 1):
        if number not in touched and number not in deleted:
            assert part.text.rstrip("\n") in after_text, number  # an untouched task: byte for byte
    for part in before_parts:
        if part.name != ("task",):
            assert part.text.rstrip("\n") in after_text  # the top, [report] and every heading


ANNUAL = DATA / "qingchuan-finance" / "2025.toml"
FORMAT = require_format(2025)
FIGURES = [cell.key for cell in FORMAT.cells() if cell.key.split(".")[0] in ("proactive", "requests")][:60]


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(FIGURES), st.integers(0, 10**6), min_size=1, max_size=6))
def test_annual_figures_read_back_and_only_their_lines_change(typed):
    before = ANNUAL.read_text(encoding="utf-8")
    after = editing.apply(before, FORMAT, {key: str(value) for key, value in typed.items()})
    data = parse(after)
    for key, value in typed.items():
        stated = editing._lookup(data, key)
        stated = stated["value"] if isinstance(stated, dict) else stated
        assert stated == value or (stated is None and value == 0), key
    removed = set(before.splitlines()) - set(after.splitlines())
    assert len(removed) <= len(typed)  # each figure is on one line, and only those lines change


def test_values_typed_as_the_file_says_them_change_nothing():
    text = (
        'document = "任务分解表"\n[report]\nagency = "青川市财政局"\nyear = 2025\ndate = 2025-04-18\n\n'
        '[[task]]\ntask = "公开预算。"\nlead = "预算科"   # 一个处室写成文字\nassist = ["办公室", "国库科"]\n'
    )
    typed = {
        "report.agency": "青川市财政局",
        "report.year": "2025",
        "report.date": "2025-04-18",
        "task.1.task": "公开预算。",
        "task.1.lead": "预算科",
        "task.1.assist": "办公室、国库科",
        "task.1.deadline": "",
        "task.2.task": "",
        "task.2.lead": "",
    }  # and the empty one to add
    assert editing.apply_document(text, TASKS, typed) == text
