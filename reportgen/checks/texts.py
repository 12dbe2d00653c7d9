"""Findings about the text of any document kind: placeholders that name nothing, and last
year's text not yet rewritten."""

from __future__ import annotations

from reportgen.checks import crossyear, narrative
from reportgen.model.findings import Finding, error, warning


def placeholder_findings(text: str, names: dict, key: str, heading: str) -> list[Finding]:
    """An error for each placeholder of a text that cannot be filled in (any document kind)."""
    found = []
    for problem in narrative.problems(text, names):
        message = problem.message
        if "“tasks" in message and "tasks" not in names:
            message += "（同一文件夹中没有本年度的任务分解表。）"
        found.append(
            error("placeholder", f"“{heading}”第 {problem.line} 行：{message}", key=key, snippet=problem.snippet)
        )
    return found


def review_findings(text: str, key: str, heading: str) -> list[Finding]:
    """A warning while last year's text still carries next-year's review mark (any document kind)."""
    if crossyear.REVIEW_MARK not in text:
        return []
    return [
        warning(
            "review",
            f"“{heading}”还是上年的文字，开头有“{crossyear.REVIEW_MARK}”标记。改写后删除这一行。",
            key=key,
            snippet=crossyear.REVIEW_MARK,
        )
    ]
