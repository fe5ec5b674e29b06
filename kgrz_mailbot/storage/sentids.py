"""What a server transport tells about our sent mails: the handle recorded before sending (Graph's draft id) and
the Message-ID the server gave the mail, which a reply may quote instead of ours."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col

from kgrz_mailbot.storage.tables import OutboundMailRow

_RECORD = sa.update(OutboundMailRow).where(col(OutboundMailRow.message_id) == sa.bindparam("mid")).values(
    transport_ref=sa.bindparam("ref"), server_message_id=sa.bindparam("server_id"))


def record_refs(db: DbSession, staged: list[tuple[str, str, str | None]]) -> None:
    """Store ``(message_id, transport reference, server Message-ID)`` of mails about to be sent."""
    rows = [{"mid": mid, "ref": ref, "server_id": server_id if server_id and server_id != mid else None}
            for mid, ref, server_id in staged]
    if rows:
        db.connection().execute(_RECORD, rows)


def refs_of(db: DbSession, outbound_ids: list[int]) -> dict[int, str]:
    """The recorded transport reference per outbox row, for rows that have one."""
    if not outbound_ids:
        return {}
    query = sa.select(OutboundMailRow.id, OutboundMailRow.transport_ref).where(
        col(OutboundMailRow.id).in_(outbound_ids), col(OutboundMailRow.transport_ref).is_not(None))
    return {i: ref for i, ref in db.connection().execute(query)}


def awaiting_readback(db: DbSession, limit: int = 100) -> list[tuple[int, str, str, datetime | None]]:
    """Sent rows whose sent copy has not been read back yet: ``(id, message_id, reference, sent_at)``."""
    query = sa.select(OutboundMailRow.id, OutboundMailRow.message_id, OutboundMailRow.transport_ref,
                      OutboundMailRow.sent_at).where(
        OutboundMailRow.state == "sent", col(OutboundMailRow.transport_ref).is_not(None)
    ).order_by(OutboundMailRow.id).limit(limit)
    return [(i, mid, ref, at) for i, mid, ref, at in db.connection().execute(query)]


def read_back(db: DbSession, outbound_id: int, message_id: str, server_id: str | None) -> None:
    """The sent copy was read (or given up on): keep the server's Message-ID, drop the transport reference."""
    values: dict[str, object] = {"transport_ref": None}
    if server_id:
        values["server_message_id"] = server_id if server_id != message_id else None
    db.execute(sa.update(OutboundMailRow).where(col(OutboundMailRow.id) == outbound_id).values(**values))
