"""The Mailbox contract, one suite over every transport: Maildir on disk, Exchange (EWS) and Exchange Online (Graph)
against their test servers."""

from __future__ import annotations

import pytest

from kgrz_mailbot.transports.base import Disposition

from .conftest import Harness


def message(n: int, *, to: str = "erika.muster@koblenz.example", cc: str | None = None) -> tuple[bytes, str]:
    """A complete outgoing request with a German subject and body, and its Message-ID."""
    mid = f"<kgrz.request.{n}.contract@projektstatus.koblenz.example>"
    cc_line = f"Cc: {cc}\r\n" if cc else ""
    raw = (f"From: KGRZ Projektstatus <projektstatus@koblenz.example>\r\nTo: {to}\r\n{cc_line}"
           "Subject: =?utf-8?q?Statusabfrage_f=C3=BCr_den_Werkausschuss?= [KGRZ-ABC123]\r\n"
           f"Message-ID: {mid}\r\nDate: Wed, 29 Aug 2018 08:00:00 +0200\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           f"Bitte füllen Sie das Formular aus ({n}).\r\nAmpel:\r\nStand:\r\n").encode()
    return raw, mid


def reply(n: int) -> bytes:
    """An inbound reply; CRLF, 8-bit UTF-8 and trailing blanks must survive the round trip byte for byte."""
    return (f"From: Erika Muster <erika.muster@koblenz.example>\r\nTo: projektstatus@koblenz.example\r\n"
            f"Subject: AW: Statusabfrage [KGRZ-ABC123]\r\nMessage-ID: <reply-{n}@koblenz.example>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            f"\r\nAmpel: grün \r\nStand: Umstellung läuft ({n}).\r\n\r\n").encode()


# --- sending ----------------------------------------------------------------------------------------------------


def test_a_sent_message_goes_out_unchanged_and_was_sent_finds_it(harness: Harness) -> None:
    raw, mid = message(1)
    assert harness.box.was_sent(mid) is False
    harness.box.send(raw, message_id=mid, recipients=["erika.muster@koblenz.example"])
    assert harness.sent() == [raw]
    assert harness.box.was_sent(mid) is True
    assert harness.box.was_sent("<never-sent@projektstatus.koblenz.example>") is False


def test_recipients_beyond_the_headers_do_not_change_the_message(harness: Harness) -> None:
    # the deputy travels in the envelope (Bcc on Exchange); the bytes the lead sees stay ours
    raw, mid = message(1, cc="max.beispiel@koblenz.example")
    harness.box.send(raw, message_id=mid, recipients=["erika.muster@koblenz.example",
                                                      "max.beispiel@koblenz.example", "archiv@koblenz.example"])
    assert harness.sent() == [raw]


def test_send_many_answers_per_message_in_order(harness: Harness) -> None:
    batch = [(raw, mid, ["erika.muster@koblenz.example"]) for raw, mid in map(message, range(5))]
    assert harness.box.send_many(batch) == [None] * 5
    assert harness.sent() == [raw for raw, _, _ in batch]
    assert all(harness.box.was_sent(mid) for _, mid, _ in batch)


def test_send_many_a_refused_message_fails_alone(harness: Harness) -> None:
    batch = [(raw, mid, ["erika.muster@koblenz.example"]) for raw, mid in map(message, range(3))]
    harness.refuse(batch[1][1])
    results = harness.box.send_many(batch)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], Exception)
    assert harness.sent() == [batch[0][0], batch[2][0]]
    assert [harness.box.was_sent(mid) for _, mid, _ in batch] == [True, False, True]


def test_a_broken_transport_makes_send_raise_not_pass_silently(harness: Harness) -> None:
    raw, mid = message(1)
    harness.break_sending()
    with pytest.raises(Exception):  # noqa: B017 - the kind differs per transport; silence is the failure
        harness.box.send(raw, message_id=mid, recipients=["erika.muster@koblenz.example"])
    harness.repair()
    assert harness.sent() == []
    assert harness.box.was_sent(mid) is False


def test_a_broken_transport_reports_no_message_of_a_batch_as_sent(harness: Harness) -> None:
    # A transport may raise for the whole batch or answer an error per message, never None for an unsent one.
    batch = [(raw, mid, ["erika.muster@koblenz.example"]) for raw, mid in map(message, range(3))]
    harness.break_sending()
    try:
        results = harness.box.send_many(batch)
    except Exception:  # noqa: BLE001 - raising for the whole batch is allowed by the contract
        results = None
    harness.repair()
    if results is not None:
        assert all(isinstance(r, Exception) for r in results)
    assert harness.sent() == []
    assert not any(harness.box.was_sent(mid) for _, mid, _ in batch)


