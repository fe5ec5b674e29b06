"""`run` as a process: ticks at once, stops cleanly on SIGTERM, refuses a second instance, keeps a good config."""

from __future__ import annotations

import logging
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.service.scheduler import Service

DEADLINE = 30  # seconds a process gets to say what we wait for; a bound, not a measurement


def start(config_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "kgrz_mailbot", "run", "--config", str(config_dir)],
                            stderr=subprocess.PIPE, text=True, env=env)


def wait_for(process: subprocess.Popen[str], needle: str) -> str:
    """Read stderr until a line contains ``needle`` (or fail after DEADLINE)."""
    assert process.stderr is not None
    seen = []
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        ready, _, _ = select.select([process.stderr], [], [], 0.5)
        if ready:
            line = process.stderr.readline()
            seen.append(line)
            if needle in line:
                return line
            if not line and process.poll() is not None:
                break
    raise AssertionError(f"{needle!r} not seen; got:\n{''.join(seen)}")


@pytest.fixture
def service(config_dir: Path) -> Iterator[subprocess.Popen[str]]:
    process = start(config_dir)
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_run_ticks_at_start_and_stops_cleanly_on_sigterm(service: subprocess.Popen[str]) -> None:
    wait_for(service, "Läuft, nichts zu tun.")  # the first tick's heartbeat
    service.send_signal(signal.SIGTERM)
    wait_for(service, "kgrz-mailbot beendet")
    assert service.wait(timeout=DEADLINE) == 0


def test_a_second_run_on_the_same_database_refuses_to_start(
    service: subprocess.Popen[str], config_dir: Path
) -> None:
    wait_for(service, "Läuft, nichts zu tun.")
    second = subprocess.run([sys.executable, "-m", "kgrz_mailbot", "run", "--config", str(config_dir)],
                            capture_output=True, text=True, timeout=DEADLINE)
    assert second.returncode == 1
    assert "läuft bereits für diese Datenbank" in second.stderr


def test_an_invalid_new_config_is_rejected_and_the_last_valid_one_stays(
    config_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = Service(load_config(config_dir), config_dir)
    try:
        service.reconcile()
        (config_dir / "projects.toml").write_text("[[project]\nkey = ")  # an admin saves half a file
        os.utime(config_dir / "projects.toml", ns=(1, time.time_ns()))
        with caplog.at_level(logging.DEBUG, logger="kgrz_mailbot"):
            service.reconcile()
            service.reconcile()  # said once per change, not every tick
        rejected = [r.getMessage() for r in caplog.records if "Neue Konfiguration ungültig" in r.getMessage()]
        assert len(rejected) == 1 and "projects.toml, Zeile 1" in rejected[0]
        assert len(service.app.config.projects) == 6  # the last valid configuration stays in force
        assert sum(r.getMessage().startswith("Durchgang") for r in caplog.records) == 2  # both ticks ran
    finally:
        service.app.close()


def test_a_changed_config_takes_effect_at_the_next_tick(config_dir: Path) -> None:
    service = Service(load_config(config_dir), config_dir)
    try:
        text = (config_dir / "projects.toml").read_text()
        (config_dir / "projects.toml").write_text(text.replace('title = "eCollaboration"', 'title = "eCollab 2"'))
        os.utime(config_dir / "projects.toml", ns=(1, time.time_ns()))
        service.scheduler.add_job(lambda: None, "interval", minutes=5, id="reconcile")
        service.reconcile()
        assert service.app.config.projects[0].title == "eCollab 2"
    finally:
        service.app.close()
