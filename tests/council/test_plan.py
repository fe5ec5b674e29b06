"""The sync plan: what the difference between the RIS and schedule.toml makes a sync do (pure, no IO)."""

from __future__ import annotations

from datetime import date, datetime

from kgrz_mailbot.council.meetings import Meeting, SourceRead
from kgrz_mailbot.council.plan import Add, Move, Remove, plan_sync
from kgrz_mailbot.domain.model import Session
from tests.support import ZONE

TODAY = date(2027, 2, 1)


def meeting(number: int, day: str | None, **kw: bool) -> Meeting:
    start = datetime.fromisoformat(f"{day}T17:00").replace(tzinfo=ZONE) if day else None
    return Meeting(source_id=f"https://ris.example/meeting/{number}", name=f"{number}. Sitzung", start=start, **kw)


def synced(number: int, day: str) -> Session:
    return Session("werkausschuss", date.fromisoformat(day), source_id=f"https://ris.example/meeting/{number}")


def by_hand(day: str, committee: str = "werkausschuss") -> Session:
    return Session(committee, date.fromisoformat(day))


def plan(sessions: list[Session], meetings: list[Meeting], complete: bool = True):  # type: ignore[no-untyped-def]
    return plan_sync("werkausschuss", sessions, SourceRead(tuple(meetings), complete, "WA"), TODAY)


def test_upcoming_meetings_are_added_and_past_ones_are_not() -> None:
    result = plan([], [meeting(1, "2027-01-20"), meeting(2, "2027-02-01"), meeting(3, "2027-03-17")])
    assert result.changes == (Add(meeting(3, "2027-03-17"), date(2027, 3, 17)),)
    assert result.lines() == ["+ 17.03.2027 neu eingetragen: 3. Sitzung"]


def test_a_moved_meeting_moves_its_session() -> None:
    result = plan([synced(3, "2027-03-17")], [meeting(3, "2027-03-24")])
    assert result.changes == (Move(meeting(3, "2027-03-24"), date(2027, 3, 17), date(2027, 3, 24)),)
    assert result.lines() == ["~ 17.03.2027 → 24.03.2027 verschoben: 3. Sitzung"]


def test_cancelled_and_deleted_meetings_remove_their_sessions() -> None:
    result = plan([synced(3, "2027-03-17"), synced(4, "2027-06-16")],
                  [meeting(3, "2027-03-17", cancelled=True), meeting(4, None, deleted=True)], complete=False)
    assert [type(c) for c in result.changes] == [Remove, Remove]
    assert result.lines() == ["- 17.03.2027 entfernt (abgesagt): 3. Sitzung",
                              "- 16.06.2027 entfernt (im Ratsinformationssystem gelöscht): 4. Sitzung"]


def test_a_meeting_that_vanished_is_reported_after_a_full_read_and_never_removed() -> None:
    sessions = [synced(3, "2027-03-17"), synced(4, "2027-06-16")]
    full = plan(sessions, [meeting(3, "2027-03-17")])
    assert full.changes == ()
    assert len(full.reports) == 1 and full.reports[0].text.startswith("16.06.2027: die Sitzung (https://ris.example/meeti")
    assert "nicht mehr zu finden" in full.reports[0].text
    assert plan(sessions, [], complete=False).reports == ()  # an incremental read lists only what changed


def test_past_sessions_are_never_touched() -> None:
    sessions = [synced(1, "2027-01-20"), synced(2, "2027-02-01")]
    result = plan(sessions, [meeting(1, "2027-03-01"), meeting(2, "2027-02-01", cancelled=True)])
    assert result.changes == () and result.reports == ()


def test_a_session_kept_by_hand_is_never_changed_and_a_meeting_on_its_date_is_reported() -> None:
    result = plan([by_hand("2027-03-17")], [meeting(3, "2027-03-17")])
    assert result.changes == ()
    assert result.reports[0].text.startswith("17.03.2027: neue Sitzung „3. Sitzung“ (https://ris.example/meeting/3) "
                                        "nicht übernommen, weil an diesem Tag schon eine Sitzung eingetragen ist "
                                        "(von Hand, ohne source_id)")


def test_a_move_onto_a_taken_date_is_reported_and_the_session_stays() -> None:
    result = plan([synced(3, "2027-03-17"), by_hand("2027-03-24")], [meeting(3, "2027-03-24")])
    assert result.changes == ()
    assert "Verlegung vom 17.03.2027 für „3. Sitzung“" in result.reports[0].text


def test_a_move_into_the_past_is_reported() -> None:
    result = plan([synced(3, "2027-03-17")], [meeting(3, "2027-01-27")])
    assert result.changes == () and "der schon vorbei ist" in result.reports[0].text


def test_a_cancelled_meeting_frees_its_date_for_its_replacement() -> None:
    result = plan([synced(3, "2027-03-17")], [meeting(3, "2027-03-17", cancelled=True), meeting(9, "2027-03-17")])
    assert [type(c) for c in result.changes] == [Remove, Add]


def test_other_committees_sessions_on_the_same_day_do_not_conflict() -> None:
    result = plan([by_hand("2027-03-17", committee="hfa")], [meeting(3, "2027-03-17")])
    assert [type(c) for c in result.changes] == [Add]


def test_two_meetings_on_one_day_add_the_first_and_report_the_second() -> None:
    result = plan([], [meeting(4, "2027-03-17"), meeting(3, "2027-03-17")])
    assert [c.meeting.source_id[-1] for c in result.changes] == ["3"]
    assert "(aus dem Ratsinformationssystem: https://ris.example/meeting/3)" in result.reports[0].text
