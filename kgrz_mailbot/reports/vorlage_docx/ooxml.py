"""Fast builders for the body's WordprocessingML: paragraphs, runs, cells and table rows, styles by id.

Why not python-docx's ``add_paragraph(style=name)``: it resolves a style name by scanning every style of the
document on each call, and ``row.cells`` walks the whole table for every row; both made a Vorlage of 500
projects take 20 s. Here every style name is resolved once and elements are appended directly, which keeps
the writer linear in the number of paragraphs. The XML is the same python-docx writes.
"""

# ruff: noqa: TID251  (python-docx is confined to the vorlage_docx package)

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from lxml import etree

from kgrz_mailbot.domain.textblocks import clean_text, visible

W_P, W_PPR, W_PSTYLE, W_R, W_RPR, W_RSTYLE, W_T, W_BR = (
    qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t"), qn("w:br"))  # fmt: skip
W_TR, W_TRPR, W_TC, W_TCPR, W_TCW, W_SHD, W_VAL, W_W, W_TYPE = (
    qn("w:tr"), qn("w:trPr"), qn("w:tc"), qn("w:tcPr"), qn("w:tcW"), qn("w:shd"), qn("w:val"), qn("w:w"),
    qn("w:type"))  # fmt: skip
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def t(text: str | None) -> str:
    """Every string from config or a reply passes here: XML-safe, plain text, never markup or fields."""
    return visible(clean_text(text or ""))


def add_lines(p: etree._Element, text: str, run_style_id: str | None = None) -> None:
    """Text as one run of ``w:t`` pieces with real ``w:br`` line breaks; text only, never a field.

    lxml escapes ``<`` and ``&`` itself, and ``clean_text`` has removed what XML cannot carry, so nothing in
    ``text`` can become markup; ``{ PAGE }`` typed by a lead stays the six characters it is.
    """
    run = etree.SubElement(p, W_R)
    if run_style_id:
        etree.SubElement(etree.SubElement(run, W_RPR), W_RSTYLE).set(W_VAL, run_style_id)
    for n, line in enumerate(text.split("\n")):
        if n:
            etree.SubElement(run, W_BR)
        piece = etree.SubElement(run, W_T)
        piece.text = line
        if line != line.strip():  # only where needed: one attribute less per run at 60 000 paragraphs
            piece.set(XML_SPACE, "preserve")


def new_paragraph(style_id: str, text: str = "", run_style_id: str | None = None) -> etree._Element:
    p = etree.Element(W_P)
    etree.SubElement(etree.SubElement(p, W_PPR), W_PSTYLE).set(W_VAL, style_id)
    if text:
        add_lines(p, text, run_style_id)
    return p


class Body:
    """Appends to the document body in order, in front of its closing ``w:sectPr``, styles by their names."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.ids = {style.name: style.style_id for style in doc.styles}
        # the body's last sectPr stays the same element to the end (add_section copies it into a paragraph)
        self._end = doc.element.body.get_or_add_sectPr()

    def paragraph(self, style: str, text: str = "", run_style: str | None = None) -> etree._Element:
        p = new_paragraph(self.ids[style], text, self.ids[run_style] if run_style else None)
        self._end.addprevious(p)
        return p

    def style_cell(self, tc: etree._Element, text: str, style: str) -> None:
        """Fill the empty first paragraph of a python-docx cell with styled text."""
        p = tc.find(W_P)
        p.style = self.ids[style]
        add_lines(p, text)


def widths(table: Table, columns: tuple[float, ...]) -> None:
    """Fixed column widths in cm, written twice because Word and LibreOffice read different elements."""
    table.autofit = False
    for column, width in zip(table.columns, columns, strict=True):
        column.width = Cm(width)  # tblGrid: what LibreOffice reads
        for cell in column.cells:
            cell.width = Cm(width)  # tcW: what Word reads
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))
    if look is not None:  # python-docx leaves tblLayout behind tblLook; the schema wants tblLook last
        properties.append(look)


def table_row(cells: tuple[str, ...], widths_cm: tuple[float, ...], style_id: str,
              fills: dict[int, str] | None = None) -> etree._Element:  # fmt: skip
    """One ``w:tr`` that never splits across pages; ``fills`` shades cells by column index."""
    tr = etree.Element(W_TR)
    etree.SubElement(etree.SubElement(tr, W_TRPR), qn("w:cantSplit"))
    for index, (text, width) in enumerate(zip(cells, widths_cm, strict=True)):
        tc = etree.SubElement(tr, W_TC)
        tc_pr = etree.SubElement(tc, W_TCPR)
        tc_width = etree.SubElement(tc_pr, W_TCW)
        tc_width.set(W_W, str(Cm(width).twips))
        tc_width.set(W_TYPE, "dxa")
        if fills and index in fills:
            shade(tc_pr, fills[index])
        tc.append(new_paragraph(style_id, text))
    return tr


def shade(tc_pr: etree._Element, fill: str) -> None:
    """Cell background; ``w:shd`` follows ``w:tcW`` in the schema order, and nothing else precedes it here."""
    shd = etree.SubElement(tc_pr, W_SHD)
    shd.set(W_VAL, "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
