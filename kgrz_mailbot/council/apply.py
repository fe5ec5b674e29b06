"""Carry out a sync plan: the database first (moved rows, cancellations and their notices), then schedule.toml.

Order matters for crashes. The edited schedule.toml is validated in memory before anything changes; the
database work commits next; the file is replaced last, atomically. A crash between the two leaves the old file
and a database that already knows the change: the next sync finds the same difference and repeats it, and
every step is idempotent (a moved row is found at its new date, a notice's business key exists, a cancelled
session is skipped by ``tick`` meanwhile).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kgrz_mailbot.config.schedule_edit import open_schedule
from kgrz_mailbot.council.notice import asked, cancel_session
from kgrz_mailbot.council.plan import Add, Move, Remove, SyncPlan
from kgrz_mailbot.council.reinstate import announce_reinstated
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.outbox import relay
from kgrz_mailbot.storage import council
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.council")


def _session(app: App, committee: str, change: Move | Remove) -> Session:
    return next(s for s in app.config.sessions if s.committee == committee and s.date == change.day)


def preview(app: App, plan: SyncPlan) -> list[str]:
    """What applying would tell people, without doing it (``--dry-run``)."""
    notes = []
    with app.store.read() as db:
        for change in plan.changes:
            if isinstance(change, Remove):
                count = len(asked(db, session_id(db, _session(app, plan.committee, change))))
                if count:
                    notes.append(f"  {change.day:%d.%m.%Y}: Absage ginge an {count} angefragte Projektleitungen "
                                 "und die Werkleitung")
    return notes


def apply_plan(app: App, plan: SyncPlan) -> list[str]:
    """Write the plan's changes; returns German notes on what people were told."""
    if not plan.changes:
        return []
    schedule = open_schedule(app.config.directory)
    for change in plan.changes:
        if isinstance(change, Add):
            schedule.add(change.day, plan.committee, change.meeting.source_id)
        elif isinstance(change, Move):
            schedule.move(change.day, change.new_day, plan.committee)
        else:
            schedule.remove(change.day, plan.committee)
    schedule.validate()  # a ConfigError here changes nothing anywhere
    notes = []
    with app.store.write() as db:
        for change in plan.changes:
            if isinstance(change, Move):
                council.move_session(db, plan.committee, change.day, change.new_day, app.clock.now())
            elif isinstance(change, Remove):
                told = cancel_session(app, db, _session(app, plan.committee, change), change.meeting.deleted)
                if told:
                    notes.append(f"  {change.day:%d.%m.%Y}: Absage an {told} angefragte Projektleitungen und die "
                                 "Werkleitung")
            elif council.reinstate(db, plan.committee, change.day):
                told = announce_reinstated(app, db, Session(committee=plan.committee, date=change.day))
                notes.append(f"  {change.day:%d.%m.%Y}: war abgesagt und ist wieder angesetzt; bereits "
                             "angefragte Projektleitungen werden nicht erneut angefragt"
                             + (f", {told} erfahren es mit der Frist, die Werkleitung auch" if told else ""))
    schedule.save()
    relay.flush(app)
    for change in plan.changes:
        log.debug("sessions sync committee=%s %s", plan.committee, change.text())
    return notes
