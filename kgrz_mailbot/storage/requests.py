"""Status requests, timeline actions and the answers in force, mapped to domain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from kgrz_mailbot.domain.drafting import Answer
from kgrz_mailbot.domain.model import StatusFields
from kgrz_mailbot.storage import closure, draftdata, pollsql
from kgrz_mailbot.storage.db import insert_ignore, reader_of
from kgrz_mailbot.storage.tables import (
    CommitteeRow,
    ProjectRow,
    SessionActionRow,
    SessionRow,
    StatusRequestRow,
    StatusUpdateRow,
)


@dataclass(frozen=True)
class RequestRef:
    """A status request as the jobs see it."""

    id: int
    token: str
    session_id: int
    committee: str
    session_date: date
    project_key: str


def _ref_query():  # type: ignore[no-untyped-def]
    return (
        select(StatusRequestRow, SessionRow.date, CommitteeRow.key, ProjectRow.key)
        .join(SessionRow, SessionRow.id == StatusRequestRow.session_id)
        .join(CommitteeRow, CommitteeRow.id == SessionRow.committee_id)
        .join(ProjectRow, ProjectRow.id == StatusRequestRow.project_id)
    )


def _ref(row: tuple[StatusRequestRow, date, str, str]) -> RequestRef:
    request, day, committee, project = row
    assert request.id is not None
    return RequestRef(request.id, request.token, request.session_id, committee, day, project)


def ensure_request(db: DbSession, sid: int, pid: int, now: datetime, new_token: Callable[[], str]) -> RequestRef:
    """The request of session × project, created with a fresh token on first use."""
    query = select(StatusRequestRow.id).where(StatusRequestRow.session_id == sid, StatusRequestRow.project_id == pid)
    request_id = db.exec(query).first()
    if request_id is None:
        insert_ignore(db, StatusRequestRow, {"session_id": sid, "project_id": pid, "token": new_token(),
                                             "created_at": now})
        request_id = db.exec(query).one()  # ours, or the one another instance inserted first
    return request_by_id(db, request_id)


# Columns in RequestRef's order, built once: every reply a poll takes asks for its request (issue 15, item 6).
_REF_BY_ID = (
    sa.select(StatusRequestRow.id, StatusRequestRow.token, StatusRequestRow.session_id, CommitteeRow.key,
              SessionRow.date, ProjectRow.key)
    .join(SessionRow, col(SessionRow.id) == col(StatusRequestRow.session_id))
    .join(CommitteeRow, col(CommitteeRow.id) == col(SessionRow.committee_id))
    .join(ProjectRow, col(ProjectRow.id) == col(StatusRequestRow.project_id))
    .where(col(StatusRequestRow.id) == sa.bindparam("request"))
)


def request_by_id(db: DbSession, request_id: int) -> RequestRef:
    cache = db.info.setdefault("request_refs", {})  # per transaction: a poll chunk asks for the same few often
    if request_id not in cache:
        cache[request_id] = RequestRef(*db.connection().execute(_REF_BY_ID, {"request": request_id}).one())
    return cache[request_id]


def request_by_token(db: DbSession, token: str) -> RequestRef | None:
    row = db.exec(_ref_query().where(StatusRequestRow.token == token.upper())).first()
    return _ref(row) if row else None


def requests_of_session(db: DbSession, sid: int) -> list[RequestRef]:
    return [_ref(r) for r in db.exec(_ref_query().where(StatusRequestRow.session_id == sid)).all()]


def requests_of_projects(db: DbSession, project_keys: list[str], since: date) -> list[RequestRef]:
    """Requests of the given projects for sessions on or after ``since`` (the open ones)."""
    query = _ref_query().where(col(ProjectRow.key).in_(project_keys), SessionRow.date >= since)
    return [_ref(r) for r in db.exec(query.order_by(SessionRow.date)).all()]


def done_actions(db: DbSession, sid: int) -> dict[str, datetime]:
    rows = db.exec(select(SessionActionRow).where(SessionActionRow.session_id == sid)).all()
    return {r.action: r.done_at for r in rows}


def action_notes(db: DbSession, sid: int) -> dict[str, str]:
    """What each done action recorded (``6 Abfragen``, ``übersprungen: …``) for ``plan``."""
    rows = db.exec(select(SessionActionRow).where(SessionActionRow.session_id == sid)).all()
    return {r.action: r.note for r in rows}


MOVED = "moved-from-"  # the action noted on a session whose date changed: moved-from-2018-09-19


def note_move(db: DbSession, sid: int, old: date, new: date, now: datetime) -> None:
    """Record that the session moved from ``old`` (``jobs/rescheduled.py`` tells the leads already asked)."""
    insert_ignore(db, SessionActionRow, {"session_id": sid, "action": f"{MOVED}{old.isoformat()}", "done_at": now,
                                         "note": f"verschoben auf {new:%d.%m.%Y}"})


def moved_from(db: DbSession, sid: int) -> list[date]:
    """The dates the session had before it was moved (oldest move first)."""
    query = select(SessionActionRow).where(SessionActionRow.session_id == sid,
                                           col(SessionActionRow.action).startswith(MOVED))
    rows = sorted(db.exec(query).all(), key=lambda r: r.done_at)
    return [date.fromisoformat(r.action.removeprefix(MOVED)) for r in rows]


def mark_action(db: DbSession, sid: int, action: str, now: datetime, note: str = "") -> None:
    insert_ignore(db, SessionActionRow, {"session_id": sid, "action": action, "done_at": now, "note": note})
    closure.forget(db)  # the action may be a cancellation


def add_update(db: DbSession, request_id: int, inbound_id: int, sender: str, sent_at: datetime,
               received_at: datetime, fields: StatusFields) -> None:
    # An answer changes what later sessions quote as "previous", so only those cached quotes are stale.
    answered = request_by_id(db, request_id)
    cache = db.info.get("previous_answers", {})
    for committee, before in [k for k in cache if k[0] == answered.committee and k[1] > answered.session_date]:
        del cache[(committee, before)]
    pollsql.insert(reader_of(db), "status_update", dict(
        status_request_id=request_id, inbound_mail_id=inbound_id, sender=sender, sent_at=sent_at,
        received_at=received_at, ampel=fields.ampel.value if fields.ampel else None,
        fortschritt=fields.fortschritt, stand=fields.stand, weiteres_vorgehen=fields.weiteres_vorgehen,
        meilenstein=fields.meilenstein, budget=fields.budget, hinweis=fields.hinweis, unchanged=fields.unchanged,
    ))


def answered_since(db: DbSession, sid: int, since: datetime) -> bool:
    """Whether a valid answer for the session arrived after ``since`` (a Nachtrag may be needed)."""
    query = (
        select(StatusUpdateRow.id)
        .join(StatusRequestRow, StatusRequestRow.id == StatusUpdateRow.status_request_id)
        .where(StatusRequestRow.session_id == sid, col(StatusUpdateRow.received_at) > since)
    )
    return db.exec(query.limit(1)).first() is not None


def answers_of_session(db: DbSession, sid: int) -> dict[str, Answer]:
    """Project key → answer in force for one session (the SQL ``compile`` also runs without SQLAlchemy)."""
    return draftdata.answers_of_session(reader_of(db), sid)


def answer_of_request(db: DbSession, request_id: int) -> Answer | None:
    """The answer in force of one request (as ``draftdata`` chooses it for a whole session)."""
    row = pollsql.answer_in_force(reader_of(db), request_id)
    return draftdata.answer_of_row(row) if row else None


def previous_answers(db: DbSession, committee: str, before: date) -> dict[str, tuple[date, Answer]]:
    """Per project, the answer of the last earlier session of the committee in which it was answered.

    An ``unverändert`` answer carries no text of its own, so it is resolved against the session
    before it; the quoted text is what the Vorlage of that session showed.
    """
    cache = db.info.setdefault("previous_answers", {})
    if (committee, before) not in cache:
        cache[(committee, before)] = draftdata.previous_answers(reader_of(db), committee, before)
    return cache[(committee, before)]
