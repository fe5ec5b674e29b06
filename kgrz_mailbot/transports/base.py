"""The one small interface every mail transport implements: raw RFC 822 bytes in and out."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


class Disposition(enum.StrEnum):
    """Where an inbound mail goes once its outcome is committed."""

    PROCESSED = "processed"
    FAILED = "failed"


@dataclass(frozen=True)
class InboundMail:
    """One new message in the service mailbox.

    ``key`` is stable for as long as the message has not been acknowledged (Maildir file name,
    EWS ItemId). ``verified_sender`` is the sender address the server itself vouches for, where
    the transport has one (EWS-resolved sender of an internal mail); ``None`` otherwise.
    """

    key: str
    raw: bytes
    verified_sender: str | None = None


class Mailbox(ABC):
    """The bot's mailbox. Implementations: Maildir (embedded default), Exchange (EWS)."""

    #: short name used in transport identities (``maildir:<key>``)
    name: str = "mailbox"

    @abstractmethod
    def fetch_new(self) -> Iterator[InboundMail]:
        """Yield every message not yet acknowledged, oldest first, without changing server state."""

    @abstractmethod
    def acknowledge(self, key: str, disposition: Disposition) -> None:
        """Move one fetched message out of the way; idempotent for an already moved message."""

    @abstractmethod
    def send(self, raw: bytes, *, message_id: str, recipients: Sequence[str]) -> None:
        """Send one complete message whose ``Message-ID`` header is ``message_id``."""

    @abstractmethod
    def was_sent(self, message_id: str) -> bool | None:
        """Whether the sent folder holds ``message_id``; ``None`` when the transport cannot tell."""

    def close(self) -> None:  # noqa: B027 - optional hook, most transports hold nothing open
        """Release connections."""
