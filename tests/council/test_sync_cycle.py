"""The whole cycle with dates from the (fake) RIS: filled by ``sessions sync``, moved and cancelled after requests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.jobs.tick import tick
from tests.council.conftest import SCHEDULE, Sync
from tests.council.ris import RisServer, World
from tests.support import at, body, sent_messages


def ticked(config_dir: Path, days: list[str]) -> App:
    """A fresh app on the config as it stands (as ``run`` reloads it), ticking at 08:00 on each day."""
    clock = FixedClock(at(f"{days[0]}T08:00"))
    app = build_app(load_config(config_dir), clock=clock)
    for day in days:
        clock.set(at(f"{day}T08:00"))
        tick(app)
    return app


def subjects(app: App, word: str) -> list[str]:
    return [str(m["Subject"]) for m in sent_messages(app) if str(m["Subject"]).startswith(word)]


def test_a_dry_run_shows_the_sessions_and_changes_nothing(sync: Sync, synced_config: Path) -> None:
    before = (synced_config / "schedule.toml").read_text()
    code, out = sync("2027-02-01T06:00", "--dry-run")
    assert code == 0
    assert "  „Werkausschuss KGRZ“ (Stadt Koblenz): vollständig gelesen, 3 Sitzungen" in out
    assert "  + 17.03.2027 neu eingetragen: 12. Sitzung des Werkausschusses KGRZ" in out
    assert out.rstrip().endswith("Probelauf (--dry-run): nichts geändert.")
    assert (synced_config / "schedule.toml").read_text() == before


def test_sync_fills_schedule_toml_keeping_the_admins_comments(sync: Sync, synced_config: Path, ris: RisServer) -> None:
    assert sync("2027-02-01T06:00")[0] == 0
    text = (synced_config / "schedule.toml").read_text()
    assert text.startswith(SCHEDULE.format(system=ris.system_url))  # comments and layout kept
    assert text.count("[[session]]") == 3
    assert f'date = 2027-03-17\nsource_id = "{ris.base}/meeting.asp?id=101"' in text
    assert [s.date.isoformat() for s in load_config(synced_config).sessions] == ["2027-03-17", "2027-06-16",
                                                                                  "2027-09-22"]
    assert sync("2027-02-02T06:00")[1].count("keine Änderungen") == 1  # the next day: nothing to do


def test_a_session_moved_after_the_requests_is_not_asked_again_and_its_reminders_follow(
    sync: Sync, synced_config: Path, ris: RisServer, world: World
) -> None:
    sync("2027-02-01T06:00")
    sync("2027-02-22T06:00")  # the daily sync; more than a week after the last full read, so a full one
    ticked(synced_config, ["2027-02-24"]).close()  # T-21: the requests for 17 March go out
    world.meetings[101].start = "2027-03-24T17:00:00+01:00"
    world.meetings[101].modified = at("2027-02-25T10:00")
    code, out = sync("2027-02-26T06:00")
    assert code == 0 and "geänderte Sitzungen gelesen (modified_since), 1 Sitzungen" in out
    assert "  ~ 17.03.2027 → 24.03.2027 verschoben: 12. Sitzung des Werkausschusses KGRZ" in out
    assert any("modified_since=2027-02-21T06%3A00%3A00%2B01%3A00" in r for r in world.requests)  # a day of overlap
    app = ticked(synced_config, ["2027-02-26", "2027-03-03", "2027-03-05", "2027-03-10", "2027-03-12"])
    try:
        assert len(subjects(app, "Statusabfrage")) == 6  # no second request
        told = subjects(app, "Neue Frist: Statusabfrage")  # but the leads asked hear the new deadline, once
        assert len(told) == 6 and all("24.03.2027" in s for s in told)
        reminders = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Erinnerung")]
        assert {m["Date"].datetime for m in reminders} == {at("2027-03-10T08:00"), at("2027-03-12T08:00")}
        assert all("24.03.2027" in str(m["Subject"]) for m in reminders) and len(reminders) == 12
    finally:
        app.close()


def test_a_session_cancelled_after_the_requests_gets_one_notice_and_nothing_more(
    sync: Sync, synced_config: Path, world: World
) -> None:
    sync("2027-02-01T06:00")
    ticked(synced_config, ["2027-05-26"]).close()  # T-21 of 16 June (and the March session's requests too)
    world.meetings[102].cancelled = True
    world.meetings[102].modified = at("2027-05-27T09:00")
    code, out = sync("2027-05-28T06:00")
    assert "  - 16.06.2027 entfernt (abgesagt): 13. Sitzung des Werkausschusses KGRZ" in out
    assert "  16.06.2027: Absage an 6 angefragte Projektleitungen und die Werkleitung" in out
    assert "2027-06-16" not in (synced_config / "schedule.toml").read_text()
    assert sync("2027-05-29T06:00")[1].count("keine Änderungen") == 1
    app = ticked(synced_config, ["2027-05-29", "2027-06-02", "2027-06-04", "2027-06-07", "2027-06-08", "2027-06-15"])
    try:
        notices = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Sitzung abgesagt")]
        assert sorted(str(m["To"]) for m in notices)[-1] == "werkleitung@koblenz.example"
        assert len(notices) == 7 and len({str(m["To"]) for m in notices}) == 7
        lead = next(m for m in notices if "(eCollaboration)" in str(m["Subject"]))
        assert "die Sitzung am 16.06.2027 (Werkausschuss" in body(lead) and "ist abgesagt." in body(lead)
        assert "Sie müssen auf die Statusabfrage nicht antworten" in body(lead)
        request = next(m for m in sent_messages(app) if str(m["Subject"]).startswith(
            "Statusabfrage eCollaboration – Werkausschuss 16.06.2027"))
        assert lead["In-Reply-To"] == request["Message-ID"]  # threaded to the request it ends
        june = [m for m in sent_messages(app) if "16.06.2027" in str(m["Subject"])]
        assert {str(m["Subject"]).split(":")[0].split()[0] for m in june} == {"Statusabfrage", "Sitzung"}
    finally:
        app.close()


def test_a_deleted_meeting_is_removed_and_a_vanished_one_only_reported(
    sync: Sync, synced_config: Path, world: World
) -> None:
    sync("2027-02-01T06:00")
    world.meetings[102].deleted = True
    world.meetings[102].modified = at("2027-02-03T09:00")
    del world.meetings[103]  # gone without a trace: a record the source lost
    code, out = sync("2027-02-04T06:00")
    assert "  - 16.06.2027 entfernt (im Ratsinformationssystem gelöscht):" in out
    assert "22.09.2027" not in out  # an incremental read cannot tell that a meeting vanished
    code, out = sync("2027-02-09T06:00")  # a week after the first: the full read
    assert "vollständig gelesen" in out
    assert "  ! 22.09.2027: die Sitzung (" in out and "nicht mehr zu finden" in out
    assert "2027-09-22" in (synced_config / "schedule.toml").read_text()


def test_a_source_problem_is_a_german_error_and_changes_nothing(sync: Sync, synced_config: Path) -> None:
    path = synced_config / "schedule.toml"
    path.write_text(path.read_text().replace('"Werkausschuss KGRZ"', '"Werksausschuss KGRZ"'))
    before = path.read_text()
    code, out = sync("2027-02-01T06:00")
    assert code == 1
    assert "  FEHLER: Gremium „Werksausschuss KGRZ“ nicht im Ratsinformationssystem" in out
    assert "Ähnlich: „Werkausschuss KGRZ“" in out
    assert path.read_text() == before



def test_a_crash_between_the_database_and_schedule_toml_repeats_nothing(
    sync: Sync, synced_config: Path, world: World
) -> None:
    """The notices were queued and the session marked, then the process died before schedule.toml was written."""
    from kgrz_mailbot.council.notice import cancel_session  # noqa: PLC0415
    from kgrz_mailbot.outbox import relay  # noqa: PLC0415

    sync("2027-02-01T06:00")
    ticked(synced_config, ["2027-05-26"]).close()
    app = ticked(synced_config, ["2027-05-27"])
    with app.store.write() as db:  # the first half of applying the cancellation, as apply_plan does it
        cancel_session(app, db, app.session(date(2027, 6, 16)), deleted=False)
    relay.flush(app)
    app.close()
    assert "2027-06-16" in (synced_config / "schedule.toml").read_text()  # the file still has the session
    app = ticked(synced_config, ["2027-06-02", "2027-06-04"])  # its reminder days: tick leaves it alone
    assert subjects(app, "Erinnerung") == []
    app.close()
    world.meetings[102].cancelled = True
    world.meetings[102].modified = at("2027-05-27T09:00")
    code, out = sync("2027-06-05T06:00")  # the next sync finds the same difference and finishes it
    assert "  - 16.06.2027 entfernt (abgesagt)" in out
    assert "2027-06-16" not in (synced_config / "schedule.toml").read_text()
    app = ticked(synced_config, ["2027-06-07", "2027-06-08"])
    try:
        assert len(subjects(app, "Sitzung abgesagt")) == 7  # each notice once
        june = [s for s in subjects(app, "") if "16.06.2027" in s]
        assert [s for s in june if not s.startswith(("Statusabfrage", "Sitzung abgesagt"))] == []
    finally:
        app.close()


def test_a_cancelled_meeting_set_again_comes_back_and_its_cycle_goes_on(
    sync: Sync, synced_config: Path, world: World
) -> None:
    sync("2027-02-01T06:00")
    ticked(synced_config, ["2027-05-26"]).close()
    world.meetings[102].cancelled = True
    world.meetings[102].modified = at("2027-05-27T09:00")
    sync("2027-05-28T06:00")
    world.meetings[102].cancelled = False
    world.meetings[102].modified = at("2027-05-28T15:00")
    code, out = sync("2027-05-29T06:00")
    assert "  + 16.06.2027 neu eingetragen: 13. Sitzung des Werkausschusses KGRZ" in out
    assert "  16.06.2027: war abgesagt und ist wieder angesetzt; bereits angefragte Projektleitungen werden nicht " \
           "erneut angefragt" in out
    app = ticked(synced_config, ["2027-05-29", "2027-06-02"])
    try:
        assert len(subjects(app, "Statusabfrage")) == 6  # asked once, in May
        assert len([s for s in subjects(app, "Erinnerung") if "16.06.2027" in s]) == 6
    finally:
        app.close()
