"""The difference between a council source and the configured sessions: what a sync adds, moves, removes, reports.

Pure: plain values in, a plan out; ``today`` is given (the clock is the caller's). The rules, in the words of
the issue: a new upcoming meeting is added; a moved one moves its session; a cancelled or deleted one removes
it; one that vanished without being deleted is only reported (sources lose records); past sessions and sessions
without ``source_id`` are never touched; a change that would land on a date already taken is reported instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from kgrz_mailbot.council.meetings import Meeting, SourceRead
from kgrz_mailbot.domain.model import Session


@dataclass(frozen=True)
class Add:
    meeting: Meeting
    day: date

    def text(self) -> str:
        return f"+ {self.day:%d.%m.%Y} neu eingetragen: {self.meeting.name}"


@dataclass(frozen=True)
class Move:
    meeting: Meeting
    day: date
    new_day: date

    def text(self) -> str:
        return f"~ {self.day:%d.%m.%Y} → {self.new_day:%d.%m.%Y} verschoben: {self.meeting.name}"


@dataclass(frozen=True)
class Remove:
    meeting: Meeting
    day: date

    @property
    def reason(self) -> str:
        return "im Ratsinformationssystem gelöscht" if self.meeting.deleted else "abgesagt"

    def text(self) -> str:
        return f"- {self.day:%d.%m.%Y} entfernt ({self.reason}): {self.meeting.name or self.meeting.source_id}"


Change = Add | Move | Remove


@dataclass(frozen=True)
class Report:
    """Something the sync changed nothing for and a person must decide; ``source_id`` names the meeting."""

    source_id: str
    text: str


@dataclass(frozen=True)
class SyncPlan:
    committee: str
    changes: tuple[Change, ...] = ()
    reports: tuple[Report, ...] = ()  # for the admin: nothing was changed for these

    def lines(self) -> list[str]:
        return [c.text() for c in self.changes] + [f"! {r.text}" for r in self.reports]


@dataclass
class _Calendar:
    """The committee's dates while the plan is being made: each change is checked against the ones before."""

    taken: dict[date, str]  # date → who holds it, for the conflict report
    changes: list[Change] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)

    def conflict(self, meeting: Meeting, day: date, what: str) -> None:
        self.reports.append(Report(meeting.source_id, (
            f"{day:%d.%m.%Y}: {what} „{meeting.name}“ ({meeting.source_id}) nicht übernommen, weil an diesem Tag "
            f"schon eine Sitzung eingetragen ist ({self.taken[day]}). Bitte in schedule.toml klären; der Abgleich "
            "ändert dort nichts.")))


def _holder(session: Session) -> str:
    return f"aus dem Ratsinformationssystem: {session.source_id}" if session.source_id else "von Hand, ohne source_id"


def _latest_per_id(meetings: Iterable[Meeting]) -> list[Meeting]:
    """One meeting per id (a list read page by page may repeat one); ordered by start, then id."""
    unique = {m.source_id: m for m in meetings}
    return sorted(unique.values(), key=lambda m: (m.day or date.max, m.source_id))


def plan_sync(committee: str, sessions: Sequence[Session], read: SourceRead, today: date) -> SyncPlan:
    """What a sync of ``committee`` would do; ``sessions`` are that committee's configured sessions."""
    mine = [s for s in sessions if s.committee == committee]
    synced = {s.source_id: s for s in mine if s.source_id}
    meetings = _latest_per_id(read.meetings)
    calendar = _Calendar(taken={s.date: _holder(s) for s in mine})
    for meeting in meetings:  # removals first: a cancelled meeting frees its date for a replacement
        session = synced.get(meeting.source_id)
        if meeting.gone and session is not None and session.date > today:
            calendar.changes.append(Remove(meeting, session.date))
            del calendar.taken[session.date]
    for meeting in meetings:
        session = synced.get(meeting.source_id)
        if not meeting.gone and session is not None and session.date > today:
            _move(calendar, meeting, session, today)
    for meeting in meetings:
        day = meeting.day
        if meeting.gone or meeting.source_id in synced or day is None or day <= today:
            continue
        if day in calendar.taken:
            calendar.conflict(meeting, day, "neue Sitzung")
            continue
        calendar.changes.append(Add(meeting, day))
        calendar.taken[day] = f"aus dem Ratsinformationssystem: {meeting.source_id}"
    if read.complete:
        seen = {m.source_id for m in meetings}
        for session in mine:
            if session.source_id and session.source_id not in seen and session.date > today:
                calendar.reports.append(Report(session.source_id, (
                    f"{session.date:%d.%m.%Y}: die Sitzung ({session.source_id}) ist im Ratsinformationssystem nicht "
                    "mehr zu finden, aber auch nicht als gelöscht oder abgesagt markiert. Sie bleibt eingetragen; "
                    "bitte beim Sitzungsdienst nachfragen und sie gegebenenfalls mit „session remove“ entfernen.")))
    return SyncPlan(committee, tuple(calendar.changes), tuple(calendar.reports))


def _move(calendar: _Calendar, meeting: Meeting, session: Session, today: date) -> None:
    day = meeting.day
    if day is None:
        calendar.reports.append(Report(meeting.source_id, f"{session.date:%d.%m.%Y}: „{meeting.name}“ "
                                       f"({meeting.source_id}) hat im Ratsinformationssystem keinen Beginn mehr; "
                                       "die Sitzung bleibt unverändert. Bitte beim Sitzungsdienst nachfragen."))
    elif day == session.date:
        return
    elif day <= today:
        calendar.reports.append(Report(meeting.source_id, f"{session.date:%d.%m.%Y}: „{meeting.name}“ ist im "
                                       f"Ratsinformationssystem auf den {day:%d.%m.%Y} verlegt, der schon vorbei "
                                       "ist; die Sitzung bleibt unverändert. Bitte beim Sitzungsdienst nachfragen "
                                       "und die Sitzung gegebenenfalls mit „session remove“ entfernen."))
    elif day in calendar.taken:
        calendar.conflict(meeting, day, f"Verlegung vom {session.date:%d.%m.%Y} für")
    else:
        calendar.changes.append(Move(meeting, session.date, day))
        del calendar.taken[session.date]
        calendar.taken[day] = f"aus dem Ratsinformationssystem: {meeting.source_id}"
