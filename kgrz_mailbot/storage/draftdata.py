"""What a draft is compiled from and what it leaves: answers in force, previous reports, versions; plain SQL.

Written once, in SQL both SQLite and PostgreSQL understand, for a ``ReadModel`` on either driver: ``compile``
without ``--send`` runs it on the stdlib ``sqlite3`` driver (importing SQLAlchemy and SQLModel alone took longer
than the whole command may, issue 15), everything else on the Store's connection inside its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kgrz_mailbot.domain.drafting import Answer
from kgrz_mailbot.domain.model import Ampel, StatusFields
from kgrz_mailbot.storage.readmodel import ReadModel, day, instant


def _in_force(where: str, order: str = "") -> str:
    """The answer in force per request of the requests ``where`` selects: latest ``Date:``, then arrival (C4)."""
    return ("SELECT u.session_date, u.project_key, u.sender, u.sent_at, u.ampel, u.fortschritt, u.stand, "
            "u.weiteres_vorgehen, u.meilenstein, u.budget, u.hinweis, u.unchanged FROM ("
            " SELECT x.*, s.date AS session_date, p.key AS project_key, ROW_NUMBER() OVER ("
            "  PARTITION BY x.status_request_id ORDER BY x.sent_at DESC, x.inbound_mail_id DESC) AS place"
            " FROM status_update x JOIN status_request r ON r.id = x.status_request_id"
            " JOIN session s ON s.id = r.session_id JOIN committee c ON c.id = s.committee_id"
            f" JOIN project p ON p.id = r.project_id WHERE {where}"
            f") u WHERE u.place = 1{order}")  # fmt: skip


def answer_of_row(row: Sequence[Any]) -> Answer:
    """An answer from its columns: sender, sent_at, ampel, fortschritt, stand, weiteres_vorgehen, meilenstein,
    budget, hinweis, unchanged."""
    sender, sent_at, ampel, fortschritt, stand, weiter, meilenstein, budget, hinweis, unchanged = row
    fields = StatusFields(stand=stand, ampel=Ampel(ampel) if ampel else None, fortschritt=fortschritt,
                          weiteres_vorgehen=weiter, meilenstein=meilenstein, budget=budget, hinweis=hinweis,
                          unchanged=bool(unchanged))  # fmt: skip
    return Answer(fields=fields, sender=sender, answered_at=instant(sent_at))  # type: ignore[arg-type]


def answers_of_session(reader: ReadModel, sid: int) -> dict[str, Answer]:
    """Project key → answer in force for one session."""
    return {row[1]: answer_of_row(row[2:]) for row in reader.rows(_in_force("s.id = :sid"), sid=sid)}


def previous_answers(reader: ReadModel, committee: str, before: date) -> dict[str, tuple[date, Answer]]:
    """Per project, the answer of the last earlier session of the committee in which it was answered.

    An ``unverändert`` answer carries no text of its own, so it is resolved against the session
    before it; the quoted text is what the Vorlage of that session showed.
    """
    rows = reader.rows(_in_force("c.key = :committee AND s.date < :before", " ORDER BY u.session_date"),
                       committee=committee, before=before)  # fmt: skip
    result: dict[str, tuple[date, Answer]] = {}
    for row in rows:  # ascending by date, so later sessions overwrite earlier ones
        key, answer = row[1], answer_of_row(row[2:])
        if answer.fields.unchanged and key in result:
            earlier = result[key][1].fields
            answer = Answer(fields=StatusFields(**{**answer.fields.__dict__, "stand": earlier.stand,
                                                   "unchanged": False}),
                            sender=answer.sender, answered_at=answer.answered_at)  # fmt: skip
        if answer.fields.stand:
            result[key] = (day(row[0]), answer)
    return result


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


_DRAFTS = ("SELECT id, session_id, version, created_at, content_hash, content_json, json_path, html_path, docx_path, "
           "sent_at, approved_at, approved_by FROM draft WHERE ")


def _record(row: Sequence[Any]) -> DraftRecord:
    did, sid, version, created, digest, content, json_path, html_path, docx_path, sent, approved, by = row
    return DraftRecord(did, sid, version, instant(created), digest, content,  # type: ignore[arg-type]
                       (json_path, html_path, docx_path), instant(sent), instant(approved), by)  # fmt: skip


def drafts_of_session(reader: ReadModel, sid: int) -> list[DraftRecord]:
    """The session's versions, oldest first."""
    return [_record(r) for r in reader.rows(_DRAFTS + "session_id = :sid ORDER BY version", sid=sid)]


def latest_draft(reader: ReadModel, sid: int) -> DraftRecord | None:
    rows = reader.rows(_DRAFTS + "session_id = :sid ORDER BY version DESC LIMIT 1", sid=sid)
    return _record(rows[0]) if rows else None


def draft_by_id(reader: ReadModel, draft_id: int) -> DraftRecord:
    return _record(reader.rows(_DRAFTS + "id = :id", id=draft_id)[0])


def add_draft(reader: ReadModel, *, sid: int, version: int, now: datetime, content_hash: str, content_json: str,
              paths: tuple[str, str, str]) -> DraftRecord:  # fmt: skip
    """A new version; the unique (session, version) refuses a second writer of the same version."""
    rows = reader.rows("INSERT INTO draft (session_id, version, created_at, content_hash, content_json, json_path, "
                       "html_path, docx_path) VALUES (:sid, :version, :now, :hash, :content, :json, :html, :docx) "
                       "RETURNING id", sid=sid, version=version, now=now, hash=content_hash, content=content_json,
                       json=paths[0], html=paths[1], docx=paths[2])  # fmt: skip
    return DraftRecord(rows[0][0], sid, version, now, content_hash, content_json, paths, None, None, None)
