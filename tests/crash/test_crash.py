"""SIGKILL at random instants through a whole session cycle: nothing sent twice, nothing lost, the draft complete."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.crash import invariants
from tests.crash.harness import Zygote, campaign
from tests.crash.scenario import World

KILLS = 40  # CI (the named crash points cover every window deterministically); bench/crash.py runs 1 000
EXCHANGE_KILLS = 8  # CI; bench/crash.py --transport exchange runs more


def test_forty_random_kills_break_no_invariant(tmp_path: Path) -> None:
    tally = campaign(KILLS, seed=20180919, workdir=tmp_path)
    print(tally.summary())
    assert tally.violations == []
    assert tally.kills >= KILLS and tally.restarts == tally.kills
    # The kills must land in the windows that matter, not only while Python imports.
    assert tally.windows.get("gespeichert, nicht ausgewertet", 0) + tally.windows.get("im Postausgang wartend", 0) > 0
    # 20 of the cycle, plus the one notice to Julia Richter that an outsider answered her request (r05-outsider)
    assert tally.mails_sent == 21 * tally.worlds


def test_kills_on_the_ews_test_server_break_no_invariant(tmp_path: Path) -> None:
    tally = campaign(EXCHANGE_KILLS, seed=20180920, workdir=tmp_path, transport="exchange")
    print(tally.summary())
    assert tally.violations == []
    assert tally.kills >= EXCHANGE_KILLS and tally.restarts == tally.kills
    assert tally.mails_sent == 21 * tally.worlds  # as on Maildir: the cycle and the notice to Julia Richter


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> World:
    """One world that ran the cycle undisturbed."""
    root = tmp_path_factory.mktemp("crash-reference")
    world = World(root / "world").create()
    zygote = Zygote(root / "stderr")
    try:
        assert zygote.run(world, 600.0)[:2] == (False, 0)
    finally:
        zygote.close()
    return world


def clone(world: World, target: Path) -> World:
    shutil.copytree(world.root, target)
    return World(target)


def test_an_undisturbed_cycle_satisfies_every_invariant(finished: World) -> None:
    assert invariants.final(finished) == []


def test_the_checker_sees_a_mail_sent_twice(finished: World, tmp_path: Path) -> None:
    world = clone(finished, tmp_path / "w")
    first = world.sent_files()[0]
    shutil.copy(first, first.parent.parent / "cur" / "kgrz.copy:2,S")
    assert any("2-mal versandt" in p for p in invariants.always(world))


def test_the_checker_sees_an_inbound_mail_lost(finished: World, tmp_path: Path) -> None:
    world = clone(finished, tmp_path / "w")
    for place in world.places_of("r07-umbau"):
        assert place.path is not None
        place.path.unlink()
    assert any("r07-umbau liegt nicht" in p for p in invariants.final(world))


def test_the_checker_sees_an_incomplete_draft(finished: World, tmp_path: Path) -> None:
    world = clone(finished, tmp_path / "w")
    db = sqlite3.connect(world.database)
    db.execute("DELETE FROM draft WHERE version = 2")
    db.commit()
    db.close()
    assert any("Entwurf unvollständig" in p for p in invariants.final(world))
