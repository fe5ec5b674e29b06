"""Fixtures of the council sync: a fake RIS on 127.0.0.1, a quick back-off for its sporadic 500s, and the
example installation with only the committee's source configured."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.council.fetch import Fetcher
from kgrz_mailbot.transports.shared import Backoff
from tests.council.ris import RisServer, World
from tests.support import at


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def ris(world: World) -> Iterator[RisServer]:
    with RisServer(world) as server:
        yield server


def quick_fetcher() -> Fetcher:
    """The real client; only the waits between retries are short, so a 500 costs milliseconds."""
    return Fetcher(backoff=lambda: Backoff(budget_seconds=1.0, base_seconds=0.01, cap_seconds=0.05, max_attempts=4))


SCHEDULE = """\
# Zeitplan des Werkausschusses – die Termine kommen aus dem Ratsinformationssystem.

[timeline]                     # Kalendertage vor der Sitzung
request = 21
reminders = [14, 10]
deadline = 9
draft = 8
time_of_day = "08:00"

[[committee]]
key = "werkausschuss"
name = 'Werkausschuss "Kommunales Gebietsrechenzentrum Koblenz"'
draft_to = ["werkleitung@koblenz.example"]

[committee.source]             # SessionNet der Stadt Koblenz (OParl)
oparl = "{system}"
organization = "Werkausschuss KGRZ"
"""

Sync = Callable[..., tuple[int, str]]


@pytest.fixture
def synced_config(config_dir: Path, ris: RisServer, world: World) -> Path:
    """The example config with no session at all, only the committee's source; three meetings in the RIS."""
    (config_dir / "schedule.toml").write_text(SCHEDULE.format(system=ris.system_url), encoding="utf-8")
    world.add(101, "12. Sitzung des Werkausschusses KGRZ", "2027-03-17T17:00:00+01:00", at("2027-01-10T12:00"))
    world.add(102, "13. Sitzung des Werkausschusses KGRZ", "2027-06-16T17:00:00+02:00", at("2027-01-10T12:00"))
    world.add(103, "14. Sitzung des Werkausschusses KGRZ", "2027-09-22T17:00:00+02:00", at("2027-01-10T12:00"))
    return config_dir


@pytest.fixture
def sync(synced_config: Path, capsys: pytest.CaptureFixture[str]) -> Sync:
    def invoke(now: str, *flags: str) -> tuple[int, str]:
        code = main(["sessions", "sync", "--config", str(synced_config), "--now", now, *flags])
        out, err = capsys.readouterr()
        return code, out + err

    return invoke
