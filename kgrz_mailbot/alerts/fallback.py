"""The admins' second way: alerts the mailbox did not take go out through ``[mail.alert_relay]`` (SMTP).

The mail is the outbox row's very bytes (same Message-ID), so it is still one mail per problem and day; the row
is claimed first (no other process sends it meanwhile) and marked ``sent`` with a note that the relay took it.
A row the mailbox failed to send may in rare cases (a timeout) still leave through it later: for an alert a
second copy is far better than silence. Without a relay, or when the relay fails too, an alert is cancelled
with a journal line that says so plainly, so it does not arrive days later with stale news; a resolution mail
waits for the mailbox instead (it is news whenever it arrives).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from kgrz_mailbot.alerts.smtp_relay import HINT, by_relay
from kgrz_mailbot.outbox import lease
from kgrz_mailbot.storage import claims, mailrows

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.alerts")


class Stuck(NamedTuple):
    """An alert or resolution mail the mailbox did not take, with what the relay needs of it."""

    id: int
    key: str
    subject: str
    recipients: list[str]
    raw: bytes
    why: str  # what the transport said, or the problem the alert reports
    claimed: bool  # claimed here from pending (not left in sending by the failed send)


def deliver_undelivered(app: App, reasons: dict[str, str | None], resolutions: list[str]) -> None:
    """The mails of ``reasons`` (business key → the mailbox's trouble, when known) the transport did not take:
    through the relay, else alerts cancelled with a plain journal line (``resolutions`` wait for the mailbox)."""
    relay, owner = app.config.mail.alert_relay, lease.me()
    with app.store.write() as db:
        rows = [row for row in mailrows.outbox_rows_by_keys(db, list(reasons))
                if row.state == "pending" or (row.state == "sending" and row.claimed_by == owner)]
        mine: set[int] = set()
        if relay is not None:  # ours before anything leaves: no other process sends them meanwhile
            mine = claims.claim(db, [r.id for r in rows if r.state == "pending" and r.id], owner, _until(app))
            rows = [r for r in rows if r.state == "sending" or r.id in mine]
        stuck = [Stuck(r.id or 0, r.business_key, r.subject, r.recipients.split(","), bytes(r.raw),
                       r.last_error or reasons.get(r.business_key) or "Versand fehlgeschlagen", r.id in mine)
                 for r in rows]
    for mail in stuck:
        if relay is None:
            if mail.key not in resolutions:
                _cancel(app, mail)
            continue
        with lease.held([mail.id], lambda ids, until: _renew(app, ids, until), _length(app)):
            failed = by_relay(app, mail.raw, mail.recipients, f"Warnmail „{mail.subject}“", mail.why)
        with app.store.write() as db:
            if failed is None:
                now = app.clock.now()
                if claims.mark_sent(db, [mail.id], now, owner):
                    mailrows.set_outbound_state(db, mail.id, "sent", now=now,
                                                error=f"über SMTP-Relay {relay.where} gesendet; Postfach: {mail.why}")
            elif mail.key not in resolutions:
                mailrows.set_outbound_state(db, mail.id, "cancelled", error=f"{mail.why}; SMTP-Relay: {failed}")
            elif mail.claimed:  # back to the mailbox's outbox, as it was before the relay was tried
                claims.settle(db, mail.id, owner, "pending", now=app.clock.now(), error=mail.why)


def _cancel(app: App, mail: Stuck) -> None:
    """No relay: cancelled now, with a journal line that says why, plainly, and what would have helped."""
    with app.store.write() as db:
        mailrows.set_outbound_state(db, mail.id, "cancelled", error=mail.why)
    log.error("Warnmail „%s“ an %s nicht zustellbar – der Mailversand selbst ist gestört (%s): %s. %s Bitte direkt "
              "prüfen; „kgrz-mailbot status“ zeigt die offenen Probleme.", mail.subject, ", ".join(mail.recipients),
              app.config.mail.transport, mail.why, HINT)


def _length(app: App) -> timedelta:
    return timedelta(seconds=app.config.mail.send_lease_seconds)


def _until(app: App) -> datetime:
    return lease.wall() + _length(app)


def _renew(app: App, ids: list[int], until: datetime) -> None:
    with app.store.write() as db:
        claims.renew(db, ids, lease.me(), until)
