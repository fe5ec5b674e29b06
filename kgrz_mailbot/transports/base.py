"""The one small interface every mail transport implements: raw RFC 822 bytes in and out."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

#: ``(message_id, transport reference, Message-ID the server gave the mail or None)`` of messages about to be sent
Staged = list[tuple[str, str, str | None]]


class Disposition(enum.StrEnum):
    """Where an inbound mail goes once its outcome is committed."""

    PROCESSED = "processed"
    FAILED = "failed"


@dataclass(frozen=True)
class InboundMail:
    """One new message in the service mailbox.

    ``key`` is stable for as long as the message has not been acknowledged (Maildir file name,
    EWS ItemId). ``verified_sender`` is the sender address the server itself vouches for, where
    the transport checks senders (``checked``: EWS-resolved sender of an internal mail, or our own
    MTA's Authentication-Results on Maildir); ``None`` otherwise.
    """

    key: str
    raw: bytes
    verified_sender: str | None = None
    checked: bool = False  # the transport vouches for senders: verified_sender None then means "not verified"


class Mailbox(ABC):
    """The bot's mailbox. Implementations: Maildir (embedded default), Exchange (EWS), Exchange Online (Graph)."""

    #: short name used in transport identities (``maildir:<key>``)
    name: str = "mailbox"
    #: True when sending the same outbox mail again can never deliver a second copy (Maildir: one file per
    #: Message-ID; Graph: the recorded draft, which can be sent only once). Then the claim of a process that
    #: died, or a send whose answer was lost, is settled at once. Otherwise (EWS: every CreateItem makes a new
    #: message, and Exchange may still be storing one after its client gave up) the outbox waits for the
    #: claim's lease before it asks the sent folder.
    idempotent_send: bool = False

    @abstractmethod
    def fetch_new(self) -> Iterator[InboundMail]:
        """Yield every message not yet acknowledged, oldest first, without changing server state."""

    @abstractmethod
    def acknowledge(self, key: str, disposition: Disposition) -> None:
        """Move one fetched message out of the way; idempotent for an already moved message."""

    def acknowledge_many(self, items: Sequence[tuple[str, Disposition]]) -> None:
        """Acknowledge several mails; transports with a bulk move (EWS MoveItem) override this."""
        for key, disposition in items:
            self.acknowledge(key, disposition)

    @abstractmethod
    def send(self, raw: bytes, *, message_id: str, recipients: Sequence[str]) -> None:
        """Send one complete message whose ``Message-ID`` header is ``message_id``."""

    def send_many(self, messages: Sequence[tuple[bytes, str, Sequence[str]]], *,
                  refs: Mapping[str, str] | None = None,
                  record: Callable[[Staged], None] | None = None) -> list[Exception | None]:
        """Send ``(raw, message_id, recipients)`` triples; one entry per message, None when it was accepted.

        A failure of the whole batch raises; then none of it is known to be sent and the outbox asks
        ``was_sent`` per message. Transports with a bulk operation (EWS CreateItem) override this.
        A transport that needs a server-side handle to answer ``was_sent`` (Graph: the draft's immutable id)
        hands it to ``record`` before it sends, and takes it back in ``refs`` (message_id → reference) for
        messages staged earlier; the others ignore both.
        """
        results: list[Exception | None] = []
        for raw, message_id, recipients in messages:
            try:
                self.send(raw, message_id=message_id, recipients=recipients)
            except Exception as exc:  # noqa: BLE001 - reported per message, the caller settles it
                results.append(exc)
            else:
                results.append(None)
        return results

    @abstractmethod
    def was_sent(self, message_id: str, ref: str | None = None) -> bool | None:
        """Whether ``message_id`` went out (``ref``: what ``record`` got for it); ``None`` when it cannot tell."""

    def sent_message_ids(self, refs: Sequence[str]) -> dict[str, str | None]:
        """The Message-ID recipients saw, per reference of a sent message, where the server may have given one
        of its own (Graph); None for a reference that no longer resolves. Transports that keep ours: empty."""
        return {}

    def close(self) -> None:  # noqa: B027 - optional hook, most transports hold nothing open
        """Release connections."""
