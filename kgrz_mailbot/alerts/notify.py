"""One German mail to the admins per open problem and day, and one when it is resolved (through the outbox).

Exactly once: each mail is an outbox row with the business key ``alert/<problem>/<local date>`` or
``alert/<problem>/resolved``. An alert the mail transport cannot take (it is itself broken) goes out through
``[mail.alert_relay]`` when one is configured (``alerts/fallback.py``); without one it is cancelled at once with
a plain journal line, so it does not arrive days later with stale news. The mail that the problem is resolved
tells the admins how long it lasted.
"""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kgrz_mailbot.alerts.fallback import deliver_undelivered
from kgrz_mailbot.alerts.kinds import KINDS, Kind
from kgrz_mailbot.outbox import relay
from kgrz_mailbot.outbox.letters import base_context, build, local_text
from kgrz_mailbot.storage import mailrows, problems

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.alerts")
ONE_DAY = timedelta(hours=24)


def notify(app: App) -> list[str]:
    """Queue and send what the admins should hear now; the business keys of the mails queued."""
    admins = app.config.mail.admin_to
    now = app.clock.now()
    queued: list[str] = []
    resolutions: list[str] = []
    reasons: dict[str, str | None] = {}  # why a mail may not get through: the transport problem it (or another) reports
    with app.store.write() as db:
        still_open = problems.open_problems(db)
        broken = next((r.detail for r in still_open if r.transport), None)  # the mailbox's own trouble, if known
        for row in still_open:
            kind = KINDS.get(row.kind)
            if kind is None or row.occurrences < kind.threshold or not _due(row, kind, now):
                continue
            row.notified_at, row.notified_mark = now, row.mark
            if not admins:
                log.error("Keine Warnmail zu „%s“: in settings.toml ist [mail] admin_to nicht gesetzt.", kind.title)
                continue
            key = f"alert/{row.id}/{now.astimezone(app.zone).date().isoformat()}"
            if _queue(app, db, key, "alert", f"Handlungsbedarf: {kind.title}", "alert.txt.j2",
                      _context(app, row, kind), []):
                queued.append(key)
                reasons[key] = row.detail if row.transport else broken
        for row in problems.unannounced_resolutions(db):
            row.resolution_notified = True
            kind = KINDS.get(row.kind)
            earlier = problems.alert_rows(db, row.id or 0)
            if kind is None or not earlier or not admins:
                continue  # nobody was told it began, so nobody needs to hear it ended
            for alert in earlier:
                if alert.state == "pending":  # news of a problem that is over: the resolution says it all
                    mailrows.set_outbound_state(db, alert.id or 0, "cancelled", error="Problem behoben")
            key = f"alert/{row.id}/resolved"
            _queue(app, db, key, "alert-resolved", f"Erledigt: {kind.title}", "alert_resolved.txt.j2",
                   _context(app, row, kind), [earlier[0].message_id])
            queued.append(key)
            reasons[key] = broken
            resolutions.append(key)
    if queued:
        relay.flush(app)
        deliver_undelivered(app, reasons, resolutions)
    return queued


def _due(row: problems.ProblemRow, kind: Kind, now: datetime) -> bool:
    """Never told, or told over a day ago and either the kind reminds daily or there is news since."""
    if row.notified_at is None:
        return True
    return now - row.notified_at >= ONE_DAY and (kind.daily or row.mark != row.notified_mark)


def _context(app: App, row: problems.ProblemRow, kind: Kind) -> dict[str, Any]:
    mail = app.config.mail
    return base_context(app) | {
        "title": kind.title, "detail": row.detail, "consequence": kind.consequence, "advice": kind.advice,
        "since": local_text(app, row.opened_at), "last_seen": local_text(app, row.last_seen_at),
        "until": local_text(app, row.resolved_at) if row.resolved_at else None,
        "occurrences": row.occurrences, "transport": row.transport, "mailbox": mail.address,
        "transport_name": mail.transport, "config_dir": str(app.config.directory), "host": socket.gethostname(),
        "relay": mail.alert_relay.where if mail.alert_relay else None,
    }


def _queue(app: App, db: DbSession, key: str, kind: str, subject: str, template: str, context: dict[str, Any],
           previous: list[str]) -> bool:  # fmt: skip
    org = app.config.organisation.short or app.config.organisation.name
    mail = build(app, business_key=key, kind=kind, to=[("", a) for a in app.config.mail.admin_to],
                 subject=f"[{org} Projektstatus] {subject}", text=app.renderer.render(template, **context),
                 previous_ids=previous)
    return mailrows.record_outgoing(db, mail, app.clock.now())

