"""Timeline actions that write to leads and the Werkleitung: requests, reminders, escalation."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.drafting import previous_text
from kgrz_mailbot.domain.model import Project, Session
from kgrz_mailbot.mail.ids import new_token
from kgrz_mailbot.outbox import letters, relay
from kgrz_mailbot.replies.form import render_form
from kgrz_mailbot.storage import mailrows, requests
from kgrz_mailbot.storage.store import project_id, session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.jobs")


@dataclass
class ActionResult:
    """What one action queued; ``sent`` counts the outbox mails that left in its flush."""

    queued: list[str] = field(default_factory=list)
    sent: int = 0


def session_key(session: Session) -> str:
    return f"{session.committee}/{session.date.isoformat()}"


def _previous_context(db: DbSession, session: Session, project: Project) -> dict[str, object]:
    earlier = requests.previous_answers(db, session.committee, session.date).get(project.key)
    prev = previous_text(earlier[1], earlier[0]) if earlier else None
    text = ""
    if prev:
        text = prev.stand + (f"\n\nWeiteres Vorgehen:\n{prev.weiteres_vorgehen}" if prev.weiteres_vorgehen else "")
    return {"previous": prev, "previous_text": text}


def send_requests(app: App, session: Session, action_key: str = "request") -> ActionResult:
    """Queue one status request per active project (once ever) and send them."""
    result = ActionResult()
    now = app.clock.now()
    with app.store.write() as db:
        sid = session_id(db, session)
        for project in app.config.active_projects:
            ref = requests.ensure_request(db, sid, project_id(db, project.key), now, new_token)
            key = f"{session_key(session)}/{project.key}/request/0"
            # the request of a moved session went out under its old date: still sent, never again
            if mailrows.outgoing_exists(db, key) or mailrows.request_was_sent(db, ref.id):
                continue
            context = letters.base_context(app, session) | _previous_context(db, session, project) | {
                "greeting_name": letters.greeting(project.lead.name), "project_title": project.title,
                "form": render_form(None),
            }
            subject = letters.request_subject("Statusabfrage", project, session, app, ref.token)
            mail = letters.build(
                app, business_key=key, kind="request", to=[(project.lead.name, project.lead.address)],
                subject=subject, text=app.renderer.render("request.txt.j2", **context),
                html=app.renderer.render("request.html.j2", subject=subject, **context),
                ref=ref, session_id=sid, expects_answer=True,
            )
            mailrows.record_outgoing(db, mail, now)
            result.queued.append(project.key)
        requests.mark_action(db, sid, action_key, now, note=f"{len(result.queued)} Abfragen")
    result.sent = relay.flush(app).sent
    log.debug("requests session=%s queued=%s", session.date, ",".join(result.queued) or "-")
    return result


def send_reminders(app: App, session: Session, seq: int, covers: tuple[str, ...] = ()) -> ActionResult:
    """Remind the leads (deputies in Cc) of every requested project without a valid answer."""
    result = ActionResult()
    now = app.clock.now()
    with app.store.write() as db:
        sid = session_id(db, session)
        answered = requests.answers_of_session(db, sid)
        for ref in requests.requests_of_session(db, sid):
            project = app.config.project(ref.project_key)
            key = f"{session_key(session)}/{ref.project_key}/reminder/{seq}"
            if project is None or not project.active or ref.project_key in answered:
                continue
            if not mailrows.request_was_sent(db, ref.id) or mailrows.outgoing_exists(db, key):
                continue
            context = letters.base_context(app, session) | _previous_context(db, session, project) | {
                "greeting_name": letters.greeting(project.lead.name), "project_title": project.title,
                "form": render_form(None), "missing_optional": "", "earlier_problems": _last_problems(db, ref.id),
            }
            # the ids the lead saw: the one the server gave the request (Graph) where it replaced ours
            thread = [r.server_message_id or r.message_id for r in request_thread(db, ref.id)]
            mail = letters.build(
                app, business_key=key, kind="reminder", to=[(project.lead.name, project.lead.address)],
                cc=[(d.name, d.address) for d in project.deputies],
                subject=letters.request_subject("Erinnerung: Statusabfrage", project, session, app, ref.token),
                text=app.renderer.render("reminder.txt.j2", **context), ref=ref, session_id=sid,
                previous_ids=thread, expects_answer=True,
            )
            mailrows.record_outgoing(db, mail, now)
            result.queued.append(ref.project_key)
        for action in (*covers, f"reminder-{seq}"):
            requests.mark_action(db, sid, action, now, note=f"{len(result.queued)} Erinnerungen")
    result.sent = relay.flush(app).sent
    log.debug("reminder-%s session=%s queued=%s", seq, session.date, ",".join(result.queued) or "-")
    return result


def request_thread(db: DbSession, request_id: int) -> list[mailrows.OutboundMailRow]:
    rows = mailrows.outbox_rows_of_request(db, request_id)
    return [r for r in rows if r.kind in ("request", "reminder")]


def _last_problems(db: DbSession, request_id: int) -> list[str]:
    return mailrows.last_rejection_problems(db, request_id)


def escalate(app: App, session: Session) -> ActionResult:
    """At the deadline tell the committee's recipients which projects are missing (nothing if none)."""
    result = ActionResult()
    now = app.clock.now()
    committee = app.config.committee(session.committee)
    with app.store.write() as db:
        sid = session_id(db, session)
        answered = requests.answers_of_session(db, sid)
        refs = {r.project_key: r for r in requests.requests_of_session(db, sid)}
        missing = [p for p in app.config.active_projects if p.key not in answered]
        key = f"{session_key(session)}/deadline/0"
        if missing and not mailrows.outgoing_exists(db, key):
            items = [_missing_item(app, db, project, refs.get(project.key), now) for project in missing]
            context = letters.base_context(app, session) | {
                "answered": len(app.config.active_projects) - len(missing),
                "total": len(app.config.active_projects), "missing": items,
                "not_taken": _not_taken_items(app, db, refs),
            }
            mail = letters.build(
                app, business_key=key, kind="escalation", to=[("", a) for a in committee.draft_to],
                subject=f"Fehlende Statusmeldungen – {letters.committee_short(committee.name)} "
                f"{session.date:%d.%m.%Y} ({len(missing)} von {context['total']})",
                text=app.renderer.render("escalation.txt.j2", **context), session_id=sid,
            )
            mailrows.record_outgoing(db, mail, now)
            result.queued = [p.key for p in missing]
        requests.mark_action(db, sid, "deadline", now, note=f"{len(missing)} fehlen")
    result.sent = relay.flush(app).sent
    log.debug("deadline session=%s missing=%s", session.date, ",".join(result.queued) or "-")
    return result


