"""A poll on Exchange fetches big mails in GetItem calls bounded by ``[mail] poll_batch_mb``, not 100 at once."""

from __future__ import annotations

import random
from collections.abc import Callable

from kgrz_mailbot.transports.ews.transport import ExchangeMailbox
from tests.memory.bigmail import reply_with_attachment

from .conftest import ENV
from .server import EwsTestServer


def test_get_item_holds_no_more_mime_than_the_byte_budget(
    ews_server: EwsTestServer, make_mailbox: Callable[..., ExchangeMailbox]
) -> None:
    rng = random.Random(7)
    big = [reply_with_attachment(n, 700_000, rng) for n in range(6)]  # about 0.95 MB each with base64
    for raw in big:
        ews_server.deliver(raw)
    for n in range(3):
        ews_server.deliver(f"Message-ID: <klein{n}@koblenz.example>\r\n\r\nkurz\r\n".encode())
    budget = 2 * max(len(raw) for raw in big) + 1000
    box = ExchangeMailbox(make_mailbox()._settings, ews_server.address, ENV, batch_bytes=budget)
    try:
        ews_server.reset_log()
        assert len(list(box.fetch_new())) == 9
    finally:
        box.close()
    # two big ones per answer; the three small ones still fit beside the last two
    assert [n for op, n in ews_server.calls if op == "GetItem"] == [2, 2, 5]
