"""Record-then-send: the outbox relay with crash recovery by looking into the sent folder."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgrz_mailbot.storage import mailrows

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.outbox")


@dataclass
class FlushResult:
    sent: int = 0
    failed: int = 0
    unknown: int = 0


def recover(app: App) -> int:
    """Rows left in ``sending`` by a crash: sent if the sent folder has them, else decide.

    A transport that can prove absence (Maildir) lets the row go back to ``pending``; one that cannot
    tell turns it ``unknown`` for an admin, because sending twice is worse than asking (RELIABILITY §2.2).
    """
    with app.store.read() as db:
        stale = [(r.id, r.message_id) for r in mailrows.outbox_rows(db, "sending")]
    for outbound_id, message_id in stale:
        _settle(app, outbound_id, message_id, None)
    return len(stale)


def _settle(app: App, outbound_id: int, message_id: str, error: str | None) -> str:
    """Decide an uncertain send by the sent folder; stays ``sending`` if even that cannot be asked."""
    try:
        found = app.transport.was_sent(message_id)
    except Exception as exc:  # transport down: decide on a later tick
        log.warning("outbox cannot check %s yet: %s", message_id, exc)
        return "sending"
    state = {True: "sent", False: "pending", None: "unknown"}[found]
    note = error if state != "unknown" else f"Versand nicht nachprüfbar: {error or 'Abbruch beim Senden'}"
    with app.store.write() as db:
        mailrows.set_outbound_state(db, outbound_id, state, now=app.clock.now(), error=note)
    log.warning("outbox settled %s -> %s", message_id, state)
    return state


def flush(app: App) -> FlushResult:
    """Send every pending mail once; a failed send is settled by the sent folder, never blindly retried."""
    result = FlushResult()
    recover(app)
    with app.store.read() as db:
        pending = [(r.id, r.message_id, r.raw, r.recipients, r.kind) for r in mailrows.outbox_rows(db, "pending")]
    for outbound_id, message_id, raw, recipients, kind in pending:
        with app.store.write() as db:
            if not mailrows.claim(db, outbound_id):
                continue
        try:
            app.transport.send(raw, message_id=message_id, recipients=recipients.split(","))
        except Exception as exc:  # the mail may or may not have left: the sent folder decides
            log.error("send failed %s kind=%s: %s", message_id, kind, exc)
            state = _settle(app, outbound_id, message_id, str(exc)[:500])
            result.sent += state == "sent"
            result.unknown += state == "unknown"
            result.failed += state in ("pending", "sending")
            continue
        with app.store.write() as db:
            mailrows.set_outbound_state(db, outbound_id, "sent", now=app.clock.now())
        log.info("sent %s kind=%s", message_id, kind)
        result.sent += 1
    return result
