"""Exactly once across processes on Microsoft Graph: while Exchange Online still works on one process's /send,
a second process (`poll`, `tick`, `compile --send`, or a bare outbox flush that skips the command lock) sends
nothing twice, and a sender killed meanwhile is settled by its recorded drafts."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from tests.ews.races import SECONDS, Tally, command, flush_loop, outbox_states, until

from .races import SECRET_ENV, held_send, race_round, sent_ids
from .server import GraphTestServer


@pytest.fixture(autouse=True)
def secret_in_environment(graph: GraphTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(os.environ, SECRET_ENV, graph.secret)  # the CLI processes inherit it


@pytest.mark.parametrize("second", list(SECONDS))
def test_a_second_command_beside_a_slow_send_sends_nothing_twice(
    graph_config: Path, graph: GraphTestServer, second: str
) -> None:
    tally = Tally()
    race_round(graph, graph_config, second, tally)
    assert tally.failures == []
    ids = sent_ids(graph)
    assert len(ids) == SECONDS[second][1] and set(ids.values()) == {1}
    assert tally.waited == 1  # it waited for the sender instead of settling its mails
    assert outbox_states(graph_config) == Counter({"sent": SECONDS[second][1]})


def test_a_flush_that_skips_the_command_lock_never_takes_a_live_senders_claims(
    graph_config: Path, graph: GraphTestServer
) -> None:
    settings = graph_config / "settings.toml"
    settings.write_text(settings.read_text().replace("[mail]\n", "[mail]\nsend_lease_seconds = 2\n", 1))
    first = held_send(graph, graph_config)
    beside = flush_loop(graph_config, 8)
    until(lambda: beside.said("flushed") >= 3 or beside.ended, "three flushes beside the held send")
    graph.release()
    assert first.finish()[0] == 0 and beside.finish()[0] == 0
    ids = sent_ids(graph)
    assert len(ids) == 6 and set(ids.values()) == {1}
    assert outbox_states(graph_config) == Counter({"sent": 6})


def test_a_sender_killed_while_graph_works_is_settled_by_its_drafts(graph_config: Path,
                                                                     graph: GraphTestServer) -> None:
    held_send(graph, graph_config).kill()
    code, out = command(graph_config, "poll", "--now", "2018-08-29T08:05").finish()
    assert code == 0, out
    graph.release()  # the held /send is carried out after all
    code, out = command(graph_config, "poll", "--now", "2018-08-29T08:10").finish()
    assert code == 0, out
    ids = sent_ids(graph)
    assert len(ids) == 6 and set(ids.values()) == {1}
    assert outbox_states(graph_config) == Counter({"sent": 6})
