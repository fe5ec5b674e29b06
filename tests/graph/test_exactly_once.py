"""Sending through Graph exactly once: the draft's immutable id is recorded before /send and answers "was it sent?".

The crash cases kill a real ``kgrz-mailbot send-requests`` process (SIGKILL at a named point) while it talks to the
Graph test server, then run it again: every request goes out exactly once, and the recorded drafts are reused.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.jobs.requests import send_requests
from kgrz_mailbot.outbox import relay
from kgrz_mailbot.storage.tables import OutboundMailRow
from kgrz_mailbot.transports.graph.transport import GraphMailbox
from kgrz_mailbot.views.status import unverifiable_sends
from tests.support import REPO, at, parse
from tests.transports.conftest import graph_settings

from .conftest import SECRET_ENV
from .server import GraphTestServer

SEND = ["send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00"]


def sent_ids(graph: GraphTestServer) -> list[str]:
    return [str(parse(s.raw)["Message-ID"]).strip() for s in graph.sent]


@pytest.mark.parametrize("point", ["after-claim", "after-stage", "after-send"])
def test_a_killed_send_sends_every_request_exactly_once(graph_config: Path, graph: GraphTestServer,
                                                        point: str) -> None:
    env = {**os.environ, "KGRZ_CRASH_AT": point, SECRET_ENV: graph.secret}
    killed = subprocess.run([sys.executable, "-m", "kgrz_mailbot", *SEND[:1], "--config", str(graph_config),
                             *SEND[1:]], cwd=REPO, env=env, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert len(graph.sent) == (6 if point == "after-send" else 0)
    drafts_before = len(graph.box.items)
    assert main([SEND[0], "--config", str(graph_config), *SEND[1:]]) == 0
    assert len(graph.sent) == 6 and len(set(sent_ids(graph))) == 6
    # after-stage: the six drafts recorded before the crash are the ones sent, no second copy was made
    assert len(graph.box.items) == (6 if point != "after-claim" else drafts_before + 6)


def app_on(config_dir: Path, graph: GraphTestServer) -> App:
    box = GraphMailbox(graph_settings(graph), graph.address, {SECRET_ENV: graph.secret})
    return build_app(load_config(config_dir), clock=FixedClock(at("2018-08-29T08:00")), transport=box)


@pytest.fixture
def app(graph_config: Path, graph: GraphTestServer) -> Iterator[App]:
    application = app_on(graph_config, graph)
    yield application
    application.close()


def states(app: App) -> list[str]:
    with app.store.read() as db:
        return list(db.execute(sa.select(OutboundMailRow.state).order_by(OutboundMailRow.id)).scalars())


@pytest.mark.parametrize("fault", ["drop", "lost"])
def test_a_batch_of_sends_whose_answer_never_came_is_settled_by_the_drafts(app: App, graph: GraphTestServer,
                                                                          fault: str) -> None:
    # the first $batch makes the drafts, the second sends them: "drop" loses it before anything was sent,
    # "lost" after all six went out (the answer never arrives)
    graph.inject("batch", fault, skip=1)
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    assert len(graph.sent) == (0 if fault == "drop" else 6)
    assert states(app) == ["pending" if fault == "drop" else "sent"] * 6
    relay.flush(app)
    assert len(graph.sent) == 6 and len(set(sent_ids(graph))) == 6 and len(graph.box.items) == 6


def test_a_draft_that_is_still_in_the_outbox_counts_as_sent(app: App, graph: GraphTestServer) -> None:
    graph.hold_in_outbox = True
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    with app.store.write() as db:  # as if the process died after /send, before marking
        db.execute(sa.update(OutboundMailRow).values(state="sending"))
    relay.flush(app)
    assert states(app) == ["sent"] * 6
    graph.release_outbox()
    assert len(graph.sent) == 6


def test_a_recorded_draft_that_vanished_is_shown_to_the_admin_and_never_resent(app: App,
                                                                              graph: GraphTestServer) -> None:
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    with app.store.write() as db:
        db.execute(sa.update(OutboundMailRow).where(OutboundMailRow.id == 2).values(state="sending"))
        ref = db.execute(sa.select(OutboundMailRow.transport_ref).where(OutboundMailRow.id == 2)).scalar_one()
    del graph.box.items[ref]  # someone emptied "Gesendete Elemente"
    relay.flush(app)
    assert states(app)[1] == "unknown" and len(graph.sent) == 6
    assert len(unverifiable_sends(app)) == 1
    relay.flush(app)
    assert len(graph.sent) == 6


def test_a_message_over_four_megabytes_gets_a_german_error_and_stays_in_the_outbox(
        app: App, graph: GraphTestServer) -> None:
    box = app.transport
    big = (b"From: projektstatus@koblenz.example\r\nTo: werkleitung@koblenz.example\r\nSubject: Entwurf\r\n"
           b"Message-ID: <kgrz.big@mailbot.koblenz.example>\r\n\r\n" + b"A" * 76 + b"\r\n") * 1
    big += b"B" * 3_200_000
    small = (b"From: projektstatus@koblenz.example\r\nTo: werkleitung@koblenz.example\r\nSubject: Klein\r\n"
             b"Message-ID: <kgrz.small@mailbot.koblenz.example>\r\n\r\nkurz\r\n")
    errors = box.send_many([(big, "<kgrz.big@mailbot.koblenz.example>", ["werkleitung@koblenz.example"]),
                            (small, "<kgrz.small@mailbot.koblenz.example>", ["werkleitung@koblenz.example"])])
    assert errors[1] is None and "zu groß für Microsoft Graph" in str(errors[0])
    assert "höchstens 4 MB je Anfrage" in str(errors[0])
    assert sent_ids(graph) == ["<kgrz.small@mailbot.koblenz.example>"]


def test_drafts_of_several_megabytes_go_in_several_batches(app: App, graph: GraphTestServer) -> None:
    mails = [((f"From: projektstatus@koblenz.example\r\nTo: werkleitung@koblenz.example\r\nSubject: Teil {n}\r\n"
               f"Message-ID: <kgrz.{n}@mailbot.koblenz.example>\r\n\r\n").encode() + b"x" * 1_000_000,
              f"<kgrz.{n}@mailbot.koblenz.example>", ["werkleitung@koblenz.example"]) for n in range(5)]
    assert app.transport.send_many(mails) == [None] * 5  # 5 × 1.3 MB base64: no $batch over the 4 MB limit
    assert len(graph.sent) == 5


def test_a_graph_that_decodes_text_bodies_in_batch_gets_the_drafts_one_by_one(app: App,
                                                                             graph: GraphTestServer) -> None:
    graph.decode_batch_bodies = True
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    assert len(graph.sent) == 6 and states(app) == ["sent"] * 6
    assert graph.count("create") == 6  # after the one refused $batch, each draft in its own request
