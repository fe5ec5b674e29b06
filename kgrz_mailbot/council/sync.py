"""``sessions sync``: read each committee's source, plan the difference, apply it (or only show it).

OParl is read incrementally (``modified_since`` the last applied read, less a day of overlap so a clock skew or
a late write on the server loses nothing) and in full once a week, on the first sync and whenever the source
changes; only a full read may report a vanished meeting. The time of the last read lives in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kgrz_mailbot.config.settings import CouncilSource
from kgrz_mailbot.council.apply import apply_plan, preview
from kgrz_mailbot.council.fetch import Fetcher, SourceError
from kgrz_mailbot.council.ical import read_ical
from kgrz_mailbot.council.meetings import SourceRead
from kgrz_mailbot.council.oparl import read_oparl
from kgrz_mailbot.council.plan import SyncPlan, plan_sync
from kgrz_mailbot.council.problems import hand_over
from kgrz_mailbot.errors import ConfigError
from kgrz_mailbot.storage import council

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.council")

OVERLAP = timedelta(days=1)
FULL_READ_EVERY = timedelta(days=7)


@dataclass
class CommitteeSync:
    """The outcome for one committee: what was read, the plan, and notes or the error that stopped it."""

    source: CouncilSource
    read: SourceRead | None = None
    plan: SyncPlan | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None


def read_source(fetcher: Fetcher, source: CouncilSource, zone: ZoneInfo, today: date,
                since: datetime | None) -> SourceRead:
    if source.oparl:
        return read_oparl(fetcher, source, zone, since)
    return read_ical(fetcher, source, zone, today)


def since_for(app: App, source: CouncilSource, now: datetime) -> datetime | None:
    """Where an incremental OParl read starts, or None for a full read."""
    if not source.oparl:
        return None
    with app.store.read() as db:
        last = council.last_read(db, source.committee)
    if last is None or last.source != source.label or now - last.full_read_at >= FULL_READ_EVERY:
        return None
    return (last.read_at - OVERLAP).astimezone(ZoneInfo(app.config.organisation.timezone))


def sync_sessions(app: App, *, dry_run: bool, committee: str | None = None,
                  fetcher: Callable[[], Fetcher] = Fetcher) -> list[CommitteeSync]:
    """Every configured source (or the one of ``committee``), one after the other; one failing stops no other."""
    results = []
    for source in app.config.sources:
        if committee not in (None, source.committee):
            continue
        result = CommitteeSync(source)
        results.append(result)
        now = app.clock.now()
        try:
            with fetcher() as client:
                result.read = read_source(client, source, app.zone, now.astimezone(app.zone).date(),
                                          since_for(app, source, now))
            result.plan = plan_sync(source.committee, app.config.sessions, result.read,
                                    now.astimezone(app.zone).date())
            if dry_run:
                result.notes = preview(app, result.plan)
                continue
            result.notes = apply_plan(app, result.plan)
            with app.store.write() as db:
                council.record_read(db, source.committee, source.label, now, full=result.read.complete)
        except (SourceError, ConfigError) as exc:
            result.error = str(exc)
            log.error("Abgleich der Sitzungen von %s fehlgeschlagen: %s", source.committee, exc)
        if not dry_run:  # a dry run changes nothing, the admins' problems included
            hand_over(app, result)
    return results
