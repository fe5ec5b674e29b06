"""`tick` walks sessions day by day: every action once, catch-up after downtime, moved and removed sessions."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.config.schedule_edit import move_session, remove_session
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.jobs.tick import tick
from kgrz_mailbot.views.plan import plan_rows
from tests.support import at, deliver, sent_messages, sent_to


def kinds(app: App) -> Counter[str]:
    """Sent mails by the first word of their subject (Statusabfrage, Erinnerung, Fehlende, Entwurf, …)."""
    return Counter(str(m["Subject"]).split()[0].rstrip(":") for m in sent_messages(app))


def walk(app: App, clock: FixedClock, start: str, end: str, hours: tuple[int, ...] = (7, 8, 12, 17)) -> None:
    """Tick several times a day, every day, as `run` would (no sleeping: the clock is moved)."""
    day = date.fromisoformat(start)
    while day <= date.fromisoformat(end):
        for hour in hours:
            clock.set(at(f"{day.isoformat()}T{hour:02d}:00"))
            tick(app)
        day += timedelta(days=1)


def test_a_silent_session_runs_every_action_exactly_once_and_nothing_after_it(app: App, clock: FixedClock) -> None:
    walk(app, clock, "2018-08-20", "2018-09-30")
    assert kinds(app) == Counter({"Statusabfrage": 6, "Erinnerung": 12, "Fehlende": 1, "Entwurf": 1})
    first = min(m["Date"].datetime for m in sent_messages(app))
    assert first == at("2018-08-29T08:00")  # T-21 at 08:00 local, not 07:00
    states = {(r.action.key, r.state) for r in plan_rows(app) if r.action.session.date == date(2018, 9, 19)}
    assert {state for _, state in states} == {"done"}


def test_a_restart_in_the_middle_continues_without_repeating(config_dir: Path, clock: FixedClock) -> None:
    first = build_app(load_config(config_dir), clock=clock)
    walk(first, clock, "2018-08-28", "2018-09-05")
    first.close()  # the process dies; a new one starts on the same database
    second = build_app(load_config(config_dir), clock=clock)
    walk(second, clock, "2018-09-05", "2018-09-12")
    assert kinds(second) == Counter({"Statusabfrage": 6, "Erinnerung": 12, "Fehlende": 1, "Entwurf": 1})
    second.close()


def test_after_downtime_the_request_still_goes_out_and_missed_reminders_are_not_piled_on(
    app: App, clock: FixedClock
) -> None:
    clock.set(at("2018-09-08T09:00"))  # the server was down from before T-21 until after the 2nd reminder
    assert tick(app).done == ["request"]
    assert kinds(app) == Counter({"Statusabfrage": 6})
    walk(app, clock, "2018-09-09", "2018-09-12")
    assert kinds(app) == Counter({"Statusabfrage": 6, "Fehlende": 1, "Entwurf": 1})


def test_missed_reminders_coalesce_into_one(app: App, clock: FixedClock) -> None:
    walk(app, clock, "2018-08-29", "2018-08-29")
    clock.set(at("2018-09-07T09:00"))  # both reminders are due now
    assert tick(app).done == ["reminder-2"]
    assert kinds(app)["Erinnerung"] == 6


def test_after_the_deadline_no_request_goes_out_any_more(app: App, clock: FixedClock) -> None:
    clock.set(at("2018-09-10T09:00"))
    assert tick(app).done == ["deadline"]
    assert kinds(app) == Counter({"Fehlende": 1})


def test_a_moved_session_replans_its_open_actions_and_does_not_resend_requests(
    config_dir: Path, app: App, clock: FixedClock
) -> None:
    walk(app, clock, "2018-08-29", "2018-08-30")
    move_session(config_dir, date(2018, 9, 19), date(2018, 9, 26), None)
    moved = build_app(load_config(config_dir), clock=clock)  # the next tick reads the new schedule
    walk(moved, clock, "2018-08-31", "2018-09-11")
    # reminder 1 is now due on 12.09, not 05.09; the leads were told the new deadline once
    assert kinds(moved) == Counter({"Statusabfrage": 6, "Neue": 6})
    walk(moved, clock, "2018-09-12", "2018-09-25")
    assert kinds(moved) == Counter({"Statusabfrage": 6, "Neue": 6, "Erinnerung": 12, "Fehlende": 1, "Entwurf": 1})
    reminder_days = sorted({m["Date"].datetime.date() for m in sent_messages(moved) if "Erinnerung" in m["Subject"]})
    assert reminder_days == [date(2018, 9, 12), date(2018, 9, 14)]
    moved.close()


def test_a_removed_session_sends_nothing_more(config_dir: Path, app: App, clock: FixedClock) -> None:
    walk(app, clock, "2018-08-29", "2018-08-30")
    remove_session(config_dir, date(2018, 9, 19), None)
    after = build_app(load_config(config_dir), clock=clock)
    walk(after, clock, "2018-08-31", "2018-09-20")
    assert kinds(after) == Counter({"Statusabfrage": 6})
    after.close()


def test_a_dst_switch_between_request_and_draft_keeps_0800_local(config_dir: Path, clock: FixedClock) -> None:
    (config_dir / "schedule.toml").write_text(
        (config_dir / "schedule.toml").read_text().replace("date = 2018-12-12", "date = 2018-11-14"))
    app = build_app(load_config(config_dir), clock=clock)
    walk(app, clock, "2018-10-20", "2018-11-10")
    times = {m["Date"].datetime.astimezone(at("2018-01-01T00:00").tzinfo).strftime("%H:%M")
             for m in sent_messages(app)}
    assert times == {"08:00"}
    app.close()


def test_a_late_reply_after_the_draft_makes_one_nachtrag_per_hour(app: App, clock: FixedClock) -> None:
    walk(app, clock, "2018-08-29", "2018-09-11")
    request = sent_to(app, "julia.richter@koblenz.example")[0].as_bytes()
    for n, minute in enumerate(("09:05", "09:20")):
        deliver(app, outlook_reply(request, "julia.richter@koblenz.example", "Julia Richter",
                                   f"Ampel: gelb\nStand: Nachgereicht {n}.", at(f"2018-09-11T{minute}")))
        clock.set(at(f"2018-09-11T{minute}"))
        tick(app)
    clock.set(at("2018-09-11T09:30"))
    tick(app)
    drafts = [m for m in sent_messages(app) if str(m["Subject"]).startswith(("Entwurf", "Nachtrag"))]
    assert len(drafts) == 2 and "Version 2" in str(drafts[1]["Subject"])
    clock.set(at("2018-09-11T10:30"))
    tick(app)
    drafts = [m for m in sent_messages(app) if str(m["Subject"]).startswith(("Entwurf", "Nachtrag"))]
    assert len(drafts) == 3 and "Version 3" in str(drafts[2]["Subject"])
