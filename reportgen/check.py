"""Checking a data file: every finding at once, each with its file, line and key.

``check_file`` is the entry point a script calls; the CLI's ``check`` and ``build`` use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import arithmetic, schema
from .errors import InputError
from .findings import Finding, count, error, warning
from .model import Report
from .tomlsource import TomlSyntaxError, key_lines, parse


@dataclass
class CheckResult:
    path: Path
    report: Report | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]

    @property
    def ok(self) -> bool:
        return self.errors == 0


def read_text(path: Path) -> str:
    """A data file's text. Raises InputError if it cannot be read as UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} 是一个文件夹，不是数据文件") from None
    except OSError as problem:
        raise InputError(f"无法读取文件 {path}：{problem.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise InputError(
            f"{path} 第{line}行：文件不是 UTF-8 编码（可能是 GBK）。"
            "请在编辑器中“另存为”UTF-8 编码后重试。"
        ) from None


def check_file(path: Path | str) -> CheckResult:
    path = Path(path)
    try:
        text = read_text(path)
    except InputError as problem:
        return CheckResult(path, None, [error("file", str(problem), file=str(path))])
    return check_text(text, path)


def check_text(text: str, path: Path | str = "<数据>") -> CheckResult:
    """Check a data file's text. Pure: reads nothing from disk."""
    path = Path(path)
    text = text.removeprefix("\ufeff")  # Windows editors often save UTF-8 with a BOM
    try:
        data = parse(text)
    except TomlSyntaxError as problem:
        message = f"TOML 语法错误：{problem.message}。"
        return CheckResult(
            path, None,
            [error("syntax", message, file=str(path), line=problem.line, col=problem.column,
                   actual=problem.detail)],
        )
    report, findings = schema.read(data, source=path)
    if report is not None:
        findings += arithmetic.check(report.format, report.figures)
        findings += completeness(report)
    lines = key_lines(text)
    placed = [_place(f, str(path), lines) for f in findings]
    placed.sort(key=lambda f: (not f.is_error, f.line or 0))
    return CheckResult(path, report, placed)


def _place(finding: Finding, path: str, lines: dict[str, int]) -> Finding:
    """Attach the file and the line of the key (or of its nearest written parent)."""
    line = finding.line
    key = finding.key
    while line is None and key:
        line = lines.get(key)
        key = key.rpartition(".")[0]
    return replace(finding, file=path, line=line)


_POSTCODE = re.compile(r"^\d{6}$")


def completeness(report: Report) -> list[Finding]:
    """Warnings for what a published report needs but the file leaves empty."""
    found = []
    contact = report.contact
    for key, value, label in (
        ("report.contact.office", contact.office, "联系机构"),
        ("report.contact.phone", contact.phone, "联系电话"),
        ("report.download.site", report.download.site, "电子版下载网站"),
    ):
        if not value:
            found.append(warning(
                "missing", f"没有填写{label}（{key}）。报告开头要写明电子版下载地址和联系方式，草稿中将显示【待填写】。",
                key=key))
    if contact.postcode and not _POSTCODE.match(contact.postcode):
        found.append(warning(
            "postcode", f"邮政编码“{contact.postcode}”不是6位数字。", key="report.contact.postcode",
            expected="6位数字", actual=contact.postcode))
    for key, heading in missing_texts(report):
        found.append(warning(
            "empty-text", f"“{heading}”还没有内容，草稿中将显示【待填写】。", key=f"text.{key}"))
    return found


def missing_texts(report: Report) -> list[tuple[str, str]]:
    """(text key, heading) of each narrative the format requires that the file leaves empty.

    Where the format names required themes (2021: the five parts of 一), each theme is
    required; otherwise a section needs its own text or some theme's text.
    """
    def empty(key: str) -> bool:
        return not report.text.get(key, "").strip()

    missing = []
    for section in report.format.sections:
        themes = [t for t in section.themes if t.applies_to(report.kind)]
        if any(t.required for t in themes):
            missing.extend((t.text, f"{section.heading}{t.heading}") for t in themes if t.required and empty(t.text))
        elif section.text and (section.required or themes):
            if empty(section.text) and all(empty(t.text) for t in themes):
                missing.append((section.text, section.heading))
    return missing
