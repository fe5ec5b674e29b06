"""Inbox and outbox rows: raw mail stored before interpretation, outbound mail before sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from kgrz_mailbot.storage import pollsql
from kgrz_mailbot.storage.db import reader_of
from kgrz_mailbot.storage.readmodel import NotTaken, instant
from kgrz_mailbot.storage.tables import InboundMailRow, OutboundMailRow

#: ``(message_id, transport reference, server Message-ID)`` a transport records before sending (see sentids)
Staged = list[tuple[str, str, str | None]]


@dataclass(frozen=True)
class Outgoing:
    """A mail to be recorded in the outbox; ``raw`` already carries ``message_id``."""

    business_key: str
    message_id: str
    kind: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes
    session_id: int | None = None
    status_request_id: int | None = None
    inbound_mail_id: int | None = None


# --- inbox -----------------------------------------------------------------------------------------


def store_inbound(db: DbSession, *, source_key: str, raw: bytes, sha256: str, message_id: str | None,
                  received_at: datetime, verified_sender: str | None = None,
                  sender_check: str | None = None) -> int | None:
    """Insert the raw mail; ``None`` when this transport identity is already stored."""
    return pollsql.insert(reader_of(db), "inbound_mail", ignore_conflict=True, values={
        "source_key": source_key, "raw": raw, "sha256": sha256, "message_id": message_id, "size": len(raw),
        "received_at": received_at, "verified_sender": verified_sender, "sender_check": sender_check,
        "state": "stored", "subject": "",
        "attempts": 0, "acked": False,
    })


@dataclass(frozen=True)
class StoredMail:
    """One stored inbound mail as interpretation needs it (read with Core: no ORM bookkeeping per mail)."""

    id: int
    raw: bytes
    sha256: str
    message_id: str | None
    received_at: datetime
    verified_sender: str | None
    sender_check: str | None
    state: str
    outcome: str | None
    attempts: int


def stored_mail(db: DbSession, inbound_id: int, lock: bool = False) -> StoredMail:
    """``lock`` holds the row for this transaction so two instances never interpret it twice
    (``FOR UPDATE`` on PostgreSQL; SQLite's single writer already serialises)."""
    row = pollsql.stored_mail(reader_of(db), inbound_id, lock)
    return StoredMail(*row[:4], instant(row[4]), *row[5:])  # type: ignore[arg-type]


def update_inbound(db: DbSession, inbound_id: int, values: dict[str, object]) -> None:
    """SET exactly the given columns."""
    pollsql.update_inbound(reader_of(db), inbound_id, values)


def stored_inbound_sizes(db: DbSession) -> list[tuple[int, int]]:
    """(id, size in bytes) of the mails stored but not yet interpreted, in arrival order."""
    query = sa.select(InboundMailRow.id, InboundMailRow.size).where(
        InboundMailRow.state == "stored").order_by(InboundMailRow.id)
    return [(i, size) for i, size in db.execute(query)]


def stored_inbound_ids(db: DbSession) -> list[int]:
    """Mails stored but not yet interpreted, in arrival order."""
    query = select(InboundMailRow.id).where(InboundMailRow.state == "stored").order_by(InboundMailRow.id)
    return [i for i in db.exec(query).all() if i is not None]


def inbound(db: DbSession, inbound_id: int, lock: bool = False) -> InboundMailRow:
    """One stored mail; ``lock`` holds it for this transaction so two instances never interpret it twice
    (``FOR UPDATE`` on PostgreSQL; SQLite's single writer already serialises)."""
    query = select(InboundMailRow).where(InboundMailRow.id == inbound_id)
    return db.exec(query.with_for_update() if lock else query).one()


def already_processed(db: DbSession, inbound_id: int, message_id: str | None, sha256: str) -> int | None:
    """An earlier mail with the same Message-ID (or, without one, the same bytes) that was interpreted."""
    return pollsql.earlier_copy(reader_of(db), inbound_id, message_id, sha256)


def unacknowledged(db: DbSession, prefix: str) -> list[tuple[int, str, str]]:
    """(id, transport key, state) of interpreted mails not yet moved on the server."""
    rows = db.exec(
        select(InboundMailRow.id, InboundMailRow.source_key, InboundMailRow.state).where(
            InboundMailRow.acked == False,  # noqa: E712 - SQL expression
            InboundMailRow.state != "stored",
            col(InboundMailRow.source_key).startswith(prefix),
        )
    ).all()
    return [(i, key.removeprefix(prefix), state) for i, key, state in rows]


def quarantined(db: DbSession) -> list[InboundMailRow]:
    query = select(InboundMailRow).where(InboundMailRow.state == "quarantine").order_by(InboundMailRow.id)
    return list(db.exec(query).all())


def release_from_quarantine(db: DbSession, inbound_id: int) -> bool:
    """Back to ``stored`` for one more try after a fix; the file stays where it is on the server."""
    result = db.execute(
        sa.update(InboundMailRow)
        .where(col(InboundMailRow.id) == inbound_id, InboundMailRow.state == "quarantine")
        .values(state="stored", attempts=0, outcome=None)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_acknowledged(db: DbSession, inbound_ids: list[int]) -> None:
    if inbound_ids:
        db.execute(sa.update(InboundMailRow).where(col(InboundMailRow.id).in_(inbound_ids)).values(acked=True))


def raw_of(db: DbSession, inbound_ids: list[int]) -> dict[int, bytes]:
    """The raw bytes of several stored mails in one query."""
    rows = db.execute(sa.select(InboundMailRow.id, InboundMailRow.raw).where(col(InboundMailRow.id).in_(inbound_ids)))
    return {i: raw for i, raw in rows}


def absences(db: DbSession, addresses: list[str], since: datetime) -> dict[str, datetime]:
    """Out-of-office notices received from these addresses since a point in time: per address the date the latest
    notice was written (its ``Date:``; when it arrived only where it has none), not when a poll fetched it."""
    rows = db.exec(
        select(InboundMailRow.from_address, InboundMailRow.date_header, InboundMailRow.received_at).where(
            InboundMailRow.classification == "auto-reply",
            col(InboundMailRow.from_address).in_(addresses),
            InboundMailRow.received_at >= since,
        ).order_by(InboundMailRow.received_at, InboundMailRow.id)
    ).all()
    return {address: written or arrived for address, written, arrived in rows if address}


def not_taken(db: DbSession, request_ids: list[int]) -> list[NotTaken]:
    """The mails refused for these requests, oldest first."""
    if not request_ids:
        return []
    rows = db.exec(
        select(InboundMailRow.status_request_id, InboundMailRow.from_address, InboundMailRow.date_header,
               InboundMailRow.received_at, InboundMailRow.error).where(
            InboundMailRow.outcome == "unauthorised", col(InboundMailRow.status_request_id).in_(request_ids),
        ).order_by(InboundMailRow.received_at, InboundMailRow.id)
    ).all()
    return [NotTaken(request_id, sender, written or arrived, error or "")
            for request_id, sender, written, arrived, error in rows if request_id is not None]


# --- outbox ----------------------------------------------------------------------------------------


def record_outgoing(db: DbSession, mail: Outgoing, now: datetime, *, state: str = "pending",
                    note: str | None = None) -> bool:
    """Add the mail to the outbox unless its business key exists; True when it was added.

    ``state="held"`` stores an answer over the rate limit: kept, listed by ``status``, never sent.
    """
    added = pollsql.insert(reader_of(db), "outbound_mail", ignore_conflict=True, values={
        "business_key": mail.business_key, "message_id": mail.message_id, "kind": mail.kind,
        "session_id": mail.session_id, "status_request_id": mail.status_request_id,
        "inbound_mail_id": mail.inbound_mail_id, "recipients": ",".join(mail.recipients), "subject": mail.subject,
        "raw": mail.raw, "created_at": now, "state": state, "attempts": 0, "last_error": note,
    }) is not None
    counts: dict[str, tuple[datetime, int]] = db.info.get("answers_since", {})
    if added and mail.inbound_mail_id is not None and state != "held" and len(mail.recipients) == 1:
        # the counted column holds all recipients joined: only a single-recipient answer adds to a kept count
        if (known := counts.get(mail.recipients[0])) is not None:
            counts[mail.recipients[0]] = (known[0], known[1] + 1)
    return added


_ANSWERS_SINCE = sa.select(sa.func.count()).where(
    col(OutboundMailRow.recipients) == sa.bindparam("recipient"),
    col(OutboundMailRow.created_at) >= sa.bindparam("since"),
    col(OutboundMailRow.inbound_mail_id).is_not(None),
    OutboundMailRow.state != "held",
)


def answers_since(db: DbSession, recipient: str, since: datetime) -> int:
    """Answers to inbound mails queued for one address since a point in time (held ones not counted)."""
    return int(db.connection().execute(_ANSWERS_SINCE, {"recipient": recipient, "since": since}).scalar_one())


def answer_limit_reached(db: DbSession, recipient: str, since: datetime, limit: int) -> bool:
    """Have ``limit`` answers to this address been queued since ``since``?

    Counted once per transaction and address, then kept by ``record_outgoing``: a poll of many replies from one
    lead counted all earlier answers again for each one. The kept figure is an upper bound (answers only leave
    the window as ``since`` moves on), so it is counted afresh when it reaches the limit or ``since`` goes back.
    """
    counts: dict[str, tuple[datetime, int]] = db.info.setdefault("answers_since", {})
    known = counts.get(recipient)
    if known is not None and known[0] <= since and known[1] < limit:
        return False
    counts[recipient] = (since, answers_since(db, recipient, since))
    return counts[recipient][1] >= limit


def held_answers(db: DbSession) -> list[OutboundMailRow]:
    """Answers stored over the rate limit and never sent, oldest first."""
    query = select(OutboundMailRow).where(OutboundMailRow.state == "held").order_by(OutboundMailRow.id)
    return list(db.exec(query).all())


def outgoing_exists(db: DbSession, business_key: str) -> bool:
    query = select(OutboundMailRow.id).where(OutboundMailRow.business_key == business_key)
    return db.exec(query).first() is not None


@dataclass(frozen=True)
class SentRef:
    """What matching needs of one of our sent mails (not its body)."""

    message_id: str
    kind: str
    business_key: str
    status_request_id: int | None
    server_message_id: str | None = None  # the Message-ID the server gave the mail instead of ours (Graph)


def outgoing_by_message_ids(db: DbSession, message_ids: list[str]) -> list[SentRef]:
    if not message_ids:
        return []
    return [SentRef(*row) for row in pollsql.sent_refs(reader_of(db), message_ids)]


def outbox_rows_by_keys(db: DbSession, business_keys: list[str]) -> list[OutboundMailRow]:
    if not business_keys:
        return []
    return list(db.exec(select(OutboundMailRow).where(col(OutboundMailRow.business_key).in_(business_keys))).all())


def outbox_rows(db: DbSession, state: str, limit: int | None = None) -> list[OutboundMailRow]:
    query = select(OutboundMailRow).where(OutboundMailRow.state == state).order_by(OutboundMailRow.id)
    if state == "pending":  # PostgreSQL: two instances take disjoint rows and never wait for each other
        query = query.with_for_update(skip_locked=True)
    return list(db.exec(query.limit(limit)).all())


def set_outbound_state(db: DbSession, outbound_id: int, state: str, *, now: datetime | None = None,
                       error: str | None = None) -> None:
    values: dict[str, object] = {"state": state, "last_error": error}
    if state == "sent":
        values["sent_at"] = now
    db.execute(sa.update(OutboundMailRow).where(col(OutboundMailRow.id) == outbound_id).values(**values))


def count_kind(db: DbSession, *, kind: str, status_request_id: int, recipient: str, since: datetime) -> int:
    """How many mails of one kind went to a recipient for a request recently (explanation rate limit)."""
    rows = db.exec(
        select(OutboundMailRow.recipients).where(
            OutboundMailRow.kind == kind,
            OutboundMailRow.status_request_id == status_request_id,
            OutboundMailRow.created_at >= since,
        )
    ).all()
    return sum(1 for r in rows if recipient in r.split(","))


def reminders_sent(db: DbSession, status_request_id: int) -> int:
    query = select(sa.func.count()).where(
        OutboundMailRow.status_request_id == status_request_id, OutboundMailRow.kind == "reminder"
    )
    return int(db.exec(query).one())


def request_was_sent(db: DbSession, status_request_id: int) -> bool:
    query = select(OutboundMailRow.id).where(
        OutboundMailRow.status_request_id == status_request_id, OutboundMailRow.kind == "request"
    )
    return db.exec(query).first() is not None





_REQUEST_SENT = sa.select(OutboundMailRow.sent_at, OutboundMailRow.created_at).where(
    col(OutboundMailRow.status_request_id) == sa.bindparam("request"), OutboundMailRow.kind == "request",
).order_by(OutboundMailRow.id).limit(1)


def request_sent_at(db: DbSession, status_request_id: int) -> datetime | None:
    """When the request mail itself went out (queued, if not yet sent); only the two instants are read.

    Every reply to a request asks this, so a sending time is kept for the transaction: it never changes once
    set (nothing resets ``sent_at``); a queued request's creation time is not kept, as it may be sent meanwhile.
    """
    cache: dict[int, datetime] = db.info.setdefault("request_sent_at", {})
    if status_request_id in cache:
        return cache[status_request_id]
    row = db.connection().execute(_REQUEST_SENT, {"request": status_request_id}).first()
    if row is None:
        return None
    sent_at, created_at = row
    if sent_at is not None:
        cache[status_request_id] = sent_at
    return sent_at or created_at  # type: ignore[no-any-return]


def outbox_rows_of_request(db: DbSession, status_request_id: int) -> list[OutboundMailRow]:
    query = select(OutboundMailRow).where(OutboundMailRow.status_request_id == status_request_id)
    return list(db.exec(query.order_by(OutboundMailRow.id)).all())


def sent_at_of_request(db: DbSession, status_request_id: int) -> datetime | None:
    rows = [r for r in outbox_rows_of_request(db, status_request_id) if r.kind == "request"]
    return (rows[0].sent_at or rows[0].created_at) if rows else None


def late_mails(db: DbSession, request_ids: list[int]) -> list[tuple[int, int, str | None, datetime]]:
    """(inbound id, request id, sender, arrival) of replies that came after their session's record was closed."""
    if not request_ids:
        return []
    query = select(InboundMailRow.id, InboundMailRow.status_request_id, InboundMailRow.from_address,
                   InboundMailRow.received_at).where(
        col(InboundMailRow.status_request_id).in_(request_ids), InboundMailRow.outcome == "late",
    ).order_by(InboundMailRow.id)
    return [(i, r, sender, at) for i, r, sender, at in db.exec(query).all() if i is not None and r is not None]


def last_rejection_problems(db: DbSession, status_request_id: int) -> list[str]:
    """The problems named in the latest explanation for a request, for reminders and escalation."""
    error = db.exec(
        select(InboundMailRow.error)
        .where(InboundMailRow.status_request_id == status_request_id, InboundMailRow.outcome == "rejected")
        .order_by(col(InboundMailRow.id).desc())
    ).first()
    return error.split("\n") if error else []
