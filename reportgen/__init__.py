"""reportgen: drafts the statutory 政府信息公开工作年度报告 from one TOML file per agency per year.

The Python API, for scripts:

    from reportgen import check_file
    result = check_file("data/qingchuan-finance/2025.toml")
    for finding in result.findings: ...
"""

__version__ = "0.1.0"

from reportgen.checks.check import CheckResult, check_file, check_text  # noqa: E402

__all__ = ["__version__", "CheckResult", "check_file", "check_text"]
