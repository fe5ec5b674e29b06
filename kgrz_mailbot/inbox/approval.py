"""FREIGABE: a verified recipient of a draft approves the version the mail answers (C6)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import Session, Understanding
from kgrz_mailbot.inbox.identity import acting_sender
from kgrz_mailbot.inbox.limits import queue_answer
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.storage import drafts, mailrows
from kgrz_mailbot.storage.store import session_id
from kgrz_mailbot.trust.sender import strict_from

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def approve(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding) -> str:
    """Approve only for a sender listed in the committee's ``draft_to``, by the same strict, verified From check
    as every report. A FREIGABE that cannot count is answered only to a configured recipient, never to a
    stranger; the outcome says why."""
    ids = [*u.facts.in_reply_to, *reversed(u.facts.references)]
    drafts_sent = [r for r in mailrows.outgoing_by_message_ids(db, ids) if r.kind == "draft"]
    sender = acting_sender(row)
    if not drafts_sent:
        if sender and any(sender in c.draft_to for c in app.config.committees):
            _notice(app, db, row, u, sender, "approval_unmatched.txt.j2", {})
            return "unmatched"
        return "ignored"
    committee, day, _, version = drafts_sent[0].business_key.split("/")
    recipients = app.config.committee(committee).draft_to
    session = Session(committee=committee, date=date.fromisoformat(day))
    if sender is None or sender not in recipients:
        named = strict_from(row.raw)
        if named in recipients:  # a recipient's address the server did not vouch for: tell that recipient
            _notice(app, db, row, u, named, "approval_refused.txt.j2", {"version": int(version)}, session)
        return "unauthorised"
    sid = session_id(db, session)
    record = next(d for d in drafts.drafts_of_session(db, sid) if d.version == int(version))
    now = app.clock.now()
    fresh = drafts.approve_draft(db, record.id, sender, now)
    record = drafts.draft_by_id(db, record.id)
    latest = drafts.latest_draft(db, sid)
    context = {
        "version": record.version, "approved_by": record.approved_by,
        "approved_at": letters.local_text(app, record.approved_at or now), "already": not fresh,
        "newer": latest.version if latest and latest.version > record.version else None,
    }
    _notice(app, db, row, u, sender, "approval.txt.j2", context, session, kind="approval")
    return "approved"


def _notice(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding, to: str, template: str,
            values: dict[str, object], session: Session | None = None, kind: str = "approval-notice") -> None:
    context = letters.base_context(app, session) | values
    sid = session_id(db, session) if session else None
    mail = letters.build(
        app, business_key=f"inbound/{row.id}/{'approval' if kind == 'approval' else 'approval-notice'}", kind=kind,
        to=[("", to)], subject=letters.reply_subject(u.facts), text=app.renderer.render(template, **context),
        session_id=sid, reply_to=u.facts, inbound_id=row.id,
    )
    queue_answer(app, db, mail)
