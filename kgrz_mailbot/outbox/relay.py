"""Record-then-send: the outbox relay with crash recovery by looking into the sent folder."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from kgrz_mailbot.crashpoints import crashpoint
from kgrz_mailbot.storage import mailrows, sentids

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
    """Decide an uncertain send by the sent folder; stays ``sending`` if even that cannot be asked.

    A transport that recorded a handle before sending (Graph: the draft) is asked about that very item.
    """
    with app.store.read() as db:
        ref = sentids.refs_of(db, [outbound_id]).get(outbound_id)
    try:
        found = app.transport.was_sent(message_id) if ref is None else app.transport.was_sent(message_id, ref=ref)
    except Exception as exc:  # transport down: decide on a later tick
        log.warning("outbox cannot check %s yet: %s", message_id, exc)
        return "sending"
    state = {True: "sent", False: "pending", None: "unknown"}[found]
    note = error if state != "unknown" else f"Versand nicht nachprüfbar: {error or 'Abbruch beim Senden'}"
    with app.store.write() as db:
        mailrows.set_outbound_state(db, outbound_id, state, now=app.clock.now(), error=note)
    log.warning("outbox settled %s -> %s%s", message_id, state, f": {error}" if error else "")
    return state


BATCH = 100  # rows claimed, sent and marked together; a crash in between is settled by `recover`


def flush(app: App) -> FlushResult:
    """Send every pending mail once; a failed send is settled by the sent folder, never blindly retried."""
    result = FlushResult()
    recover(app)
    while True:
        with app.store.write() as db:
            rows = mailrows.outbox_rows(db, "pending", limit=BATCH)
            mine = mailrows.claim(db, [r.id for r in rows if r.id is not None])
            batch = [(r.id, r.message_id, r.raw, r.recipients.split(","), r.business_key) for r in rows if r.id in mine]
        if not batch:
            return result
        crashpoint("after-claim")
        with app.store.read() as db:
            refs = sentids.refs_of(db, [row[0] for row in batch])
        try:
            outcomes: list[Exception | None] = app.transport.send_many(
                [(raw, mid, to) for _, mid, raw, to, _ in batch],
                refs={mid: refs[i] for i, mid, _, _, _ in batch if i in refs},
                record=lambda staged: _record(app, staged))
        except Exception as exc:  # the whole batch failed: each row is settled by the sent folder
            log.error("sending %s mails failed: %s", len(batch), exc)
            outcomes = [exc] * len(batch)
        sent = [row[0] for row, error in zip(batch, outcomes, strict=True) if error is None]
        crashpoint("after-send")
        _mark_sent(app, sent)
        result.sent += len(sent)
        for (outbound_id, message_id, _, _, key), error in zip(batch, outcomes, strict=True):
            if error is None:
                log.info("sent %s message_id=%s", _describe(key), message_id)
                continue
            state = _settle(app, outbound_id, message_id, str(error)[:500])
            result.sent += state == "sent"
            result.unknown += state == "unknown"
            result.failed += state in ("pending", "sending")
        if len(sent) < len(batch):
            return result  # something is wrong with the transport: the rest waits for the next tick


def _record(app: App, staged: mailrows.Staged) -> None:
    """The transport's handles of mails it is about to send, committed before it sends them (Graph: drafts)."""
    with app.store.write() as db:
        sentids.record_refs(db, staged)
    crashpoint("after-stage")


READBACK_GIVE_UP = timedelta(days=1)


def read_back(app: App) -> int:
    """Learn the Message-IDs the server gave our sent mails (Graph), so replies quoting them match.

    Runs before a poll interprets replies. A sent copy not found within a day is given up on: the subject
    token and our own Message-ID still match replies, and nothing depends on the transport's handle.
    """
    with app.store.read() as db:
        waiting = sentids.awaiting_readback(db)
    if not waiting:
        return 0
    try:
        found = app.transport.sent_message_ids([ref for _, _, ref, _ in waiting])
    except Exception as exc:  # the next poll tries again
        log.warning("outbox cannot read back sent copies yet: %s", exc)
        return 0
    now = app.clock.now()
    settled = 0
    with app.store.write() as db:
        for outbound_id, message_id, ref, sent_at in waiting:
            if ref in found or (sent_at is not None and now - sent_at > READBACK_GIVE_UP):
                sentids.read_back(db, outbound_id, message_id, found.get(ref))
                settled += 1
                if found.get(ref) and found[ref] != message_id:
                    log.info("sent %s went out as %s", message_id, found[ref])
    return settled


def _describe(business_key: str) -> str:
    """``session=2018-09-19 project=time kind=reminder seq=1`` from the business key, for one log line per mail."""
    parts = business_key.split("/")
    if len(parts) == 5:
        return f"committee={parts[0]} session={parts[1]} project={parts[2]} kind={parts[3]} seq={parts[4]}"
    if len(parts) == 4:
        return f"committee={parts[0]} session={parts[1]} kind={parts[2]} seq={parts[3]}"
    return f"kind={parts[-1]} inbound={parts[1] if len(parts) > 1 else '?'}"


def _mark_sent(app: App, ids: list[int]) -> None:
    with app.store.write() as db:
        mailrows.mark_sent(db, ids, app.clock.now())
