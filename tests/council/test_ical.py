"""Reading committee meetings from iCal feeds as SessionNet, ALLRIS and SD.NET export them."""

from __future__ import annotations

from datetime import date

import pytest

from kgrz_mailbot.config.settings import CouncilSource
from kgrz_mailbot.council.fetch import SourceError
from kgrz_mailbot.council.ical import parse_meetings, read_ical
from kgrz_mailbot.council.meetings import Meeting
from tests.council.conftest import quick_fetcher
from tests.support import REPO, ZONE

ICAL = REPO / "tests" / "data" / "ical"
TODAY = date(2027, 1, 15)


def meetings(name: str, match: str) -> dict[str, Meeting]:
    return {m.source_id: m for m in parse_meetings((ICAL / name).read_bytes(), match, ZONE, TODAY, where=name)}


def test_sessionnet_local_times_a_moved_meeting_by_sequence_and_a_cancelled_one() -> None:
    found = meetings("sessionnet_sitzungskalender.ics", "werkausschuss kgrz")
    assert {uid.split("@")[0]: (m.start.isoformat() if m.start else None, m.cancelled) for uid, m in found.items()} == {
        "sessionnet-ksinr-4711": ("2027-03-17T17:00:00+01:00", False),
        "sessionnet-ksinr-4720": ("2027-06-23T17:00:00+02:00", False),  # SEQUENCE 2 wins over the old 16 June
        "sessionnet-ksinr-4731": ("2027-09-22T17:00:00+02:00", True),
    }  # the Stadtrat does not match; the December 2026 meeting is past


def test_allris_utc_times_are_converted_to_koblenz_time() -> None:
    found = meetings("allris_gremium_werkausschuss.ics", "Werkausschuss")
    assert sorted((m.day, m.start.strftime("%H:%M")) for m in found.values() if m.start) == [
        (date(2027, 3, 17), "17:00"), (date(2027, 6, 16), "17:00"), (date(2027, 12, 8), "00:30")]


def test_sdnet_all_day_dates_overrides_by_recurrence_id_and_series() -> None:
    found = meetings("sdnet_termine.ics", "Werkausschuss KGRZ")
    assert found["SDNET-SITZUNG-880123"].all_day and found["SDNET-SITZUNG-880123"].day == date(2027, 3, 17)
    assert found["SDNET-SITZUNG-880124"].day == date(2027, 6, 30)  # the override moved it from 16 June
    series = {uid: (m.day, m.cancelled) for uid, m in found.items() if uid.startswith("SDNET-REIHE-17")}
    assert series == {
        "SDNET-REIHE-17#2027-03-01": (date(2027, 3, 1), False),
        "SDNET-REIHE-17#2027-04-01": (date(2027, 4, 1), True),
        "SDNET-REIHE-17#2027-05-01": (date(2027, 5, 1), False),
        "SDNET-REIHE-17#2027-06-01": (date(2027, 6, 1), False),
    }


def test_a_feed_that_is_no_calendar_gets_a_german_error() -> None:
    with pytest.raises(SourceError) as failure:
        parse_meetings(b"<html><body>Anmeldung erforderlich</body></html>", "Werkausschuss", ZONE, TODAY, "termine")
    assert str(failure.value).startswith("termine: kein gültiger iCal-Kalender")


def test_a_feed_is_read_from_a_file_path_and_always_whole() -> None:
    source = CouncilSource(committee="werkausschuss", ical=str(ICAL / "allris_gremium_werkausschuss.ics"),
                           match="Werkausschuss")
    with quick_fetcher() as fetcher:
        result = read_ical(fetcher, source, ZONE, TODAY)
    assert result.complete and len(result.meetings) == 3 and result.requests == 0
