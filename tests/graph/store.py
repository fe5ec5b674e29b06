"""The fake Exchange Online mailbox behind the Graph test server: folders, items with immutable ids, sent mail."""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from dataclasses import dataclass, field

WELL_KNOWN = ("inbox", "drafts", "sentitems", "outbox", "deleteditems")
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]*>)", re.I | re.M)


def new_id(prefix: str = "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A") -> str:
    """An id shaped like Exchange's immutable ids (URL-safe base64)."""
    return prefix + secrets.token_urlsafe(30)


def header_block(mime: bytes) -> bytes:
    return mime.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]


def message_id_of(mime: bytes) -> str | None:
    match = _MESSAGE_ID.search(header_block(mime))
    return match[1].decode("ascii", "replace") if match else None


@dataclass
class Item:
    id: str
    folder: str
    mime: bytes
    seq: int
    is_draft: bool = False
    internet_message_id: str | None = None
    sender: str | None = None  # the address Exchange resolved (internal senders)
    fail_mime: bool = False  # $value answers ErrorMimeContentConversionFailed
    subject: str = ""


@dataclass
class Sent:
    """One message that left the mailbox: the bytes transport sent and who got it."""

    raw: bytes
    recipients: tuple[str, ...]
    item_id: str


@dataclass
class Mailbox:
    address: str
    folders: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # id -> (display name, parent id)
    well_known: dict[str, str] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # Message-IDs whose send is refused
    lock: threading.RLock = field(default_factory=threading.RLock)
    _seq: itertools.count = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        for name in WELL_KNOWN:
            folder_id = "AQMkAD" + secrets.token_urlsafe(18)
            self.folders[folder_id] = ({"sentitems": "Gesendete Elemente", "inbox": "Posteingang",
                                        "drafts": "Entwürfe", "outbox": "Postausgang",
                                        "deleteditems": "Gelöschte Elemente"}[name], None)
            self.well_known[name] = folder_id

    def folder_id(self, name_or_id: str) -> str | None:
        if name_or_id.lower() in self.well_known:
            return self.well_known[name_or_id.lower()]
        return name_or_id if name_or_id in self.folders else None

    def child(self, parent: str, name: str) -> str | None:
        return next((fid for fid, (n, p) in self.folders.items() if p == parent and n.lower() == name.lower()), None)

    def add_folder(self, parent: str, name: str) -> str:
        folder_id = "AQMkAD" + secrets.token_urlsafe(18)
        self.folders[folder_id] = (name, parent)
        return folder_id

    def add(self, folder: str, mime: bytes, **kwargs: object) -> Item:
        item = Item(new_id(), folder, mime, next(self._seq), **kwargs)  # type: ignore[arg-type]
        item.internet_message_id = item.internet_message_id or message_id_of(mime)
        self.items[item.id] = item
        return item

    def in_folder(self, folder: str) -> list[Item]:
        return sorted((i for i in self.items.values() if i.folder == folder), key=lambda i: i.seq)

    def path(self, *names: str) -> str | None:
        """The folder id of e.g. ``("inbox", "Verarbeitet")``."""
        current = self.well_known[names[0]]
        for name in names[1:]:
            found = self.child(current, name)
            if found is None:
                return None
            current = found
        return current


def without_bcc(mime: bytes) -> bytes:
    """What transport sends: the MIME without its Bcc header (the Bcc recipients get it by envelope)."""
    head = header_block(mime)
    if b"bcc:" not in head.lower():
        return mime
    eol = b"\r\n" if b"\r\n" in head else b"\n"
    kept: list[bytes] = []
    dropping = False
    for line in head.split(eol):
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.lower().startswith(b"bcc:")
        if not dropping:
            kept.append(line)
    return eol.join(kept) + mime[len(head):]
