"""A meeting cancelled earlier is on again: the leads told "no answer needed" hear it is back on, once.

Queued in the transaction that clears the cancellation, before any reminder can go out: each mail is an outbox
row with a business key, threaded to the cancellation notice it takes back, and carries the deadline and the
form. Reminders that fell due while the session was off are not made up (the notice asks for the answer);
the later ones follow as planned to whoever has not answered. Requests are never sent again: the session keeps
its row, its requests and their tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import ActionKind, Session
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.replies.form import render_form
from kgrz_mailbot.storage import mailrows, requests
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def announce_reinstated(app: App, db: DbSession, session: Session) -> int:
    """Queue the notices to the leads and the Werkleitung told of the cancellation; returns how many leads."""
    now = app.clock.now()
    sid = session_id(db, session)
    actions = app.plan(session)
    deadline = next(a for a in actions if a.kind is ActionKind.DEADLINE)
    done = requests.done_actions(db, sid)
    for missed in (a for a in actions if a.kind is ActionKind.REMINDER and a.due <= now and a.key not in done):
        requests.mark_action(db, sid, missed.key, now, note="übersprungen: Sitzung war abgesagt")
    answered = requests.answers_of_session(db, sid)
    committee = letters.committee_short(app.config.committee(session.committee).name)
    base = f"{session.committee}/{session.date.isoformat()}"
    context = letters.base_context(app, session) | {
        "deadline_open": deadline.due > now, "deadline_text": letters.local_text(app, deadline.due),
    }
    told = []
    for ref in requests.requests_of_session(db, sid):
        project = app.config.project(ref.project_key)
        rows = mailrows.outbox_rows_of_request(db, ref.id)
        cancelled = [r for r in rows if r.kind == "cancellation"]
        if project is None or not cancelled:  # not told it was off: nothing to take back
            continue
        answer = answered.get(ref.project_key)
        mail = letters.build(
            app, business_key=f"{base}/{ref.project_key}/reinstated/0", kind="reinstated",
            to=[(project.lead.name, project.lead.address)],
            cc=[(d.name, d.address) for d in project.deputies] if mailrows.reminders_sent(db, ref.id) else [],
            subject=letters.request_subject("Sitzung wieder angesetzt: Statusabfrage", project, session, app,
                                            ref.token),
            text=app.renderer.render("reinstated.txt.j2", **context | {
                "greeting_name": letters.greeting(project.lead.name), "project_title": project.title,
                "answered_text": letters.local_text(app, answer.answered_at) if answer else "",
                "form": render_form(None)}),
            ref=ref, session_id=sid, expects_answer=True,
            previous_ids=[r.message_id for r in rows if r.kind in ("request", "reminder")] + [cancelled[-1].message_id],
        )
        mailrows.record_outgoing(db, mail, now)
        told.append(project.title)
    if told:
        mail = letters.build(
            app, business_key=f"{base}/reinstated/0", kind="reinstated",
            to=[("", a) for a in app.config.committee(session.committee).draft_to],
            subject=f"Sitzung wieder angesetzt: {committee} {session.date:%d.%m.%Y} – Statusabfrage läuft weiter",
            text=app.renderer.render("reinstated_werkleitung.txt.j2", **context | {"told": told}), session_id=sid,
        )
        mailrows.record_outgoing(db, mail, now)
    return len(told)
