"""The files a draft is written as, and their names' endings.

DOCX  Word             MD    Markdown          HTML  the web page
FRAGMENT  the web page's body, to paste into a portal CMS editor
PDF   printed from the Word draft by LibreOffice
XLSX  a document's list tables (the task table) as a workbook
JSON  the annual report's figures and words as open data (``reportgen.renderers.opendata``)
INFOGRAPHIC  图解: the year at a glance as an SVG, with its PNG and a fragment for the portal
             holding the PNG and its text alternative (``reportgen.renderers.infographic``)
"""

DOCX = "docx"
MD = "md"
HTML = "html"
PDF = "pdf"
XLSX = "xlsx"
FRAGMENT = "fragment"
JSON = "json"
INFOGRAPHIC = "infographic"
INFOGRAPHIC_PNG = "infographic-png"
INFOGRAPHIC_HTML = "infographic-html"
INFOGRAPHICS = (INFOGRAPHIC, INFOGRAPHIC_PNG, INFOGRAPHIC_HTML)
# Not a file: what the 图解 states (its figures, their changes, its flag and notes), whatever it
# looks like; its digest is in the record of each of the 图解's files (``workflows.siblings``).
INFOGRAPHIC_STATEMENT = "infographic-statement"
KINDS = (DOCX, MD, HTML, PDF, XLSX, JSON, INFOGRAPHIC)  # what --to may name
ALIASES = {"图解": INFOGRAPHIC}  # other names --to accepts
DEFAULT_KINDS = (DOCX, MD)  # for the annual report; other document kinds name theirs (kinds/*.toml)
# The files of each kind a build may be asked for.
FILES = {
    DOCX: (DOCX,),
    MD: (MD,),
    HTML: (HTML, FRAGMENT),
    PDF: (),
    XLSX: (XLSX,),
    JSON: (JSON,),
    INFOGRAPHIC: INFOGRAPHICS,
}
SUFFIXES = {
    DOCX: ".docx",
    MD: ".md",
    HTML: ".html",
    FRAGMENT: ".网页片段.html",
    PDF: ".pdf",
    XLSX: ".xlsx",
    JSON: ".json",
    INFOGRAPHIC: ".图解.svg",
    INFOGRAPHIC_PNG: ".图解.png",
    INFOGRAPHIC_HTML: ".图解.html",
}
# What each file is called in messages.
NAMES = {
    DOCX: "Word 草稿",
    MD: "Markdown 草稿",
    HTML: "网页",
    FRAGMENT: "网页片段",
    PDF: "PDF",
    XLSX: "Excel 表",
    JSON: "开放数据（JSON）",
    INFOGRAPHIC: "图解（SVG）",
    INFOGRAPHIC_PNG: "图解（PNG）",
    INFOGRAPHIC_HTML: "图解网页片段",
}


def kind_of(path) -> str:
    """The draft file kind of a path, by its ending ("" if none)."""
    name = str(path)
    for kind in (*INFOGRAPHICS, FRAGMENT, DOCX, MD, HTML, PDF, XLSX, JSON):  # longer endings before the page's
        if name.endswith(SUFFIXES[kind]):
            return kind
    return ""
