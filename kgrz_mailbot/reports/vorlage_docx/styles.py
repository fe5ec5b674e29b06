"""Every paragraph and character style of the Vorlage and its two bullet lists, defined once per document."""

# ruff: noqa: TID251  (python-docx is confined to the vorlage_docx package)

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor

FONT = "Arial"  # the city's house font; LibreOffice substitutes the metric-compatible Liberation Sans
LANG = "de-DE"
GREY = RGBColor(0x59, 0x59, 0x59)


def set_fonts(rpr: BaseOxmlElement, name: str = FONT) -> None:
    """Explicit fonts; theme font attributes would win over them, so they go."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def set_lang(rpr: BaseOxmlElement) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)


def _paragraph_style(doc: DocxDocument, name: str, base: str, size: float | None = None, bold: bool = False,
                     before: float = 0, after: float = 6, left: float = 0, keep: bool = False) -> None:  # fmt: skip
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), keep or None
    if left:
        fmt.left_indent = Cm(left)
    if size:
        style.font.size = Pt(size)
    if bold:
        style.font.bold = True


def _character_style(doc: DocxDocument, name: str, colour: RGBColor | None = None, **font: bool) -> BaseOxmlElement:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.quick_style = True
    for key, value in font.items():
        setattr(style.font, key, value)
    if colour is not None:
        style.font.color.rgb = colour
    return style.element.get_or_add_rPr()


def _base_styles(doc: DocxDocument) -> None:
    """Document defaults, Normal and Heading 1 (the project titles: Word's navigation pane lists them)."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(defaults)
    set_lang(defaults)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    set_fonts(normal.element.get_or_add_rPr())
    set_lang(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    heading = doc.styles["Heading 1"]
    set_fonts(heading.element.get_or_add_rPr())
    heading.font.size, heading.font.color.rgb = Pt(12), RGBColor(0, 0, 0)
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(18), Pt(6)


def define_styles(doc: DocxDocument) -> None:
    """The named styles every paragraph and run of the Vorlage refers to; no run carries its own formatting."""
    _base_styles(doc)
    _paragraph_style(doc, "Vorlage Titel", "Normal", size=16, bold=True, before=2, after=2)
    _paragraph_style(doc, "Vorlage Kopf", "Normal", size=10, before=2, after=2)
    _paragraph_style(doc, "Vorlage Kopf Bezeichnung", "Vorlage Kopf", bold=True)
    _paragraph_style(doc, "Vorlage Kästchen", "Vorlage Kopf", size=8.5, before=1, after=1)
    _paragraph_style(doc, "Vorlage Leer", "Normal", size=2, after=0)  # the paragraph Word demands after a table
    _paragraph_style(doc, "Vorlage Text", "Normal")
    _paragraph_style(doc, "Vorlage Marke", "Normal", bold=True, before=6, keep=True)
    _paragraph_style(doc, "Vorlage Aufzählung", "List Bullet", after=6)  # contextual: only after the last item
    _paragraph_style(doc, "Vorlage Auszug", "Vorlage Text", left=1.0)
    _paragraph_style(doc, "Vorlage Auszug Aufzählung", "Vorlage Aufzählung", left=1.0 + 0.63)
    _paragraph_style(doc, "Vorlage Tabelle", "Normal", size=9, before=1, after=1)
    _paragraph_style(doc, "Vorlage Tabellenkopf", "Vorlage Tabelle", bold=True)
    _paragraph_style(doc, "Vorlage Entwurf", "Header", size=9, bold=True)
    doc.styles["Vorlage Entwurf"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.styles["Footer"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.styles["Footer"].font.size = Pt(9)
    _character_style(doc, "Vorlage Auszug Zeichen", GREY)
    _character_style(doc, "Vorlage Auszug Marke", GREY, bold=True)
    _character_style(doc, "Vorlage Hinweis", italic=True)
    gap = _character_style(doc, "Vorlage Lücke", RGBColor(0x9C, 0x00, 0x06), bold=True)
    # shading rather than w:highlight: Word ignores highlight inside styles, shading it shows
    gap.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="FFEB9C"/>'))


def define_bullets(doc: DocxDocument) -> None:
    """Two bullet numbering definitions (body and the indented Auszug), referenced by the two list styles."""
    numbering = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    first_num = numbering.find(qn("w:num"))
    lists = (("Vorlage Aufzählung", 357, "000000"), ("Vorlage Auszug Aufzählung", 924, str(GREY)))
    for offset, (style, left, colour) in enumerate(lists):
        abstract_id, num_id = max(abstract_ids) + 1 + offset, max(num_ids) + 1 + offset
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="357"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/><w:color w:val="{colour}"/></w:rPr>'
            "</w:lvl></w:abstractNum>"
        )
        first_num.addprevious(abstract)  # the schema wants every abstractNum before the first num
        numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
        )
        ppr = doc.styles[style].element.get_or_add_pPr()
        for inherited in ppr.findall(qn("w:numPr")):
            ppr.remove(inherited)
        # numPr comes first in these styles' pPr (no keepNext etc. before it), as the schema orders it
        ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
