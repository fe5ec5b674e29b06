"""Anlage "Aktuelle Projektliste": one row per project on a landscape page, Ampel cells in their colour."""

# ruff: noqa: TID251  (python-docx is confined to the vorlage_docx package)

from __future__ import annotations

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from kgrz_mailbot.domain.drafting import Draft, DraftSection
from kgrz_mailbot.domain.textblocks import AMPEL_FARBE
from kgrz_mailbot.reports.vorlage_docx.body import marke
from kgrz_mailbot.reports.vorlage_docx.ooxml import Body, shade, t, table_row, widths

COLUMNS = (("Nr.", 1.0), ("Projekt", 6.0), ("Projektleitung", 4.0), ("Ampel", 1.8),
           ("Fortschritt", 2.2), ("Meilenstein", 5.0), ("Budget", 3.0), ("Stand vom", 2.2))  # fmt: skip
WIDTHS = tuple(width for _, width in COLUMNS)
AMPEL_COLUMN = 3


def annex_row(section: DraftSection, number: int) -> tuple[str, ...]:
    return (
        f"{number}.",
        t(section.title),
        t(section.lead_name or section.lead_address),
        section.ampel.label if section.ampel else "–",
        f"{section.fortschritt}\u00a0%" if section.fortschritt is not None else "–",
        t(section.meilenstein) or "–",
        t(section.budget) or "–",
        f"{section.answered_at:%d.%m.%Y}" if section.answered_at else "–",
    )


def annex(body: Body, draft: Draft) -> None:
    """The pointer to the Anlage on the last text page, then the list on its own landscape page."""
    doc = body.doc
    body.paragraph("Vorlage Text")
    marke(body, "Anlage:")
    body.paragraph("Vorlage Text", "Aktuelle Projektliste")
    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Cm(29.7), Cm(21.0)
    heading = doc.add_paragraph("Anlage: Aktuelle Projektliste", style="Heading 1")
    heading.paragraph_format.space_before = Pt(0)  # the top of a page needs no space above
    body.paragraph("Vorlage Text", f"{t(draft.committee_name)}, Sitzung am {draft.session_date:%d.%m.%Y} – "
                                   f"Stand {draft.draft_date:%d.%m.%Y}")  # fmt: skip
    body.paragraph("Vorlage Text")
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = doc.styles["Table Grid"]
    widths(table, WIDTHS)
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    for cell, (label, _) in zip(header.cells, COLUMNS, strict=True):
        body.style_cell(cell._tc, label, "Vorlage Tabellenkopf")
        shade(cell._tc.get_or_add_tcPr(), "D9D9D9")
    style_id = body.ids["Vorlage Tabelle"]
    for number, section in enumerate(draft.sections, start=1):
        fills = {AMPEL_COLUMN: AMPEL_FARBE[section.ampel.value]} if section.ampel else None
        table._tbl.append(table_row(annex_row(section, number), WIDTHS, style_id, fills))
