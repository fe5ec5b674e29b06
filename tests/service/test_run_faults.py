"""`run` under faults: a reload blocked by a locked database is applied later, a database deleted under the
service stops it loudly, a second SIGTERM while the last tick finishes ends quietly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from exchangelib.protocol import close_connections

from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.service.scheduler import Service
from tests.ews.server import running
from tests.service.test_run import DEADLINE, start, wait_for
from tests.support import REPO

HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")  # the write lock, as a long backup script or a hung admin shell would hold it
print("gesperrt", flush=True)
time.sleep(120)
"""


def hold_lock(database: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(database)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "gesperrt"
    return holder


def touch(path: Path) -> None:
    os.utime(path, ns=(1, time.time_ns()))


def a_session_in_two_weeks(config_dir: Path) -> date:
    """A session whose request is due today by the real clock (the service runs on it) and whose deadline
    has not passed: 15 days ahead, on a Wednesday like the committee's."""
    day = date.today() + timedelta(days=15)
    day += timedelta(days=(2 - day.weekday()) % 7)
    schedule = config_dir / "schedule.toml"
    schedule.write_text(schedule.read_text() + f'\n[[session]]\ncommittee = "werkausschuss"\ndate = {day}\n')
    touch(schedule)
    return day


def requests_for(config_dir: Path, day: date) -> list[Path]:
    label = f"{day:%d.%m.%Y}"
    return [p for p in (config_dir / "var/mail/sent/new").iterdir() if label.encode() in p.read_bytes()]


def test_a_reload_blocked_by_a_locked_database_is_applied_at_a_later_tick(
    config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace('[storage]\n', '[storage]\nlock_timeout_seconds = 1\n'))
    service = Service(load_config(config_dir), config_dir)
    try:
        service.reconcile()
        day = a_session_in_two_weeks(config_dir)
        holder = hold_lock(config_dir / "var/kgrz-mailbot.sqlite3")
        try:
            with caplog.at_level(logging.INFO, logger="kgrz_mailbot"):
                service.reconcile()  # the new session cannot be mirrored into the locked database
        finally:
            holder.kill()
            holder.wait()
        blocked = [r.getMessage() for r in caplog.records if "kann noch nicht übernommen werden" in r.getMessage()]
        assert len(blocked) == 1 and f"Prozess {holder.pid}" in blocked[0]
        assert requests_for(config_dir, day) == []
        service.reconcile()  # nobody touched the files again: the reload is retried all the same
        assert len(requests_for(config_dir, day)) == 6
        assert any(s.date == day for s in service.app.config.sessions)
    finally:
        service.app.close()


def test_a_database_deleted_under_the_service_stops_it_loudly(
    config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = Service(load_config(config_dir), config_dir)
    try:
        service.reconcile()
        database = config_dir / "var/kgrz-mailbot.sqlite3"
        for path in database.parent.glob("kgrz-mailbot.sqlite3*"):
            if not path.name.endswith(".installation"):
                path.unlink()
        a_session_in_two_weeks(config_dir)  # there would be work to do
        with caplog.at_level(logging.INFO, logger="kgrz_mailbot"):
            service.reconcile()
        critical = [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL]
        assert len(critical) == 1 and f"Die Datenbankdatei {database} wurde gelöscht" in critical[0]
        assert "Backup and restore" in critical[0]
        assert service.exit_code == 1
        assert not database.exists()
        (alarm,) = (config_dir / "var/mail/sent/new").iterdir()  # no request, only the admins' alarm
        assert b"Dienst angehalten" in alarm.read_bytes()
    finally:
        service.app.close()


def test_a_second_sigterm_while_the_last_tick_finishes_ends_quietly(config_dir: Path) -> None:
    with running() as server:
        settings = config_dir / "settings.toml"
        text = settings.read_text().replace('transport = "maildir"', 'transport = "exchange"')
        text += (f'\n[mail.exchange]\nendpoint = "{server.url}"\nauth = "basic"\nversion = "2019"\n'
                 'username_env = "KGRZ_EWS_USERNAME"\npassword_env = "KGRZ_EWS_PASSWORD"\n')
        settings.write_text(text.replace("projektstatus@koblenz.example", server.address))
        server.inject("FindItem", "stall", back_off_ms=4000)  # the first tick's poll takes four seconds
        env = {**os.environ, "KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}
        process = subprocess.Popen([sys.executable, "-m", "kgrz_mailbot", "run", "--config", str(config_dir)],
                                   cwd=REPO, stderr=subprocess.PIPE, text=True, env={**env, "PYTHONUNBUFFERED": "1"})
        try:
            end = time.monotonic() + DEADLINE
            while not any(r.operation == "FindItem" for r in server.requests) and time.monotonic() < end:
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            wait_for(process, "beende nach dem laufenden Durchgang")
            process.send_signal(signal.SIGTERM)  # an impatient admin, or systemd and a shell at once
            wait_for(process, "wird bereits beendet")
            assert process.wait(timeout=DEADLINE) == 0
            rest = process.stderr.read() if process.stderr else ""
            assert "kgrz-mailbot beendet" in rest and "Traceback" not in rest
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            close_connections()


def test_start_of_the_service_refuses_a_lost_database(config_dir: Path) -> None:
    assert subprocess.run([sys.executable, "-m", "kgrz_mailbot", "send-requests", "--session", "2018-09-19",
                           "--now", "2018-08-29T08:00", "--config", str(config_dir)], cwd=REPO).returncode == 0
    (config_dir / "var/kgrz-mailbot.sqlite3").unlink()
    process = start(config_dir)
    try:
        assert process.wait(timeout=DEADLINE) == 1
        assert "fehlt, aber diese Installation hat bereits Daten" in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
