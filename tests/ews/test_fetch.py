"""fetch_new against the EWS test server: paging, batching, order, verified sender, poison mails."""

from __future__ import annotations

import math
from email import message_from_bytes

from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox

from .conftest import ENV, mail
from .server import EwsTestServer


def test_fetch_250_mails_pages_and_batches(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    for n in range(250):
        ews_server.deliver(mail(n))
    fetched = list(mailbox.fetch_new())
    assert [message_from_bytes(m.raw)["Message-ID"] for m in fetched] == [f"<reply-{n}@example.org>"
                                                                          for n in range(250)]
    pages = math.ceil(250 / 100)
    assert ews_server.count("FindItem") == pages
    assert ews_server.count("GetItem") == pages
    assert max(n for op, n in ews_server.calls if op == "GetItem") == 100
    # root + inbox resolution once, nothing else
    assert ews_server.count() == 2 * pages + 2


def test_fetch_changes_nothing_and_repeats(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    ids = [ews_server.deliver(mail(n)) for n in range(3)]
    first = [m.key for m in mailbox.fetch_new()]
    assert first == ids
    assert [m.key for m in mailbox.fetch_new()] == ids
    assert not any(op in ("MoveItem", "UpdateItem") for op, _ in ews_server.calls)


def test_fetch_raw_is_byte_identical(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    raw = mail(1)
    ews_server.deliver(raw)
    (inbound,) = mailbox.fetch_new()
    assert inbound.raw == raw


def test_verified_sender_only_for_internal_mail(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    ews_server.deliver(mail(1, sender="Lead@KGRZ-Koblenz.de"), internal_sender="Lead@KGRZ-Koblenz.de")
    ews_server.deliver(mail(2, sender="extern@example.org"))
    # an outsider forging the header: Exchange's header firewall drops it on the way in
    ews_server.deliver(mail(3, sender="chef@kgrz-koblenz.de",
                            extra="X-MS-Exchange-Organization-AuthAs: Internal\r\n"))
    senders = [m.verified_sender for m in mailbox.fetch_new()]
    assert senders == ["lead@kgrz-koblenz.de", None, None]


def test_a_mail_someone_read_in_outlook_is_still_fetched(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    # Acknowledging moves mail out of the inbox, so "in the inbox" already means "not yet processed";
    # a colleague opening the service mailbox in Outlook must not hide an answer from the bot.
    read = ews_server.deliver(mail(1))
    ews_server.store.item(read).is_read = True
    unread = ews_server.deliver(mail(2))
    assert [m.key for m in mailbox.fetch_new()] == [read, unread]


def test_only_unread_restricts_polling_to_unread_mail(ews_server: EwsTestServer, settings: ExchangeSettings) -> None:
    read = ews_server.deliver(mail(1))
    ews_server.store.item(read).is_read = True
    unread = ews_server.deliver(mail(2))
    box = ExchangeMailbox(settings, ews_server.address, ENV, only_unread=True)
    assert [m.key for m in box.fetch_new()] == [unread]
    box.close()


def test_mime_conversion_failure_quarantines_only_that_mail(
    ews_server: EwsTestServer, mailbox: ExchangeMailbox
) -> None:
    ids = [ews_server.deliver(mail(n)) for n in range(5)]
    ews_server.fail_mime_conversion(ids[2])
    fetched = list(mailbox.fetch_new())
    assert [m.key for m in fetched] == ids[:2] + ids[3:]
    failed = ews_server.folder_items("inbox", "Fehlgeschlagen")
    assert len(failed) == 1 and b"<reply-2@example.org>" in failed[0]
    assert len(ews_server.store.in_folder(ews_server.store.distinguished("inbox").id)) == 4
    # the rest is acknowledged normally afterwards
    mailbox.acknowledge_many([(m.key, Disposition.PROCESSED) for m in fetched])
    assert len(ews_server.folder_items("inbox", "Verarbeitet")) == 4


def test_empty_inbox_costs_one_finditem(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    assert list(mailbox.fetch_new()) == []
    assert ews_server.count("FindItem") == 1 and ews_server.count("GetItem") == 0
