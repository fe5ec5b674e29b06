"""acknowledge/acknowledge_many against the EWS test server: target folders, bulk moves, idempotence."""

from __future__ import annotations

from collections.abc import Callable

from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox

from .conftest import mail
from .server import EwsTestServer


def _inbox(server: EwsTestServer) -> int:
    return len(server.store.in_folder(server.store.distinguished("inbox").id))


def test_processed_and_failed_go_to_their_folders(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    ok, bad = ews_server.deliver(mail(1)), ews_server.deliver(mail(2))
    mailbox.acknowledge(ok, Disposition.PROCESSED)
    mailbox.acknowledge(bad, Disposition.FAILED)
    assert b"<reply-1@example.org>" in ews_server.folder_items("inbox", "Verarbeitet")[0]
    assert b"<reply-2@example.org>" in ews_server.folder_items("inbox", "Fehlgeschlagen")[0]
    assert _inbox(ews_server) == 0


def test_folder_created_once_and_reused(ews_server: EwsTestServer,
                                        make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    first = make_mailbox()
    for n in range(3):
        first.acknowledge(ews_server.deliver(mail(n)), Disposition.PROCESSED)
    assert ews_server.count("CreateFolder") == 1
    assert ews_server.count("FindFolder") == 1  # looked up once, then the FolderId is cached
    # a new process finds the existing folder instead of creating a second one
    second = make_mailbox(processed_folder="Verarbeitet")
    ews_server.reset_log()
    second.acknowledge(ews_server.deliver(mail(9)), Disposition.PROCESSED)
    assert ews_server.count("CreateFolder") == 0
    assert len(ews_server.folder_items("inbox", "Verarbeitet")) == 4


def test_acknowledge_is_idempotent(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    key = ews_server.deliver(mail(1))
    mailbox.acknowledge(key, Disposition.PROCESSED)
    mailbox.acknowledge(key, Disposition.PROCESSED)  # old id is gone: ErrorItemNotFound, which is fine
    mailbox.acknowledge(key, Disposition.FAILED)
    assert len(ews_server.folder_items("inbox", "Verarbeitet")) == 1


def test_acknowledge_many_one_move_per_hundred_per_folder(ews_server: EwsTestServer,
                                                          mailbox: ExchangeMailbox) -> None:
    keys = [ews_server.deliver(mail(n)) for n in range(250)]
    batch = [(k, Disposition.FAILED if i % 50 == 0 else Disposition.PROCESSED) for i, k in enumerate(keys)]
    mailbox.acknowledge_many(batch)
    moves = [n for op, n in ews_server.calls if op == "MoveItem"]
    assert moves == [100, 100, 45, 5]
    assert len(ews_server.folder_items("inbox", "Verarbeitet")) == 245
    assert len(ews_server.folder_items("inbox", "Fehlgeschlagen")) == 5


def test_custom_folder_names(ews_server: EwsTestServer, make_mailbox: Callable[..., ExchangeMailbox]) -> None:
    box = make_mailbox(processed_folder="Erledigt", failed_folder="Quarantäne")
    box.acknowledge(ews_server.deliver(mail(1)), Disposition.PROCESSED)
    box.acknowledge(ews_server.deliver(mail(2)), Disposition.FAILED)
    assert len(ews_server.folder_items("inbox", "Erledigt")) == 1
    assert len(ews_server.folder_items("inbox", "Quarantäne")) == 1


def test_poll_cycle_round_trips(ews_server: EwsTestServer, mailbox: ExchangeMailbox) -> None:
    """One steady-state tick of 250 mails: FindItem + GetItem + MoveItem per hundred, nothing else."""
    mailbox.acknowledge(ews_server.deliver(mail(0)), Disposition.PROCESSED)  # warm: folders resolved
    for n in range(1, 251):
        ews_server.deliver(mail(n))
    ews_server.reset_log()
    mailbox.acknowledge_many([(m.key, Disposition.PROCESSED) for m in mailbox.fetch_new()])
    assert sorted({op for op, _ in ews_server.calls}) == ["FindItem", "GetItem", "MoveItem"]
    assert ews_server.count() == 9
