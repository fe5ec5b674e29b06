"""Every transport behind one harness: the Mailbox under test plus "deliver raw", "what was sent" and "break" adapters.

The contract tests in ``test_contract.py`` speak only to ``Harness``; each transport supplies the few
operations a test needs to play the outside world (an MTA delivering, a recipient reading the sent folder,
a server refusing). Exchange runs against a fresh ``EwsTestServer`` per test and is marked ``ews``; Exchange
Online runs against a fresh ``GraphTestServer`` (HTTPS, real msal and httpx) and is marked ``graph``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

import pytest
from exchangelib.protocol import close_connections

from kgrz_mailbot.config.settings import ExchangeSettings, GraphSettings
from kgrz_mailbot.transports.base import Disposition, Mailbox
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox
from kgrz_mailbot.transports.graph.transport import GraphMailbox
from kgrz_mailbot.transports.maildir.transport import MaildirMailbox, sent_name
from tests.ews.server import EwsTestServer
from tests.graph.server import GraphTestServer

EWS_ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ews: runs against the local EWS test server (Exchange transport)")
    config.addinivalue_line("markers", "graph: runs against the local Graph test server (Exchange Online)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # marked here, after pytest_configure registered the mark (a module-level pytest.mark.ews would warn)
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("harness") in ("exchange", "graph"):
            item.add_marker("ews" if callspec.params["harness"] == "exchange" else "graph")


class Harness(ABC):
    """One transport under test and the outside world around it."""

    box: Mailbox

    @abstractmethod
    def deliver(self, raw: bytes) -> None:
        """Put ``raw`` into the inbox as the mail server would, later than everything delivered before."""

    @abstractmethod
    def sent(self) -> list[bytes]:
        """Every message that left the mailbox, in sending order, as the bytes that went out."""

    @abstractmethod
    def kept(self, disposition: Disposition) -> list[bytes]:
        """The messages acknowledged with ``disposition``, wherever the transport keeps them."""

    @abstractmethod
    def refuse(self, message_id: str) -> None:
        """From now on, sending this one message fails; all others still go out."""

    @abstractmethod
    def break_sending(self) -> None:
        """Every send fails until ``repair``."""

    @abstractmethod
    def repair(self) -> None:
        """Undo ``break_sending``."""


class MaildirHarness(Harness):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.box = MaildirMailbox(root)
        self._seq = itertools.count(1)

    def deliver(self, raw: bytes) -> None:
        n = next(self._seq)
        path = self.root / "inbox" / "new" / f"{n:06d}.{os.getpid()}.mta"
        path.write_bytes(raw)
        # explicit, increasing mtimes: "oldest first" must not hinge on the file system's timestamp resolution
        os.utime(path, ns=(n * 1_000_000_000, n * 1_000_000_000))

    def sent(self) -> list[bytes]:
        folder = self.root / "sent"
        files = [*(folder / "new").iterdir(), *(folder / "cur").iterdir()]
        return [p.read_bytes() for p in sorted(files, key=lambda p: p.stat().st_mtime_ns)]

    def kept(self, disposition: Disposition) -> list[bytes]:
        folder = self.root / "inbox" / "cur" if disposition is Disposition.PROCESSED else self.root / "failed" / "new"
        return [p.read_bytes() for p in sorted(folder.iterdir())]

    def refuse(self, message_id: str) -> None:
        # A directory where this message's temporary file would go: open() fails for it alone.
        (self.root / "sent" / "tmp" / f"{sent_name(message_id)}.{os.getpid()}.{socket.gethostname()}").mkdir()

    def break_sending(self) -> None:
        tmp = self.root / "sent" / "tmp"
        shutil.rmtree(tmp)
        tmp.write_bytes(b"")  # a file where the directory should be: every write fails

    def repair(self) -> None:
        tmp = self.root / "sent" / "tmp"
        tmp.unlink()
        tmp.mkdir()


class ExchangeHarness(Harness):
    def __init__(self, server: EwsTestServer) -> None:
        self.server = server
        # tiny max_wait: an injected 5xx gives up at once instead of backing off for minutes
        settings = ExchangeSettings(endpoint=server.url, auth="basic", version="2019", max_wait_seconds=1,
                                    timeout_seconds=10)
        self.box = ExchangeMailbox(settings, server.address, EWS_ENV)

    def deliver(self, raw: bytes) -> None:
        self.server.deliver(raw)

    def sent(self) -> list[bytes]:
        return [s.raw for s in self.server.store.sent]

    def kept(self, disposition: Disposition) -> list[bytes]:
        name = "Verarbeitet" if disposition is Disposition.PROCESSED else "Fehlgeschlagen"
        return self.server.folder_items("inbox", name)

    def refuse(self, message_id: str) -> None:
        self.server.refuse(message_id)

    def break_sending(self) -> None:
        self.server.inject("CreateItem", "http500", times=1000)

    def repair(self) -> None:
        self.server._faults.clear()


class GraphHarness(Harness):
    def __init__(self, server: GraphTestServer) -> None:
        self.server = server
        self.box = GraphMailbox(graph_settings(server), server.address, {"KGRZ_GRAPH_SECRET": server.secret})

    def deliver(self, raw: bytes) -> None:
        self.server.deliver(raw)

    def sent(self) -> list[bytes]:
        return [s.raw for s in self.server.sent]

    def kept(self, disposition: Disposition) -> list[bytes]:
        name = "Verarbeitet" if disposition is Disposition.PROCESSED else "Fehlgeschlagen"
        return self.server.folder_items("inbox", name)

    def refuse(self, message_id: str) -> None:
        self.server.refuse(message_id)

    def break_sending(self) -> None:
        self.server.inject("create", "error500", times=1000)
        self.server.inject("send", "error500", times=1000)

    def repair(self) -> None:
        self.server.clear_faults()


def graph_settings(server: GraphTestServer, **overrides: object) -> GraphSettings:
    """``[mail.graph]`` pointed at a Graph test server (tiny max_wait: throttling gives up at once)."""
    values: dict[str, object] = dict(tenant_id=server.tenant, client_id=server.client_id,
                                     client_secret_env="KGRZ_GRAPH_SECRET", authority=server.authority,
                                     graph_url=server.graph_url, ca_bundle=server.ca_file, max_wait_seconds=2,
                                     timeout_seconds=10)
    return GraphSettings(**{**values, **overrides})  # type: ignore[arg-type]


@pytest.fixture(params=["maildir", "exchange", "graph"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "maildir":
        yield MaildirHarness(tmp_path / "mail")
        return
    if request.param == "graph":
        graph = GraphTestServer().start()
        try:
            h = GraphHarness(graph)
            yield h
            h.box.close()
        finally:
            graph.stop()
        return
    server = EwsTestServer().start()
    try:
        h = ExchangeHarness(server)
        yield h
        h.box.close()
    finally:
        close_connections()  # exchangelib caches Protocol objects per endpoint + credentials
        server.stop()
