"""The timeline: offsets before the session, moved to the previous working day, same local time across DST."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.domain.timeline import local_instant, plan_session

BERLIN = ZoneInfo("Europe/Berlin")
RP = holidays.country_holidays("DE", subdiv="RP")


def plan(day: date, closed: frozenset[date] = frozenset(), **offsets: object) -> dict[str, date]:
    policy = {"request": 21, "reminders": (14, 10), "deadline": 9, "draft": 8} | offsets
    actions = plan_session(Session("werkausschuss", day), clock=time(8, 0), zone=BERLIN,
                           is_closed=lambda d: d in RP or d in closed, **policy)  # type: ignore[arg-type]
    return {a.key: a.local_day for a in actions}


def test_the_example_session_of_the_seed_vorlage() -> None:
    assert plan(date(2018, 9, 19)) == {
        "request": date(2018, 8, 29), "reminder-1": date(2018, 9, 5), "reminder-2": date(2018, 9, 7),
        "deadline": date(2018, 9, 10), "draft": date(2018, 9, 11),
    }


def test_a_fixed_national_holiday_moves_the_action_back() -> None:
    # Tag der Deutschen Einheit, Wednesday 3 October 2018
    assert plan(date(2018, 10, 24))["request"] == date(2018, 10, 2)


def test_an_easter_dependent_holiday_moves_the_action_back() -> None:
    # Fronleichnam, Thursday 31 May 2018 (a holiday in Rhineland-Palatinate)
    assert plan(date(2018, 6, 21))["request"] == date(2018, 5, 30)


def test_allerheiligen_counts_in_rhineland_palatinate_but_buss_und_bettag_does_not() -> None:
    assert plan(date(2018, 11, 22))["request"] == date(2018, 10, 31)  # 1 Nov is Allerheiligen
    assert plan(date(2018, 12, 12))["request"] == date(2018, 11, 21)  # Buß- und Bettag is a working day


def test_a_weekend_before_a_holiday_moves_back_to_friday() -> None:
    # Pfingstmontag, 21 May 2018; the Saturday and Sunday before it do not count either
    assert plan(date(2018, 6, 11))["request"] == date(2018, 5, 18)


def test_local_closing_days_count_like_holidays() -> None:
    closed = frozenset({date(2018, 12, 24), date(2018, 12, 27), date(2018, 12, 28)})
    # draft on Friday 28 Dec is closed, so are 27 and (holidays) 25/26, and 24: back to Friday 21
    assert plan(date(2019, 1, 5), closed, draft=8)["draft"] == date(2018, 12, 21)


def test_actions_keep_the_same_local_time_across_the_dst_switch() -> None:
    actions = plan_session(Session("werkausschuss", date(2018, 11, 14)), request=21, reminders=(14, 10),
                           deadline=9, draft=8, clock=time(8, 0), zone=BERLIN, is_closed=lambda d: d in RP)
    request, draft = actions[0], actions[-1]
    assert request.due.isoformat() == "2018-10-24T06:00:00+00:00"  # 08:00 CEST
    assert draft.due.isoformat() == "2018-11-06T07:00:00+00:00"  # 08:00 CET


def test_a_wall_time_skipped_by_dst_resolves_to_the_instant_after_the_gap() -> None:
    # Actions never fall on a Sunday, but a per-session override or a 02:30 time_of_day could meet the switch.
    assert local_instant(date(2018, 3, 25), time(2, 30), BERLIN).isoformat() == "2018-03-25T01:30:00+00:00"
    assert local_instant(date(2018, 10, 28), time(2, 30), BERLIN).isoformat() == "2018-10-28T00:30:00+00:00"


def test_per_session_overrides_win() -> None:
    session = Session("werkausschuss", date(2018, 9, 19), overrides=(("deadline", date(2018, 9, 7)),))
    actions = plan_session(session, request=21, reminders=(14, 10), deadline=9, draft=8, clock=time(8, 0),
                           zone=BERLIN, is_closed=lambda d: d in RP)
    assert {a.key: a.local_day for a in actions}["deadline"] == date(2018, 9, 7)


offsets = st.integers(min_value=1, max_value=10).flatmap(
    lambda draft: st.tuples(
        st.just(draft),
        st.integers(min_value=draft, max_value=draft + 5),  # deadline ≥ draft
    )
).flatmap(
    lambda dd: st.tuples(
        st.just(dd),
        st.lists(st.integers(min_value=1, max_value=6), min_size=0, max_size=3),  # gaps between reminders
        st.integers(min_value=1, max_value=10),  # gap request → first reminder
    )
)


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    shape=offsets,
    closed=st.frozensets(st.dates(min_value=date(2014, 11, 1), max_value=date(2035, 12, 31)), max_size=20),
    clock=st.times(min_value=time(6, 0), max_value=time(18, 0)).map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_invariants_never_on_a_day_off_in_order_before_the_session_same_local_time(
    day: date, shape: tuple, closed: frozenset[date], clock: time  # type: ignore[type-arg]
) -> None:
    (draft, deadline), gaps, first_gap = shape
    reminders, offset = [], deadline
    for gap in reversed(gaps):
        offset += gap
        reminders.insert(0, offset)
    request = (reminders[0] if reminders else deadline) + first_gap
    actions = plan_session(Session("w", day), request=request, reminders=tuple(reminders), deadline=deadline,
                           draft=draft, clock=clock, zone=BERLIN, is_closed=lambda d: d in RP or d in closed)
    days = [a.local_day for a in actions]
    assert all(d.weekday() < 5 and d not in RP and d not in closed for d in days)
    assert days == sorted(days) and days[-1] < day
    assert [a.due for a in actions] == sorted(a.due for a in actions)
    assert all(a.due.astimezone(BERLIN).time() == clock for a in actions)
    assert all(timedelta(0) < day - d for d in days)
