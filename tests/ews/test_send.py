"""send/was_sent against the EWS test server: our MIME and Message-ID travel, Sent Items is searchable."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest

from kgrz_mailbot.mail.compose import Envelope, compose
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox

from .server import EwsTestServer

MID = "<kgrz.P-0042.request.1.3f9a1c@mailbot.kgrz-koblenz.de>"


def _request(message_id: str = MID, to: str = "lead@kgrz-koblenz.de") -> bytes:
    return (f"From: KGRZ Statusbot <statusbot@kgrz-koblenz.de>\r\nTo: {to}\r\n"
            "Subject: =?utf-8?q?Statusabfrage_Projekt_=C3=84pfel?= [KGRZ #P-0042]\r\n"
            f"Message-ID: {message_id}\r\nReferences: <kgrz-req-P-0042@mailbot.kgrz-koblenz.de>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\nBitte Status bis Freitag – danke.\r\n").encode()


def test_send_keeps_our_message_id_and_saves_a_copy(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    raw = _request()
    mailbox.send(raw, message_id=MID, recipients=["lead@kgrz-koblenz.de"])
    (sent,) = ews_server.store.sent
    assert sent.raw == raw and sent.message_id == MID
    assert sent.recipients == ("lead@kgrz-koblenz.de",)
    copy = ews_server.folder_items("sentitems")
    assert len(copy) == 1 and message_from_bytes(copy[0])["Message-ID"] == MID
    assert ews_server.count("CreateItem") == 1


def test_was_sent(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    assert mailbox.was_sent(MID) is False
    mailbox.send(_request(), message_id=MID, recipients=["lead@kgrz-koblenz.de"])
    assert mailbox.was_sent(MID) is True
    assert mailbox.was_sent("<other@mailbot.kgrz-koblenz.de>") is False


def test_recipients_beyond_the_headers_go_as_bcc(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    mailbox.send(_request(), message_id=MID, recipients=["lead@kgrz-koblenz.de", "vertretung@kgrz-koblenz.de"])
    assert ews_server.store.sent[0].recipients == ("lead@kgrz-koblenz.de", "vertretung@kgrz-koblenz.de")


def test_message_id_must_match_the_mime(mailbox: ExchangeMailbox) -> None:
    with pytest.raises(ValueError, match="Message-ID"):
        mailbox.send(_request(), message_id="<different@x>", recipients=["lead@kgrz-koblenz.de"])


def test_send_100_requests_one_call_each_after_warmup(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    for n in range(100):
        mid = f"<kgrz.P-{n:04d}.request.1.x@mailbot.kgrz-koblenz.de>"
        mailbox.send(_request(mid), message_id=mid, recipients=["lead@kgrz-koblenz.de"])
    assert ews_server.count("CreateItem") == 100
    assert ews_server.count() == 100 + 2  # + GetFolder root and sentitems, once
    assert len(ews_server.store.sent) == 100


def test_send_many_one_createitem_per_hundred(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    batch = []
    for n in range(150):
        mid = f"<kgrz.P-{n:04d}.request.1.x@mailbot.kgrz-koblenz.de>"
        batch.append((_request(mid), mid, ["lead@kgrz-koblenz.de"]))
    assert mailbox.send_many(batch) == [None] * 150
    assert [n for op, n in ews_server.calls if op == "CreateItem"] == [100, 50]
    assert [s.message_id for s in ews_server.store.sent] == [mid for _, mid, _ in batch]
    assert mailbox.was_sent(batch[149][1]) is True


def test_a_mail_whose_message_id_header_is_folded_is_found_in_sent_items(
    ews_server: EwsTestServer, mailbox: ExchangeMailbox
) -> None:
    # A confirmation's id is 70 characters: the email package folds it onto a line of its own, as it may
    # (RFC 5322 §2.2.3); Exchange stores the id itself, so the outbox's recovery must find the mail by it.
    mid = "<kgrz.inbound-7-confirmation.5bac8b12640bd025@mailbot.kgrz-koblenz.de>"
    envelope = Envelope("KGRZ Statusbot", "statusbot@kgrz-koblenz.de", [("Sabine Krämer", "lead@kgrz-koblenz.de")],
                        "Eingang bestätigt: Statusmeldung eCollaboration", mid,
                        datetime(2018, 8, 31, 12, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    raw = compose(envelope, "Guten Tag Frau Krämer,\n\nIhre Statusmeldung ist eingegangen.\n")
    assert f"Message-ID:\r\n {mid}\r\n".encode() in raw
    mailbox.send(raw, message_id=mid, recipients=["lead@kgrz-koblenz.de"])
    assert mailbox.was_sent(mid) is True
    assert ews_server.store.sent[0].message_id == mid
