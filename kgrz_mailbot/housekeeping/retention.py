"""DSGVO retention: purge raw mails and outbox bodies after their period; export one person's data.

What is kept and why (RELIABILITY.md §5.6): the ``status_update`` rows are the report itself and stay;
metadata of every mail (who, when, Message-ID, outcome) stays as the record of processing. What goes is the
raw RFC 822 text: inbound after ``raw_mail_days`` (default 90), outbound after ``outbox_body_days``
(default 30). Rows are blanked (``raw = b""``), never deleted, so the outbox keeps its unique keys and
nothing is sent twice after a purge. The Maildir copies of blanked mails go too when ``maildir`` is given.
Erasing one person (Art. 17) is ``housekeeping/erase.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import SQLModel, col, select

from kgrz_mailbot.domain.words import CLASSIFICATIONS, KINDS, OUTCOMES, ROLES, STATES, word
from kgrz_mailbot.errors import MailbotError
from kgrz_mailbot.storage.store import Store
from kgrz_mailbot.storage.tables import (
    DraftRow,
    InboundMailRow,
    OutboundMailRow,
    PersonRow,
    ProjectRow,
    SessionRow,
    StatusRequestRow,
    StatusUpdateRow,
)
from kgrz_mailbot.transports.maildir.transport import sent_name

FINISHED_INBOUND = ("processed", "quarantine", "failed", "duplicate")  # "stored" still waits for interpretation
BATCH = 200  # raw blobs read per query when searching them; raw mails can be megabytes each


@dataclass(frozen=True)
class PurgeResult:
    inbound_blanked: int
    outbound_blanked: int
    files_removed: int
    raw_before: datetime
    body_before: datetime

    def summary(self) -> str:
        return (f"Löschfristen angewandt: Rohdaten von {self.inbound_blanked} eingegangenen Mails "
                f"(verarbeitet vor dem {self.raw_before:%d.%m.%Y}) und Texte von {self.outbound_blanked} "
                f"versandten Mails (vor dem {self.body_before:%d.%m.%Y}) gelöscht; {self.files_removed} Dateien "
                "im Postfach entfernt. Metadaten und Statusmeldungen bleiben erhalten.")


def purge(store: Store, now: datetime, raw_mail_days: int = 90, outbox_body_days: int = 30,
          maildir: Path | None = None) -> PurgeResult:
    """Blank raw inbound mails and sent outbox bodies older than their periods; idempotent.

    Inbound mails count from their arrival (they are interpreted in the same poll); ones still ``stored``
    are not touched. Outbound mails count from ``sent_at`` (answers held by the rate limit from
    ``created_at``); pending, sending or unknown ones keep their body, because the relay or an admin still
    needs it.
    """
    raw_before, body_before = now - timedelta(days=raw_mail_days), now - timedelta(days=outbox_body_days)
    with store.write() as db:
        inbound = db.exec(select(InboundMailRow.id, InboundMailRow.source_key).where(
            col(InboundMailRow.state).in_(FINISHED_INBOUND), InboundMailRow.received_at < raw_before,
            sa.func.length(InboundMailRow.raw) > 0)).all()
        outbound = db.exec(select(OutboundMailRow.id, OutboundMailRow.message_id).where(
            sa.or_(sa.and_(OutboundMailRow.state == "sent", col(OutboundMailRow.sent_at) < body_before),
                   # answers held by the rate limit are never sent: their period runs from when they were made
                   sa.and_(OutboundMailRow.state == "held", col(OutboundMailRow.created_at) < body_before)),
            sa.func.length(OutboundMailRow.raw) > 0)).all()
        _blank(db, InboundMailRow, [i for i, _ in inbound])
        _blank(db, OutboundMailRow, [i for i, _ in outbound])
    removed = _remove_copies(maildir, [k for _, k in inbound], [m for _, m in outbound]) if maildir else 0
    return PurgeResult(len(inbound), len(outbound), removed, raw_before, body_before)


def _blank(db: DbSession, table: type[SQLModel], ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        db.execute(sa.update(table).where(table.id.in_(chunk)).values(raw=b""))  # type: ignore[attr-defined]


def _remove_copies(maildir: Path, source_keys: Iterable[str], message_ids: Iterable[str]) -> int:
    """Delete the Maildir files of blanked mails: processed (``inbox/cur``), failed, and sent."""
    candidates: list[Path] = []
    for key in source_keys:
        if key.startswith("maildir:"):
            base = key.removeprefix("maildir:").split(":2,")[0]
            candidates += [maildir / "inbox" / "cur" / f"{base}:2,S", maildir / "failed" / "new" / base]
    for message_id in message_ids:
        candidates += [maildir / "sent" / sub / sent_name(message_id) for sub in ("new", "cur")]
    removed = 0
    for path in candidates:
        if path.exists():
            path.unlink()
            removed += 1
    return removed


# --- data-subject requests ------------------------------------------------------------------------


def pseudonym(address: str) -> str:
    """``geloescht-<hash8>@invalid``: the same for every row of one person, so the records stay linked.

    It is pseudonymous, not anonymous (Art. 4 Nr. 5 DSGVO): whoever knows the address can recompute it.
    """
    return f"geloescht-{hashlib.sha256(_norm(address).encode()).hexdigest()[:8]}@invalid"


def _norm(address: str) -> str:
    return address.strip().lower()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class UnknownPerson(MailbotError):
    """Nothing is stored about the address: most likely a typo, so the admin hears it instead of an empty record."""


def export_person(store: Store, address: str, include_raw: bool = False) -> dict[str, Any]:
    """Everything stored about one address (Art. 15 DSGVO), as JSON-ready data.

    ``include_raw`` adds the raw text of the person's own mails (decoded leniently), for a full copy. An
    address nothing is stored about raises ``UnknownPerson``.
    """
    addr = _norm(address)
    with store.read() as db:
        people = db.exec(select(PersonRow, ProjectRow.key).join(ProjectRow).where(
            sa.func.lower(PersonRow.address) == addr)).all()
        inbound = db.exec(select(InboundMailRow).where(sa.or_(
            sa.func.lower(InboundMailRow.from_address) == addr,
            sa.func.lower(InboundMailRow.verified_sender) == addr)).order_by(InboundMailRow.id)).all()
        outbound = [r for r in db.exec(select(OutboundMailRow).order_by(OutboundMailRow.id)).all()
                    if addr in _recipients(r.recipients)]
        updates = _updates_of(db, addr, [r.id for r in inbound if r.id is not None])
        drafts = db.exec(select(DraftRow, SessionRow.date).join(SessionRow).order_by(DraftRow.id)).all()
    if not (people or inbound or outbound or updates):
        raise UnknownPerson(
            f"Zu {addr} ist nichts gespeichert: keine Projektleitung oder Vertretung, keine Mail von oder an diese "
            "Adresse, keine Statusmeldung. Bitte die Schreibweise prüfen (z. B. mit „kgrz-mailbot status“ oder "
            "projects.toml).")
    return {
        "adresse": addr,
        "personen": [{"projekt": key, "rolle": word(ROLES, p.role), "name": p.name, "adresse": p.address}
                     for p, key in people],
        "eingegangene_mails": [_inbound_export(r, include_raw) for r in inbound],
        "ausgehende_mails": [{
            "id": r.id, "art": word(KINDS, r.kind), "betreff": r.subject, "message_id": r.message_id,
            "zustand": word(STATES, r.state),
            "erstellt": _iso(r.created_at), "versandt": _iso(r.sent_at), "text_vorhanden": bool(r.raw),
        } for r in outbound],
        "statusmeldungen": [_update_export(u, project, day) for u, project, day in updates],
        "entwuerfe": [{"sitzung": day.isoformat(), "version": d.version, "freigegeben_von": d.approved_by}
                      for d, day in drafts if addr in d.content_json.lower() or _norm(d.approved_by or "") == addr],
    }


def _recipients(value: str) -> set[str]:
    return {_norm(a) for a in value.split(",") if a.strip()}


def _inbound_export(row: InboundMailRow, include_raw: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id, "message_id": row.message_id, "eingegangen": _iso(row.received_at),
        "datum": _iso(row.date_header), "absender": row.from_address, "betreff": row.subject,
        "zustand": word(STATES, row.state), "einordnung": word(CLASSIFICATIONS, row.classification),
        "ergebnis": word(OUTCOMES, row.outcome), "hinweise": row.error,
        "groesse": row.size, "rohdaten_vorhanden": bool(row.raw),
    }
    if include_raw:
        data["rohdaten"] = row.raw.decode("utf-8", "replace")
    return data


def _updates_of(db: DbSession, addr: str, inbound_ids: list[int]) -> list[tuple[StatusUpdateRow, str, Any]]:
    query = (select(StatusUpdateRow, ProjectRow.key, SessionRow.date)
             .join(StatusRequestRow, StatusRequestRow.id == StatusUpdateRow.status_request_id)
             .join(ProjectRow, ProjectRow.id == StatusRequestRow.project_id)
             .join(SessionRow, SessionRow.id == StatusRequestRow.session_id)
             .where(sa.or_(sa.func.lower(StatusUpdateRow.sender) == addr,
                           col(StatusUpdateRow.inbound_mail_id).in_(inbound_ids)))
             .order_by(StatusUpdateRow.id))
    return list(db.exec(query).all())  # type: ignore[arg-type]


def _update_export(u: StatusUpdateRow, project: str, day: Any) -> dict[str, Any]:
    return {
        "projekt": project, "sitzung": day.isoformat(), "absender": u.sender, "gesendet": _iso(u.sent_at),
        "eingegangen": _iso(u.received_at), "ampel": u.ampel, "fortschritt": u.fortschritt, "stand": u.stand,
        "weiteres_vorgehen": u.weiteres_vorgehen, "meilenstein": u.meilenstein, "budget": u.budget,
        "hinweis": u.hinweis, "unveraendert": u.unchanged, "eingangs_mail": u.inbound_mail_id,
    }
