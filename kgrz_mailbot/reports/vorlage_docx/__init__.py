"""The draft Vorlage as a Word file in the layout of the KGRZ's Unterrichtungsvorlagen (the only python-docx user).

The package is split by responsibility: ``styles`` defines every style and the bullet numbering once,
``page`` the page, properties, header and footer, ``ooxml`` the fast paragraph and table-row builders,
``head`` the head table with the decision box, ``body`` the project sections and ``annex`` the project list.
"""

# ruff: noqa: TID251  (python-docx is confined to this package; pyproject names the old single module)

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docx import Document

from kgrz_mailbot.domain.drafting import Draft
from kgrz_mailbot.reports.vorlage_docx.annex import annex
from kgrz_mailbot.reports.vorlage_docx.body import project, unterrichtung
from kgrz_mailbot.reports.vorlage_docx.head import head
from kgrz_mailbot.reports.vorlage_docx.ooxml import Body
from kgrz_mailbot.reports.vorlage_docx.page import header_footer, page_setup, properties
from kgrz_mailbot.reports.vorlage_docx.styles import define_bullets, define_styles

__all__ = ["write_docx"]


def write_docx(draft: Draft, path: Path, created: datetime) -> Path:
    """Write the draft as ``.docx`` to ``path`` and return the path; ``created`` is the moment of writing."""
    doc = Document()
    page_setup(doc)
    define_styles(doc)
    define_bullets(doc)
    properties(doc, draft, created)
    header_footer(doc, draft)
    body = Body(doc)  # after define_styles: it resolves every style name to its id once
    head(body, draft)
    unterrichtung(body, draft)
    for section in draft.sections:
        project(body, section)
    annex(body, draft)
    doc.save(str(path))
    return path
