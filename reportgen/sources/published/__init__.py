"""Published reports as sources: portal pages, Word files, PDFs, Markdown and plain text.

    from reportgen.sources.published import import_report
    imported = import_report(Path("某局2025年报.html"))   # an ``Imported``

``readers`` turns a file into a ``Document``; ``recover`` finds the report in it.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.formats.statutory import year_problem
from reportgen.sources.published.readers import ImportProblem, read
from reportgen.sources.published.recover import Imported, Merged, NoFormat, NoReport, recover_all

SUFFIXES = (".html", ".htm", ".shtml", ".docx", ".pdf", ".md", ".txt")


def import_report(path: Path) -> Imported:
    """The report in a published file. Raises ImportProblem (a Chinese message), also if the
    file holds several reports (``import_reports`` reads them all)."""
    found = import_reports(path)
    if len(found) > 1:
        names = "、".join(f"{i.agency}{i.year}年" for i in found)
        raise ImportProblem(f"{path}：其中有 {len(found)} 份报告（{names}），请分别导入。")
    return found[0]


def import_reports(path: Path) -> list[Imported]:
    """Every report in a published file (a page may hold several, one after another).
    Raises ImportProblem (a Chinese message)."""
    document = read(path)
    try:
        return recover_all(document)
    except NoFormat as problem:
        raise ImportProblem(f"{path}：这是 {problem.year} 年度的报告。{year_problem(problem.year)}") from None
    except Merged as merged:
        whose = f"（读到的第一个标题是{merged.agency}的）" if merged.agency else ""
        raise ImportProblem(
            f"{path}：其中似乎有 {merged.count} 份报告{whose}，但分不清每一份从哪里开始"
            "（没有在各自的表格前找到“某某机关某年政府信息公开工作年度报告”这样的标题），没有导入，"
            "以免把一份报告的数字记在另一个机关名下。请把每份报告分别保存为一个文件后再导入。"
        ) from None
    except NoReport:
        raise ImportProblem(
            f"{path}：没有找到政府信息公开工作年度报告（没有“某某机关某年政府信息公开工作年度报告”"
            "这样的标题，或没有法定表格）。"
        ) from None


__all__ = ["ImportProblem", "Imported", "SUFFIXES", "import_report", "import_reports"]
