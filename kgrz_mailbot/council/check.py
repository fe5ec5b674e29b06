"""``check --connect`` for the council sources: read each once and say what was found, in German."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.council.fetch import Fetcher, SourceError
from kgrz_mailbot.council.sync import read_source

Result = tuple[bool, str]


def check_sources(config: Config, now: datetime, fetcher: Callable[[], Fetcher] = Fetcher) -> list[Result]:
    """One full read per source: the organization (or feed) found and how many upcoming meetings it has."""
    zone = ZoneInfo(config.organisation.timezone)
    today = now.astimezone(zone).date()
    results = []
    for source in config.sources:
        name = config.committee(source.committee).name
        where = source.oparl or source.ical
        try:
            with fetcher() as client:
                read = read_source(client, source, zone, today, since=None)
        except SourceError as exc:
            results.append((False, f"Ratsinformationssystem für {name}: {exc}"))
            continue
        upcoming = [m for m in read.meetings if not m.gone and m.day and m.day > today]
        following = f", die nächste am {min(m.day for m in upcoming if m.day):%d.%m.%Y}" if upcoming else ""
        results.append((True, f"Ratsinformationssystem für {name}: {read.source_label} gefunden ({where}), "
                              f"{len(upcoming)} anstehende Sitzungen{following}"))
    return results