def _not_taken_items(app: App, db: DbSession, refs: dict[str, requests.RequestRef]) -> list[dict[str, str]]:
    """Answers to this session's requests that were not taken from their sender, and why (inbox/unheard.py)."""
    titles = {ref.id: (p.title if (p := app.config.project(key)) else key) for key, ref in refs.items()}
    return [{"title": titles[n.status_request_id], "sender": n.sender or "(ohne Absender)", "reason": n.reason,
             "written": letters.local_text(app, n.written)}
            for n in mailrows.not_taken(db, list(titles))]


def _missing_item(app: App, db: DbSession, project: Project, ref: requests.RequestRef | None,
                  now: object) -> dict[str, str]:
    people = [project.lead.address, *(d.address for d in project.deputies)]
    since = app.clock.now() - timedelta(days=60)
    absence = mailrows.absences(db, people, since)
    requested = mailrows.sent_at_of_request(db, ref.id) if ref else None
    problems = _last_problems(db, ref.id) if ref else []
    return {
        "title": project.title,
        "lead": project.lead.formatted(),
        "deputies": ", ".join(d.formatted() for d in project.deputies),
        "requested": letters.local_text(app, requested, with_time=False) if requested else "nein",
        "reminders": str(mailrows.reminders_sent(db, ref.id)) if ref else "0",
        "absence": "; ".join(f"{addr} ({letters.local_text(app, at, with_time=False)})"
                             for addr, at in absence.items()),
        "problem": problems[0] if problems else "",
    }
