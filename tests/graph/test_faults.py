"""Failures against the Graph test server: throttling, outages, token expiry, permissions, TLS, timeouts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError
from kgrz_mailbot.transports.graph.transport import GraphMailbox

from .conftest import mail
from .server import GraphTestServer
from .store import Mailbox

RAW = (b"From: statusbot@kgrz-koblenz.de\r\nTo: erika.muster@koblenz.example\r\nSubject: Statusabfrage\r\n"
       b"Message-ID: <kgrz.1@mailbot.kgrz-koblenz.de>\r\n\r\nBitte ausfuellen.\r\n")


def test_throttled_requests_in_a_batch_wait_for_retry_after_and_only_they_are_sent_again(
        graph_server: GraphTestServer, make_mailbox: Callable[..., GraphMailbox]) -> None:
    waits: list[float] = []
    box = make_mailbox(sleep=waits.append, max_wait_seconds=60)
    raws = [mail(n) for n in range(5)]
    for raw in raws:
        graph_server.deliver(raw)
    graph_server.inject("value", "throttle", times=2, retry_after=7)
    assert [m.raw for m in box.fetch_new()] == raws
    assert waits == [7]  # the server's Retry-After, once for both
    assert graph_server.subcalls.count("value") == 7  # 5 + the 2 throttled ones again


@pytest.mark.parametrize("kind", ["throttle", "unavailable", "gateway"])
def test_a_whole_request_refused_for_a_while_is_retried(graph_server: GraphTestServer,
                                                        make_mailbox: Callable[..., GraphMailbox], kind: str) -> None:
    waits: list[float] = []
    box = make_mailbox(sleep=waits.append, max_wait_seconds=60)
    graph_server.deliver(mail(1))
    graph_server.inject("list", kind, times=2, retry_after=3)
    assert len(list(box.fetch_new())) == 1
    assert waits == [3, 3]


def test_throttling_beyond_the_wait_budget_ends_the_tick_cleanly_and_the_next_continues(
        graph_server: GraphTestServer, make_mailbox: Callable[..., GraphMailbox]) -> None:
    waits: list[float] = []
    box = make_mailbox(sleep=waits.append, max_wait_seconds=30)
    keys = [graph_server.deliver(mail(n)) for n in range(25)]
    graph_server.inject("value", "throttle", times=1000, retry_after=20)
    fetched = box.fetch_new()
    with pytest.raises(TemporaryTransportError, match="Retry-After 20 s"):
        list(fetched)
    assert sum(waits) <= 30  # bounded: one wait of 20 s fitted, the second would not
    assert len(graph_server.folder_items("inbox")) == 25  # nothing moved, nothing lost
    graph_server.clear_faults()
    assert [m.key for m in box.fetch_new()] == keys


def test_an_expired_token_is_renewed_once(graph_server: GraphTestServer, mailbox: GraphMailbox) -> None:
    graph_server.deliver(mail(1))
    assert len(list(mailbox.fetch_new())) == 1
    graph_server.inject("list", "expired")  # the server revokes every token issued so far
    assert len(list(mailbox.fetch_new())) == 1
    assert graph_server.identity.issued == 2


def test_a_second_401_is_a_german_error_not_a_loop(graph_server: GraphTestServer, mailbox: GraphMailbox) -> None:
    graph_server.inject("list", "expired", times=5)
    with pytest.raises(TransportError, match="Microsoft Graph lehnt das Token ab") as raised:
        list(mailbox.fetch_new())
    assert not isinstance(raised.value, TemporaryTransportError)
    assert graph_server.count("list") == 2 and graph_server.identity.issued == 2


def test_a_token_close_to_its_end_is_renewed_before_it_expires(graph_server: GraphTestServer,
                                                              mailbox: GraphMailbox) -> None:
    graph_server.identity.token_seconds = 300  # msal renews tokens with less than five minutes left
    for _ in range(3):
        list(mailbox.fetch_new())
    assert graph_server.identity.issued == 3
    assert "InvalidAuthenticationToken" not in str(graph_server.calls)  # never presented an expired one


def test_a_wrong_client_secret_names_the_variable(graph_server: GraphTestServer,
                                                  make_mailbox: Callable[..., GraphMailbox]) -> None:
    box = make_mailbox(env={"KGRZ_GRAPH_SECRET": "falsch"})
    with pytest.raises(TransportError, match=r"OAuth2 invalid_client: AADSTS7000215.*KGRZ_GRAPH_SECRET") as raised:
        list(box.fetch_new())
    assert not isinstance(raised.value, TemporaryTransportError)


def test_an_unknown_tenant_is_named(graph_server: GraphTestServer, make_mailbox: Callable[..., GraphMailbox]) -> None:
    box = make_mailbox(tenant_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(TransportError, match="tenant_id und authority in \\[mail.graph\\] prüfen"):
        list(box.fetch_new())


def test_without_the_read_write_role_the_message_names_it(graph_server: GraphTestServer,
                                                          mailbox: GraphMailbox) -> None:
    graph_server.roles[graph_server.address] = {"Mail.Send"}
    with pytest.raises(TransportError, match="„Application Mail.ReadWrite“, per RBAC for Applications"):
        list(mailbox.fetch_new())


def test_without_the_send_role_the_message_names_it_and_nothing_goes_out(graph_server: GraphTestServer,
                                                                        mailbox: GraphMailbox) -> None:
    graph_server.roles[graph_server.address] = {"Mail.ReadWrite"}
    (error,) = mailbox.send_many([(RAW, "<kgrz.1@mailbot.kgrz-koblenz.de>", ["erika.muster@koblenz.example"])])
    assert isinstance(error, TransportError) and "„Application Mail.Send“" in str(error)
    assert graph_server.sent == []


def test_a_mailbox_outside_the_apps_scope_and_an_unknown_one(graph_server: GraphTestServer,
                                                             make_mailbox: Callable[..., GraphMailbox]) -> None:
    # the Werkleitung's mailbox exists, but RBAC for Applications scopes the app to the bot's mailbox only
    graph_server.mailboxes["werkleitung@kgrz-koblenz.de"] = Mailbox("werkleitung@kgrz-koblenz.de")
    with pytest.raises(TransportError, match="Keine Berechtigung für Posteingang lesen im Postfach werkleitung@"):
        list(make_mailbox(address="werkleitung@kgrz-koblenz.de").fetch_new())
    with pytest.raises(TransportError, match="Postfach gibtsnicht@kgrz-koblenz.de gibt es in Exchange Online nicht"):
        list(make_mailbox(address="gibtsnicht@kgrz-koblenz.de").fetch_new())


def test_a_tls_failure_names_ca_bundle(graph_server: GraphTestServer,
                                       make_mailbox: Callable[..., GraphMailbox]) -> None:
    box = make_mailbox(ca_bundle=None)  # the test CA is not among the system's
    with pytest.raises(TransportError, match="ca_bundle in \\[mail.graph\\] prüfen") as raised:
        list(box.fetch_new())
    assert not isinstance(raised.value, TemporaryTransportError)


def test_a_missing_ca_bundle_file_is_named(graph_server: GraphTestServer, make_mailbox: Callable[..., GraphMailbox],
                                           tmp_path: Path) -> None:
    with pytest.raises(TransportError, match="CA-Zertifikatsdatei .* nicht lesbar"):
        make_mailbox(ca_bundle=tmp_path / "fehlt.pem")


def test_a_server_that_does_not_answer_in_time_is_temporary_and_nothing_moves(
        graph_server: GraphTestServer, make_mailbox: Callable[..., GraphMailbox]) -> None:
    graph_server.stall_seconds = 3
    box = make_mailbox(timeout_seconds=1)
    graph_server.deliver(mail(1))
    graph_server.inject("value", "stall")
    with pytest.raises(TemporaryTransportError, match="antwortet nicht rechtzeitig"):
        list(box.fetch_new())
    assert len(graph_server.folder_items("inbox")) == 1


def test_a_move_that_fails_halfway_moves_the_rest_on_the_next_try(graph_server: GraphTestServer,
                                                                 mailbox: GraphMailbox) -> None:
    keys = [graph_server.deliver(mail(n)) for n in range(4)]
    fetched = [m.key for m in mailbox.fetch_new()]
    graph_server.inject("move", "error500", times=2)  # two of the four moves in the $batch fail
    with pytest.raises(TemporaryTransportError):
        mailbox.acknowledge_many([(k, Disposition.PROCESSED) for k in fetched])
    assert len(graph_server.folder_items("inbox", "Verarbeitet")) == 2
    mailbox.acknowledge_many([(k, Disposition.PROCESSED) for k in keys])  # the poll repeats all four
    assert len(graph_server.folder_items("inbox", "Verarbeitet")) == 4 and graph_server.folder_items("inbox") == []


def test_never_more_than_one_request_at_a_time(graph_server: GraphTestServer, mailbox: GraphMailbox) -> None:
    for n in range(45):
        graph_server.deliver(mail(n))
    mailbox.acknowledge_many([(m.key, Disposition.PROCESSED) for m in mailbox.fetch_new()])
    assert graph_server.peak == 1  # Outlook allows 4 per app and mailbox; a $batch runs at most 4 in parallel
