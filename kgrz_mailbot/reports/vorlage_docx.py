"""The draft Vorlage as a Word file in the layout of the KGRZ's Unterrichtungsvorlagen (the only python-docx user)."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from kgrz_mailbot.domain.drafting import Draft, DraftSection
from kgrz_mailbot.domain.textblocks import (
    AMPEL_FARBE,
    NO_ANSWER,
    PREVIOUS_HEADING,
    UNCHANGED_SENTENCE,
    BulletList,
    clean_text,
    parse_blocks,
)

FONT = "Arial"  # the city's house font; LibreOffice substitutes the metric-compatible Liberation Sans
LANG = "de-DE"
GREY = RGBColor(0x59, 0x59, 0x59)
TITLE = "Unterrichtungsvorlage – Stand der Projekte"
DECISIONS = (("einstimmig", "mehrheitl.", "ohne BE"), ("abgelehnt", "Kenntnis", "abgesetzt"),
             ("verwiesen", "vertagt", "geändert"))  # fmt: skip
BOX = "☐"
ANNEX_COLUMNS = (("Nr.", 1.0), ("Projekt", 6.0), ("Projektleitung", 4.0), ("Ampel", 1.8),
                 ("Fortschritt", 2.2), ("Meilenstein", 5.0), ("Budget", 3.0), ("Stand vom", 2.2))  # fmt: skip


def write_docx(draft: Draft, path: Path) -> Path:
    """Write the draft as ``.docx`` to ``path`` and return the path."""
    doc = Document()
    _page_setup(doc)
    _define_styles(doc)
    _define_bullets(doc)
    _properties(doc, draft)
    _header_footer(doc, draft)
    _head(doc, draft)
    _marke(doc, "Unterrichtung:")
    doc.add_paragraph(_t(draft.unterrichtung), style="Vorlage Text")
    for section in draft.sections:
        _project(doc, section)
    _annex(doc, draft)
    doc.save(str(path))
    return path


def _t(text: str | None) -> str:
    """Every string from config or a reply passes here: XML-safe, plain text, never markup or fields."""
    return clean_text(text or "")


# --- page, styles and numbering: defined once, referenced by name everywhere below ---------------------------


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    settings = doc.settings.element
    # German text wants hyphenation; Word insists on the schema order, which puts it right after defaultTabStop
    settings.find(qn("w:defaultTabStop")).addnext(parse_xml(f"<w:autoHyphenation {nsdecls('w')}/>"))
    for lang in settings.findall(qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANG)


def _set_fonts(rpr: BaseOxmlElement, name: str = FONT) -> None:
    """Explicit fonts; theme font attributes would win over them, so they go."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def _set_lang(rpr: BaseOxmlElement) -> None:
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


