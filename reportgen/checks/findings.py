"""How findings (``reportgen.model.findings``) are printed: as Chinese text for the terminal,
and as JSON for other programs."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from decimal import Decimal
from typing import Sequence

from reportgen.model.findings import Finding, count


# ----------------------------------------------------------------- printing


def _show(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


RULE = re.compile(r"^[RX]\d+$")


def format_finding(finding: Finding) -> str:
    """A finding as indented lines of Chinese text."""
    head = [f"[{finding.severity.label}]"]
    if finding.cell:
        head.append(finding.cell)
    elif finding.line:
        head.append(f"第{finding.line}行" + (f"第{finding.col}列" if finding.col else ""))
    if finding.key:
        head.append(finding.key)
    if RULE.match(finding.code):  # a statutory rule's own number (R1…R6, X1…X3); other codes are in --format json
        head.append(f"（{finding.code}）")
    lines = ["  " + " ".join(head)]
    place = []
    if finding.table:
        place.append(finding.table)
    if finding.row:
        place.append(f"行“{finding.row}”")
    if finding.column:
        place.append(f"列“{finding.column}”")
    if place:
        lines.append("      位置：" + " ".join(place))
    values = []
    if finding.expected is not None:
        values.append(f"应为：{_show(finding.expected)}")
    if finding.actual is not None:
        values.append(f"实际：{_show(finding.actual)}")
    if values:
        lines.append("      " + "　".join(values))
    lines.append("      " + finding.message)
    return "\n".join(lines)


# Codes of the findings the status line counts on their own, so that they are not missed
# among many warnings.
UNFILLED = "empty-text"  # a required section still 【待填写】
CROSS_YEAR = ("X1", "X2", "X3")


def status_line(findings: Sequence[Finding]) -> str:
    """ "通过，9 个警告（其中 6 个部分还是【待填写】）" and the like."""
    errors, warnings = count(findings)
    if not findings:
        return "通过，没有发现问题"
    if errors:
        status = f"{errors} 个错误" + (f"，{warnings} 个警告" if warnings else "")
    else:
        status = f"通过，{warnings} 个警告"
    details = []
    unfilled = sum(1 for f in findings if f.code == UNFILLED)
    if unfilled:
        details.append(f"{unfilled} 个部分还是【待填写】")
    cross = sum(1 for f in findings if f.code in CROSS_YEAR and not f.is_error)
    if cross:
        details.append(f"{cross} 个跨年度衔接警告")
    return status + (f"（其中 {'，'.join(details)}）" if details else "")


def format_file(path: str, findings: Sequence[Finding], notes: Sequence[str] = ()) -> str:
    body = [f"{path}：{status_line(findings)}"]
    body.extend(f"  {note}" for note in notes)
    body.extend(format_finding(f) for f in findings)
    return "\n".join(body)


def format_summary(results: Sequence[tuple[str, Sequence[Finding]]]) -> str:
    failed = sum(1 for _, fs in results if count(fs)[0])
    errors = sum(count(fs)[0] for _, fs in results)
    warnings = sum(count(fs)[1] for _, fs in results)
    unfilled = sum(1 for _, fs in results for f in fs if f.code == UNFILLED)
    cross = sum(1 for _, fs in results for f in fs if f.code in CROSS_YEAR and not f.is_error)
    extra = (f"；{unfilled} 个部分还是【待填写】" if unfilled else "") + (
        f"；{cross} 个跨年度衔接警告，请逐条核对" if cross else ""
    )
    return (
        f"共检查 {len(results)} 个文件：{len(results) - failed} 个通过，{failed} 个有错误"
        f"（共 {errors} 个错误，{warnings} 个警告{extra}）。"
    )


def to_dict(finding: Finding) -> dict:
    data = asdict(finding)
    data["severity"] = finding.severity.value
    data["related"] = list(finding.related)
    if not finding.cell:
        del data["cell"]  # only findings of a fill-in form name a sheet and cell
    for name in ("expected", "actual"):
        value = data[name]
        if value is not None and not isinstance(value, (int, str)):
            data[name] = _show(value)
    return data


def to_json(results: Sequence[tuple[str, Sequence[Finding]]], extra: Sequence[dict] = ()) -> str:
    """The findings of each file as JSON; ``extra`` adds fields per file (same order)."""
    files = []
    for index, (path, findings) in enumerate(results):
        errors, warnings = count(findings)
        files.append(
            {
                "file": path,
                "errors": errors,
                "warnings": warnings,
                **(extra[index] if index < len(extra) else {}),
                "findings": [to_dict(f) for f in findings],
            }
        )
    return json.dumps({"files": files}, ensure_ascii=False, indent=2)
