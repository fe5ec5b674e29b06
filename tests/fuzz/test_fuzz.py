"""Hostile and broken mail through the real ``poll``: never a crash, every mail kept with a reason, no backscatter."""

from __future__ import annotations

from collections.abc import Iterator
from random import Random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.mutations import MUTATORS, mutate, seeds
from tests.fuzz.world import FuzzWorld

SEEDS = seeds()
VALID_REPLY = "outlook2016_html_reply_de.eml"
PER_MAIL_SECONDS = 30.0  # a guard against hangs; the parser's own time budget is tighter


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzWorld]:
    fuzz = FuzzWorld(tmp_path_factory.mktemp("fuzz"))
    yield fuzz
    fuzz.close()


def test_a_real_reply_is_accepted_and_confirmed_to_its_sender(world: FuzzWorld) -> None:
    case = world.run([world.adopt(SEEDS[VALID_REPLY])])[0]
    assert (case.kept_as, case.answered, case.problems) == ("processed/accepted", 1, [])


def test_the_same_reply_from_an_outsider_changes_nothing_and_only_the_lead_hears_of_it(world: FuzzWorld) -> None:
    raw = world.adopt(SEEDS[VALID_REPLY]).replace(b"@koblenz.example>", b"@koblenz.example.net>")
    case = world.run([raw])[0]
    assert case.kept_as == "processed/unauthorised"
    assert (case.answered, case.problems) == (1, [])  # the notice to the configured lead, checked by _judge


@pytest.mark.parametrize("mutator", sorted(MUTATORS))
def test_each_kind_of_damage_is_survived_and_kept(world: FuzzWorld, mutator: str) -> None:
    for seed in (VALID_REPLY, "command_hilfe.eml", "winmail_dat.eml"):
        raw = mutate(world.adopt(SEEDS[seed]), [mutator], Random(f"{mutator}/{seed}"))
        case = world.run([raw])[0]
        assert case.problems == [], (seed, case)
        assert case.seconds < PER_MAIL_SECONDS


def test_a_batch_of_the_worst_arrives_in_one_poll(world: FuzzWorld) -> None:
    rng = Random(7)
    raws = [mutate(world.adopt(SEEDS[VALID_REPLY]), [name], rng)
            for name in ("deep_nesting", "zip_bomb", "megabyte_line", "many_headers", "many_parts", "truncate")]
    cases = world.run(raws)
    assert [c.problems for c in cases] == [[]] * len(raws)


# No shrinking: a case is a seed plus named damage, readable as it is; shrinking megabyte mails costs minutes.
@settings(max_examples=150, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.sampled_from(sorted(SEEDS)), damage=st.lists(st.sampled_from(sorted(MUTATORS)), min_size=1, max_size=3),
       rng=st.randoms(use_true_random=False))
def test_poll_never_crashes_keeps_every_mail_and_answers_only_valid_replies(
        world: FuzzWorld, seed: str, damage: list[str], rng: Random) -> None:
    case = world.run([mutate(world.adopt(SEEDS[seed]), damage, rng)])[0]
    assert case.problems == []
    assert case.seconds < PER_MAIL_SECONDS