def _define_styles(doc: DocxDocument) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults)
    _set_lang(defaults)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    _set_fonts(normal.element.get_or_add_rPr())
    _set_lang(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    heading = doc.styles["Heading 1"]  # the project titles: a real heading, so Word's navigation lists them
    _set_fonts(heading.element.get_or_add_rPr())
    heading.font.size, heading.font.color.rgb = Pt(12), RGBColor(0, 0, 0)
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(18), Pt(6)
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


def _define_bullets(doc: DocxDocument) -> None:
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


def _properties(doc: DocxDocument, draft: Draft) -> None:
    props = doc.core_properties
    stamp = datetime.combine(draft.draft_date, time(8, 0))
    props.title = TITLE
    props.author = props.last_modified_by = _t(draft.organisation.unit)
    props.subject = f"{_t(draft.committee_name)}, Sitzung am {draft.session_date:%d.%m.%Y}"
    props.comments = f"Entwurf, Version {draft.version}, Stand {draft.draft_date:%d.%m.%Y}"
    props.keywords = "Unterrichtungsvorlage; Projektliste"
    props.language = LANG
    props.revision = draft.version
    props.created = props.modified = stamp


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A field the program itself writes (PAGE, NUMPAGES); reply text never reaches this function."""
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )


def _header_footer(doc: DocxDocument, draft: Draft) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.style = doc.styles["Vorlage Entwurf"]
    header.add_run("Entwurf" if draft.version <= 1 else f"Entwurf, Version {draft.version}")
    header.add_run(f" – Stand {draft.draft_date:%d.%m.%Y}")
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.add_run("Seite ")
    _field(footer, "PAGE")
    footer.add_run(" von ")
    _field(footer, "NUMPAGES")


# --- the head table with the decision box -------------------------------------------------------------------


def _cell(cell: _Cell, text: str, style: str = "Vorlage Kopf") -> _Cell:
    paragraph = cell.paragraphs[0]
    paragraph.style = paragraph.part.document.styles[style]
    _lines(paragraph, text)
    return cell


def _widths(table: Table, widths: tuple[float, ...]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # tblGrid: what LibreOffice reads
        for cell in column.cells:
            cell.width = Cm(width)  # tcW: what Word reads
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))
    if look is not None:  # python-docx leaves tblLayout behind tblLook; the schema wants tblLook last
        properties.append(look)


def _head(doc: DocxDocument, draft: Draft) -> None:
    """The head as in the city's Vorlagen: five grid columns so the Gremienweg row can split left/right."""
    table = doc.add_table(rows=6, cols=5)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _widths(table, (2.6, 4.6, 2.8, 1.8, 4.7))
    r = [row.cells for row in table.rows]
    _cell(r[0][0].merge(r[0][4]), "Unterrichtungsvorlage", "Vorlage Titel")
    _cell(r[1][0], "Vorlage:", "Vorlage Kopf Bezeichnung")
    _cell(r[1][1].merge(r[1][2]), _t(draft.vorlage_label))
    _cell(r[1][3], "Datum:", "Vorlage Kopf Bezeichnung")
    _cell(r[1][4], f"{draft.draft_date:%d.%m.%Y}")
    _cell(r[2][0].merge(r[2][4]), "Oberbürgermeister", "Vorlage Kopf Bezeichnung")
    _cell(r[3][0], "Verfasser:", "Vorlage Kopf Bezeichnung")
    _cell(r[3][1].merge(r[3][2]), _t(draft.organisation.unit))
    _cell(r[3][3], "Az.:", "Vorlage Kopf Bezeichnung")
    _cell(r[3][4], _t(draft.organisation.az))
    _cell(r[4][0], "Betreff:", "Vorlage Kopf Bezeichnung")
    _cell(r[4][1].merge(r[4][4]), _t(draft.betreff), "Vorlage Kopf Bezeichnung")
    gremienweg = _cell(r[5][0].merge(r[5][1]), "Gremienweg:", "Vorlage Kopf Bezeichnung")
    gremienweg.add_paragraph(f"{draft.session_date:%d.%m.%Y}  {_t(draft.committee_name)}", style="Vorlage Kopf")
    _decision_box(r[5][2].merge(r[5][4]))
    doc.add_paragraph(style="Vorlage Text")


def _decision_box(cell: _Cell) -> None:
    """The empty check boxes the committee office fills in after the session, beside the Gremienweg."""
    box = cell.add_table(rows=4, cols=4)  # no style: the default table style has no borders
    cell._tc.remove(cell.paragraphs[0]._p)  # Word needs a paragraph after a nested table, not before it
    cell.paragraphs[-1].style = cell.part.document.styles["Vorlage Leer"]
    box._tbl.tblPr.append(  # narrow cell margins so "Gegenstimmen" fits; _widths below moves tblLook behind it
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            "</w:tblCellMar>"
        )  # fmt: skip
    )
    labels = [*(f"{BOX} {label}" if label else "" for row in DECISIONS for label in (*row, "")),
              "TOP", f"{BOX} öffentlich", "Enthaltungen", "Gegenstimmen"]  # fmt: skip
    for cell_, label in zip((c for row in box.rows for c in row.cells), labels, strict=True):
        _cell(cell_, label, "Vorlage Kästchen")
    _widths(box, (2.2, 2.2, 2.2, 2.5))


# --- the body --------------------------------------------------------------------------------------------------


def _lines(paragraph: DocxParagraph, text: str, style: str | None = None) -> None:
    """Line breaks inside a paragraph as real ``w:br``; runs are text only (no field ever comes from here)."""
    run = None
    for line in text.split("\n"):
        if run is not None:
            run.add_break()
        run = paragraph.add_run(line, style=style)


