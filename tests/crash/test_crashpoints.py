"""SIGKILL exactly in the windows that matter (named crash points), then a restart: every invariant holds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crash import invariants
from tests.crash.ewsworld import ADDRESS, EwsWorld
from tests.crash.scenario import World
from tests.ews.server import running
from tests.support import REPO

POINTS = {
    # window: passes at which to die (the n-th time the point is reached in one run)
    "after-store": (1, 3),  # raw mails committed, not yet interpreted
    "inside-interpret": (1, 2),  # interpretation written but not committed
    "after-ack": (1,),  # mails moved on the server, the acknowledgement not yet recorded
    "after-claim": (1, 4),  # outbox rows claimed, nothing sent yet
    "mid-send": (2, 7),  # the mail is in sent/tmp, not yet in sent/new
    "after-send": (1, 3, 6),  # sent, not yet marked sent: the sent folder must settle it
    "draft-files": (1,),  # draft files written, the version not yet committed
}
CASES = [(point, nth) for point, passes in POINTS.items() for nth in passes]


def drive(world: World, crash_at: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "KGRZ_CRASH_AT"}
    if crash_at:
        env["KGRZ_CRASH_AT"] = crash_at
    done = subprocess.run([sys.executable, "-m", "tests.crash.driver", str(world.root)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    return done.returncode


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> invariants.Outcome:
    world = World(tmp_path_factory.mktemp("reference") / "world").create()
    assert drive(world, None) == 0
    assert invariants.final(world) == []
    return invariants.outcome(world)


@pytest.mark.parametrize(("point", "nth"), CASES, ids=[f"{p}-{n}" for p, n in CASES])
def test_a_kill_at_a_named_point_then_a_restart_ends_like_an_undisturbed_run(
    point: str, nth: int, tmp_path: Path, reference: invariants.Outcome
) -> None:
    world = World(tmp_path / "world").create()
    assert drive(world, f"{point}:{nth}") == -signal.SIGKILL  # the point was reached and the process died
    assert invariants.always(world) == []
    assert drive(world, None) == 0
    assert invariants.final(world) == []
    assert invariants.differences(invariants.outcome(world), reference) == []


#: on Exchange the windows of the lease: claimed and nothing sent yet; sent, not yet marked (Sent Items decides
#: once the killed sender's lease ran out, never a second CreateItem). The 2nd send is the first confirmations:
#: their Message-ID header is folded onto its own line, and Sent Items must find them all the same.
EXCHANGE_CASES = [("after-claim", 1), ("after-send", 1), ("after-send", 2), ("after-send", 3)]


@pytest.fixture(scope="module")
def exchange_reference(tmp_path_factory: pytest.TempPathFactory) -> invariants.Outcome:
    with running(address=ADDRESS) as server:
        world = EwsWorld(tmp_path_factory.mktemp("exchange-reference") / "world").create_on(server.url)
        assert drive(world, None) == 0
        assert invariants.final(world) == []
        return invariants.outcome(world)


@pytest.mark.parametrize(("point", "nth"), EXCHANGE_CASES, ids=[f"{p}-{n}" for p, n in EXCHANGE_CASES])
def test_on_exchange_a_kill_at_a_named_point_then_a_restart_ends_like_an_undisturbed_run(
    point: str, nth: int, tmp_path: Path, exchange_reference: invariants.Outcome
) -> None:
    with running(address=ADDRESS) as server:
        world = EwsWorld(tmp_path / "world").create_on(server.url)
        assert drive(world, f"{point}:{nth}") == -signal.SIGKILL
        assert invariants.always(world) == []
        assert drive(world, None) == 0
        assert invariants.final(world) == []
        assert invariants.differences(invariants.outcome(world), exchange_reference) == []

