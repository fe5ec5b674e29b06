"""``poll``: store every new mail raw, interpret the stored ones, acknowledge after the commit, send answers."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kgrz_mailbot.crashpoints import crashpoint
from kgrz_mailbot.domain.words import OUTCOMES, word
from kgrz_mailbot.inbox.ahead import understood_chunks
from kgrz_mailbot.inbox.batches import budget_bytes, by_budget
from kgrz_mailbot.inbox.decide import decide
from kgrz_mailbot.outbox import relay
from kgrz_mailbot.storage import mailrows
from kgrz_mailbot.transports.base import Disposition

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App
    from kgrz_mailbot.domain.model import Understanding

log = logging.getLogger("kgrz_mailbot.inbox")

STORE_BATCH = 100  # raw mails per commit: still committed before any of them is interpreted
INTERPRET_BATCH = 50  # mails interpreted per commit (each in its own savepoint)
MAX_ATTEMPTS = 3
MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]*>)", re.I | re.M)


@dataclass
class PollResult:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    sent: int = 0

    def summary(self) -> str:
        parts = ", ".join(f"{word(OUTCOMES, k)}: {v}" for k, v in sorted(self.outcomes.items())) or "keine"
        return f"{self.fetched} neue Mails; Ergebnisse: {parts}; Fehler: {self.failed}; versandt: {self.sent}"


def quick_message_id(raw: bytes) -> str | None:
    """The Message-ID from the header block without a full parse (dedupe key before interpretation)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0][:262_144]
    match = MESSAGE_ID.search(head)
    return match[1].decode("ascii", "replace") if match else None


def process_inbox(app: App) -> PollResult:
    result = PollResult()
    result.fetched = _store_new(app)
    relay.read_back(app)  # the Message-IDs the server gave our sent mails, before replies quoting them are matched
    with app.store.read() as db:
        pending = mailrows.stored_inbound_sizes(db)
    # half the byte budget per chunk: with a helper, the next chunk is read while this one is applied
    chunks = list(by_budget(pending, INTERPRET_BATCH, budget_bytes(app.config.mail.poll_batch_mb) // 2))
    for chunk, understood in understood_chunks(chunks, dict(pending), lambda ids: _raws(app, ids),
                                               app.config.mail.address):
        for outcome in interpret(app, chunk, understood):
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            result.failed += outcome in ("quarantine", "retry")
    _acknowledge(app)
    result.sent = relay.flush(app).sent
    log.debug("poll %s", result.summary())
    return result


def _store_new(app: App) -> int:
    prefix, budget = f"{app.transport.name}:", budget_bytes(app.config.mail.poll_batch_mb)
    count, batch, size = 0, [], 0
    for mail in app.transport.fetch_new():
        if batch and (len(batch) >= STORE_BATCH or size + len(mail.raw) > budget):
            count += _store_batch(app, prefix, batch)
            batch, size = [], 0
        batch.append(mail)
        size += len(mail.raw)
    return count + _store_batch(app, prefix, batch)


def _store_batch(app: App, prefix: str, batch: list) -> int:  # type: ignore[type-arg]
    stored = 0
    if not batch:
        return 0
    with app.store.write() as db:
        for mail in batch:
            new = mailrows.store_inbound(
                db, source_key=prefix + mail.key, raw=mail.raw, sha256=hashlib.sha256(mail.raw).hexdigest(),
                message_id=quick_message_id(mail.raw), received_at=app.clock.now(),
                verified_sender=mail.verified_sender,
                sender_check=("verified" if mail.verified_sender else "unverified") if mail.checked else None,
            )
            stored += new is not None
    crashpoint("after-store")
    return stored


def _raws(app: App, inbound_ids: list[int]) -> dict[int, bytes]:
    with app.store.read() as db:
        return mailrows.raw_of(db, inbound_ids)


def interpret(app: App, inbound_ids: list[int], understood: dict[int, Understanding]) -> list[str]:
    """Match and apply stored mails as understood (``inbox/ahead.py``): one transaction per chunk, one savepoint
    per mail.

    A mail whose handling raises is rolled back alone and marked failed with the reason (Mailman shunt);
    a crash before the commit leaves the whole chunk ``stored`` for the next poll, with nothing sent.
    """
    outcomes = []
    with app.store.write() as db:
        for inbound_id in inbound_ids:
            try:
                with db.begin_nested():
                    outcomes.append(_apply(app, db, inbound_id, understood[inbound_id]))
            except Exception as exc:  # a bug must cost one mail, not the poll
                log.exception("Mail #%s: Verarbeitung fehlgeschlagen", inbound_id)
                db.info.clear()  # what the transaction remembers (storage caches) may stem from the rolled-back mail
                outcomes.append(_failed_attempt(db, inbound_id, f"{type(exc).__name__}: {exc}"[:2000]))
        crashpoint("inside-interpret")
    return outcomes


def _failed_attempt(db: DbSession, inbound_id: int, reason: str) -> str:
    """Try again at the next poll; the third failure quarantines the mail with its reason (Mailman's .psv)."""
    row = mailrows.inbound(db, inbound_id)
    row.attempts += 1
    row.error = reason
    if row.attempts >= MAX_ATTEMPTS:
        row.state, row.outcome = "quarantine", "quarantine"
        return "quarantine"
    return "retry"


def _apply(app: App, db: DbSession, inbound_id: int, u: Understanding) -> str:
    mail = mailrows.stored_mail(db, inbound_id, lock=True)
    if mail.state != "stored":  # another poll got here first
        return mail.outcome or mail.state
    facts = u.facts
    message_id = facts.message_id or mail.message_id
    values: dict[str, object] = {
        "message_id": message_id, "date_header": facts.date, "from_address": facts.from_address,
        "subject": facts.subject[:500], "classification": u.classification.value, "attempts": mail.attempts + 1,
    }
    if u.failed:  # a mail that cannot be parsed will not parse next time either
        values |= {"state": "quarantine", "outcome": "quarantine", "error": u.reason}
    elif (earlier := mailrows.already_processed(db, inbound_id, message_id, mail.sha256)) is not None:
        values |= {"state": "duplicate", "outcome": f"duplicate of #{earlier}"}
    else:
        outcome = decide(app, db, mail, u)
        values |= {"state": "processed", "outcome": outcome.code, "status_request_id": outcome.request_id,
                   "error": "\n".join(outcome.problems) or None}
    mailrows.update_inbound(db, inbound_id, values)
    log.debug("inbound %s from=%s class=%s outcome=%s", message_id, facts.from_address, u.classification.value,
             values["outcome"])
    return str(values["outcome"]).split(" of #")[0]


def _acknowledge(app: App) -> None:
    """Move interpreted mails on the server, only now that their outcome is committed."""
    prefix = f"{app.transport.name}:"
    with app.store.read() as db:
        rows = mailrows.unacknowledged(db, prefix)
    for start in range(0, len(rows), STORE_BATCH):
        batch = rows[start:start + STORE_BATCH]
        app.transport.acknowledge_many(
            [(key, Disposition.FAILED if state == "quarantine" else Disposition.PROCESSED) for _, key, state in batch]
        )
        crashpoint("after-ack")
        # A crash before this commit only repeats the moves next time, which are idempotent.
        with app.store.write() as db:
            mailrows.mark_acknowledged(db, [inbound_id for inbound_id, _, _ in batch])
