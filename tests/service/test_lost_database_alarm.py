"""A database lost under `run`, or refused at its start, is told to the admins in one German mail that goes
straight through the mail transport (the outbox is in the lost database), at most once a day per reason, even
when systemd restarts the refused service again and again; a command typed at a terminal sends none."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kgrz_mailbot.alerts.unrecorded import sound_alarm
from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.service.scheduler import Service
from tests.service.test_run import DEADLINE, start
from tests.support import REPO

ADMIN = "it-betrieb@koblenz.example"


class StallingCalendar:
    """The council's iCal export on 127.0.0.1, answering only when the test says so: the start's sessions
    sync then runs as long as the test needs to delete the database under it."""

    def __init__(self) -> None:
        self.asked, self.release = threading.Event(), threading.Event()
        calendar = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                calendar.asked.set()
                calendar.release.wait(DEADLINE)
                self.send_error(404)  # not retried; the sync reports it and the sessions stay as they are

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/termine.ics"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StallingCalendar:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def calendar(config_dir: Path) -> Iterator[StallingCalendar]:
    with StallingCalendar() as served:
        schedule = config_dir / "schedule.toml"
        text = schedule.read_text().replace('draft_to = ["werkleitung@koblenz.example"]\n',
                                            'draft_to = ["werkleitung@koblenz.example"]\n[committee.source]\n'
                                            f'ical = "{served.url}"\nmatch = "Werkausschuss"\n', 1)
        schedule.write_text(text)
        yield served


def delete_database(config_dir: Path) -> Path:
    """As an admin's slip (`rm var/kgrz-mailbot.sqlite3*`) would: the database with its -wal and -shm."""
    database = config_dir / "var/kgrz-mailbot.sqlite3"
    for path in database.parent.glob("kgrz-mailbot.sqlite3*"):
        if not path.name.endswith(".installation"):
            path.unlink()
    return database


def alarms(config_dir: Path) -> list[EmailMessage]:
    sent = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in (config_dir / "var/mail/sent/new")
            .iterdir()]
    return [m for m in sent if "Dienst angehalten" in str(m["Subject"])]  # type: ignore[misc]


def cli(config_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kgrz_mailbot", args[0], "--config", str(config_dir), *args[1:]],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def test_a_database_deleted_under_run_stops_it_and_the_admins_get_one_mail_however_often_it_restarts(
    config_dir: Path, calendar: StallingCalendar
) -> None:
    process = start(config_dir)
    try:
        assert calendar.asked.wait(DEADLINE), "the sessions sync at start never asked the council's calendar"
        database = delete_database(config_dir)  # while the sync runs: noticed when it ends, not a tick later
        calendar.release.set()
        assert process.wait(timeout=DEADLINE) == 1
        journal = process.stderr.read() if process.stderr else ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    critical = [line for line in journal.splitlines() if " KRITISCH " in line]  # CRITICAL, in German
    assert len(critical) == 1 and f"Die Datenbankdatei {database} wurde gelöscht" in critical[0], journal
    assert "Alarmmail „Datenbank gelöscht oder nicht vorhanden“ an it-betrieb@koblenz.example gesendet" in journal
    assert not database.exists()

    (mail,) = alarms(config_dir)
    assert mail["To"] == ADMIN and mail["Auto-Submitted"] == "auto-generated"
    assert mail["Subject"] == "[KGRZ Projektstatus] Dienst angehalten: Datenbank gelöscht oder nicht vorhanden"
    text = mail.get_content()
    assert f"Die Datenbankdatei {database} wurde gelöscht, während der Dienst lief." in text
    assert f"Datenbank: {database}" in text and "Seit: " in text
    assert "„Backup and restore“" in text and f"„kgrz-mailbot init --config {config_dir}“" in text
    marker = config_dir / "var/kgrz-mailbot.alarm.json"
    assert marker.stat().st_mode & 0o777 == 0o600

    for _ in range(2):  # systemd's Restart=on-failure: refused at every start, told once
        again = start(config_dir)
        try:
            assert again.wait(timeout=DEADLINE) == 1
            said = again.stderr.read() if again.stderr else ""
        finally:
            if again.poll() is None:
                again.kill()
                again.wait()
        assert f"Die Datenbank {database} fehlt, aber diese Installation hat bereits Daten" in said
        assert "ging heute schon an it-betrieb@koblenz.example" in said
    assert len(alarms(config_dir)) == 1
    assert not database.exists()


