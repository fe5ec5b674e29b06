"""In-memory mailbox store of the EWS test server: folders, items, EWS ids/changekeys, moves and sent mail."""

from __future__ import annotations

import base64
import email.utils
import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

from .soap import ItemError

#: Distinguished folders that exist in every test mailbox: (distinguished id, display name, parent).
WELL_KNOWN = (
    ("root", "Root", None),
    ("msgfolderroot", "Top of Information Store", "root"),
    ("inbox", "Posteingang", "msgfolderroot"),
    ("sentitems", "Gesendete Elemente", "msgfolderroot"),
    ("drafts", "Entwürfe", "msgfolderroot"),
    ("deleteditems", "Gelöschte Elemente", "msgfolderroot"),
)


@dataclass
class Folder:
    id: str
    name: str
    parent_id: str | None
    distinguished: str | None = None
    folder_class: str = "IPF.Note"
    changekey: str = "CK0"


def unfolded(value: object) -> str:
    """A header value as Exchange's MIME conversion stores it: unfolded (RFC 5322 §2.2.3) and without the
    whitespace around it. A ``Message-ID`` folded before its ``<`` (Python's email package does that to an id of
    67 to 77 characters; Outlook and Exchange Online fold theirs too) is the bare ``<…>`` in InternetMessageId:
    Python 3.11's parser keeps the fold's leading blank in the value (CPython gh-124452), which Exchange never
    does, and FindItem by InternetMessageId would then miss the mail.
    """
    return str(value).replace("\r\n", "").replace("\n", "").strip(" \t")


@dataclass
class Item:
    id: str
    folder_id: str
    mime: bytes
    datetime_received: datetime
    is_read: bool = False
    changekey_n: int = 0
    sender: tuple[str, str] | None = None  # (name, address)
    sender_routing: str = "SMTP"
    sender_mailbox_type: str = "OneOff"
    fail_mime: bool = False  # fault injection: GetItem answers ErrorMimeContentConversionFailed
    tag: str | None = None  # the test's own name for a delivered mail (survives moves; crash harness)

    @property
    def changekey(self) -> str:
        return f"CK{self.changekey_n}"

    @property
    def headers(self) -> list[tuple[str, str]]:
        msg = BytesHeaderParser(policy=compat32).parsebytes(self.mime)
        return [(k, unfolded(v)) for k, v in msg.items()]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def subject(self) -> str | None:
        return self.header("Subject")

    @property
    def message_id(self) -> str | None:
        return self.header("Message-ID")


@dataclass(frozen=True)
class SentMail:
    """What left the mailbox through CreateItem/SendItem: the MIME as sent and its envelope recipients."""

    raw: bytes
    recipients: tuple[str, ...]
    message_id: str | None


@dataclass
class MailStore:
    """One mailbox. Thread-safe: ThreadingHTTPServer handles each request in its own thread."""

    address: str = "statusbot@kgrz-koblenz.de"
    folders: dict[str, Folder] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    sent: list[SentMail] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # Message-IDs CreateItem answers with a per-item error
    lock: threading.RLock = field(default_factory=threading.RLock)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _clock: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 8, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        for dist, name, parent in WELL_KNOWN:
            parent_id = self.distinguished(parent).id if parent else None
            folder = Folder(self._new_id("F"), name, parent_id, distinguished=dist)
            self.folders[folder.id] = folder

    # ids look like Exchange's opaque base64 ids but encode a counter and the mailbox
    def _new_id(self, kind: str) -> str:
        return base64.b64encode(f"{kind}:{next(self._counter):08d}:{self.address}".encode()).decode()

    def _tick(self) -> datetime:
        # Strictly increasing receive times so "oldest first" is well defined in tests.
        self._clock += timedelta(seconds=1)
        return self._clock

    # -- folders ---------------------------------------------------------------------------------------------
    def distinguished(self, dist: str) -> Folder:
        for folder in self.folders.values():
            if folder.distinguished == dist:
                return folder
        raise ItemError("ErrorFolderNotFound", f"The specified folder could not be found ({dist}).")

    def folder(self, folder_id: str) -> Folder:
        try:
            return self.folders[folder_id]
        except KeyError:
            raise ItemError("ErrorFolderNotFound", "The specified folder could not be found.") from None

    def children(self, folder_id: str, deep: bool = False) -> list[Folder]:
        direct = [f for f in self.folders.values() if f.parent_id == folder_id]
        if not deep:
            return direct
        return [d for f in direct for d in (f, *self.children(f.id, deep=True))]

    def folder_by_path(self, *names: str) -> Folder:
        """Test helper: ``store.folder_by_path("inbox", "Verarbeitet")``."""
        folder = self.distinguished(names[0])
        for name in names[1:]:
            folder = next(f for f in self.children(folder.id) if f.name == name)
        return folder

    def create_folder(self, parent_id: str, name: str, folder_class: str = "IPF.Note") -> Folder:
        with self.lock:
            self.folder(parent_id)
            if any(f.name.lower() == name.lower() for f in self.children(parent_id)):
                raise ItemError("ErrorFolderExists", "A folder with the specified name already exists.")
            folder = Folder(self._new_id("F"), name, parent_id, folder_class=folder_class)
            self.folders[folder.id] = folder
            return folder

    # -- items -----------------------------------------------------------------------------------------------
    def add_item(self, folder_id: str, mime: bytes, *, is_read: bool = False,
                 sender: tuple[str, str] | None = None, mailbox_type: str = "OneOff") -> Item:
        with self.lock:
            item = Item(self._new_id("I"), folder_id, mime, self._tick(), is_read=is_read, sender=sender,
                        sender_mailbox_type=mailbox_type)
            if item.sender is None:
                name, addr = email.utils.parseaddr(item.header("From") or "")
                item.sender = (name or addr, addr) if addr else None
            self.items[item.id] = item
            return item

    def item(self, item_id: str) -> Item:
        try:
            return self.items[item_id]
        except KeyError:
            raise ItemError("ErrorItemNotFound", "The specified object was not found in the store.") from None

    def in_folder(self, folder_id: str) -> list[Item]:
        return [i for i in self.items.values() if i.folder_id == folder_id]

    def move(self, item_id: str, to_folder_id: str) -> Item:
        """Exchange semantics: the moved item gets a NEW id; the old id is gone (ErrorItemNotFound)."""
        with self.lock:
            self.folder(to_folder_id)
            old = self.items.pop(self.item(item_id).id)
            new = Item(self._new_id("I"), to_folder_id, old.mime, old.datetime_received, is_read=old.is_read,
                       changekey_n=old.changekey_n + 1, sender=old.sender, sender_routing=old.sender_routing,
                       sender_mailbox_type=old.sender_mailbox_type, fail_mime=old.fail_mime, tag=old.tag)
            self.items[new.id] = new
            return new

    def delete(self, item_id: str) -> None:
        with self.lock:
            self.items.pop(self.item(item_id).id)

    def record_sent(self, mime: bytes, recipients: list[str]) -> None:
        msg = BytesHeaderParser(policy=compat32).parsebytes(mime)
        with self.lock:
            mid = msg.get("Message-ID")
            self.sent.append(SentMail(mime, tuple(recipients), None if mid is None else unfolded(mid)))
