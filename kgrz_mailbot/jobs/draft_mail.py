"""The mail that brings a draft version to the Werkleitung: recorded in the outbox once per version."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.changes import VersionChanges
from kgrz_mailbot.domain.drafting import Draft
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.mail.compose import Attachment
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.reports.files import DraftFiles
from kgrz_mailbot.reports.vorlage_html import render_text
from kgrz_mailbot.storage import mailrows

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def queue_draft_mail(app: App, db: DbSession, session: Session, sid: int, draft: Draft, files: DraftFiles,
                changes: VersionChanges, follows_a_mail: bool) -> bool:  # fmt: skip
    """Record the draft mail in the outbox once per version; the HTML body is the file just written."""
    committee = app.config.committee(session.committee)
    key = f"{session.committee}/{session.date.isoformat()}/draft/{draft.version}"
    if mailrows.outgoing_exists(db, key):
        return False
    # "Nachtrag" only when the Werkleitung already has an earlier version; the version number always shows
    label = f"Entwurf Version {draft.version}" if draft.version > 1 else "Entwurf"
    label = f"Nachtrag: {label}" if follows_a_mail else label
    subject = (
        f"{label} – Unterrichtungsvorlage „Stand der Projekte“ – {letters.committee_short(committee.name)} "
        f"{session.date:%d.%m.%Y}"
    )
    mail = letters.build(
        app,
        business_key=key,
        kind="draft",
        to=[("", a) for a in committee.draft_to],
        subject=subject,
        text=render_text(draft, app.renderer, changes.lines, changes.since),
        html=Path(files.html).read_text(encoding="utf-8"),
        session_id=sid,
        expects_answer=True,
        attachments=[Attachment(Path(files.docx).name, Path(files.docx).read_bytes())],
    )
    mailrows.record_outgoing(db, mail, app.clock.now())
    return True
