"""Draft versions of a session's Vorlage: files, content hash, sending and approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from kgrz_mailbot.storage import closure
from kgrz_mailbot.storage.tables import DraftRow


@dataclass(frozen=True)
class DraftRecord:
    id: int
    session_id: int
    version: int
    created_at: datetime
    content_hash: str
    content_json: str
    paths: tuple[str, str, str]  # json, html, docx
    sent_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None


def _record(row: DraftRow) -> DraftRecord:
    assert row.id is not None
    return DraftRecord(
        row.id,
        row.session_id,
        row.version,
        row.created_at,
        row.content_hash,
        row.content_json,
        (row.json_path, row.html_path, row.docx_path),
        row.sent_at,
        row.approved_at,
        row.approved_by,
    )


def latest_draft(db: DbSession, sid: int) -> DraftRecord | None:
    row = db.exec(select(DraftRow).where(DraftRow.session_id == sid).order_by(col(DraftRow.version).desc())).first()
    return _record(row) if row else None


def drafts_of_session(db: DbSession, sid: int) -> list[DraftRecord]:
    rows = db.exec(select(DraftRow).where(DraftRow.session_id == sid).order_by(DraftRow.version)).all()
    return [_record(r) for r in rows]


def add_draft(
    db: DbSession,
    *,
    sid: int,
    version: int,
    now: datetime,
    content_hash: str,
    content_json: str,
    paths: tuple[str, str, str],
) -> DraftRecord:
    row = DraftRow(
        session_id=sid,
        version=version,
        created_at=now,
        content_hash=content_hash,
        content_json=content_json,
        json_path=paths[0],
        html_path=paths[1],
        docx_path=paths[2],
    )
    db.add(row)
    db.flush()
    return _record(row)


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
    return _record(db.exec(select(DraftRow).where(DraftRow.id == draft_id)).one())
