"""reportgen: drafts the statutory 政府信息公开工作年度报告 from one TOML file per agency per year.

The Python API, for scripts:

    from reportgen import check_file, build_file, Renderers
    result = check_file("data/qingchuan-finance/2025.toml")
    for finding in result.findings: ...

The package is laid out as a one-way pipeline, each stage a folder that imports only from
the stages listed above it (README, 开发; import-linter checks it):

    errors.py, filenames.py  the one exceptions module; names of the files reportgen writes beside others'
    untrusted.py  the one way in for files reportgen did not write (size limits, safe XML and zip)
    output/     writing files atomically, and the record of what was written
    formats/    the statutory formats, as data, and the merged-cell layout of their tables
    kinds/      the other document kinds (task table, work summary, pre-2019 report), as data
    model/      one agency's report (Report) or other document (Document) for one year; totals, findings
    sources/    reading data files (TOML), returned forms and published reports into the model
    checks/     findings: 勾稽关系, schema, narrative, cross-year, deadlines, the other kinds
    draft/      the report as a document, before any file format
    renderers/  Word, Markdown, web page, PDF, Excel, open data (JSON), fill-in forms; markers and merging
    workflows/  what the commands and the page do: build, batch, refresh, import, init, the folder, editing
    web/        ``reportgen serve``, the local page, a thin layer over the workflows
    cli/        the ``reportgen`` command line, a thin layer over the workflows

Names are imported on first use, so that ``import reportgen`` stays cheap.
"""

__version__ = "0.2.0"

_API = {
    "CheckResult": "reportgen.checks.check",
    "check_file": "reportgen.checks.check",
    "check_text": "reportgen.checks.check",
    "BuildResult": "reportgen.workflows.build",
    "Renderers": "reportgen.workflows.build",
    "build_file": "reportgen.workflows.build",
    "render_drafts": "reportgen.workflows.build",
    "BatchReport": "reportgen.workflows.batch",
    "run_batch": "reportgen.workflows.batch",
    "aggregate": "reportgen.workflows.aggregate",
    "ReportgenError": "reportgen.errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), "run" if name == "run_batch" else name)
    globals()[name] = value
    return value
