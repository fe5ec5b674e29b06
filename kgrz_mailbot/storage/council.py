"""What ``sessions sync`` keeps in the database: the last read per committee, moved and cancelled sessions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import select

from kgrz_mailbot.storage import closure
from kgrz_mailbot.storage.requests import note_move
from kgrz_mailbot.storage.tables import (
    CommitteeRow,
    CouncilSyncRow,
    DraftRow,
    OutboundMailRow,
    SessionActionRow,
    SessionRow,
    StatusRequestRow,
)

log = logging.getLogger("kgrz_mailbot.storage")

#: the session_action row that marks a session cancelled by its council: tick does nothing more for it
CANCELLED = closure.CANCELLED


@dataclass(frozen=True)
class LastRead:
    source: str
    read_at: datetime
    full_read_at: datetime


def last_read(db: DbSession, committee: str) -> LastRead | None:
    row = db.exec(select(CouncilSyncRow).where(CouncilSyncRow.committee == committee)).first()
    return LastRead(row.source, row.read_at, row.full_read_at) if row else None


def record_read(db: DbSession, committee: str, source: str, read_at: datetime, full: bool) -> None:
    """Remember a read that was applied; only a full read moves ``full_read_at``."""
    row = db.exec(select(CouncilSyncRow).where(CouncilSyncRow.committee == committee)).first()
    if row is None:
        db.add(CouncilSyncRow(committee=committee, source=source, read_at=read_at, full_read_at=read_at))
        return
    row.source, row.read_at = source, read_at
    if full:
        row.full_read_at = read_at


def _session_row(db: DbSession, committee: str, day: date) -> SessionRow | None:
    return db.exec(
        select(SessionRow).join(CommitteeRow, CommitteeRow.id == SessionRow.committee_id)
        .where(CommitteeRow.key == committee, SessionRow.date == day)
    ).first()


def _has_history(db: DbSession, session_id: int) -> bool:
    for table in (StatusRequestRow, SessionActionRow, OutboundMailRow, DraftRow):
        if db.exec(select(table.id).where(table.session_id == session_id)).first() is not None:
            return True
    return False


def move_session(db: DbSession, committee: str, day: date, new_day: date, now: datetime) -> bool:
    """Give the session's row its new date, so requests already sent stay with it (never sent twice).

    A row already at the new date without any history (left by an earlier edit) makes way; one with history
    stays, and the move is left to the config mirror's rule for moved sessions. True when moved here.
    """
    row = _session_row(db, committee, day)
    if row is None:
        return False
    target = _session_row(db, committee, new_day)
    if target is not None:
        assert target.id is not None
        if _has_history(db, target.id):
            log.warning("Sitzung %s → %s: am neuen Datum gibt es schon Verlauf; die Verschiebung übernimmt der "
                        "Konfigurationsabgleich", day, new_day)
            return False
        db.delete(target)
        db.flush()
    row.date, row.configured = new_day, True  # the new date is the one in schedule.toml
    assert row.id is not None
    note_move(db, row.id, day, new_day, now)  # the next tick tells the leads already asked the new deadline
    db.flush()
    return True


def mark_cancelled(db: DbSession, session_id: int, now: datetime, note: str) -> None:
    values = {"session_id": session_id, "action": CANCELLED, "done_at": now, "note": note}
    if db.exec(select(SessionActionRow.id).where(SessionActionRow.session_id == session_id,
                                                 SessionActionRow.action == CANCELLED)).first() is None:
        db.add(SessionActionRow(**values))
        closure.forget(db)


def reinstate(db: DbSession, committee: str, day: date) -> bool:
    """A meeting cancelled earlier is on again: its session may run its cycle. True when it had been cancelled."""
    row = _session_row(db, committee, day)
    if row is None:
        return False
    deleted = db.execute(sa.delete(SessionActionRow).where(SessionActionRow.session_id == row.id,
                                                           SessionActionRow.action == CANCELLED))
    closure.forget(db)
    return bool(deleted.rowcount)
