"""The statements a poll runs for every mail, as plain SQL on the driver's cursor (``db.reader_of``).

A poll of a backlog runs about eight statements per mail: store it raw, read it back, look for an earlier copy,
find the mail it answers, read and add the answer, record the confirmation, note the outcome. Through
SQLAlchemy's execution machinery those cost more than SQLite's own work (issue 15, item 6), so they are written
once here, in SQL that SQLite and PostgreSQL both understand, with the column values the ORM tables define.
``mailrows`` and ``requests`` keep their signatures and delegate here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kgrz_mailbot.storage.readmodel import ReadModel

#: The inbound columns interpretation may set (``update_inbound``); anything else is a bug, not SQL.
INBOUND_SETTABLE = frozenset({
    "message_id", "date_header", "from_address", "subject", "classification", "attempts", "state", "outcome",
    "error", "status_request_id",
})
STORED_COLUMNS = ("id, raw, sha256, message_id, received_at, verified_sender, sender_check, state, outcome, "
                  "attempts")


def insert(reader: ReadModel, table: str, values: dict[str, Any], *, ignore_conflict: bool = False) -> int | None:
    """``INSERT … RETURNING id``; with ``ignore_conflict`` (``ON CONFLICT DO NOTHING``) None when a unique key
    existed, else that conflict raises. ``table`` and the keys of ``values`` are names from this code."""
    columns = ", ".join(values)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflict else ""
    rows = reader.rows(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + k for k in values)})"
                       f"{conflict} RETURNING id", **values)
    return rows[0][0] if rows else None


def stored_mail(reader: ReadModel, inbound_id: int, lock: bool) -> Sequence[Any]:
    """The row of one stored mail (``STORED_COLUMNS``); ``lock`` holds it on PostgreSQL (``FOR UPDATE``)."""
    lock_clause = " FOR UPDATE" if lock and not reader.sqlite else ""
    return reader.rows(f"SELECT {STORED_COLUMNS} FROM inbound_mail WHERE id = :id{lock_clause}", id=inbound_id)[0]


def update_inbound(reader: ReadModel, inbound_id: int, values: dict[str, object]) -> None:
    unknown = set(values) - INBOUND_SETTABLE
    if unknown:
        raise ValueError(f"not settable on inbound_mail: {sorted(unknown)}")
    settings = ", ".join(f"{key} = :{key}" for key in values)
    reader.rows(f"UPDATE inbound_mail SET {settings} WHERE id = :row_id", row_id=inbound_id, **values)


def earlier_copy(reader: ReadModel, inbound_id: int, message_id: str | None, sha256: str) -> int | None:
    """An earlier mail with the same Message-ID (or, without one, the same bytes) that was interpreted."""
    column = "message_id" if message_id else "sha256"
    rows = reader.rows(f"SELECT id FROM inbound_mail WHERE id != :id AND state IN ('processed', 'quarantine') "
                       f"AND {column} = :key ORDER BY id LIMIT 1", id=inbound_id, key=message_id or sha256)
    return rows[0][0] if rows else None


def sent_refs(reader: ReadModel, message_ids: list[str]) -> Sequence[Sequence[Any]]:
    """(message_id, kind, business_key, status_request_id, server_message_id) of our mails with these ids."""
    names = {f"id{n}": message_id for n, message_id in enumerate(message_ids)}
    marks = ", ".join(f":{name}" for name in names)
    return reader.rows("SELECT message_id, kind, business_key, status_request_id, server_message_id "
                       f"FROM outbound_mail WHERE message_id IN ({marks}) OR server_message_id IN ({marks})",
                       **names)


def answer_in_force(reader: ReadModel, request_id: int) -> Sequence[Any] | None:
    """The columns of ``draftdata.answer_of_row`` for the answer in force of one request: latest ``Date:``,
    then arrival, as ``draftdata`` chooses it for a whole session."""
    rows = reader.rows("SELECT sender, sent_at, ampel, fortschritt, stand, weiteres_vorgehen, meilenstein, budget, "
                       "hinweis, unchanged FROM status_update WHERE status_request_id = :request "
                       "ORDER BY sent_at DESC, inbound_mail_id DESC LIMIT 1", request=request_id)
    return rows[0] if rows else None
