"""``tick`` and ``plan``: derive what is due from config + database state, and do it once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import ActionKind, Session
from kgrz_mailbot.inbox.poll import PollResult, process_inbox
from kgrz_mailbot.jobs.drafts import compile_draft
from kgrz_mailbot.jobs.requests import escalate, send_reminders, send_requests
from kgrz_mailbot.jobs.rescheduled import tell_new_deadlines
from kgrz_mailbot.storage import drafts, requests
from kgrz_mailbot.storage.council import CANCELLED
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.tick")

NACHTRAG_PAUSE = timedelta(hours=1)  # late answers after the draft: at most one new version per hour


@dataclass
class TickResult:
    poll: PollResult
    done: list[str] = field(default_factory=list)
    skipped: bool = False


def session_over(app: App, session: Session) -> bool:
    return app.clock.now().astimezone(app.zone).date() >= session.date


def tick(app: App) -> TickResult:
    """Poll, then every due-and-undone action of every session that is not over (one instance at a time)."""
    with app.store.tick_lock() as leader:
        if not leader:
            log.debug("tick skipped: another instance is ticking")
            return TickResult(poll=PollResult(), skipped=True)
        result = TickResult(poll=process_inbox(app))
        if tell_new_deadlines(app).queued:
            result.done.append("rescheduled")
        for session in app.config.sessions:
            if not session_over(app, session):
                result.done += _tick_session(app, session)
        return result


def _tick_session(app: App, session: Session) -> list[str]:
    now = app.clock.now()
    with app.store.read() as db:
        sid = session_id(db, session)
        done = requests.done_actions(db, sid)
        if CANCELLED in done:  # its council cancelled it and the leads were told: nothing more for it
            return []
        latest = drafts.latest_draft(db, sid)
        news = latest is not None and requests.answered_since(db, sid, latest.created_at)
    actions = app.plan(session)
    due = [a for a in actions if a.due <= now and a.key not in done]
    deadline = next(a for a in actions if a.kind is ActionKind.DEADLINE)
    performed: list[str] = []
    reminders = [a for a in due if a.kind is ActionKind.REMINDER]
    if "request" not in done:
        if not any(a.kind is ActionKind.REQUEST for a in due):
            return performed
        if deadline.due <= now:  # too late to ask: the Werkleitung hears it from the escalation instead
            log.warning("Sitzung am %s: Statusabfrage nicht mehr versandt, die Frist ist bereits abgelaufen",
                        f"{session.date:%d.%m.%Y}")
            _mark(app, sid, ["request"], "übersprungen: Frist bereits abgelaufen")
        else:
            send_requests(app, session)
            performed.append("request")
            done = {**done, "request": now}
            # A request sent late is not chased in the same breath: reminders already due are covered by it.
            _mark(app, sid, [a.key for a in reminders], "übersprungen: Abfrage verspätet versandt")
            reminders = []
    if reminders and "request" in done and deadline.due > now:
        # Missed reminders coalesce into one: only the latest goes out, the earlier count as covered.
        last = reminders[-1]
        send_reminders(app, session, last.seq, covers=tuple(a.key for a in reminders[:-1]))
        performed.append(last.key)
    elif reminders:
        _mark(app, sid, [a.key for a in reminders], "übersprungen")
    if any(a.kind is ActionKind.DEADLINE for a in due):
        escalate(app, session)
        performed.append("deadline")
    if any(a.kind is ActionKind.DRAFT for a in due):
        compile_draft(app, session, send=True, action_key="draft")
        performed.append("draft")
    elif "draft" in done and news and latest is not None and now - latest.created_at >= NACHTRAG_PAUSE:
        result = compile_draft(app, session, send=True)
        if result.new_version:
            performed.append(f"nachtrag-{result.draft.version}")
    return performed


def _mark(app: App, sid: int, keys: list[str], note: str) -> None:
    with app.store.write() as db:
        for key in keys:
            requests.mark_action(db, sid, key, app.clock.now(), note=note)
