"""Apply what a human reply means: store a valid answer and confirm it, or explain what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.drafting import Answer
from kgrz_mailbot.domain.model import Classification, Project, Session, Understanding
from kgrz_mailbot.inbox import commands, quoted, unheard
from kgrz_mailbot.inbox.closed import closed_reason
from kgrz_mailbot.inbox.dates import answer_date
from kgrz_mailbot.inbox.identity import acting_sender
from kgrz_mailbot.inbox.late import answer_late
from kgrz_mailbot.inbox.limits import queue_answer
from kgrz_mailbot.inbox.matching import match_request, open_requests, projects_of
from kgrz_mailbot.inbox.preview import preview_for
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.replies.form import render_form
from kgrz_mailbot.storage import mailrows, requests
from kgrz_mailbot.storage.requests import RequestRef

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

EXPLANATION_PAUSE = timedelta(hours=1)  # at most one explanation per sender and request per hour


@dataclass(frozen=True)
class Outcome:
    code: str  # accepted | rejected | unauthorised | unmatched | late | absence | bounce | ignored | command
    request_id: int | None = None
    problems: tuple[str, ...] = ()


def decide(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding) -> Outcome:
    """Machines, strangers and our own mail are stored and never answered (no backscatter); an answer matched to a
    request but not taken is told to a configured address (``unheard``)."""
    sender = u.facts.from_address
    if u.classification in (Classification.AUTO_REPLY, Classification.BOUNCE):
        found = match_request(app, db, u, None)
        code = "absence" if u.classification is Classification.AUTO_REPLY else "bounce"
        return Outcome(code, found.ref.id if found else None)
    if u.classification is Classification.COMMAND and u.command is not None:
        return Outcome(commands.answer(app, db, row, u) or "ignored")
    if u.classification is not Classification.REPLY:
        return Outcome("ignored")
    found = match_request(app, db, u, sender)
    if found is None:
        if sender and projects_of(app, sender) and acting_sender(row) == sender:  # never answer a spoofed lead
            _unmatched(app, db, row, u, sender)
        return Outcome("unmatched" if sender else "ignored")
    if (refused := unheard.refusal(app, found.ref, sender, row)) is not None:
        unheard.tell(app, db, row, u, found.ref, refused)  # to a configured address, never one from the mail
        return Outcome("unauthorised", found.ref.id, (refused.reason,))
    assert sender is not None  # refusal() names a mail without From
    if reason := closed_reason(app, db, found.ref):  # history is not rewritten (issue 13, item 4)
        answer_late(app, db, row, u, found.ref, sender, reason)
        return Outcome("late", found.ref.id)
    u = quoted.checked(db, u)  # values typed into a quoted form count only in a quoted request or reminder
    if u.problems:
        _explain(app, db, row, u, found.ref, sender)
        return Outcome("rejected", found.ref.id, u.problems)
    _accept(app, db, row, u, found.ref, sender)
    return Outcome("accepted", found.ref.id)


def _session(app: App, ref: RequestRef) -> Session:
    return Session(committee=ref.committee, date=ref.session_date)


def _project(app: App, ref: RequestRef) -> Project:
    project = app.config.project(ref.project_key)
    assert project is not None  # unheard.refusal checked it
    return project


def _accept(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding, ref: RequestRef, sender: str) -> None:
    assert row.id is not None
    before = requests.answer_of_request(db, ref.id)
    when, date_note = answer_date(app, db, row, u, ref)  # a Date: that cannot be true does not win (item 6)
    sent_at = when.at
    requests.add_update(db, ref.id, row.id, sender, sent_at, row.received_at, u.fields)
    mine = Answer(fields=u.fields, sender=sender, answered_at=sent_at)
    session, project = _session(app, ref), _project(app, ref)
    context = letters.base_context(app, session) | {
        "greeting_name": letters.greeting_for(app, sender, u.facts.from_name),
        "project_title": project.title, "replaced": before is not None,
        # equal dates: the later arrival (this one) wins, so only a strictly later Date: supersedes it
        "superseded_by_later": before is not None and before.answered_at > sent_at,
        "preview": preview_for(app, db, ref, mine), "hinweis": u.fields.hinweis,
    } | date_note
    mail = letters.build(
        app, business_key=f"inbound/{row.id}/confirmation", kind="confirmation", to=[("", sender)],
        subject=letters.request_subject("Bestätigung: Statusmeldung", project, session, app, ref.token),
        text=app.renderer.render("confirmation.txt.j2", **context), ref=ref, session_id=ref.session_id,
        reply_to=u.facts, inbound_id=row.id,
    )
    queue_answer(app, db, mail)


def _explain(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding, ref: RequestRef, sender: str) -> None:
    now = app.clock.now()
    recent = mailrows.count_kind(db, kind="rejection", status_request_id=ref.id, recipient=sender,
                                 since=now - EXPLANATION_PAUSE)
    if recent:
        return
    session, project = _session(app, ref), _project(app, ref)
    context = letters.base_context(app, session) | {
        "greeting_name": letters.greeting_for(app, sender, u.facts.from_name),
        "project_title": project.title, "problems": u.problems, "form": render_form(u.fields),
    }
    mail = letters.build(
        app, business_key=f"inbound/{row.id}/rejection", kind="rejection", to=[("", sender)],
        subject=letters.request_subject("Rückfrage: Statusmeldung", project, session, app, ref.token),
        text=app.renderer.render("rejection.txt.j2", **context), ref=ref, session_id=ref.session_id,
        reply_to=u.facts, inbound_id=row.id, expects_answer=True,
    )
    queue_answer(app, db, mail)


def _unmatched(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding, sender: str) -> None:
    items = commands.open_items(app, db, open_requests(app, db, sender))
    context = letters.base_context(app) | {
        "greeting_name": letters.greeting_for(app, sender, u.facts.from_name), "subject": u.facts.subject,
        "open_requests": items,
    }
    mail = letters.build(
        app, business_key=f"inbound/{row.id}/unmatched", kind="unmatched", to=[("", sender)],
        subject=letters.reply_subject(u.facts), text=app.renderer.render("unmatched.txt.j2", **context),
        reply_to=u.facts, inbound_id=row.id,
    )
    queue_answer(app, db, mail)

