"""What ``plan`` and ``status`` read, as plain SQL that runs on SQLAlchemy or, for speed, on stdlib ``sqlite3``.

The two commands an admin types most only read a handful of rows, yet importing SQLAlchemy, SQLModel and Alembic
alone takes longer than the whole command may (0.4–1.2 s on a busy machine, issue 15). So their queries are
written once, in SQL both SQLite and PostgreSQL understand, and ``open_read_model`` (``storage/quick.py``) runs
them through the stdlib driver when the SQLite file is current, or through the Store's engine otherwise. Values
come back as the domain sees them: dates as ``date``, instants as timezone-aware UTC ``datetime``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

Rows = Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]]
SessionKey = tuple[str, date]  # (committee key, date)


def instant(value: Any) -> datetime | None:
    """A stored instant (naive UTC; a string on SQLite) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class DoneAction:
    done_at: datetime
    note: str


@dataclass(frozen=True)
class RequestState:
    """One status request as ``status`` shows it."""

    id: int
    token: str
    requested: bool
    requested_at: datetime | None
    reminders: int
    answered_by: str | None
    answered_at: datetime | None
    last_problem: str | None


@dataclass(frozen=True)
class DraftVersion:
    version: int
    paths: tuple[str, str, str]  # json, html, docx
    sent_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None


@dataclass(frozen=True)
class OutboxEntry:
    recipients: str
    kind: str
    subject: str
    message_id: str
    created_at: datetime
    inbound_mail_id: int | None


@dataclass(frozen=True)
class NotTaken:
    """A mail matched to a request but not taken from its sender."""

    status_request_id: int
    sender: str | None
    written: datetime  # its Date:, else when it arrived
    reason: str


@dataclass(frozen=True)
class LateMail:
    inbound_id: int
    project_key: str
    sender: str | None
    received_at: datetime


@dataclass(frozen=True)
class ProblemEntry:
    """An open row of the ``problem`` table (``alerts/``)."""

    key: str
    kind: str
    detail: str
    occurrences: int
    transport: bool
    opened_at: datetime
    last_seen_at: datetime
    notified_at: datetime | None


