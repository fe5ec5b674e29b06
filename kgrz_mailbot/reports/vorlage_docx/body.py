"""The text of the Vorlage: "Unterrichtung:", then one section per project with its earlier report."""

from __future__ import annotations

from kgrz_mailbot.domain.drafting import Draft, DraftSection
from kgrz_mailbot.domain.textblocks import NO_ANSWER, PREVIOUS_HEADING, UNCHANGED_SENTENCE, BulletList, parse_blocks
from kgrz_mailbot.reports.vorlage_docx.ooxml import Body, t

#: (paragraph style, list style, run style) for the current text and for the quoted earlier report
CURRENT = ("Vorlage Text", "Vorlage Aufzählung", None)
QUOTED = ("Vorlage Auszug", "Vorlage Auszug Aufzählung", "Vorlage Auszug Zeichen")


def marke(body: Body, text: str) -> None:
    """A bold label ("Unterrichtung:", "Weiteres Vorgehen:") kept with the paragraph after it."""
    body.paragraph("Vorlage Marke", text)


def unterrichtung(body: Body, draft: Draft) -> None:
    marke(body, "Unterrichtung:")
    body.paragraph("Vorlage Text", t(draft.unterrichtung))


def blocks(body: Body, text: str | None, styles: tuple[str, str, str | None] = CURRENT) -> None:
    """Paragraphs and real Word list items (the list style carries the bullet), never typed dashes."""
    text_style, list_style, run_style = styles
    for block in parse_blocks(text):  # parse_blocks cleans the text of what XML cannot carry
        if isinstance(block, BulletList):
            for item in block.items:
                body.paragraph(list_style, item, run_style)
        else:
            body.paragraph(text_style, block.text, run_style)


def project(body: Body, section: DraftSection) -> None:
    """Title, the current text (or a marked gap), Weiteres Vorgehen, then the Auszug of the last report."""
    body.paragraph("Heading 1", t(section.title))
    if not section.answered:
        lead = t(section.lead_name or section.lead_address)
        body.paragraph("Vorlage Text", NO_ANSWER.format(lead=lead), "Vorlage Lücke")
    elif section.unchanged:
        # the text itself follows once, as the Auszug below; printing it twice would read as two reports
        body.paragraph("Vorlage Text", UNCHANGED_SENTENCE, "Vorlage Hinweis")
    else:
        blocks(body, section.stand)
    if section.answered and section.weiteres_vorgehen:
        marke(body, "Weiteres Vorgehen:")
        blocks(body, section.weiteres_vorgehen)
    previous = section.previous
    if previous is not None:
        marke(body, PREVIOUS_HEADING.format(label=t(previous.label)))
        blocks(body, previous.stand, QUOTED)
        if previous.weiteres_vorgehen:
            body.paragraph("Vorlage Auszug", "Weiteres Vorgehen:", "Vorlage Auszug Marke")
            blocks(body, previous.weiteres_vorgehen, QUOTED)
