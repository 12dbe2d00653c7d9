"""The fonts of a Word draft's 公文 styles: what each font is, and the presets a clerk picks.

Everything reportgen knows about a font is here, once:
- ``FACES``: for each font name, its kind (serif or sans), its PANOSE number and charset
  for the document's font table, so that Word, WPS or LibreOffice fall back to the right
  kind of face when the font is missing; and its stock Windows alternative;
- ``PRESETS``: the fonts of each style, for machines with the GB2312 fonts (the default),
  with only Windows' stock fonts, or with only Noto CJK (Linux);
- ``fontconfig``: the substitutions reportgen gives LibreOffice when it prints a PDF itself,
  so that a machine with only Noto CJK prints a serif body, sans headings and a bold title.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Fonts:
    """East Asian fonts of the 公文 styles. None keeps the template's own choice."""

    title: str | None = None  # 标题，默认 方正小标宋简体
    body: str | None = None  # 正文，默认 仿宋_GB2312
    heading: str | None = None  # 一级标题，默认 黑体
    subheading: str | None = None  # 二级标题，默认 楷体_GB2312
    table: str | None = None  # 表格，默认 宋体
    page_number: str | None = None  # 页码，默认 宋体
    title_bold: bool = False  # a title font without a display face of its own is set bold

    def over(self, base: Fonts) -> Fonts:
        """These choices where given, ``base``'s elsewhere."""
        chosen = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, False)}
        return replace(base, **chosen)

    def names(self) -> list[str]:
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), str)]


@dataclass(frozen=True)
class Face:
    kind: str  # "serif" or "sans": what a missing font should fall back to
    panose: str
    windows: str  # the stock Windows font to use instead
    noto: str  # the Noto CJK family of the same kind
    charset: str = "86"  # GB2312


SERIF_SC = "Noto Serif CJK SC"
SANS_SC = "Noto Sans CJK SC"

FACES = {
    "方正小标宋简体": Face("serif", "02000000000000000000", "宋体", SERIF_SC),
    "仿宋_GB2312": Face("serif", "02010609030101010101", "仿宋", SERIF_SC),
    "仿宋": Face("serif", "02010609060101010101", "仿宋", SERIF_SC),
    "楷体_GB2312": Face("serif", "02010609030101010101", "楷体", SERIF_SC),
    "楷体": Face("serif", "02010609060101010101", "楷体", SERIF_SC),
    "宋体": Face("serif", "02010600030101010101", "宋体", SERIF_SC),
    "黑体": Face("sans", "02010609060101010101", "黑体", SANS_SC),
    SERIF_SC: Face("serif", "02020400000000000000", "宋体", SERIF_SC),
    SANS_SC: Face("sans", "020B0500000000000000", "黑体", SANS_SC),
}

PRESETS = {
    # The fonts of GB/T 9704 as published reports use them.
    "gb2312": Fonts("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "宋体"),
    # A stock Windows 10/11 PC: no _GB2312 fonts and no 方正小标宋; the title is 宋体, bold.
    "windows": Fonts("宋体", "仿宋", "黑体", "楷体", "宋体", "宋体", title_bold=True),
    # A machine with only Noto CJK (Linux): serif body, sans headings, bold serif title.
    "noto": Fonts(SERIF_SC, SERIF_SC, SANS_SC, SERIF_SC, SERIF_SC, SERIF_SC, title_bold=True),
}
PRESET_NAMES = tuple(PRESETS)


def font_table_entry(name: str) -> str:
    """A ``w:font`` of word/fontTable.xml: the font's family kind, PANOSE and Windows
    alternative, so that a machine without it substitutes the right kind of face."""
    face = FACES.get(name)
    if face is None:
        return f'<w:font w:name="{name}"><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
    family = "roman" if face.kind == "serif" else "swiss"
    alternative = f'<w:altName w:val="{face.windows}"/>' if face.windows != name else ""
    return (
        f'<w:font w:name="{name}">{alternative}<w:panose1 w:val="{face.panose}"/>'
        f'<w:charset w:val="{face.charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
    )


def fontconfig(system: str = "/etc/fonts/fonts.conf") -> str:
    """A fontconfig file for the LibreOffice that prints reportgen's PDFs: every font above
    falls back to its Windows alternative, then to the Noto CJK face of its kind (Simplified
    Chinese, never the Japanese one); the title's display face falls back to bold."""
    rules = []
    for name, face in FACES.items():
        if name.startswith("Noto"):
            continue
        accept = "".join(f"<family>{f}</family>" for f in dict.fromkeys((face.windows, face.noto)) if f != name)
        rules.append(f'  <alias binding="strong"><family>{name}</family><accept>{accept}</accept></alias>')
    rules.append(
        '  <match target="pattern"><test name="family"><string>方正小标宋简体</string></test>'
        '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit></match>'
    )
    rules.append(
        '  <match target="pattern"><test name="lang" compare="contains"><string>zh</string></test>'
        '<edit name="lang" mode="assign"><string>zh-cn</string></edit></match>'
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{system}</include>\n' + "\n".join(rules) + "\n</fontconfig>\n"
    )


# ------------------------------------------------------------------ the styles that follow a role's font

# Styles that take the font of a role when the role's font is chosen (--fonts, --font-body …):
# the 落款 and the table note are set in the body's font, the 【数据待核】 flag in the heading's.
# A template without them is fine: they are optional.
FOLLOWERS = {
    "body": (("Signature", "署名"), ("TableNote", "表注")),
    "heading": (("Flag", "数据待核"),),
}

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def follow_roles(root, fonts: Fonts) -> None:
    """The styles that go with a role's font (``FOLLOWERS``), and the document's default
    font (what a paragraph without a style prints in), switched with it."""
    for role, styles in FOLLOWERS.items():
        font = getattr(fonts, role)
        if not font:
            continue
        for style in root.iter(f"{_W}style"):
            name = style.find(f"{_W}name")
            if any(
                style.get(f"{_W}styleId") == style_id or (name is not None and name.get(f"{_W}val") == style_name)
                for style_id, style_name in styles
            ):
                _east_asian(style, font)
    defaults = root.find(f"{_W}docDefaults/{_W}rPrDefault")
    if fonts.body and defaults is not None:
        _east_asian(defaults, fonts.body)


def _east_asian(element, font: str) -> None:
    """Set the East Asian font of a style (or of the document's defaults)."""
    run_fonts(element).set(f"{_W}eastAsia", font)


def run_fonts(element):
    """The ``w:rFonts`` of a style (or of the document's defaults), made with its ``w:rPr``
    where missing; ``.getparent()`` is the ``w:rPr``."""
    from lxml import (
        etree,  # imported when first used: start-up time (the command line reads the presets)
    )

    rpr = element.find(f"{_W}rPr")
    if rpr is None:
        rpr = etree.SubElement(element, f"{_W}rPr")
    rfonts = rpr.find(f"{_W}rFonts")
    if rfonts is None:
        rfonts = etree.Element(f"{_W}rFonts")
        rpr.insert(0, rfonts)
    return rfonts
