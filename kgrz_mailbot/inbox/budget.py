"""Understanding a mail under a time budget: big mails are parsed in a child process that is killed when late.

RELIABILITY.md §5.4: the email package has known super-linear paths on crafted input, and one pathological
mail must not hang the poll (in ``run`` it would block the scheduler). Ordinary replies are small and are
understood in-process; only mails above ``INLINE_LIMIT`` pay for a fork.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from multiprocessing.connection import Connection

from kgrz_mailbot.domain.model import Classification, MailFacts, StatusFields, Understanding
from kgrz_mailbot.replies.pipeline import understand

INLINE_LIMIT = 256 * 1024  # bytes; a long German status reply with a quoted HTML request is ~60 KiB
BUDGET_SECONDS = 20.0


def _child(connection: Connection, raw: bytes, own_address: str) -> None:
    connection.send(understand(raw, own_address=own_address))
    connection.close()


def understand_within_budget(raw: bytes, own_address: str, budget: float = BUDGET_SECONDS) -> Understanding:
    """``understand``, but a mail that takes longer than ``budget`` seconds becomes a failed understanding."""
    if len(raw) <= INLINE_LIMIT:
        return understand(raw, own_address=own_address)
    # fork: the child inherits the imported modules, so it starts in milliseconds and runs only pure code
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, raw, own_address), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(budget):
            try:
                return receive.recv()  # type: ignore[no-any-return]
            except EOFError:
                return _failed("mail could not be parsed: the parser process died")
        return _failed(f"parsing took longer than {budget:.0f} s (time budget); kept for a human")
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()


def _failed(reason: str) -> Understanding:
    facts = MailFacts(message_id=None, subject="", from_name="", from_address=None, date=None)
    return replace(Understanding(facts=facts, classification=Classification.UNKNOWN, reason=reason, text="",
                                 fields=StatusFields()), failed=True)
