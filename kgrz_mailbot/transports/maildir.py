"""Maildir transport (C3): the embedded default and the test transport, on plain files."""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path

from kgrz_mailbot.transports.base import Disposition, InboundMail, Mailbox

SUBDIRS = ("tmp", "new", "cur")


def ensure_maildir(path: Path) -> Path:
    for sub in SUBDIRS:
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def sent_name(message_id: str) -> str:
    """A deterministic unique name: an existing file proves the mail was sent (exactly once)."""
    return "kgrz." + hashlib.sha256(message_id.encode()).hexdigest()[:32]


class MaildirMailbox(Mailbox):
    """``<path>/inbox`` is read, ``<path>/sent`` receives every sent mail; nothing is ever deleted.

    Processed mail moves from ``inbox/new`` to ``inbox/cur`` with the flag ``S`` (C3). Mail that could
    not be processed moves to the separate Maildir ``<path>/failed`` so an admin sees it at once.
    """

    name = "maildir"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.inbox = ensure_maildir(path / "inbox")
        self.sent = ensure_maildir(path / "sent")
        self.failed = ensure_maildir(path / "failed")

    def fetch_new(self) -> Iterator[InboundMail]:
        """See Mailbox; oldest file first (mtime, then name), dot files ignored."""
        entries = [e for e in os.scandir(self.inbox / "new") if e.is_file() and not e.name.startswith(".")]
        entries.sort(key=lambda e: (e.stat().st_mtime_ns, e.name))
        for entry in entries:
            try:
                raw = Path(entry.path).read_bytes()
            except FileNotFoundError:  # moved by a concurrent poll; it is that one's now
                continue
            yield InboundMail(key=entry.name, raw=raw)

    def acknowledge(self, key: str, disposition: Disposition) -> None:
        """See Mailbox."""
        source = self.inbox / "new" / key
        base = key.split(":2,")[0]
        if disposition is Disposition.PROCESSED:
            target = self.inbox / "cur" / f"{base}:2,S"
        else:
            target = self.failed / "new" / base
        try:
            os.replace(source, target)
        except FileNotFoundError:
            if not target.exists():
                raise

    def send(self, raw: bytes, *, message_id: str, recipients: Sequence[str]) -> None:
        """See Mailbox; write to ``tmp/`` then rename into ``new/`` so a reader never sees half a mail."""
        name = sent_name(message_id)
        if self.was_sent(message_id):
            return
        tmp = self.sent / "tmp" / f"{name}.{os.getpid()}.{socket.gethostname()}"
        with open(tmp, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.sent / "new" / name)

    def was_sent(self, message_id: str) -> bool:
        """See Mailbox."""
        name = sent_name(message_id)
        if (self.sent / "new" / name).exists():
            return True
        return any(entry.name.split(":2,")[0] == name for entry in os.scandir(self.sent / "cur"))
