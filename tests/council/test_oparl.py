"""Reading a committee's meetings over OParl 1.1 from a fake RIS over a real socket, quirks and all."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kgrz_mailbot.config.settings import CouncilSource
from kgrz_mailbot.council.fetch import SourceError
from kgrz_mailbot.council.meetings import SourceRead
from kgrz_mailbot.council.oparl import read_oparl
from tests.council.conftest import quick_fetcher
from tests.council.ris import RisServer, World
from tests.support import ZONE, at

MODIFIED = at("2027-01-10T12:00")


def werkausschuss(world: World) -> None:
    """Five meetings of the Werkausschuss (three pages of two) and one of another committee."""
    world.add(101, "12. Sitzung des Werkausschusses KGRZ", "2027-03-17T17:00:00+01:00", MODIFIED)
    world.add(102, "13. Sitzung des Werkausschusses KGRZ", "2027-06-16T17:00:00+02:00", MODIFIED)
    world.add(103, "14. Sitzung des Werkausschusses KGRZ", "2027-09-22T15:00:00Z", MODIFIED)
    world.add(104, "15. Sitzung des Werkausschusses KGRZ", "2027-12-07T23:30:00Z", MODIFIED)  # 8 Dec in Koblenz
    world.add(105, "16. Sitzung des Werkausschusses KGRZ", "2028-03-15T17:00:00", MODIFIED)  # no offset: local
    world.add(201, "Sitzung des Stadtrates", "2027-03-18T17:00:00+01:00", MODIFIED, organization=3)


def read(ris: RisServer, organization: str = "Werkausschuss KGRZ", since: datetime | None = None) -> SourceRead:
    source = CouncilSource(committee="werkausschuss", oparl=ris.system_url, organization=organization)
    with quick_fetcher() as fetcher:
        return read_oparl(fetcher, source, ZONE, since)


def days(result: SourceRead) -> dict[str, date | None]:
    return {m.source_id.rsplit("=", 1)[1]: m.day for m in result.meetings}


def test_the_organization_is_found_by_name_and_every_page_of_its_meetings_is_read(ris: RisServer,
                                                                                  world: World) -> None:
    werkausschuss(world)
    result = read(ris)
    assert result.complete and result.source_label == "„Werkausschuss KGRZ“ (Stadt Koblenz)"
    assert days(result) == {"101": date(2027, 3, 17), "102": date(2027, 6, 16), "103": date(2027, 9, 22),
                            "104": date(2027, 12, 8), "105": date(2028, 3, 15)}
    assert [m.start.isoformat() for m in result.meetings][2:4] == ["2027-09-22T17:00:00+02:00",
                                                                   "2027-12-08T00:30:00+01:00"]
    meeting_pages = [r for r in world.requests if "meetings.asp" in r]
    assert len(meeting_pages) == 3 and all("omit_internal=true" in r for r in meeting_pages)


def test_the_organization_may_be_named_by_its_id_url_or_its_short_name(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    assert len(read(ris, organization=f"{ris.base}/organization.asp?id=7").meetings) == 5
    assert len(read(ris, organization="wa kgrz").meetings) == 5


def test_an_unknown_organization_names_the_close_ones(ris: RisServer) -> None:
    with pytest.raises(SourceError) as failure:
        read(ris, organization="Werkausschuss")
    assert "Gremium „Werkausschuss“ nicht im Ratsinformationssystem" in str(failure.value)
    assert "„Werkausschuss KGRZ“" in str(failure.value)


def test_cancelled_and_deleted_meetings_are_read_as_such(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    world.meetings[102].cancelled = True
    world.meetings[103].deleted = True
    world.meetings[103].modified = at("2027-02-01T09:00")
    full = read(ris)
    assert [m.source_id.endswith("102") for m in full.meetings if m.cancelled] == [True]
    assert not any(m.deleted for m in full.meetings)  # without modified_since deleted objects are not listed
    changed = read(ris, since=at("2027-01-31T09:00"))
    assert not changed.complete
    assert [(m.source_id.rsplit("=", 1)[1], m.deleted) for m in changed.meetings] == [("103", True)]


def test_modified_since_is_sent_percent_encoded_as_the_spec_says(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    read(ris, since=at("2027-01-09T06:00"))
    assert any("modified_since=2027-01-09T06%3A00%3A00%2B01%3A00" in r for r in world.requests)


def test_a_server_that_rejects_the_encoded_timestamp_gets_it_unencoded(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    world.quirks.add("somacos")
    result = read(ris, since=at("2027-01-09T06:00"))
    assert len(result.meetings) == 5
    assert any(r.endswith("modified_since=2027-01-09T06:00:00+01:00") for r in world.requests)


def test_a_500_on_the_first_try_is_retried(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    world.fail_once |= {"/system.asp", "/meetings.asp"}
    assert len(read(ris).meetings) == 5
    assert sum(1 for r in world.requests if r.startswith("/bi/oparl/1.1/system.asp")) == 2


def test_a_server_that_keeps_failing_gives_a_german_error(ris: RisServer, world: World) -> None:
    world.down = True
    with pytest.raises(SourceError) as failure:
        read(ris)
    assert "antwortet mit HTTP 503, auch nach 5 Versuchen" in str(failure.value)


def test_objects_without_type_and_a_single_body_instead_of_a_list_are_read(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    world.quirks |= {"no-type", "single-body"}
    assert len(read(ris).meetings) == 5


def test_an_empty_filtered_list_answered_with_sdnet_code_802_is_empty(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    world.quirks.add("sdnet")
    result = read(ris, since=at("2027-02-01T00:00"))
    assert result.meetings == ()


def test_without_an_organization_meeting_list_the_body_list_is_filtered(ris: RisServer, world: World) -> None:
    werkausschuss(world)
    world.quirks.add("no-organization-meetings")
    assert sorted(days(read(ris))) == ["101", "102", "103", "104", "105"]
