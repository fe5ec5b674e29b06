"""Authentication and TLS against the EWS test server: Basic, OAuth2 client credentials (Bearer), CA bundle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from exchangelib.protocol import close_connections

from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox

from .conftest import ENV, mail
from .server import EwsTestServer, running


@pytest.fixture
def tls_server() -> Iterator[EwsTestServer]:
    with running(tls=True) as server:
        yield server


@pytest.fixture
def tls_settings(tls_server: EwsTestServer, settings: ExchangeSettings) -> ExchangeSettings:
    return replace(settings, endpoint=tls_server.url, ca_bundle=tls_server.ca_file)


def test_basic_auth_and_anchor_mailbox(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    ews_server.deliver(mail(1))
    assert len(list(mailbox.fetch_new())) == 1
    assert {r.auth_scheme for r in ews_server.requests} == {"basic"}
    assert {r.impersonated for r in ews_server.requests} == {None}  # delegate access, no impersonation


def test_oauth2_client_credentials_bearer_over_https(tls_server: EwsTestServer,
                                                     tls_settings: ExchangeSettings) -> None:
    settings = replace(tls_settings, auth="oauth2", version="o365")
    box = ExchangeMailbox(settings, tls_server.address, ENV, token_url=tls_server.token_url)
    try:
        key = tls_server.deliver(mail(1))
        assert [m.key for m in box.fetch_new()] == [key]
        box.acknowledge(key, Disposition.PROCESSED)
    finally:
        box.close()
    assert len(tls_server.tokens_issued) == 1
    assert {r.auth_scheme for r in tls_server.requests} == {"bearer"}
    # app-only token: every request impersonates the service mailbox
    assert {r.impersonated for r in tls_server.requests} == {tls_server.address}
    assert {r.anchor_mailbox for r in tls_server.requests} == {tls_server.address}


def test_oauth2_wrong_secret_is_a_german_login_error(tls_server: EwsTestServer,
                                                     tls_settings: ExchangeSettings) -> None:
    settings = replace(tls_settings, auth="oauth2")
    box = ExchangeMailbox(settings, tls_server.address, {"KGRZ_EWS_SECRET": "falsch"},
                          token_url=tls_server.token_url)
    with pytest.raises(TransportError, match="Anmeldung am Exchange-Server fehlgeschlagen") as caught:
        list(box.fetch_new())
    assert "KGRZ_EWS_SECRET" in str(caught.value)
    assert not isinstance(caught.value, TemporaryTransportError)


def test_ca_bundle_is_required_for_the_private_ca(tls_server: EwsTestServer,
                                                  make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    box = make_mailbox(endpoint=tls_server.url, ca_bundle=None)
    with pytest.raises(TransportError, match="ca_bundle") as caught:
        list(box.fetch_new())
    assert not isinstance(caught.value, TemporaryTransportError)


def test_basic_over_https_with_ca_bundle(tls_server: EwsTestServer, tls_settings: ExchangeSettings) -> None:
    box = ExchangeMailbox(tls_settings, tls_server.address, ENV)
    try:
        tls_server.deliver(mail(1))
        assert len(list(box.fetch_new())) == 1
    finally:
        box.close()


def test_missing_ca_bundle_file(make_mailbox: Callable[..., ExchangeMailbox], tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(TransportError, match="CA-Zertifikatsdatei"):
        make_mailbox(ca_bundle=tmp_path / "fehlt.pem")


def test_unpinned_version_is_guessed_once(ews_server: EwsTestServer,
                                          make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    box = make_mailbox(version=None)
    assert ews_server.count() == 0  # constructing the transport talks to nobody
    ews_server.deliver(mail(1))
    list(box.fetch_new())
    assert ews_server.calls[0][0] == "ConvertId"
    assert ews_server.count("ConvertId") == 1


def test_pinned_version_sends_no_probe(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    list(mailbox.fetch_new())
    assert ews_server.count("ConvertId") == 0
    assert {r.server_version for r in ews_server.requests} == {"Exchange2016"}


@pytest.fixture
def ntlm_server() -> Iterator[EwsTestServer]:
    server = EwsTestServer(ntlm=True).start()
    try:
        yield server
    finally:
        close_connections()
        server.stop()


def test_ntlm_handshake_once_per_connection(ntlm_server: EwsTestServer, settings: ExchangeSettings) -> None:
    box = ExchangeMailbox(replace(settings, endpoint=ntlm_server.url, auth="ntlm"), ntlm_server.address, ENV)
    try:
        for n in range(3):
            ntlm_server.deliver(mail(n))
        fetched = list(box.fetch_new())
        box.acknowledge_many([(m.key, Disposition.PROCESSED) for m in fetched])
    finally:
        box.close()
    assert len(fetched) == 3
    assert {r.auth_scheme for r in ntlm_server.requests} == {"ntlm"}
    assert ntlm_server.auth_failures == 1  # the initial anonymous request; then the pooled connection is trusted


def test_ntlm_wrong_password(ntlm_server: EwsTestServer, settings: ExchangeSettings) -> None:
    env = {**ENV, "KGRZ_EWS_PASSWORD": "falsch"}
    box = ExchangeMailbox(replace(settings, endpoint=ntlm_server.url, auth="ntlm", max_wait_seconds=600),
                          ntlm_server.address, env)
    try:
        with pytest.raises(TransportError, match=r"\(HTTP 401\): Benutzername/Kennwort"):
            list(box.fetch_new())
    finally:
        box.close()
