"""The journal of ``run`` (issue 15, item 7): German, one line per tick that did something, nothing at INFO for
an idle tick but an hourly heartbeat, APScheduler's lines only with -v, a start line that names what an admin
checks first, times in the configured zone."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.service.scheduler import Service
from tests.service.test_run import DEADLINE, wait_for
from tests.support import MAILS

LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (INFO|WARNUNG|FEHLER|DEBUG) (.*)$")


def run_until_stopped(config_dir: Path, *flags: str) -> list[str]:
    """``kgrz-mailbot run`` with the machine's zone set to New York: its journal until SIGTERM ends it."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TZ": "America/New_York"}
    process = subprocess.Popen([sys.executable, "-m", "kgrz_mailbot", "--config", str(config_dir), "run", *flags],
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_for(process, "Läuft, nichts zu tun.")
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
    return rest.splitlines()


def test_the_start_line_names_config_mailbox_database_and_next_action_in_the_configured_zone(
        config_dir: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TZ": "America/New_York"}
    process = subprocess.Popen([sys.executable, "-m", "kgrz_mailbot", "run", "--config", str(config_dir)],
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        start = wait_for(process, "kgrz-mailbot läuft.")
        heartbeat = wait_for(process, "Läuft, nichts zu tun.")
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
    when, level, text = LINE.match(start.rstrip("\n")).groups()  # type: ignore[union-attr]
    assert level == "INFO"
    # logged in Europe/Berlin (settings.toml), not in the machine's New York time
    logged = datetime.fromisoformat(when).replace(tzinfo=ZoneInfo("Europe/Berlin"))
    assert abs(logged - datetime.now(ZoneInfo("Europe/Berlin"))) < timedelta(minutes=5)
    assert f"Konfiguration: {config_dir.resolve()};" in text
    assert "Postfach: projektstatus@koblenz.example über Maildir " in text
    assert f"Datenbank: sqlite:///{config_dir.resolve()}/var/kgrz-mailbot.sqlite3;" in text
    assert "Abruf alle 5 Minuten" in text
    assert re.search(r"nächste Aktion: (Statusabfrage an alle Projektleitungen|.+) für die Sitzung am "
                     r"\d\d\.\d\d\.\d{4} \(Werkausschuss\), am \w\w \d\d\.\d\d\.\d{4} 08:00$", text), text
    assert "Nächste Aktion: " in heartbeat
    lines = [start.rstrip("\n"), heartbeat.rstrip("\n"), *rest.splitlines()]
    assert all(LINE.match(line) for line in lines), lines
    assert lines[-1].endswith("kgrz-mailbot beendet")
    english = ("Added job", "Scheduler started", "Running job", "executed successfully", "Adding job", "tick:")
    assert not [line for line in lines if any(word in line for word in english)]


def test_with_v_the_scheduler_says_what_it_does(config_dir: Path) -> None:
    lines = run_until_stopped(config_dir, "-v")
    assert any("Scheduler has been shut down" in line or "apscheduler" in line for line in lines), lines


def test_idle_ticks_are_silent_but_an_hourly_heartbeat_and_a_busy_tick_is_one_line(
        config_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    service = Service(load_config(config_dir), config_dir)
    clock = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    service.app.clock = clock
    try:
        with caplog.at_level(logging.INFO):
            for _ in range(12):  # an hour of idle ticks, every five minutes
                service.reconcile()
                clock.advance(timedelta(minutes=5))
            idle = [r.getMessage() for r in caplog.records]
            assert len(idle) == 1 and idle[0].startswith("Läuft, nichts zu tun. Nächste Aktion: ")
            service.reconcile()  # an hour after the first: the heartbeat again
            assert len(caplog.records) == 2
            caplog.clear()
            inbox = service.app.config.mail.maildir_path / "inbox" / "new"
            inbox.mkdir(parents=True, exist_ok=True)
            (inbox / "fremd.eml").write_bytes((MAILS / "mailing_list_newsletter.eml").read_bytes())
            service.reconcile()
        busy = [r for r in caplog.records if r.levelno >= logging.INFO]
        assert [r.name.split(".")[0] for r in busy] == ["kgrz_mailbot"]
        assert len(busy) == 1, [r.getMessage() for r in busy]
        assert busy[0].getMessage().startswith("Durchgang: 1 neue Mail(s) (1 ")
    finally:
        service.app.close()
