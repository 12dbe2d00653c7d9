"""The year's work as sequences of commands (issue 21): a hypothesis state machine drives the
real CLI through builds, edits, figure changes, refreshes, batches, imports, forms, copies and
moves of the folder, and next-year; see ``workflow_machine.py`` for what it asserts after
every step. A bounded number of sequences runs here; ``bench/soak_workflow.py`` runs more."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from workflow_machine import YearsWork


def test_no_sequence_of_commands_loses_an_edit_or_leaves_a_stale_draft_unnamed(tmp_path):
    YearsWork.base = tmp_path
    machine = YearsWork.TestCase
    # too_slow: every step runs real commands (build, refresh, next-year) on real files.
    machine.settings = settings(
        max_examples=6, stateful_step_count=14, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    machine().runTest()
