"""Failure handling against the EWS test server: throttling, 5xx, 401, bad configuration."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox

from .conftest import ENV, mail
from .server import EwsTestServer

AUTH_401 = ("Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401): "
            "Benutzername/Kennwort in KGRZ_EWS_USERNAME/KGRZ_EWS_PASSWORD prüfen")


def _inbox(server: EwsTestServer) -> int:
    return len(server.store.in_folder(server.store.distinguished("inbox").id))


def test_server_busy_backs_off_then_succeeds(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    ids = [ews_server.deliver(mail(n)) for n in range(3)]
    ews_server.inject("FindItem", "server_busy", times=2, back_off_ms=20)
    ews_server.inject("GetItem", "server_busy", times=1, back_off_ms=20)
    assert [m.key for m in mailbox.fetch_new()] == ids
    assert ews_server.count("FindItem") == 3 and ews_server.count("GetItem") == 2


def test_server_busy_longer_than_max_wait_is_temporary(ews_server: EwsTestServer,
                                                       mailbox: ExchangeMailbox) -> None:
    ews_server.deliver(mail(1))
    ews_server.inject("FindItem", "server_busy", back_off_ms=60_000)  # > max_wait_seconds=2
    started = time.monotonic()
    with pytest.raises(TemporaryTransportError):
        list(mailbox.fetch_new())
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("kind", ["http500", "http503"])
@pytest.mark.parametrize("operation", ["FindItem", "GetItem"])
def test_5xx_during_fetch_is_temporary_and_nothing_moves(ews_server: EwsTestServer, mailbox: ExchangeMailbox,
                                                         kind: str, operation: str) -> None:
    for n in range(3):
        ews_server.deliver(mail(n))
    ews_server.inject(operation, kind, times=10)
    with pytest.raises(TemporaryTransportError):
        for inbound in mailbox.fetch_new():
            mailbox.acknowledge(inbound.key, Disposition.PROCESSED)
    assert _inbox(ews_server) == 3
    assert ews_server.count("MoveItem") == 0


@pytest.mark.parametrize("kind", ["http500", "http503", "server_busy"])
def test_5xx_during_acknowledge_is_temporary_and_retry_works(ews_server: EwsTestServer,
                                                             mailbox: ExchangeMailbox, kind: str) -> None:
    keys = [ews_server.deliver(mail(n)) for n in range(2)]
    mailbox.acknowledge(keys[0], Disposition.PROCESSED)  # folder exists now
    ews_server.inject("MoveItem", kind, times=10, back_off_ms=60_000)
    with pytest.raises(TemporaryTransportError):
        mailbox.acknowledge(keys[1], Disposition.PROCESSED)
    assert _inbox(ews_server) == 1
    ews_server._faults.clear()
    mailbox.acknowledge(keys[1], Disposition.PROCESSED)
    assert _inbox(ews_server) == 0


def test_send_503_is_temporary(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    ews_server.inject("CreateItem", "http503", times=10)
    raw = b"From: statusbot@kgrz-koblenz.de\r\nTo: a@b.de\r\nMessage-ID: <x@y>\r\nSubject: s\r\n\r\nb\r\n"
    with pytest.raises(TemporaryTransportError):
        mailbox.send(raw, message_id="<x@y>", recipients=["a@b.de"])
    assert ews_server.store.sent == []


def test_wrong_password_fails_fast_in_german(ews_server: EwsTestServer,
                                             make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    box = make_mailbox(env={**ENV, "KGRZ_EWS_PASSWORD": "falsch"}, max_wait_seconds=600)
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        list(box.fetch_new())
    assert time.monotonic() - started < 3
    assert str(caught.value) == AUTH_401
    assert not isinstance(caught.value, TemporaryTransportError)


def test_401_mid_session_is_not_retried_as_busy(ews_server: EwsTestServer,
                                                make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    box = make_mailbox(max_wait_seconds=600)
    ews_server.deliver(mail(1))
    list(box.fetch_new())
    ews_server.inject("FindItem", "http401", times=100)
    started = time.monotonic()
    with pytest.raises(TransportError, match=r"HTTP 401"):
        list(box.fetch_new())
    assert time.monotonic() - started < 3
    assert ews_server.count("FindItem") == 2


@pytest.mark.parametrize("missing", ["KGRZ_EWS_USERNAME", "KGRZ_EWS_PASSWORD"])
def test_missing_env_var_is_named(make_mailbox: Callable[..., ExchangeMailbox], missing: str) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(TransportError, match=f"Umgebungsvariable {missing} ist nicht gesetzt"):
        make_mailbox(env=env)


def test_custom_env_var_names_are_used(make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    with pytest.raises(TransportError, match="Umgebungsvariable EWS_PW_DATEI ist nicht gesetzt"):
        make_mailbox(password_env="EWS_PW_DATEI")


def test_missing_client_secret_for_oauth2(make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    with pytest.raises(TransportError, match="Umgebungsvariable KGRZ_EWS_SECRET ist nicht gesetzt"):
        make_mailbox(env={}, auth="oauth2")


@pytest.mark.parametrize(("field", "value", "match"), [
    ("auth", "kerberos5", "Unbekannte Anmeldeart"),
    ("version", "2010", "Unbekannte Exchange-Version"),
])
def test_bad_settings_are_german_errors(make_mailbox: Callable[..., ExchangeMailbox], field: str, value: str,
                                        match: str) -> None:
    with pytest.raises(TransportError, match=match):
        make_mailbox(**{field: value})


def test_unreachable_server_is_temporary(make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    box = make_mailbox(endpoint="http://127.0.0.1:9/EWS/Exchange.asmx", max_wait_seconds=1)
    with pytest.raises(TemporaryTransportError):
        list(box.fetch_new())


def test_read_timeout_is_temporary(ews_server: EwsTestServer, make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    box = make_mailbox(timeout_seconds=1)
    ews_server.inject("FindItem", "stall", back_off_ms=1500)
    started = time.monotonic()
    with pytest.raises(TemporaryTransportError):
        list(box.fetch_new())
    assert time.monotonic() - started < 1.5
