"""Fixtures: a fresh Graph test server per test (HTTPS on 127.0.0.1) and GraphMailbox instances pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kgrz_mailbot.transports.graph.transport import GraphMailbox
from tests.transports.conftest import graph_settings

from .races import SECRET_ENV, point_at_graph
from .server import GraphTestServer, running


def mail(n: int, *, sender: str = "lead@example.org", extra: str = "") -> bytes:
    """A small reply-like RFC 5322 message with a unique Message-ID."""
    return (f"From: Projektleitung {n} <{sender}>\r\nTo: statusbot@kgrz-koblenz.de\r\n"
            f"Subject: AW: Statusabfrage Projekt {n}\r\nMessage-ID: <reply-{n}@example.org>\r\n{extra}"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\nAlles im Plan ({n}) – grün\r\n").encode()


@pytest.fixture
def graph_server() -> Iterator[GraphTestServer]:
    with running() as server:
        yield server


@pytest.fixture
def make_mailbox(graph_server: GraphTestServer) -> Iterator[Callable[..., GraphMailbox]]:
    made: list[GraphMailbox] = []

    def make(env: dict[str, str] | None = None, sleep: Callable[[float], None] | None = None,
             address: str | None = None, **overrides: Any) -> GraphMailbox:
        settings = graph_settings(graph_server, **overrides)
        kwargs = {"sleep": sleep} if sleep is not None else {}
        box = GraphMailbox(settings, address or graph_server.address,
                           {SECRET_ENV: graph_server.secret} if env is None else env, **kwargs)
        made.append(box)
        return box

    yield make
    for box in made:
        box.close()


@pytest.fixture
def mailbox(make_mailbox: Callable[..., GraphMailbox]) -> GraphMailbox:
    return make_mailbox()


@pytest.fixture
def graph(config_dir: Path) -> Iterator[GraphTestServer]:
    """A Graph test server for the example configuration's mailbox."""
    with running(address="projektstatus@koblenz.example") as server:
        yield server


@pytest.fixture
def graph_config(config_dir: Path, graph: GraphTestServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example configuration with ``transport = "graph"`` pointed at ``graph``; the secret in the environment."""
    point_at_graph(config_dir, graph)
    monkeypatch.setenv(SECRET_ENV, graph.secret)
    return config_dir
