"""What a council information system says about one meeting, in the configured zone (plain values, no IO)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Meeting:
    """One meeting as the source has it; ``start`` is local time of the configured zone.

    ``deleted`` is an OParl soft-deleted object (it may carry nothing but its id); ``cancelled`` is OParl's
    ``cancelled: true`` or iCal's ``STATUS:CANCELLED``. An all-day iCal event has ``all_day`` and a midnight start.
    """

    source_id: str
    name: str
    start: datetime | None
    cancelled: bool = False
    deleted: bool = False
    all_day: bool = False

    @property
    def day(self) -> date | None:
        return self.start.date() if self.start else None

    @property
    def gone(self) -> bool:
        return self.cancelled or self.deleted


@dataclass(frozen=True)
class SourceRead:
    """One read of a source: the meetings it returned and whether that was everything it has.

    Only a complete read can tell that a meeting vanished; an incremental OParl read (``modified_since``)
    returns just what changed.
    """

    meetings: tuple[Meeting, ...]
    complete: bool
    source_label: str  # e.g. „Werkausschuss KGRZ“ (Stadt Koblenz), for the admin
    requests: int = 0  # HTTP requests it took


def local_start(value: datetime, zone: ZoneInfo) -> datetime:
    """A start with an offset converted into the configured zone; one without is already local time."""
    return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)
