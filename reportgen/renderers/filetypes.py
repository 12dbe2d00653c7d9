"""The files a draft is written as, and their names' endings.

    DOCX  Word             MD    Markdown          HTML  the web page
    FRAGMENT  the web page's body, to paste into a portal CMS editor
    PDF   printed from the Word draft by LibreOffice
    XLSX  a document's list tables (the task table) as a workbook
    JSON  the annual report's figures and words as open data (``reportgen.renderers.opendata``)
"""

DOCX = "docx"
MD = "md"
HTML = "html"
PDF = "pdf"
XLSX = "xlsx"
FRAGMENT = "fragment"
JSON = "json"
KINDS = (DOCX, MD, HTML, PDF, XLSX, JSON)  # what --to may name
DEFAULT_KINDS = (DOCX, MD)  # for the annual report; other document kinds name theirs (kinds/*.toml)
# The files of each kind a build may be asked for.
FILES = {DOCX: (DOCX,), MD: (MD,), HTML: (HTML, FRAGMENT), PDF: (), XLSX: (XLSX,), JSON: (JSON,)}
SUFFIXES = {DOCX: ".docx", MD: ".md", HTML: ".html", FRAGMENT: ".网页片段.html", PDF: ".pdf", XLSX: ".xlsx",
            JSON: ".json"}
# What each file is called in messages.
NAMES = {DOCX: "Word 草稿", MD: "Markdown 草稿", HTML: "网页", FRAGMENT: "网页片段", PDF: "PDF", XLSX: "Excel 表",
         JSON: "开放数据（JSON）"}


def kind_of(path) -> str:
    """The draft file kind of a path, by its ending ("" if none)."""
    name = str(path)
    for kind in (FRAGMENT, DOCX, MD, HTML, PDF, XLSX, JSON):  # the fragment's ending before the page's
        if name.endswith(SUFFIXES[kind]):
            return kind
    return ""
