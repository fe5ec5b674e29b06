"""Mail commands of C6: HILFE, FORMULAR, STATUS for leads; FREIGABE of a draft for its recipients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kgrz_mailbot.domain.model import ActionKind, Command, Session, Understanding
from kgrz_mailbot.inbox.approval import approve
from kgrz_mailbot.inbox.identity import acting_sender
from kgrz_mailbot.inbox.limits import queue_answer
from kgrz_mailbot.inbox.matching import open_requests, projects_of, today
from kgrz_mailbot.inbox.preview import preview_for
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.replies.form import render_form
from kgrz_mailbot.storage import mailrows, requests
from kgrz_mailbot.storage.requests import RequestRef
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def answer(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding) -> str | None:
    """Queue the answer to a command; None when the sender may not use it (stored, not answered).

    Only a verified lead or deputy gets an answer: a spoofed HILFE would otherwise make the bot mail the real
    lead once per forged mail (the answer goes to the address, but the spoofer picks how often)."""
    if u.command is Command.FREIGABE:
        return approve(app, db, row, u)
    sender = acting_sender(row)
    if sender is None or not projects_of(app, sender):
        claimed = u.facts.from_address
        return "unauthorised" if claimed and projects_of(app, claimed) else None
    refs = open_requests(app, db, sender)
    context = letters.base_context(app) | {"greeting_name": letters.greeting_for(app, sender, u.facts.from_name)}
    if u.command is Command.HILFE:
        template = "help.txt.j2"
        context |= {"form": render_form(None), "open_requests": open_items(app, db, refs)}
    elif u.command is Command.FORMULAR:
        template, context = "form.txt.j2", context | {"items": _form_items(app, db, refs)}
    else:
        template, context = "status.txt.j2", context | {"items": _status_items(app, db, sender)}
    mail = letters.build(
        app, business_key=f"inbound/{row.id}/{u.command.value.lower()}", kind="command", to=[("", sender)],
        subject=letters.reply_subject(u.facts), text=app.renderer.render(template, **context), reply_to=u.facts,
        inbound_id=row.id,
    )
    queue_answer(app, db, mail)
    return "command"


def _session(ref: RequestRef) -> Session:
    return Session(committee=ref.committee, date=ref.session_date)


def open_items(app: App, db: DbSession, refs: list[RequestRef]) -> list[dict[str, Any]]:
    items = []
    for ref in refs:
        project = app.config.project(ref.project_key)
        deadline = letters.due_text(app, _session(ref), ActionKind.DEADLINE)
        items.append({"title": project.title if project else ref.project_key, "session_date": ref.session_date,
                      "deadline": deadline, "token_tag": f"[{ref.token}]"})
    return items


def _form_items(app: App, db: DbSession, refs: list[RequestRef]) -> list[dict[str, Any]]:
    items = open_items(app, db, refs)
    for item, ref in zip(items, refs, strict=True):
        stored = requests.answer_of_request(db, ref.id)
        item["form"] = render_form(stored.fields if stored else None)
    return items


def _status_items(app: App, db: DbSession, sender: str) -> list[dict[str, Any]]:
    """Per project of the sender, the next session of its committee and what is stored for it."""
    items = []
    upcoming = [s for s in app.config.sessions if s.date >= today(app)]
    for project in projects_of(app, sender):
        if not upcoming:
            break
        session = upcoming[0]
        sid = session_id(db, session)
        ref = next((r for r in requests.requests_of_session(db, sid) if r.project_key == project.key), None)
        stored = requests.answer_of_request(db, ref.id) if ref else None
        item: dict[str, Any] = {"title": project.title, "session_date": session.date, "preview": "",
                                "deadline": letters.due_text(app, session, ActionKind.DEADLINE),
                                "token_tag": f"[{ref.token}]" if ref else ""}
        if ref and stored:
            item |= {"preview": preview_for(app, db, ref, stored), "answered_by": stored.sender,
                     "answered_at": letters.local_text(app, stored.answered_at)}
        items.append(item)
    return items
