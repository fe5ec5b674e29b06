"""Read a committee's meetings from an iCal feed as RIS products export them (the only module using icalendar).

icalendar parses (VTIMEZONE, ``TZID=Europe/Berlin``, UTC, all-day ``VALUE=DATE``); recurring-ical-events, built
on it, expands ``RRULE``/``RDATE``/``EXDATE`` and applies ``RECURRENCE-ID`` overrides, keeping for each event the
version with the highest ``SEQUENCE``. Neither is hand-written here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from kgrz_mailbot.config.settings import CouncilSource
from kgrz_mailbot.council.fetch import Fetcher, SourceError
from kgrz_mailbot.council.meetings import Meeting, SourceRead, local_start

HORIZON = timedelta(days=5 * 366)  # recurring series are expanded this far ahead


def read_ical(fetcher: Fetcher, source: CouncilSource, zone: ZoneInfo, today: date) -> SourceRead:
    """Every meeting in the feed whose SUMMARY contains ``match``; a feed is always read whole."""
    assert source.ical is not None and source.match is not None
    if source.ical.startswith(("http://", "https://")):
        reply = fetcher.get(source.ical)
        if reply.status != 200:
            raise SourceError(f"{source.ical}: HTTP {reply.status}. Bitte die iCal-URL in schedule.toml prüfen.")
        data = reply.body
    else:
        try:
            data = Path(source.ical).read_bytes()
        except OSError as exc:
            raise SourceError(f"{source.ical}: iCal-Datei nicht lesbar ({exc.strerror}).") from None
    meetings = parse_meetings(data, source.match, zone, today, where=source.ical)
    return SourceRead(meetings, complete=True, source_label=f"Termine mit „{source.match}“",
                      requests=fetcher.requests)


def parse_meetings(data: bytes, match: str, zone: ZoneInfo, today: date, where: str = "iCal") -> tuple[Meeting, ...]:
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise SourceError(f"{where}: kein gültiger iCal-Kalender ({exc}).") from None
    recurring = {str(e.get("UID")) for e in calendar.walk("VEVENT") if "RRULE" in e or "RDATE" in e}
    wanted = match.casefold()
    occurrences = recurring_ical_events.of(calendar).between(today - timedelta(days=1), today + HORIZON)
    meetings = []
    for event in occurrences:
        if event.name != "VEVENT" or wanted not in str(event.get("SUMMARY", "")).casefold():
            continue
        uid = str(event.get("UID", "")).strip()
        if not uid:
            continue  # without a UID an event cannot be followed from one read to the next
        start, all_day = _start(event.get("DTSTART").dt, zone)
        if uid in recurring:  # one series, many meetings: each is known by the date it was planned for
            planned, _ = _start(event.get("RECURRENCE-ID", event.get("DTSTART")).dt, zone)
            uid = f"{uid}#{planned.date().isoformat()}"
        meetings.append(Meeting(source_id=uid, name=str(event.get("SUMMARY", "")).strip(), start=start,
                                cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED", all_day=all_day))
    return tuple(meetings)


def _start(value: date | datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        return local_start(value, zone), False
    return datetime.combine(value, time(0, 0), tzinfo=zone), True
