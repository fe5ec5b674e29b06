"""Fixtures of the council sync: a fake RIS on 127.0.0.1 and a quick back-off for its sporadic 500s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kgrz_mailbot.council.fetch import Fetcher
from kgrz_mailbot.transports.shared import Backoff
from tests.council.ris import RisServer, World


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
