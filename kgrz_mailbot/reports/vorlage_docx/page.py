"""Page setup (A4, margins, hyphenation, language), document properties, and the header and footer."""

# ruff: noqa: TID251  (python-docx is confined to the vorlage_docx package)

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
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


def properties(doc: DocxDocument, draft: Draft, created: datetime) -> None:
    """Title, organisation, session and version, so the file explains itself in Explorer and the DMS; the real
    moment of creation in UTC (python-docx writes the naive value it is given with a "Z"); no stock thumbnail
    and no "Microsoft Macintosh Word" from python-docx's template."""
    props = doc.core_properties
    stamp = created.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    props.title = TITLE
    props.author = t(f"{draft.organisation.unit}, {draft.organisation.name}")
    props.last_modified_by = t(draft.organisation.unit)
    props.subject = f"{t(draft.committee_name)}, Sitzung am {draft.session_date:%d.%m.%Y}"
    props.comments = f"Entwurf, Version {draft.version}, Stand {draft.draft_date:%d.%m.%Y}"
    props.keywords = "Unterrichtungsvorlage; Projektliste"
    props.category = "Unterrichtungsvorlage"
    props.language = LANG
    props.revision = draft.version
    props.created = props.modified = stamp
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # the template's picture of an empty page, shown as the file's preview
            del package.rels[rel_id]
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _app_properties(t(draft.organisation.name))


def _app_properties(company: str) -> bytes:
    """docProps/app.xml naming the program that wrote the file and the organisation it wrote it for."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template>Normal.dotm</Template><Application>kgrz-mailbot</Application><DocSecurity>0</DocSecurity>"
        f"<ScaleCrop>false</ScaleCrop><Company>{escape(company)}</Company><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


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
