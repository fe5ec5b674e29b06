"""The timeline as ``plan`` prints it: each action's state, a calendar for admins and the C2 JSON list."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kgrz_mailbot.domain.timeline import ACTION_LABELS, weekday_name
from kgrz_mailbot.jobs.states import PlanRow, plan_rows

__all__ = ["STATE_LABELS", "plan_json", "plan_rows", "plan_text"]

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

STATE_LABELS = {"done": "erledigt", "due": "fällig", "upcoming": "geplant", "missed": "nicht erfolgt"}
def plan_json(app: App, rows: list[PlanRow]) -> list[dict[str, Any]]:
    return [
        {
            "session": row.action.session.date.isoformat(),
            "committee": row.action.session.committee,
            "action": row.action.kind.value,
            "due": row.action.due.astimezone(app.zone).isoformat(),
            "state": row.state,
            **({"seq": row.action.seq} if row.action.seq else {}),
        }
        for row in rows
    ]


def plan_text(app: App, rows: list[PlanRow]) -> str:
    """A calendar an admin can read: one block per session, one line per action."""
    lines: list[str] = []
    current: tuple[str, date] | None = None
    today = app.clock.now().astimezone(app.zone).date()
    for row in rows:
        session = row.action.session
        if (session.committee, session.date) != current:
            current = (session.committee, session.date)
            name = app.config.committee(session.committee).name
            over = "  (Sitzung vorbei)" if session.date <= today else ""
            lines += ["", f"{name} – Sitzung am {weekday_name(session.date)}, {session.date:%d.%m.%Y}{over}"]
        local = row.action.due.astimezone(app.zone)
        label = ACTION_LABELS[row.action.kind]
        if row.action.seq:
            label = f"{row.action.seq}. {label}"
        state = STATE_LABELS[row.state]
        if row.state == "done" and row.done_at:
            state += f" am {row.done_at.astimezone(app.zone):%d.%m. %H:%M}" + (f" ({row.note})" if row.note else "")
        extra = f" – noch {row.silent} ohne Antwort" if row.silent is not None and row.state != "done" else ""
        lines.append(f"  {weekday_name(local.date())[:2]} {local:%d.%m.%Y %H:%M}  {label:<54} {state}{extra}")
    return "\n".join(lines).strip("\n") + "\n"
