"""Findings: what a reader or a check says about a data file.

A finding names everything a clerk needs to fix a figure: the file and line, the TOML key,
the statutory table, row and column, the expected and actual values, and one sentence in
Chinese. Readers (``reportgen.sources``) and checks (``reportgen.checks``) both make them,
so the type lives here, below both; how findings are printed is ``reportgen.checks.findings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告"}[self.value]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # R1…R5, X1…X3 for statutory rules; a short word for other checks
    message: str  # one or two sentences in Chinese
    key: str = ""  # the dotted TOML key
    table: str = ""  # e.g. "表三 三、收到和处理政府信息公开申请情况"
    row: str = ""
    column: str = ""
    expected: object = None
    actual: object = None
    file: str = ""
    line: int | None = None
    col: int | None = None  # character column, for TOML syntax errors
    related: tuple[str, ...] = field(default=())  # other keys the finding involves
    snippet: str = ""  # text quoted from a narrative, to find its line
    cell: str = ""  # the sheet and cell of a fill-in form the figure came from: "表三 申请办理!E14"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(code: str, message: str, **where) -> Finding:
    return Finding(Severity.ERROR, code, message, **where)


def warning(code: str, message: str, **where) -> Finding:
    return Finding(Severity.WARNING, code, message, **where)


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)"""
    findings = list(findings)
    errors = sum(1 for f in findings if f.is_error)
    return errors, len(findings) - errors
