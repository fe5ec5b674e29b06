"""Outbox claims: a row in ``sending`` belongs to one owner until its lease ends; every later change of the row
is made by that owner only, and taking over a stale claim is one compare-and-set (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col

from kgrz_mailbot.storage.tables import OutboundMailRow

_ROW = OutboundMailRow


@dataclass(frozen=True)
class Claim:
    """One outbox row in ``sending``: who claimed it and until when."""

    id: int
    message_id: str
    claimed_by: str | None
    lease_until: datetime | None
    last_error: str | None


def claim(db: DbSession, outbound_ids: list[int], owner: str, until: datetime) -> set[int]:
    """pending → sending for ``owner`` in one statement; the ids this owner got (another may have taken some)."""
    if not outbound_ids:
        return set()
    result = db.execute(
        sa.update(_ROW)
        .where(col(_ROW.id).in_(outbound_ids), _ROW.state == "pending")
        .values(state="sending", claimed_by=owner, lease_until=until, attempts=_ROW.attempts + 1)
        .returning(_ROW.id)
    )
    return set(result.scalars().all())


def sending_claims(db: DbSession) -> list[Claim]:
    query = sa.select(_ROW.id, _ROW.message_id, _ROW.claimed_by, _ROW.lease_until, _ROW.last_error).where(
        _ROW.state == "sending").order_by(_ROW.id)
    return [Claim(*row) for row in db.execute(query)]


def _is(column: sa.ColumnElement, value: object) -> sa.ColumnElement[bool]:  # type: ignore[type-arg]
    return column.is_(None) if value is None else column == value


def take_over(db: DbSession, stale: Claim, owner: str, until: datetime) -> bool:
    """The stale claim becomes ``owner``'s, unless its owner renewed it or another process took it first."""
    result = db.execute(
        sa.update(_ROW)
        .where(col(_ROW.id) == stale.id, _ROW.state == "sending", _is(col(_ROW.claimed_by), stale.claimed_by),
               _is(col(_ROW.lease_until), stale.lease_until))
        .values(claimed_by=owner, lease_until=until)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def renew(db: DbSession, outbound_ids: list[int], owner: str, until: datetime) -> None:
    db.execute(sa.update(_ROW).where(col(_ROW.id).in_(outbound_ids), _ROW.state == "sending",
                                     _ROW.claimed_by == owner).values(lease_until=until))


def postpone(db: DbSession, outbound_ids: list[int], owner: str, until: datetime, error: str) -> None:
    """An uncertain send stays ``sending`` (ours) until ``until``; then the sent folder decides."""
    db.execute(sa.update(_ROW).where(col(_ROW.id).in_(outbound_ids), _ROW.state == "sending",
                                     _ROW.claimed_by == owner).values(lease_until=until, last_error=error))


def mark_sent(db: DbSession, outbound_ids: list[int], now: datetime, owner: str) -> int:
    """sending → sent for the rows still ``owner``'s; how many they were."""
    if not outbound_ids:
        return 0
    result = db.execute(
        sa.update(_ROW).where(col(_ROW.id).in_(outbound_ids), _ROW.state == "sending", _ROW.claimed_by == owner)
        .values(state="sent", sent_at=now, last_error=None, lease_until=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def settle(db: DbSession, outbound_id: int, owner: str, state: str, *, now: datetime, error: str | None) -> bool:
    """Our claim ends as ``sent``, ``pending`` (released: nothing left) or ``unknown`` (an admin decides)."""
    values: dict[str, object] = {"state": state, "last_error": error, "lease_until": None}
    if state == "sent":
        values["sent_at"] = now
    if state == "pending":
        values["claimed_by"] = None
    result = db.execute(sa.update(_ROW).where(col(_ROW.id) == outbound_id, _ROW.state == "sending",
                                              _ROW.claimed_by == owner).values(**values))
    return result.rowcount == 1  # type: ignore[attr-defined]
