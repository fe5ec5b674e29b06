"""Who may act through a mail: its one strict From address, and, where the transport checks senders, only when
the server vouches for exactly that address (RELIABILITY.md §5.1)."""

from __future__ import annotations

from kgrz_mailbot.storage.mailrows import StoredMail
from kgrz_mailbot.trust.sender import strict_from


def acting_sender(row: StoredMail) -> str | None:
    """The address this mail may act for (report, command, approval), or None.

    The address comes from the strict From check alone: a display name, even an encoded one that spells an
    address, never stands in for it. Where the transport checks senders (Exchange, Maildir with
    ``authserv_id``), the server must have verified this very address.
    """
    sender = strict_from(row.raw)
    if sender is None or row.sender_check == "unverified":
        return None
    if row.verified_sender and row.verified_sender.lower() != sender:
        return None
    return sender
