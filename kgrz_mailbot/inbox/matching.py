"""Match a reply to its status request and check who may change it (DESIGN "Reply matching")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import Project, Understanding
from kgrz_mailbot.inbox.closed import closed_reason
from kgrz_mailbot.storage import mailrows, requests
from kgrz_mailbot.storage.requests import RequestRef

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

THREAD_REF = re.compile(r"^<kgrz-req-(kgrz-[a-z0-9]+)@", re.I)


@dataclass(frozen=True)
class Match:
    ref: RequestRef
    how: str  # "in-reply-to" | "subject-token" | "body-token" | "open-request"


def match_request(app: App, db: DbSession, u: Understanding, sender: str | None) -> Match | None:
    """In order: In-Reply-To/References, token in the subject, token in the body, the sender's one open request."""
    ids = [*u.facts.in_reply_to, *reversed(u.facts.references)]
    # a reply quotes the Message-ID its sender saw: ours, or the one the server gave the mail (Graph)
    rows = {key: r for r in mailrows.outgoing_by_message_ids(db, ids) for key in (r.message_id, r.server_message_id)
            if key}
    for message_id in ids:
        row = rows.get(message_id)
        if row is not None and row.status_request_id is not None:
            return Match(requests.request_by_id(db, row.status_request_id), "in-reply-to")
        thread = THREAD_REF.match(message_id)
        if thread and (ref := requests.request_by_token(db, thread[1])):
            return Match(ref, "in-reply-to")
    if u.token and (ref := requests.request_by_token(db, u.token)):
        in_subject = u.token.lower() in u.facts.subject.lower()
        return Match(ref, "subject-token" if in_subject else "body-token")
    if sender:
        open_refs = open_requests(app, db, sender)
        if len(open_refs) == 1:
            return Match(open_refs[0], "open-request")
    return None


def projects_of(app: App, sender: str) -> list[Project]:
    """The active projects the sender leads or deputises."""
    return [p for p in app.config.active_projects if p.may_update(sender)]


def today(app: App) -> date:
    return app.clock.now().astimezone(app.zone).date()


def open_requests(app: App, db: DbSession, sender: str) -> list[RequestRef]:
    """Requests already sent for the sender's projects whose session is still ahead and not closed."""
    keys = [p.key for p in projects_of(app, sender)]
    if not keys:
        return []
    refs = requests.requests_of_projects(db, keys, since=today(app))
    return [r for r in refs if mailrows.request_was_sent(db, r.id) and closed_reason(app, db, r) is None]
