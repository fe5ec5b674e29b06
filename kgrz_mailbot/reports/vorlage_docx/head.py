"""The head of the Vorlage as the city lays it out: a table of fields beside the decision box."""

# ruff: noqa: TID251  (python-docx is confined to the vorlage_docx package)

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.table import _Cell

from kgrz_mailbot.domain.drafting import Draft
from kgrz_mailbot.reports.vorlage_docx.ooxml import Body, t, widths

DECISIONS = (("einstimmig", "mehrheitl.", "ohne BE"), ("abgelehnt", "Kenntnis", "abgesetzt"),
             ("verwiesen", "vertagt", "geändert"))  # fmt: skip
BOX = "☐"
LABEL = "Vorlage Kopf Bezeichnung"


def _cell(body: Body, cell: _Cell, text: str, style: str = "Vorlage Kopf") -> _Cell:
    body.style_cell(cell._tc, text, style)
    return cell


def head(body: Body, draft: Draft) -> None:
    """Five grid columns so the Gremienweg row can split into the session (left) and the box (right)."""
    table = body.doc.add_table(rows=6, cols=5)
    table.style = body.doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    widths(table, (2.6, 4.6, 2.8, 1.8, 4.7))
    r = [row.cells for row in table.rows]
    _cell(body, r[0][0].merge(r[0][4]), "Unterrichtungsvorlage", "Vorlage Titel")
    _cell(body, r[1][0], "Vorlage:", LABEL)
    _cell(body, r[1][1].merge(r[1][2]), t(draft.vorlage_label))
    _cell(body, r[1][3], "Datum:", LABEL)
    _cell(body, r[1][4], f"{draft.draft_date:%d.%m.%Y}")
    _cell(body, r[2][0].merge(r[2][4]), "Oberbürgermeister", LABEL)
    _cell(body, r[3][0], "Verfasser:", LABEL)
    _cell(body, r[3][1].merge(r[3][2]), t(draft.organisation.unit))
    _cell(body, r[3][3], "Az.:", LABEL)
    _cell(body, r[3][4], t(draft.organisation.az))
    _cell(body, r[4][0], "Betreff:", LABEL)
    _cell(body, r[4][1].merge(r[4][4]), t(draft.betreff), LABEL)
    gremienweg = _cell(body, r[5][0].merge(r[5][1]), "Gremienweg:", LABEL)
    gremienweg.add_paragraph(f"{draft.session_date:%d.%m.%Y}  {t(draft.committee_name)}", style="Vorlage Kopf")
    _decision_box(body, r[5][2].merge(r[5][4]))
    body.paragraph("Vorlage Text")


def _decision_box(body: Body, cell: _Cell) -> None:
    """The empty check boxes the committee office fills in after the session, beside the Gremienweg."""
    box = cell.add_table(rows=4, cols=4)  # no style: the default table style has no borders
    cell._tc.remove(cell.paragraphs[0]._p)  # Word needs a paragraph after a nested table, not before it
    cell.paragraphs[-1]._p.style = body.ids["Vorlage Leer"]
    box._tbl.tblPr.append(  # narrow cell margins so "Gegenstimmen" fits; widths() moves tblLook behind it
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            "</w:tblCellMar>"
        )  # fmt: skip
    )
    labels = [*(f"{BOX} {label}" if label else "" for row in DECISIONS for label in (*row, "")),
              "TOP", f"{BOX} öffentlich", "Enthaltungen", "Gegenstimmen"]  # fmt: skip
    for cell_, label in zip((c for row in box.rows for c in row.cells), labels, strict=True):
        _cell(body, cell_, label, "Vorlage Kästchen")
    widths(box, (2.2, 2.2, 2.2, 2.5))
