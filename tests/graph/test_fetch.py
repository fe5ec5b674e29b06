"""Reading the inbox through Graph: ids in pages of 100, raw MIME per 20 in one $batch, senders Exchange vouches for."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.graph.transport import GraphMailbox

from .conftest import mail
from .server import GraphTestServer


def test_250_mails_come_exactly_in_3_pages_and_13_batches(graph_server: GraphTestServer,
                                                         mailbox: GraphMailbox) -> None:
    raws = [mail(n) for n in range(250)]
    for raw in raws:
        graph_server.deliver(raw)
    graph_server.reset_log()
    assert [m.raw for m in mailbox.fetch_new()] == raws
    assert graph_server.count("list") == 3 and graph_server.count("batch") == 13
    assert graph_server.subcalls.count("value") == 250


def test_an_internal_sender_is_vouched_for_and_a_forged_authas_is_not(graph_server: GraphTestServer,
                                                                      mailbox: GraphMailbox) -> None:
    graph_server.deliver(mail(1, sender="lead@kgrz-koblenz.de"), internal_sender="lead@kgrz-koblenz.de")
    # an outsider writes the header himself; Exchange's header firewall drops it at the border
    graph_server.deliver(mail(2, extra="X-MS-Exchange-Organization-AuthAs: Internal\r\n"))
    internal, outsider = mailbox.fetch_new()
    assert internal.verified_sender == "lead@kgrz-koblenz.de" and internal.checked
    assert outsider.verified_sender is None and outsider.checked
    assert b"AuthAs" not in outsider.raw


def test_an_item_without_mime_goes_to_the_failed_folder_and_the_rest_comes(graph_server: GraphTestServer,
                                                                          mailbox: GraphMailbox) -> None:
    good = graph_server.deliver(mail(1))
    broken = graph_server.deliver(mail(2))
    empty = graph_server.deliver(mail(3))
    graph_server.box.items[broken].fail_mime = True  # $value: ErrorMimeContentConversionFailed
    graph_server.box.items[empty].mime = b""  # $value: 200 with nothing in it
    assert [m.key for m in mailbox.fetch_new()] == [good]
    assert len(graph_server.folder_items("inbox", "Fehlgeschlagen")) == 2
    assert [m.key for m in mailbox.fetch_new()] == [good]


@pytest.mark.parametrize("text", ["ascii", "umlauts"])
def test_mime_inside_a_batch_as_plain_text_is_taken_or_fetched_byte_exact(
        graph_server: GraphTestServer, mailbox: GraphMailbox, text: str) -> None:
    # Graph encodes non-JSON answers in $batch as base64; should one come as plain text, ASCII is taken as it
    # is and anything else is fetched once more without $batch, so the stored bytes stay exact.
    graph_server.batch_text = "text"
    raw = mail(1) if text == "umlauts" else mail(1).replace("– grün".encode(), b"- gruen")
    graph_server.deliver(raw)
    graph_server.reset_log()
    assert [m.raw for m in mailbox.fetch_new()] == [raw]
    assert graph_server.count("value") == (1 if text == "umlauts" else 0)


def test_a_mail_moved_away_between_listing_and_fetch_is_skipped(graph_server: GraphTestServer,
                                                               mailbox: GraphMailbox) -> None:
    keys = [graph_server.deliver(mail(n)) for n in range(22)]
    fetched = mailbox.fetch_new()
    first = next(fetched)  # listed all 22, fetched the first 20
    del graph_server.box.items[keys[20]]  # an admin deletes one of the next batch meanwhile
    assert [first.key, *(m.key for m in fetched)] == keys[:20] + keys[21:]


def test_acknowledge_after_a_restart_asks_where_the_mail_is(graph_server: GraphTestServer,
                                                           make_mailbox: Callable[..., GraphMailbox]) -> None:
    # A poll that crashed after committing but before moving acknowledges in the next process, which has not
    # listed the inbox: with immutable ids it must not move a mail that is no longer in the inbox.
    key = graph_server.deliver(mail(1))
    first = make_mailbox()
    (fetched,) = first.fetch_new()
    first.acknowledge(fetched.key, Disposition.PROCESSED)
    second = make_mailbox()
    second.acknowledge(key, Disposition.FAILED)
    assert len(graph_server.folder_items("inbox", "Verarbeitet")) == 1
    assert graph_server.folder_items("inbox", "Fehlgeschlagen") == []
    other = graph_server.deliver(mail(2))
    make_mailbox().acknowledge(other, Disposition.PROCESSED)  # still in the inbox: moved
    assert len(graph_server.folder_items("inbox", "Verarbeitet")) == 2
