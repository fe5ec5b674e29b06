"""The short German notice when a session with requests out is cancelled: to each lead asked and the Werkleitung.

Cancelled by the council source (``council/apply.py``) or by hand (``session remove``, ``remove_by_hand``): a
lead who was asked and is not told would answer into a session that never gets a draft.

Each mail is an outbox row with a business key, queued in the transaction that marks the session cancelled,
so it goes exactly once however often the sync sees the cancellation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kgrz_mailbot.config.schedule_edit import open_schedule
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.outbox import letters, relay
from kgrz_mailbot.storage import drafts, mailrows, requests
from kgrz_mailbot.storage.council import mark_cancelled
from kgrz_mailbot.storage.requests import RequestRef
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def asked(db: DbSession, sid: int) -> list[RequestRef]:
    """The session's requests that went out: their leads are the ones to tell."""
    return [r for r in requests.requests_of_session(db, sid) if mailrows.request_was_sent(db, r.id)]


BY_HAND = "aus dem Zeitplan genommen worden"


def cancel_session(app: App, db: DbSession, session: Session, deleted: bool, reason: str | None = None) -> int:
    """Mark the session cancelled and queue the notices; returns how many leads are told (0: none was asked)."""
    now = app.clock.now()
    sid = session_id(db, session)
    refs = asked(db, sid)
    if reason is None:
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


def remove_by_hand(app: App, directory: Path, day: date, committee: str | None) -> int:
    """``session remove``: schedule.toml checked in memory, the session marked cancelled with its notices queued
    (when its requests are out, its date is ahead and no draft of it was approved), the file saved, the notices
    sent. Returns how many leads were told. The same order as a sync's removal (``council/apply.py``)."""
    session = app.session(day, committee)
    schedule = open_schedule(directory)
    schedule.remove(day, committee)
    schedule.validate()
    told = 0
    if session.date >= app.clock.now().astimezone(app.zone).date():
        with app.store.write() as db:
            if not drafts.is_approved(db, session_id(db, session)):
                told = cancel_session(app, db, session, deleted=False, reason=BY_HAND)
    schedule.save()
    if told:
        relay.flush(app)
    return told
