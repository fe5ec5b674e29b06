"""Fixtures: a fresh EWS test server per test and ExchangeMailbox instances pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox

from .server import EwsTestServer, running

ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim", "KGRZ_EWS_SECRET": "app-secret"}


def mail(n: int, *, sender: str = "lead@example.org", extra: str = "") -> bytes:
    """A small reply-like RFC 5322 message with a unique Message-ID."""
    return (f"From: Projektleitung {n} <{sender}>\r\nTo: statusbot@kgrz-koblenz.de\r\n"
            f"Subject: AW: Statusabfrage Projekt {n}\r\nMessage-ID: <reply-{n}@example.org>\r\n{extra}"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\nAlles im Plan ({n}) – grün\r\n").encode()


@pytest.fixture
def ews_server() -> Iterator[EwsTestServer]:
    with running() as server:
        yield server


@pytest.fixture
def settings(ews_server: EwsTestServer) -> ExchangeSettings:
    # tiny max_wait: a retried 503 (exchangelib waits 10 s first) gives up at once instead of sleeping
    return ExchangeSettings(endpoint=ews_server.url, auth="basic", version="2019", max_wait_seconds=2,
                            timeout_seconds=10, client_id="app-id", client_secret_env="KGRZ_EWS_SECRET")


@pytest.fixture
def make_mailbox(ews_server: EwsTestServer, settings: ExchangeSettings) -> Iterator[Callable[..., ExchangeMailbox]]:
    made: list[ExchangeMailbox] = []

    def make(env: dict[str, str] | None = None, token_url: str | None = None, **overrides: Any) -> ExchangeMailbox:
        box = ExchangeMailbox(replace(settings, **overrides), ews_server.address, ENV if env is None else env,
                              token_url=token_url)
        made.append(box)
        return box

    yield make
    for box in made:
        box.close()


@pytest.fixture
def mailbox(make_mailbox: Callable[..., ExchangeMailbox]) -> ExchangeMailbox:
    return make_mailbox()
