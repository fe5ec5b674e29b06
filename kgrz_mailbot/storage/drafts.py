"""Draft versions of a session's Vorlage: files, content hash, sending and approval."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from kgrz_mailbot.storage import closure, draftdata
from kgrz_mailbot.storage.db import reader_of
from kgrz_mailbot.storage.draftdata import DraftRecord
from kgrz_mailbot.storage.tables import DraftRow


def latest_draft(db: DbSession, sid: int) -> DraftRecord | None:
    return draftdata.latest_draft(reader_of(db), sid)


def drafts_of_session(db: DbSession, sid: int) -> list[DraftRecord]:
    return draftdata.drafts_of_session(reader_of(db), sid)


def mark_draft_sent(db: DbSession, draft_id: int, now: datetime) -> None:
    db.execute(sa.update(DraftRow).where(col(DraftRow.id) == draft_id).values(sent_at=now))


def approve_draft(db: DbSession, draft_id: int, by: str, now: datetime) -> bool:
    """Mark a version approved; False when it already was."""
    result = db.execute(
        sa.update(DraftRow)
        .where(col(DraftRow.id) == draft_id, col(DraftRow.approved_at).is_(None))
        .values(approved_at=now, approved_by=by)
    )
    closure.forget(db)  # the session's record is closed from now on, also for the rest of this poll chunk
    return result.rowcount == 1  # type: ignore[attr-defined]


def is_approved(db: DbSession, sid: int) -> bool:
    """Whether any version of the session's draft was approved (the session's record is then closed)."""
    query = select(DraftRow.id).where(DraftRow.session_id == sid, col(DraftRow.approved_at).is_not(None))
    return db.exec(query.limit(1)).first() is not None


def draft_by_id(db: DbSession, draft_id: int) -> DraftRecord:
    return draftdata.draft_by_id(reader_of(db), draft_id)
