"""Whether a session was cancelled or a draft version of it approved: one query, remembered per transaction."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col

from kgrz_mailbot.storage.tables import DraftRow, SessionActionRow

CANCELLED = "cancelled"  # the session_action of a session its council cancelled (storage/council.py)
_KEY = "session_closure"  # in ``db.info``: session id -> Closure

_QUERY = sa.select(
    sa.exists().where(col(SessionActionRow.session_id) == sa.bindparam("sid"), SessionActionRow.action == CANCELLED),
    sa.exists().where(col(DraftRow.session_id) == sa.bindparam("sid"), col(DraftRow.approved_at).is_not(None)),
)


class Closure(NamedTuple):
    cancelled: bool
    approved: bool


def closure(db: DbSession, sid: int) -> Closure:
    """Both marks of a session at once.

    A poll chunk asks this for every reply to the same few sessions (it was two queries per mail), so the
    answer is kept for the transaction; every writer of either mark calls ``forget`` (an approval by mail in
    the same chunk closes the session for the mails after it), and so does the poll when it rolls a mail back.
    """
    cache: dict[int, Closure] = db.info.setdefault(_KEY, {})
    if sid not in cache:
        # through the ORM session, not its connection: a cancellation added but not yet flushed must count
        cancelled, approved = db.exec(_QUERY, params={"sid": sid}).one()
        cache[sid] = Closure(bool(cancelled), bool(approved))
    return cache[sid]


def forget(db: DbSession) -> None:
    """Drop the remembered marks: call after writing a cancellation, a reinstatement or an approval."""
    db.info.pop(_KEY, None)
