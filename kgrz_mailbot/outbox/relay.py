"""Record-then-send: the outbox relay. A claim has an owner and a lease; only a claim whose lease expired (and
whose owner is gone, where that can be told) is recovered, by asking the sent folder, never by sending blindly.

Sending and recovery are serialised per mail across processes: every state change after a claim is made by
the claim's owner only (``… WHERE claimed_by = me``), and taking over a stale claim is one compare-and-set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kgrz_mailbot.crashpoints import crashpoint
from kgrz_mailbot.domain.words import STATES
from kgrz_mailbot.outbox import lease
from kgrz_mailbot.storage import claims, mailrows, sentids
from kgrz_mailbot.transports.errors import TransportError

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.outbox")


@dataclass
class FlushResult:
    sent: int = 0
    failed: int = 0
    unknown: int = 0


def _lease(app: App) -> timedelta:
    return timedelta(seconds=app.config.mail.send_lease_seconds)


def recover(app: App) -> int:
    """Claims left in ``sending``: by a crash, by a send whose answer was lost, or by a process still at work.

    Only a claim that may be taken over is settled by the sent folder: a transport that can prove absence
    (Maildir) lets the row go back to ``pending``; one that cannot tell turns it ``unknown`` for an admin,
    because sending twice is worse than asking (RELIABILITY §2.2).
    """
    now, owner = lease.wall(), lease.me()
    with app.store.read() as db:
        stale = claims.sending_claims(db)
    settled = 0
    for claim in stale:
        if not _may_take_over(app, claim, now, owner):
            continue
        with app.store.write() as db:
            if not claims.take_over(db, claim, owner, now + _lease(app)):
                continue  # another process got there first, or the owner renewed its lease meanwhile
        log.warning("Versand von %s wird von %s übernommen (Frist bis %s abgelaufen)", claim.message_id,
                    claim.claimed_by, claim.lease_until)
        _settle(app, claim.id, claim.message_id, claim.last_error)
        settled += 1
    return settled


def _may_take_over(app: App, claim: claims.Claim, now: datetime, owner: str) -> bool:
    if lease.in_flight(claim.id):
        return False  # this very process is sending it (another thread)
    expired = claim.lease_until is None or claim.lease_until <= now
    repeatable = app.transport.idempotent_send  # sending it again could not make a second copy
    if claim.claimed_by == owner:
        return expired or repeatable
    alive = lease.alive(claim.claimed_by)
    if alive:
        return False  # its owner works on it, or settles it itself at its next flush
    return expired or (alive is False and repeatable)


def _settle(app: App, outbound_id: int, message_id: str, error: str | None) -> str:
    """Decide an uncertain send of our own claim by the sent folder; stays ``sending`` (ours, leased) when even
    that cannot be asked, and is taken up again after the lease.

    A transport that recorded a handle before sending (Graph: the draft) is asked about that very item.
    """
    with app.store.read() as db:
        ref = sentids.refs_of(db, [outbound_id]).get(outbound_id)
    try:
        found = app.transport.was_sent(message_id) if ref is None else app.transport.was_sent(message_id, ref=ref)
    except Exception as exc:  # transport down: decide on a later tick
        log.warning("Versand von %s noch nicht nachprüfbar: %s", message_id, exc)
        return "sending"
    state = {True: "sent", False: "pending", None: "unknown"}[found]
    note = error if state != "unknown" else f"Versand nicht nachprüfbar: {error or 'Abbruch beim Senden'}"
    with app.store.write() as db:
        done = claims.settle(db, outbound_id, lease.me(), state, now=app.clock.now(), error=note)
    if not done:
        log.warning("Versand von %s: vor der Klärung von einem anderen Prozess übernommen", message_id)
        return "sending"
    log.warning("Versand von %s nach Unterbrechung geklärt: %s%s", message_id, STATES.get(state, state),
                f" ({error})" if error else "")
    return state


BATCH = 100  # rows claimed, sent and marked together; a crash in between is settled by `recover`


def flush(app: App) -> FlushResult:
    """Send every pending mail once; a failed send is settled by the sent folder, never blindly retried."""
    result = FlushResult()
    recover(app)
    owner, length = lease.me(), _lease(app)
    while True:
        with app.store.write() as db:
            rows = mailrows.outbox_rows(db, "pending", limit=BATCH)
            mine = claims.claim(db, [r.id for r in rows if r.id is not None], owner, lease.wall() + length)
            batch = [(r.id, r.message_id, r.raw, r.recipients.split(","), r.business_key) for r in rows if r.id in mine]
        if not batch:
            return result
        crashpoint("after-claim")
        ids = [row[0] for row in batch]
        with app.store.read() as db:
            refs = sentids.refs_of(db, ids)
        outcomes: list[Exception | None] | None
        with lease.held(ids, lambda keep, until: _renew(app, keep, until), length):
            try:
                outcomes = app.transport.send_many(
                    [(raw, mid, to) for _, mid, raw, to, _ in batch],
                    refs={mid: refs[i] for i, mid, _, _, _ in batch if i in refs},
                    record=lambda staged: _record(app, staged))
            except Exception as exc:  # the whole request failed: the server may still have sent any of it
                log.error("Versand von %s Mail(s) fehlgeschlagen: %s", len(batch), exc)
                outcomes, whole = None, exc
        crashpoint("after-send")
        if outcomes is None and _in_flight_still(whole) and not app.transport.idempotent_send:
            # Not asked now: a server that never answered may still be storing the mails. After the lease the
            # sent folder decides (`recover`, by this process at a later flush or by any other once it ended).
            with app.store.write() as db:
                claims.postpone(db, ids, owner, lease.wall() + length, str(whole)[:500])
            result.failed += len(batch)
            return result
        if outcomes is None:  # the server answered (or a second send could not make a second copy): ask now
            outcomes = [whole] * len(batch)
        sent = [row[0] for row, error in zip(batch, outcomes, strict=True) if error is None]
        _mark_sent(app, sent)
        result.sent += len(sent)
        for (outbound_id, message_id, _, _, key), failure in zip(batch, outcomes, strict=True):
            if failure is None:
                log.debug("sent %s message_id=%s", _describe(key), message_id)
                continue
            state = _settle(app, outbound_id, message_id, str(failure)[:500])
            result.sent += state == "sent"
            result.unknown += state == "unknown"
            result.failed += state in ("pending", "sending")
        if len(sent) < len(batch):
            return result  # something is wrong with the transport: the rest waits for the next tick


def _in_flight_still(error: Exception) -> bool:
    """Whether the server may still be carrying out a request that failed: no answer came back, or the error
    is not one of the transport's own (then nothing is known)."""
    return not isinstance(error, TransportError) or error.unanswered


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
        log.warning("Gesendete Mails können noch nicht nachgelesen werden: %s", exc)
        return 0
    now = app.clock.now()
    settled = 0
    with app.store.write() as db:
        for outbound_id, message_id, ref, sent_at in waiting:
            if ref in found or (sent_at is not None and now - sent_at > READBACK_GIVE_UP):
                sentids.read_back(db, outbound_id, message_id, found.get(ref))
                settled += 1
                if found.get(ref) and found[ref] != message_id:
                    log.debug("sent %s went out as %s", message_id, found[ref])
    return settled


def _renew(app: App, ids: list[int], until: datetime) -> None:
    with app.store.write() as db:
        claims.renew(db, ids, lease.me(), until)


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
        marked = claims.mark_sent(db, ids, app.clock.now(), lease.me())
    if marked < len(ids):
        log.warning("Versand: %s gesendete Mail(s) wurden inzwischen von einem anderen Prozess übernommen; "
                    "der Ordner der gesendeten Mails klärt sie", len(ids) - marked)
