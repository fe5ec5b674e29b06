"""The instant that orders an accepted answer, and what the confirmation says when the Date: could not be used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kgrz_mailbot.domain.reply_date import DateProblem, ReplyDate, reply_date
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.storage import mailrows
from kgrz_mailbot.storage.requests import RequestRef

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App
    from kgrz_mailbot.domain.model import Understanding


def answer_date(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding,
                ref: RequestRef) -> tuple[ReplyDate, dict[str, Any]]:
    """(the ordering date, the confirmation's ``date_note`` context: None when the Date: header was used)."""
    sent = mailrows.request_sent_at(db, ref.id)
    when = reply_date(u.facts.date, row.received_at, sent)
    if when.problem is None or u.facts.date is None:
        return when, {"date_note": None}
    why = ("es liegt mehr als einen Tag nach dem Eingang bei uns" if when.problem is DateProblem.FUTURE
           else f"es liegt vor dem Versand unserer Statusabfrage am {letters.local_text(app, sent)}" if sent
           else "es liegt vor unserer Statusabfrage")
    return when, {"date_note": {"header": letters.local_text(app, u.facts.date), "why": why,
                                "received": letters.local_text(app, row.received_at)}}
