"""The alerts API: report a problem that needs a person, resolve it, list the open ones.

Callers name a kind of ``alerts/kinds.py`` and say in German what happened; ``subject`` tells problems of one
kind apart (the session of an overdue request). Recording is cheap and idempotent per open problem: call it
every time the problem is seen; ``alerts/notify.py`` decides when the admins get a mail (at most once a day).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kgrz_mailbot.alerts.kinds import KINDS, Kind
from kgrz_mailbot.storage import problems

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.alerts")


@dataclass(frozen=True)
class OpenProblem:
    key: str
    kind: Kind
    detail: str
    since: datetime
    last_seen: datetime
    occurrences: int
    transport: bool
    notified_at: datetime | None

    @property
    def reported(self) -> bool:
        """Past its threshold: a person should hear of it (one failed tick is not yet a problem)."""
        return self.occurrences >= self.kind.threshold


def problem_key(kind: str, subject: str = "") -> str:
    return f"{kind}:{subject}" if subject else kind


def report_problem(app: App, kind: str, detail: str, *, subject: str = "", mark: str = "",
                   transport: bool = False) -> None:  # fmt: skip
    """Record (or count again) an open problem; the journal hears of it once, when it passes its threshold.

    ``transport``: the mail transport itself is the problem, so a mail to the admins may not get through.
    """
    spec = KINDS[kind]
    with app.store.write() as db:
        row = problems.record(db, key=problem_key(kind, subject), kind=kind, detail=detail, now=app.clock.now(),
                              mark=mark, transport=transport)
        occurrences, since = row.occurrences, row.opened_at
    if occurrences == spec.threshold:
        log.error("Störung seit %s: %s. %s", f"{since.astimezone(app.zone):%d.%m.%Y %H:%M}", spec.title, detail)
        relay = app.config.mail.alert_relay
        if transport and relay is not None:
            log.error("Das Mailpostfach selbst ist gestört (%s, %s): Warnmails an die Administratoren gehen "
                      "deshalb über das SMTP-Relay %s. Bitte handeln: %s",
                      app.config.mail.transport, app.config.mail.address, relay.where, spec.advice)
        elif transport:
            log.error("Das Mailpostfach selbst ist gestört (%s, %s): eine Warnmail an die Administratoren kann "
                      "darüber vermutlich nicht zugestellt werden. Ein SMTP-Relay für Warnmails "
                      "([mail.alert_relay]) ist nicht eingetragen. Bitte direkt handeln: %s",
                      app.config.mail.transport, app.config.mail.address, spec.advice)


def resolve_problem(app: App, kind: str, *, subject: str = "") -> bool:
    """Close the open problem; True when one was open. The admins get one mail that it is resolved."""
    with app.store.write() as db:
        row = problems.resolve(db, problem_key(kind, subject), app.clock.now())
        if row is None:
            return False
        reported = row.occurrences >= KINDS[kind].threshold
        since = row.opened_at
    if reported:
        log.warning("Behoben: %s (bestand seit %s)", KINDS[kind].title, f"{since.astimezone(app.zone):%d.%m.%Y %H:%M}")
    return True


def open_problems(app: App, reported_only: bool = True) -> list[OpenProblem]:
    """The open problems, oldest first; by default only those past their threshold."""
    with app.store.read() as db:
        rows = problems.open_problems(db)
    found = [OpenProblem(key=r.key, kind=KINDS[r.kind], detail=r.detail, since=r.opened_at,
                         last_seen=r.last_seen_at, occurrences=r.occurrences, transport=r.transport,
                         notified_at=r.notified_at) for r in rows if r.kind in KINDS]
    return [p for p in found if p.reported or not reported_only]