def _marke(doc: DocxDocument, text: str) -> None:
    doc.add_paragraph(text, style="Vorlage Marke")


def _blocks(doc: DocxDocument, text: str | None, previous: bool = False) -> None:
    text_style, list_style = ("Vorlage Auszug", "Vorlage Auszug Aufzählung") if previous else (
        "Vorlage Text", "Vorlage Aufzählung")  # fmt: skip
    run_style = "Vorlage Auszug Zeichen" if previous else None
    for block in parse_blocks(text):
        if isinstance(block, BulletList):
            for item in block.items:
                _lines(doc.add_paragraph(style=list_style), item, run_style)
        else:
            _lines(doc.add_paragraph(style=text_style), block.text, run_style)


def _project(doc: DocxDocument, section: DraftSection) -> None:
    doc.add_paragraph(_t(section.title), style="Heading 1")
    if not section.answered:
        lead = _t(section.lead_name or section.lead_address)
        doc.add_paragraph(style="Vorlage Text").add_run(NO_ANSWER.format(lead=lead), style="Vorlage Lücke")
    elif section.unchanged:
        doc.add_paragraph(style="Vorlage Text").add_run(UNCHANGED_SENTENCE, style="Vorlage Hinweis")
    else:
        _blocks(doc, section.stand)
    if section.answered and section.weiteres_vorgehen:
        _marke(doc, "Weiteres Vorgehen:")
        _blocks(doc, section.weiteres_vorgehen)
    previous = section.previous
    if previous is not None:
        _marke(doc, PREVIOUS_HEADING.format(label=_t(previous.label)))
        _blocks(doc, previous.stand, previous=True)
        if previous.weiteres_vorgehen:
            label = doc.add_paragraph(style="Vorlage Auszug")
            label.add_run("Weiteres Vorgehen:", style="Vorlage Auszug Marke")
            _blocks(doc, previous.weiteres_vorgehen, previous=True)


# --- Anlage: the project list on a landscape page -------------------------------------------------------------


def _shade(cell: _Cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    )


def _annex_row(section: DraftSection, number: int) -> tuple[str, ...]:
    return (
        f"{number}.",
        _t(section.title),
        _t(section.lead_name or section.lead_address),
        section.ampel.label if section.ampel else "–",
        f"{section.fortschritt}\u00a0%" if section.fortschritt is not None else "–",
        _t(section.meilenstein) or "–",
        _t(section.budget) or "–",
        f"{section.answered_at:%d.%m.%Y}" if section.answered_at else "–",
    )


def _annex(doc: DocxDocument, draft: Draft) -> None:
    doc.add_paragraph(style="Vorlage Text")
    _marke(doc, "Anlage:")
    doc.add_paragraph("Aktuelle Projektliste", style="Vorlage Text")
    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Cm(29.7), Cm(21.0)
    doc.add_paragraph("Anlage: Aktuelle Projektliste", style="Heading 1").paragraph_format.space_before = Pt(0)
    doc.add_paragraph(f"{_t(draft.committee_name)}, Sitzung am {draft.session_date:%d.%m.%Y} – "
                      f"Stand {draft.draft_date:%d.%m.%Y}", style="Vorlage Text")  # fmt: skip
    doc.add_paragraph(style="Vorlage Text")
    table = doc.add_table(rows=1 + len(draft.sections), cols=len(ANNEX_COLUMNS))
    table.style = doc.styles["Table Grid"]
    _widths(table, tuple(width for _, width in ANNEX_COLUMNS))
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    for cell, (label, _) in zip(header.cells, ANNEX_COLUMNS, strict=True):
        _shade(_cell(cell, label, "Vorlage Tabellenkopf"), "D9D9D9")
    for number, (row, section) in enumerate(zip(table.rows[1:], draft.sections, strict=True), start=1):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, value in zip(row.cells, _annex_row(section, number), strict=True):
            _cell(cell, value, "Vorlage Tabelle")
        if section.ampel:
            _shade(row.cells[3], AMPEL_FARBE[section.ampel.value])
