"""Cross-process races against the Graph test server: one command's /send is held by the server (Exchange Online
still working on it) while a second process runs; afterwards every Message-ID must be in Sent Items exactly
once. The Graph counterpart of tests/ews/races.py, whose process helpers and tally it shares. Used by
tests/graph/test_races.py and bench/races.py."""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

from tests.ews.races import SECONDS, SESSION, WAITS, Proc, Tally, command, until
from tests.support import parse

from .server import GraphTestServer

SECRET_ENV = "KGRZ_GRAPH_SECRET"


def point_at_graph(config: Path, graph: GraphTestServer) -> Path:
    """Rewrites a copy of the example config to ``transport = "graph"`` on ``graph`` (the secret comes from the
    environment variable ``SECRET_ENV``)."""
    settings = config / "settings.toml"
    text = settings.read_text(encoding="utf-8").replace('transport = "maildir"', 'transport = "graph"')
    text += (f'\n[mail.graph]\ntenant_id = "{graph.tenant}"\nclient_id = "{graph.client_id}"\n'
             f'client_secret_env = "{SECRET_ENV}"\nauthority = "{graph.authority}"\ngraph_url = "{graph.graph_url}"\n'
             f'ca_bundle = "{graph.ca_file}"\nmax_wait_seconds = 2\n')
    settings.write_text(text, encoding="utf-8")
    return config


def sent_ids(graph: GraphTestServer, since: int = 0) -> Counter[str]:
    """Message-IDs of everything filed in Sent Items, with their count."""
    return Counter(str(parse(s.raw)["Message-ID"]).strip() for s in graph.sent[since:])


def sends(graph: GraphTestServer) -> int:
    return graph.subcalls.count("send") + graph.calls.count("send")


def held_send(graph: GraphTestServer, config: Path) -> Proc:
    """``send-requests`` whose first /send has reached Graph, which holds it unanswered."""
    before = sends(graph)
    graph.hold("send")
    first = command(config, "send-requests", *SESSION, "--now", "2018-08-29T08:00")
    until(lambda: sends(graph) > before or first.ended, "the /send of send-requests")
    return first


def race_round(graph: GraphTestServer, config: Path, second: str, tally: Tally,
               rng: random.Random | None = None) -> None:
    """``send-requests`` held at its first /send; ``second`` runs beside it until it has said that it waits or
    ended; only then Exchange Online finishes (after a random extra delay when ``rng`` is given)."""
    args, expected = SECONDS[second]
    already = len(graph.sent)
    started = time.monotonic()
    first = held_send(graph, config)
    other = command(config, *args)
    until(lambda: other.said(WAITS) or other.ended, f"{second} to wait or to end")
    if rng is not None:
        time.sleep(rng.uniform(0, 1.5))
    graph.release()
    results = [first.finish(), other.finish()]
    tally.seconds += time.monotonic() - started
    tally.rounds += 1
    tally.waited += bool(other.said(WAITS))
    ids = sent_ids(graph, already)
    tally.mails += sum(ids.values())
    tally.duplicates += sum(n - 1 for n in ids.values())
    tally.missing += max(0, expected - len(ids))
    for code, out in results:
        if code != 0:
            tally.failures.append(f"{second}: exit {code}: {out.strip()[-400:]}")
