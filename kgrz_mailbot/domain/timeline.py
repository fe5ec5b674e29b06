"""The timeline of a session: due instants of request, reminders, deadline and draft (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kgrz_mailbot.domain.model import ActionKind, Session

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
ACTION_LABELS = {
    ActionKind.REQUEST: "Statusabfrage an alle Projektleitungen",
    ActionKind.REMINDER: "Erinnerung an die noch Säumigen",
    ActionKind.DEADLINE: "Frist: Meldung fehlender Projekte an die Werkleitung",
    ActionKind.DRAFT: "Entwurf der Vorlage an die Werkleitung",
}


@dataclass(frozen=True)
class PlannedAction:
    """One step of a session's cycle; ``seq`` numbers the reminders (1, 2, …), else 0."""

    session: Session
    kind: ActionKind
    seq: int
    due: datetime  # UTC
    local_day: date

    @property
    def key(self) -> str:
        """Stable identity of the action within its session (``reminder-2``)."""
        return f"{self.kind.value}-{self.seq}" if self.kind is ActionKind.REMINDER else self.kind.value


def previous_working_day(day: date, is_closed: Callable[[date], bool]) -> date:
    """Move back over weekends, public holidays and local closing days."""
    while day.weekday() >= 5 or is_closed(day):
        day -= timedelta(days=1)
    return day


def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``day`` at ``clock`` local time, as UTC.

    One explicit policy for the two DST edge cases (RELIABILITY.md §3.5), both given by PEP 495's fold=0:
    a wall time skipped in spring resolves to the instant after the gap (02:30 → 03:30 CEST), an ambiguous
    one in autumn to its first occurrence.
    """
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def plan_session(
    session: Session,
    *,
    request: int,
    reminders: Iterable[int],
    deadline: int,
    draft: int,
    clock: time,
    zone: ZoneInfo,
    is_closed: Callable[[date], bool],
) -> list[PlannedAction]:
    """All actions of one session, ordered by due time, each on a working day before the session."""
    overrides = dict(session.overrides)
    steps: list[tuple[ActionKind, int, int]] = [(ActionKind.REQUEST, 0, request)]
    steps += [(ActionKind.REMINDER, n, offset) for n, offset in enumerate(reminders, 1)]
    steps += [(ActionKind.DEADLINE, 0, deadline), (ActionKind.DRAFT, 0, draft)]
    actions: list[PlannedAction] = []
    floor: date | None = None
    for kind, seq, offset in steps:
        name = f"reminder{seq}" if kind is ActionKind.REMINDER else kind.value
        day = overrides.get(name) or previous_working_day(session.date - timedelta(days=offset), is_closed)
        # Moving back over a long holiday block must not reorder the steps: a step never precedes
        # the one before it (they then fall on the same day, still in order).
        if floor is not None and day < floor:
            day = floor
        floor = day
        actions.append(PlannedAction(session, kind, seq, local_instant(day, clock, zone), day))
    return actions


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]