class ReadModel:
    """Plain-SQL queries over one connection; ``rows(sql, params)`` runs one statement. Read-only, except the one
    ``INSERT … RETURNING`` of a draft version (``storage/draftdata.py``), always inside a write transaction."""

    def __init__(self, rows: Rows, sqlite: bool) -> None:
        self._rows = rows
        self._sqlite = sqlite

    @property
    def sqlite(self) -> bool:
        """SQLite (else PostgreSQL): for the few clauses only one of them has, such as ``FOR UPDATE``."""
        return self._sqlite

    def _param(self, value: Any) -> Any:
        """Instants are stored as naive UTC; SQLite keeps them and dates as ISO text in SQLAlchemy's layout."""
        if isinstance(value, datetime):
            value = value.astimezone(UTC).replace(tzinfo=None)
            return value.isoformat(sep=" ", timespec="microseconds") if self._sqlite else value
        if self._sqlite and isinstance(value, date):
            return value.isoformat()
        return value

    def rows(self, sql: str, **params: Any) -> Sequence[Sequence[Any]]:
        return self._rows(sql, {k: self._param(v) for k, v in params.items()})

    def sessions(self) -> dict[SessionKey, int]:
        """Configured sessions as mirrored into the database, with their ids."""
        rows = self.rows("SELECT c.key, s.date, s.id FROM session s JOIN committee c ON c.id = s.committee_id "
                         "WHERE s.configured = :yes", yes=True)
        return {(key, day(when)): sid for key, when, sid in rows}

    def cancelled_sessions(self) -> dict[SessionKey, tuple[int, str]]:
        """Sessions their council cancelled (``sessions sync``), configured or not, with id and the note."""
        rows = self.rows("SELECT c.key, s.date, s.id, a.note FROM session s JOIN committee c ON c.id = s.committee_id "
                         "JOIN session_action a ON a.session_id = s.id WHERE a.action = 'cancelled'")
        return {(key, day(when)): (sid, note or "") for key, when, sid, note in rows}

    def done_actions(self) -> dict[int, dict[str, DoneAction]]:
        """Per session id, the actions carried out (``request``, ``reminder-1`` …) with time and note."""
        result: dict[int, dict[str, DoneAction]] = {}
        for sid, action, done_at, note in self.rows("SELECT session_id, action, done_at, note FROM session_action"):
            result.setdefault(sid, {})[action] = DoneAction(instant(done_at), note or "")  # type: ignore[arg-type]
        return result

    def answered_counts(self) -> dict[int, int]:
        """Per session id, how many requests have a valid answer."""
        rows = self.rows("SELECT r.session_id, COUNT(DISTINCT r.id) FROM status_request r "
                         "JOIN status_update u ON u.status_request_id = r.id GROUP BY r.session_id")
        return {sid: count for sid, count in rows}

    def requests(self, sid: int) -> dict[str, RequestState]:
        """Per project key, the session's request: sent, reminders, the answer in force (latest ``Date:``,
        then arrival, C4) and the problem of the last rejected reply."""
        tokens = {key: (rid, token) for rid, token, key in self.rows(
            "SELECT r.id, r.token, p.key FROM status_request r JOIN project p ON p.id = r.project_id "
            "WHERE r.session_id = :sid", sid=sid)}
        sent: dict[int, list[tuple[str, Any, Any]]] = {}
        for rid, kind, sent_at, created_at in self.rows(
                "SELECT o.status_request_id, o.kind, o.sent_at, o.created_at FROM outbound_mail o "
                "JOIN status_request r ON r.id = o.status_request_id WHERE r.session_id = :sid ORDER BY o.id",
                sid=sid):
            sent.setdefault(rid, []).append((kind, sent_at, created_at))
        answers = {rid: (sender, sent_at) for rid, sender, sent_at in self.rows(
            "SELECT u.status_request_id, u.sender, u.sent_at FROM status_update u JOIN status_request r "
            "ON r.id = u.status_request_id WHERE r.session_id = :sid "
            "ORDER BY u.status_request_id, u.sent_at, u.inbound_mail_id", sid=sid)}  # the last row per id wins
        problems = {rid: error for rid, error in self.rows(
            "SELECT i.status_request_id, i.error FROM inbound_mail i JOIN status_request r "
            "ON r.id = i.status_request_id WHERE r.session_id = :sid AND i.outcome = 'rejected' ORDER BY i.id",
            sid=sid)}
        result = {}
        for key, (rid, token) in tokens.items():
            mails = sent.get(rid, [])
            first = next(((s, c) for kind, s, c in mails if kind == "request"), None)
            sender, answered_at = answers.get(rid, (None, None))
            error = problems.get(rid) if rid not in answers else None
            result[key] = RequestState(
                id=rid, token=token, requested=first is not None,
                requested_at=instant(first[0] or first[1]) if first else None,
                reminders=sum(kind == "reminder" for kind, _, _ in mails), answered_by=sender,
                answered_at=instant(answered_at), last_problem=error.split("\n")[0] if error else None)
        return result

    def absences(self, since: datetime) -> list[tuple[str, datetime, datetime]]:
        """Out-of-office notices that arrived since a point in time, in order of arrival: (sender, the date the
        notice was written — its ``Date:``, else its arrival —, its arrival)."""
        rows = self.rows("SELECT from_address, date_header, received_at FROM inbound_mail "
                         "WHERE classification = 'auto-reply' AND received_at >= :since AND from_address IS NOT NULL "
                         "ORDER BY received_at, id", since=since)
        return [(address, instant(written or arrived), instant(arrived))  # type: ignore[misc]
                for address, written, arrived in rows]

    def not_taken(self, sid: int) -> list[NotTaken]:
        """The mails refused from their sender for the session's requests (``inbox/unheard.py``), oldest first."""
        rows = self.rows("SELECT i.status_request_id, i.from_address, i.date_header, i.received_at, i.error "
                         "FROM inbound_mail i JOIN status_request r ON r.id = i.status_request_id "
                         "WHERE r.session_id = :sid AND i.outcome = 'unauthorised' ORDER BY i.received_at, i.id",
                         sid=sid)
        return [NotTaken(rid, sender, instant(written or arrived), error or "")  # type: ignore[arg-type]
                for rid, sender, written, arrived, error in rows]

    def drafts(self, sid: int) -> list[DraftVersion]:
        rows = self.rows("SELECT version, json_path, html_path, docx_path, sent_at, approved_at, approved_by "
                         "FROM draft WHERE session_id = :sid ORDER BY version", sid=sid)
        return [DraftVersion(v, (j, h, d), instant(s), instant(a), by) for v, j, h, d, s, a, by in rows]

    def quarantined(self) -> int:
        return int(self.rows("SELECT COUNT(*) FROM inbound_mail WHERE state = 'quarantine'")[0][0])

    def outbox(self, state: str) -> list[OutboxEntry]:
        """Outbox rows in one state, oldest first (``unknown``: send not verifiable; ``held``: over the limit)."""
        rows = self.rows("SELECT recipients, kind, subject, message_id, created_at, inbound_mail_id "
                         "FROM outbound_mail WHERE state = :state ORDER BY id", state=state)
        return [OutboxEntry(r, k, s, m, instant(c), i) for r, k, s, m, c, i in rows]  # type: ignore[arg-type]

    def late_mails(self, sid: int) -> list[LateMail]:
        """Replies to the session's requests that came after its record was closed (``inbox/late.py``)."""
        rows = self.rows("SELECT i.id, p.key, i.from_address, i.received_at FROM inbound_mail i "
                         "JOIN status_request r ON r.id = i.status_request_id JOIN project p ON p.id = r.project_id "
                         "WHERE r.session_id = :sid AND i.outcome = 'late' ORDER BY i.id", sid=sid)
        return [LateMail(i, key, sender, instant(at)) for i, key, sender, at in rows]  # type: ignore[arg-type]

    def open_problems(self) -> list[ProblemEntry]:
        """Open problems, oldest first."""
        rows = self.rows("SELECT key, kind, detail, occurrences, transport, opened_at, last_seen_at, notified_at "
                         "FROM problem WHERE open_key IS NOT NULL ORDER BY opened_at")
        return [ProblemEntry(key, kind, detail, occurrences, bool(transport), instant(opened),  # type: ignore[arg-type]
                             instant(seen), instant(notified))  # type: ignore[arg-type]
                for key, kind, detail, occurrences, transport, opened, seen, notified in rows]
