"""The short German notice when a session with requests out is cancelled: to each lead asked and the Werkleitung.

Each mail is an outbox row with a business key, queued in the transaction that marks the session cancelled,
so it goes exactly once however often the sync sees the cancellation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.storage import mailrows, requests
from kgrz_mailbot.storage.council import mark_cancelled
from kgrz_mailbot.storage.requests import RequestRef
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def asked(db: DbSession, sid: int) -> list[RequestRef]:
    """The session's requests that went out: their leads are the ones to tell."""
    return [r for r in requests.requests_of_session(db, sid) if mailrows.request_was_sent(db, r.id)]


def cancel_session(app: App, db: DbSession, session: Session, deleted: bool) -> int:
    """Mark the session cancelled and queue the notices; returns how many leads are told (0: none was asked)."""
    now = app.clock.now()
    sid = session_id(db, session)
    refs = asked(db, sid)
    reason = "aus dem Ratsinformationssystem gelöscht worden" if deleted else "laut Ratsinformationssystem abgesagt"
    mark_cancelled(db, sid, now, note=f"{reason}; {len(refs)} Projektleitungen benachrichtigt")
    if not refs:
        return 0
    answered = requests.answers_of_session(db, sid)
    committee = letters.committee_short(app.config.committee(session.committee).name)
    told = []
    for ref in refs:
        project = app.config.project(ref.project_key)
        if project is None:
            continue
        rows = mailrows.outbox_rows_of_request(db, ref.id)
        thread = [r.message_id for r in rows if r.kind in ("request", "reminder")]
        context = letters.base_context(app, session) | {
            "greeting_name": letters.greeting(project.lead.name), "project_title": project.title,
            "answered": ref.project_key in answered,
        }
        reminded = mailrows.reminders_sent(db, ref.id) > 0  # deputies were in Cc of the reminders
        mail = letters.build(
            app, business_key=f"{session.committee}/{session.date.isoformat()}/{ref.project_key}/cancelled/0",
            kind="cancellation", to=[(project.lead.name, project.lead.address)],
            cc=[(d.name, d.address) for d in project.deputies] if reminded else [],
            subject=f"Sitzung abgesagt: {committee} {session.date:%d.%m.%Y} – keine Statusmeldung nötig "
            f"({project.title})",
            text=app.renderer.render("cancellation.txt.j2", **context), ref=ref, session_id=sid,
            previous_ids=thread,
        )
        mailrows.record_outgoing(db, mail, now)
        told.append(project.title)
    context = letters.base_context(app, session) | {
        "reason": reason, "told": told, "answered": sum(1 for r in refs if r.project_key in answered),
    }
    mail = letters.build(
        app, business_key=f"{session.committee}/{session.date.isoformat()}/cancelled/0", kind="cancellation",
        to=[("", a) for a in app.config.committee(session.committee).draft_to],
        subject=f"Sitzung abgesagt: {committee} {session.date:%d.%m.%Y} – Statusabfrage beendet",
        text=app.renderer.render("cancellation_werkleitung.txt.j2", **context), session_id=sid,
    )
    mailrows.record_outgoing(db, mail, now)
    return len(told)
