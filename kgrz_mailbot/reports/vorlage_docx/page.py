"""Page setup (A4, margins, hyphenation, language), document properties, and the header and footer."""

# ruff: noqa: TID251  (python-docx is confined to the vorlage_docx package)

from __future__ import annotations

from datetime import datetime, time

from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph as DocxParagraph

from kgrz_mailbot.domain.drafting import Draft
from kgrz_mailbot.reports.vorlage_docx.ooxml import t
from kgrz_mailbot.reports.vorlage_docx.styles import LANG

TITLE = "Unterrichtungsvorlage – Stand der Projekte"


def page_setup(doc: DocxDocument) -> None:
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


def properties(doc: DocxDocument, draft: Draft) -> None:
    """Title, author unit, session and version, so the file explains itself in Explorer and the DMS."""
    props = doc.core_properties
    stamp = datetime.combine(draft.draft_date, time(8, 0))
    props.title = TITLE
    props.author = props.last_modified_by = t(draft.organisation.unit)
    props.subject = f"{t(draft.committee_name)}, Sitzung am {draft.session_date:%d.%m.%Y}"
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


def header_footer(doc: DocxDocument, draft: Draft) -> None:
    """The word Entwurf (with the version from 2 on) top right on every page; "Seite n von m" below."""
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
