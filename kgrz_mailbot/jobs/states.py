"""The state of each action of the timeline (done, due, upcoming, missed) and which one comes next.

Read only, through ``app.reader``: ``plan`` must not need the store (issue 15), and the service's start line and
heartbeat name the next action without touching what the tick writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import ActionKind
from kgrz_mailbot.domain.timeline import PlannedAction

if TYPE_CHECKING:
    from kgrz_mailbot.app import App


@dataclass(frozen=True)
class PlanRow:
    action: PlannedAction
    state: str  # done | due | upcoming | missed (C2)
    done_at: datetime | None
    silent: int | None  # reminders: projects still without a valid answer
    note: str = ""


def plan_rows(app: App) -> list[PlanRow]:
    """Every action of every configured session with its state. ``missed``: the session is over (its day has
    come, so ``tick`` does nothing more for it) and the action never happened."""
    now = app.clock.now()
    today = now.astimezone(app.zone).date()
    reader = app.reader
    ids = reader.sessions()
    done_by_session = reader.done_actions()
    answered = reader.answered_counts()
    rows: list[PlanRow] = []
    for session in app.config.sessions:
        sid = ids.get((session.committee, session.date), 0)  # 0: not mirrored yet, so nothing done
        done = done_by_session.get(sid, {})
        silent = len(app.config.active_projects) - answered.get(sid, 0)
        for action in app.plan(session):
            record = done.get(action.key)
            if record is not None:
                state = "done"
            elif session.date <= today:
                state = "missed"
            else:
                state = "due" if action.due <= now else "upcoming"
            count = silent if action.kind is ActionKind.REMINDER else None
            rows.append(PlanRow(action, state, record.done_at if record else None, count,
                                record.note if record else ""))
    return rows


def next_action(app: App) -> PlanRow | None:
    """The earliest action not done of a session that is not over (None: nothing planned)."""
    open_rows = [r for r in plan_rows(app) if r.state in ("due", "upcoming")]
    return min(open_rows, key=lambda r: r.action.due, default=None)