def test_a_refused_start_of_run_tells_the_admins_but_a_command_at_the_terminal_does_not(config_dir: Path) -> None:
    assert cli(config_dir, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00").returncode == 0
    database = delete_database(config_dir)
    typed = cli(config_dir, "status", "--session", "2018-09-19")
    assert typed.returncode == 1 and "fehlt, aber diese Installation hat bereits Daten" in typed.stderr
    assert alarms(config_dir) == []  # the admin at the terminal reads the message; no mail about it
    refused = cli(config_dir, "run")
    assert refused.returncode == 1 and "fehlt, aber diese Installation hat bereits Daten" in refused.stderr
    (mail,) = alarms(config_dir)
    text = mail.get_content()
    assert f"Die Datenbank {database} fehlt, aber diese Installation hat bereits Daten:" in text
    assert "6 Mails in" in text and "So geht es weiter" not in text  # the mail's own advice, not twice
    assert not database.exists()


def test_without_admin_to_the_service_stops_all_the_same_and_sends_nothing(
    config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace(f'admin_to = ["{ADMIN}"]', ""))
    service = Service(load_config(config_dir), config_dir)
    try:
        service.reconcile()
        database = delete_database(config_dir)
        with caplog.at_level(logging.INFO, logger="kgrz_mailbot"):
            service.reconcile()
    finally:
        service.app.close()
    assert service.exit_code == 1 and service.stopping
    messages = [r.getMessage() for r in caplog.records]
    assert any(f"Die Datenbankdatei {database} wurde gelöscht" in m for m in messages)
    assert any("Keine Alarmmail an die Administratoren: in settings.toml ist [mail] admin_to nicht gesetzt" in m
               for m in messages)
    assert list((config_dir / "var/mail/sent/new").iterdir()) == []


def test_a_transport_that_cannot_send_is_said_in_the_journal_and_the_service_stops(
    config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = Service(load_config(config_dir), config_dir)
    try:
        service.reconcile()
        delete_database(config_dir)
        spool = config_dir / "var/mail/sent/tmp"  # the disk under the Maildir went read-only, or a slip of hand
        spool.rmdir()
        spool.write_text("kein Ordner")
        with caplog.at_level(logging.INFO, logger="kgrz_mailbot"):
            service.reconcile()
    finally:
        service.app.close()
    assert service.exit_code == 1
    failed = [r.getMessage() for r in caplog.records if "Alarmmail an it-betrieb@koblenz.example nicht gesendet"
              in r.getMessage()]
    assert len(failed) == 1 and "der Mailversand ist gestört (maildir" in failed[0]
    assert "Der Dienst hält trotzdem an" in failed[0]
    # nothing went out, so nothing is noted as sent: the next start tries again
    assert '"sent"' not in (config_dir / "var/kgrz-mailbot.alarm.json").read_text()


def test_the_alarm_comes_again_the_next_day_and_once_for_another_reason(config_dir: Path) -> None:
    zone = ZoneInfo("Europe/Berlin")
    clock = FixedClock(datetime(2018, 9, 3, 7, 55, tzinfo=zone))
    app = build_app(load_config(config_dir), clock=clock, open_store=False)
    try:
        missing = "Die Datenbankdatei var/kgrz-mailbot.sqlite3 wurde gelöscht, während der Dienst lief."
        assert sound_alarm(app, "missing", missing)
        clock.set(datetime(2018, 9, 3, 23, 50, tzinfo=zone))
        assert not sound_alarm(app, "missing", missing)
        assert sound_alarm(app, "foreign", "Die Datenbank … enthält fremde Tabellen (kunden).")
        clock.set(datetime(2018, 9, 4, 0, 5, tzinfo=zone))
        assert sound_alarm(app, "missing", missing)
    finally:
        app.close()
    sent = alarms(config_dir)
    assert len(sent) == 3
    second_day = [m for m in sent if "04 Sep 2018" in str(m["Date"])]
    (late,) = second_day
    assert "Seit: Montag, 03.09.2018, 07:55 Uhr (zuerst festgestellt)" in late.get_content()
