"""When a session's record is closed: after its date, once a draft version of it was approved, or once its
council cancelled it (``sessions sync``; the leads were told no answer is needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgrz_mailbot.storage.closure import CANCELLED, closure  # "cancelled": its council cancelled it (third reason)
from kgrz_mailbot.storage.requests import RequestRef

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

APPROVED = "approved"  # a draft version of the session was approved by the Werkleitung
OVER = "over"  # the session day has passed


def closed_reason(app: App, db: DbSession, ref: RequestRef) -> str | None:
    """Why a reply to this request can no longer change its session's report, or None while it can.

    Without this, a reply to a past request would be confirmed and the next Vorlage would quote it as that
    session's report: the record of a session that took place, or whose draft was approved, is history.
    """
    marks = closure(db, ref.session_id)  # both marks in one query, kept while this transaction writes neither
    if marks.cancelled:  # cleared again when the meeting is set again
        return CANCELLED
    if marks.approved:
        return APPROVED
    if app.clock.now().astimezone(app.zone).date() > ref.session_date:
        return OVER
    return None
