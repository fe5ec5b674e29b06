"""Queries for the ``problem`` table: open, update and resolve what needs a person (used by ``alerts/``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from kgrz_mailbot.storage.db import insert_ignore
from kgrz_mailbot.storage.tables import InboundMailRow, OutboundMailRow, ProblemRow

__all__ = ["HeldMail", "ProblemRow", "alert_rows", "open_problems", "quarantine_summary", "record", "resolve",
           "unannounced_resolutions", "unsent_of_session", "unverified_sends"]


def record(db: DbSession, *, key: str, kind: str, detail: str, now: datetime, mark: str = "",
           transport: bool = False) -> ProblemRow:  # fmt: skip
    """Open the problem ``key``, or count one more occurrence of the open one (detail and mark are the newest)."""
    insert_ignore(db, ProblemRow, {
        "key": key, "open_key": key, "kind": kind, "detail": detail, "mark": mark, "transport": transport,
        "occurrences": 0, "opened_at": now, "last_seen_at": now, "resolution_notified": False,
    })  # the unique open_key keeps a second instance from opening the same problem twice
    row = db.exec(select(ProblemRow).where(ProblemRow.open_key == key).with_for_update()).one()
    row.occurrences += 1
    row.detail, row.mark, row.transport, row.last_seen_at = detail, mark, transport, now
    db.flush()
    return row


def resolve(db: DbSession, key: str, now: datetime) -> ProblemRow | None:
    """Close the open problem ``key``; None when none was open."""
    row = db.exec(select(ProblemRow).where(ProblemRow.open_key == key).with_for_update()).first()
    if row is None:
        return None
    row.open_key, row.resolved_at = None, now
    db.flush()
    return row


def open_problems(db: DbSession, kind_prefix: str | None = None) -> list[ProblemRow]:
    query = select(ProblemRow).where(col(ProblemRow.open_key).is_not(None)).order_by(ProblemRow.opened_at)
    rows = list(db.exec(query).all())
    return [r for r in rows if kind_prefix is None or r.kind == kind_prefix]


def unannounced_resolutions(db: DbSession) -> list[ProblemRow]:
    """Resolved problems whose end the admins have not been told yet."""
    return list(db.exec(select(ProblemRow).where(col(ProblemRow.resolved_at).is_not(None),
                                                 ProblemRow.resolution_notified == False)  # noqa: E712
                        .order_by(ProblemRow.id)).all())


def alert_rows(db: DbSession, problem_id: int) -> list[OutboundMailRow]:
    """The alert mails of one problem, oldest first (their business keys start ``alert/<id>/``)."""
    return list(db.exec(select(OutboundMailRow).where(
        col(OutboundMailRow.business_key).startswith(f"alert/{problem_id}/")).order_by(OutboundMailRow.id)).all())


def unsent_of_session(db: DbSession, session_id: int, kind: str) -> int:
    """Mails of one kind for a session still waiting in the outbox (pending, or claimed and not yet marked)."""
    return len(db.exec(select(OutboundMailRow.id).where(
        OutboundMailRow.session_id == session_id, OutboundMailRow.kind == kind,
        col(OutboundMailRow.state).in_(("pending", "sending")))).all())


@dataclass(frozen=True)
class HeldMail:
    """A mail in quarantine as an alert names it: who, what, why, and its header block (not the whole raw mail)."""

    id: int
    received_at: datetime
    from_address: str | None
    subject: str
    error: str | None
    head: bytes


def quarantine_summary(db: DbSession, newest: int) -> tuple[int, list[HeldMail]]:
    """How many mails are in quarantine, and the ``newest`` of them, oldest first; every tick asks, so no raw."""
    held = InboundMailRow.state == "quarantine"
    count = db.exec(select(sa.func.count()).select_from(InboundMailRow).where(held)).one()
    rows = db.exec(select(InboundMailRow.id, InboundMailRow.received_at, InboundMailRow.from_address,
                          InboundMailRow.subject, InboundMailRow.error, sa.func.substr(InboundMailRow.raw, 1, 65536))
                   .where(held).order_by(col(InboundMailRow.id).desc()).limit(newest)).all()
    return int(count), [HeldMail(*row) for row in reversed(rows)]  # type: ignore[arg-type]


def unverified_sends(db: DbSession) -> list[tuple[int, str, str, str]]:
    """Outbox rows whose send could not be verified (id, subject, recipients, Message-ID); alerts left out."""
    rows = db.exec(select(OutboundMailRow.id, OutboundMailRow.subject, OutboundMailRow.recipients,
                          OutboundMailRow.message_id, OutboundMailRow.kind)
                   .where(OutboundMailRow.state == "unknown").order_by(OutboundMailRow.id)).all()
    return [(i, subject, to, mid) for i, subject, to, mid, kind in rows if not kind.startswith("alert")]
