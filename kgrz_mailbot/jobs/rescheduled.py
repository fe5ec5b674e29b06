"""After a session moved, tell every lead who was already asked the new deadline, once per move.

``session move`` moves the session's database row itself (``move_by_hand``), so the session keeps its
requests, tokens and done actions whatever its state (drafted, more than 90 days away): nothing already sent
goes out again. The config mirror's guess for hand edits of schedule.toml (``storage/mirror.py``) is not needed.

A move is recorded where the configuration is mirrored into the database (``Store.sync_config`` notes a
``moved-from-<date>`` action on the session), whoever changed the date: ``session move``, an admin editing
schedule.toml while ``run`` is running, or a synchronisation of the session calendar. ``tick`` calls this job
every time, and so does ``session move``; the business key of each mail (session, project, old date) makes it
exactly once.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kgrz_mailbot.config.schedule_edit import open_schedule
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.domain.model import ActionKind, Session
from kgrz_mailbot.jobs.requests import ActionResult, request_thread, session_key
from kgrz_mailbot.outbox import letters, relay
from kgrz_mailbot.replies.form import render_form
from kgrz_mailbot.storage import council, mailrows, requests
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.jobs")


def move_by_hand(app: App, directory: Path, day: date, new_day: date, committee: str | None) -> Config:
    """``session move``: schedule.toml checked in memory, then the row moved in the database, then the file.

    ``app`` runs on the configuration before the move. The same order as a sync's move (``council/apply.py``):
    an invalid edit changes nothing anywhere; the row is moved before any mirror of the new file could take
    the new date for a new session (which would ask every lead again, with new tokens).
    """
    key = app.session(day, committee).committee
    schedule = open_schedule(directory)
    schedule.move(day, new_day, committee)
    schedule.validate()
    with app.store.write() as db:
        council.move_session(db, key, day, new_day, app.clock.now())
    return schedule.save()


def tell_new_deadlines(app: App) -> ActionResult:
    """Queue and send the „Neue Frist“ mails of every moved session whose new deadline is still ahead."""
    result = ActionResult()
    now = app.clock.now()
    for session in app.config.sessions:
        deadline = next(a for a in app.plan(session) if a.kind is ActionKind.DEADLINE)
        if deadline.due <= now:  # too late to answer: the Werkleitung hears who is missing instead
            continue
        with app.store.write() as db:
            sid = session_id(db, session)
            for old_date in requests.moved_from(db, sid):
                result.queued += _tell(app, db, session, sid, old_date)
    if result.queued:
        result.sent = relay.flush(app).sent
        log.debug("Neue Frist mitgeteilt: %s", ", ".join(result.queued))
    return result


def _tell(app: App, db: DbSession, session: Session, sid: int, old_date: date) -> list[str]:
    """One mail per project whose request went out (lead in To, deputies in Cc, threaded to the request)."""
    answers = requests.answers_of_session(db, sid)
    queued = []
    for ref in requests.requests_of_session(db, sid):
        project = app.config.project(ref.project_key)
        key = f"{session_key(session)}/{ref.project_key}/rescheduled/{old_date.isoformat()}"
        if project is None or not project.active or not mailrows.request_was_sent(db, ref.id):
            continue
        if mailrows.outgoing_exists(db, key):
            continue
        answer = answers.get(ref.project_key)
        context = letters.base_context(app, session) | {
            "greeting_name": letters.greeting(project.lead.name), "project_title": project.title,
            "old_date": old_date, "form": render_form(None),
            "answered_text": letters.local_text(app, answer.answered_at) if answer else "",
        }
        mail = letters.build(
            app, business_key=key, kind="rescheduled", to=[(project.lead.name, project.lead.address)],
            cc=[(d.name, d.address) for d in project.deputies],
            subject=letters.request_subject("Neue Frist: Statusabfrage", project, session, app, ref.token),
            text=app.renderer.render("rescheduled.txt.j2", **context), ref=ref, session_id=sid,
            previous_ids=[r.message_id for r in request_thread(db, ref.id)], expects_answer=True,
        )
        mailrows.record_outgoing(db, mail, app.clock.now())
        queued.append(project.key)
    return queued
