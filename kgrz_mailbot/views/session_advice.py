"""What ``session add|move`` warns about: a date in the past, on a weekend or holiday, a cycle overlapping another.

Warnings, not errors: a committee may well meet on a Saturday or on a local holiday, and a session added late on
purpose is legitimate; the admin only hears what would otherwise surprise them weeks later.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import ActionKind, Session
from kgrz_mailbot.domain.timeline import weekday_name

if TYPE_CHECKING:
    from kgrz_mailbot.app import App


def _cycle(app: App, session: Session) -> tuple[date, date]:
    """From the day of the request to the session's day."""
    return min(a.local_day for a in app.plan(session)), session.date


def _holiday(app: App, day: date) -> str | None:
    if day in app.config.timeline.closed:
        return "örtlicher Schließtag (closed in schedule.toml)"
    if not app.is_closed(day):
        return None
    from kgrz_mailbot.config.public_holidays import calendar  # noqa: PLC0415 - only to name the holiday

    return calendar(app.config.organisation.holidays).get(day) or "Feiertag"


def session_warnings(app: App, session: Session) -> list[str]:
    now = app.clock.now()
    today = now.astimezone(app.zone).date()
    day = f"{weekday_name(session.date)}, {session.date:%d.%m.%Y}"
    warnings = []
    if session.date <= today:
        warnings.append(f"Die Sitzung am {day} liegt nicht in der Zukunft: für sie wird nichts versandt.")
    else:
        request = next(a for a in app.plan(session) if a.kind is ActionKind.REQUEST)
        deadline = next(a for a in app.plan(session) if a.kind is ActionKind.DEADLINE)
        if request.due <= now < deadline.due:
            warnings.append(f"Die Statusabfrage wäre am {request.local_day:%d.%m.%Y} fällig gewesen; sie geht beim "
                            f"nächsten Durchgang hinaus, die Frist endet am {deadline.local_day:%d.%m.%Y}.")
        elif deadline.due <= now:
            warnings.append(f"Die Frist der Sitzung ({deadline.local_day:%d.%m.%Y}) ist schon vorbei: es werden "
                            "keine Statusabfragen mehr versandt.")
    if session.date.weekday() >= 5:
        warnings.append(f"Der {session.date:%d.%m.%Y} ist ein {weekday_name(session.date)}. Bitte das Datum prüfen.")
    if holiday := _holiday(app, session.date):
        warnings.append(f"Der {session.date:%d.%m.%Y} ist ein Feiertag bzw. Schließtag ({holiday}). "
                        "Bitte das Datum prüfen.")
    start, end = _cycle(app, session)
    for other in app.config.sessions:
        if other == session or other.committee != session.committee:
            continue
        other_start, other_end = _cycle(app, other)
        if start <= other_end and other_start <= end:
            warnings.append(
                f"Der Ablauf dieser Sitzung ({start:%d.%m.} bis {end:%d.%m.%Y}) überschneidet sich mit dem der Sitzung "
                f"am {other.date:%d.%m.%Y} ({other_start:%d.%m.} bis {other_end:%d.%m.%Y}): die Projektleitungen "
                "würden für beide Sitzungen zugleich angefragt und erinnert.")
    return warnings
