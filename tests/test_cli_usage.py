"""Each usage error reportgen puts into Chinese, through the real entry point, together with
the English that Click (typer's own copy of it: typer 0.26–0.28 vendor Click as
``typer._click``, so the ``click`` package is not what reportgen's command line runs) says
and reportgen recognises. When an upgrade changes Click's wording or its exception types,
the test of that message fails, instead of a clerk reading English."""

from __future__ import annotations

import pytest
from cli_helpers import run

import reportgen.cli.main as cli_main

CASES = [
    # (command line, the exception Click raises, the English reportgen matches, the Chinese said)
    (["check", "x.toml", "--format"], "BadOptionUsage", "requires an argument", "选项 --format 后面要写一个值。"),
    (["check", "--help=3"], "BadOptionUsage", "does not take a value", "选项 --help 后面不能写值。"),
    (["refresh", "a.docx", "b.toml", "c"], "UsageError", "Got unexpected extra argument", "多出了参数：c。"),
    (["check", "--bogus"], "NoSuchOption", "No such option", "没有这个选项：--bogus。"),
    (["check", "--fromat", "json", "x.toml"], "NoSuchOption", "No such option", "您是否要用 --format？"),
    (["refresh"], "MissingParameter", "Missing argument", "缺少参数 草稿。"),
    (["init"], "MissingParameter", "Missing option", "缺少选项 --agency。"),
    (["batch", "d", "--jobs", "x"], "BadParameter", "Invalid value", "--jobs 的值“x”无效，应为整数。"),
]


@pytest.mark.parametrize("argv, kind, english, chinese", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_usage_error_is_said_in_chinese(monkeypatch, argv, kind, english, chinese):
    raised = []
    translate = cli_main.click_usage_message

    def seen(problem):
        raised.append(problem)
        return translate(problem)

    monkeypatch.setattr(cli_main, "click_usage_message", seen)
    result = run(*argv)
    assert result.exit_code == 2, result.output
    assert len(raised) == 1 and type(raised[0]).__name__ == kind, raised  # Click's exception type
    assert english in raised[0].format_message(), raised[0].format_message()  # Click's wording
    assert f"错误：{chinese}" in result.stderr or chinese in result.stderr, result.stderr
    assert "命令的写法不对" not in result.stderr and english not in result.stderr  # no English left


def test_the_click_reportgen_runs_is_typers_own_copy():
    """typer's copy of Click moves only with typer, which pyproject pins (<0.29); if a typer
    stops vendoring it, the ``click`` package's version becomes what to pin."""
    from typer.main import get_command

    from reportgen.cli.app import app

    modules = {cls.__module__ for cls in type(get_command(app)).__mro__}
    assert any(m.startswith("typer._click") for m in modules), modules
    assert not any(m == "click" or m.startswith("click.") for m in modules), modules