def test_sending_works_again_after_a_failure(harness: Harness) -> None:
    raw, mid = message(1)
    harness.break_sending()
    with pytest.raises(Exception):  # noqa: B017
        harness.box.send(raw, message_id=mid, recipients=["erika.muster@koblenz.example"])
    harness.repair()
    harness.box.send(raw, message_id=mid, recipients=["erika.muster@koblenz.example"])
    assert harness.sent() == [raw] and harness.box.was_sent(mid) is True


# --- receiving ----------------------------------------------------------------------------------------------------


def test_fetch_new_gives_the_exact_bytes_oldest_first(harness: Harness) -> None:
    assert list(harness.box.fetch_new()) == []
    raws = [reply(n) for n in range(3)]
    for raw in raws:
        harness.deliver(raw)
    assert [m.raw for m in harness.box.fetch_new()] == raws


def test_fetch_new_does_not_consume(harness: Harness) -> None:
    harness.deliver(reply(1))
    first = [(m.key, m.raw) for m in harness.box.fetch_new()]
    assert [(m.key, m.raw) for m in harness.box.fetch_new()] == first


def test_a_mail_delivered_twice_is_two_inbound_mails(harness: Harness) -> None:
    harness.deliver(reply(1))
    harness.deliver(reply(1))
    fetched = list(harness.box.fetch_new())
    assert [m.raw for m in fetched] == [reply(1), reply(1)]
    assert fetched[0].key != fetched[1].key
    harness.box.acknowledge(fetched[0].key, Disposition.PROCESSED)
    assert [m.key for m in harness.box.fetch_new()] == [fetched[1].key]


def test_an_unverified_sender_is_not_vouched_for(harness: Harness) -> None:
    # neither transport may claim a sender it has not verified (here: a plain external delivery)
    harness.deliver(reply(1))
    (mail,) = harness.box.fetch_new()
    assert mail.verified_sender is None


# --- acknowledging ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("disposition", [Disposition.PROCESSED, Disposition.FAILED])
def test_acknowledge_removes_from_fetch_new_and_keeps_the_mail(harness: Harness, disposition: Disposition) -> None:
    for n in range(3):
        harness.deliver(reply(n))
    first, second, third = harness.box.fetch_new()
    harness.box.acknowledge(second.key, disposition)
    assert [m.key for m in harness.box.fetch_new()] == [first.key, third.key]
    assert harness.kept(disposition) == [reply(1)]  # moved aside, never deleted


@pytest.mark.parametrize("disposition", [Disposition.PROCESSED, Disposition.FAILED])
def test_acknowledge_is_idempotent(harness: Harness, disposition: Disposition) -> None:
    harness.deliver(reply(1))
    (mail,) = harness.box.fetch_new()
    harness.box.acknowledge(mail.key, disposition)
    harness.box.acknowledge(mail.key, disposition)
    assert list(harness.box.fetch_new()) == []
    assert harness.kept(disposition) == [reply(1)]


def test_processed_and_failed_are_kept_apart(harness: Harness) -> None:
    harness.deliver(reply(1))
    harness.deliver(reply(2))
    ok, bad = harness.box.fetch_new()
    harness.box.acknowledge(ok.key, Disposition.PROCESSED)
    harness.box.acknowledge(bad.key, Disposition.FAILED)
    assert harness.kept(Disposition.PROCESSED) == [reply(1)]
    assert harness.kept(Disposition.FAILED) == [reply(2)]


@pytest.mark.parametrize("disposition", [Disposition.PROCESSED, Disposition.FAILED])
def test_acknowledging_an_unknown_key_does_not_raise(harness: Harness, disposition: Disposition) -> None:
    # e.g. an admin moved the mail by hand between fetch and acknowledge; the poll must carry on
    harness.deliver(reply(1))
    (mail,) = harness.box.fetch_new()
    harness.box.acknowledge(mail.key, Disposition.PROCESSED)
    harness.box.acknowledge(mail.key, disposition)  # already gone from the inbox
    assert list(harness.box.fetch_new()) == []
    assert harness.kept(Disposition.PROCESSED) == [reply(1)]


def test_acknowledging_a_key_never_fetched_does_not_raise(harness: Harness) -> None:
    harness.deliver(reply(1))
    harness.box.acknowledge("no-such-key", Disposition.PROCESSED)
    assert [m.raw for m in harness.box.fetch_new()] == [reply(1)]
