"""Exchange Online through Microsoft Graph: raw MIME fetched in $batch, acknowledged by moving, sent via drafts."""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from kgrz_mailbot.config.settings import GraphSettings
from kgrz_mailbot.transports.base import Disposition, InboundMail, Mailbox, Staged
from kgrz_mailbot.transports.graph.client import GraphClient, query
from kgrz_mailbot.transports.graph.faults import NO_MAILBOX_CODES, POISON_CODES, Answer
from kgrz_mailbot.transports.graph.sending import Sender, item
from kgrz_mailbot.transports.shared import BATCH, GRAPH_BATCH, chunks, folder_name, is_internal

log = logging.getLogger("kgrz_mailbot.transport")


def batch_bytes(body: Any) -> bytes | None:
    """The bytes of a non-JSON body inside a ``$batch`` answer: base64 (as Graph encodes binary content), or
    plain ASCII text; None when it is text we cannot turn back into the exact bytes (then ask without $batch)."""
    if not isinstance(body, str):
        return None
    compact = "".join(body.split())
    try:  # a MIME text is never valid base64: its header lines have ":" and spaces
        alt = b"-_" if ("-" in compact or "_" in compact) else None
        return base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=alt, validate=True)
    except (binascii.Error, ValueError):
        return body.encode("ascii") if body.isascii() else None


class GraphMailbox(Mailbox):
    """The bot's mailbox in Exchange Online, as the app (client credentials), for ``[mail] address`` only."""

    name = "graph"
    idempotent_send = True  # a recorded draft is sent at most once, however often /send is asked (outbox lease)

    def __init__(self, settings: GraphSettings, address: str, environ: Mapping[str, str], *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._settings = settings
        self._address = address
        self._client = GraphClient(settings, address, environ, sleep=sleep)
        self._me = self._client.mailbox
        self._sender = Sender(self._client)
        self._folders: dict[Disposition, str] = {}
        self._folder_lock = threading.Lock()
        self._inbox_id: str | None = None
        # ids the latest listing found in the inbox: with immutable ids a moved mail keeps its id, so a second
        # acknowledge would move it on; only these are moved without asking where they are first
        self._in_inbox: set[str] = set()

    @property
    def client(self) -> GraphClient:
        return self._client

    # --- reading ---------------------------------------------------------------------------------------------
    def fetch_new(self) -> Iterator[InboundMail]:
        """See Mailbox. Ids first (pages of 100), then the MIME per 20 in one $batch, so moves are safe."""
        listed = self._list_inbox()
        self._in_inbox = {key for key, _ in listed}
        for chunk in chunks(listed, GRAPH_BATCH):
            answers = self._client.batch([{"id": str(n), "method": "GET", "url": f"{self._me}/messages/{item(key)}"
                                           "/$value"} for n, (key, _) in enumerate(chunk)], what="Nachrichten abrufen")
            ready, poison = [], []
            for n, (key, sender) in enumerate(chunk):
                answer = answers[str(n)]
                if answer.status == 404 and answer.code not in NO_MAILBOX_CODES:
                    self._in_inbox.discard(key)  # moved away by someone else since the listing
                    continue
                if not answer.ok and answer.code not in POISON_CODES:
                    raise self._client.failure(answer, "Nachrichten abrufen")
                raw = self._mime(key, answer) if answer.ok else b""
                if not raw:
                    log.warning("Graph-Element %s hat keinen Mailtext (%s); verschoben nach %s", key,
                                answer.code or "leer",
                                self._settings.failed_folder)
                    poison.append((key, Disposition.FAILED))
                    continue
                ready.append(InboundMail(key, raw, self._verified(raw, sender), checked=True))
            if poison:
                self.acknowledge_many(poison)
            yield from ready

    def _list_inbox(self) -> list[tuple[str, str | None]]:
        listed: list[tuple[str, str | None]] = []
        url: str | None = f"{self._me}/mailFolders/inbox/messages" + query(
            select="id,sender", top=BATCH, orderby="receivedDateTime asc")
        while url:
            body = self._client.get(url, what="Posteingang lesen").body
            for entry in body.get("value", []):
                address = ((entry.get("sender") or {}).get("emailAddress") or {}).get("address")
                listed.append((str(entry["id"]), address))
            url = body.get("@odata.nextLink")
        return listed

    def _mime(self, key: str, answer: Answer) -> bytes:
        raw = batch_bytes(answer.body)
        if raw is None:  # non-ASCII text in the batch answer: the exact bytes come from a plain request
            raw = self._client.get(f"{self._me}/messages/{item(key)}/$value", what="Nachricht abrufen").body
        return raw

    @staticmethod
    def _verified(raw: bytes, sender: str | None) -> str | None:
        """The server-resolved sender, only for mail Exchange stamped as sent by an authenticated internal user."""
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        if sender is None or b"authas" not in head.lower():
            return None
        headers = BytesHeaderParser(policy=compat32).parsebytes(head + b"\r\n\r\n").items()
        return sender.strip().lower() if is_internal(headers) else None

    # --- acknowledging -----------------------------------------------------------------------------------------
    def acknowledge(self, key: str, disposition: Disposition) -> None:
        """See Mailbox."""
        self.acknowledge_many([(key, disposition)])

    def acknowledge_many(self, items: Sequence[tuple[str, Disposition]]) -> None:
        """Move mails still in the inbox, 20 per $batch; a mail already moved or gone is left where it is."""
        for disposition in (Disposition.PROCESSED, Disposition.FAILED):
            keys = list(dict.fromkeys(k for k, d in items if d == disposition))
            keys = [k for k in keys if k in self._in_inbox] + self._still_in_inbox(
                [k for k in keys if k not in self._in_inbox])
            if not keys:
                continue
            target = self.folder(disposition)
            for chunk in chunks(keys, GRAPH_BATCH):
                answers = self._client.batch([{"id": str(n), "method": "POST", "url": f"{self._me}/messages/"
                                               f"{item(key)}/move", "headers": {"Content-Type": "application/json"},
                                               "body": {"destinationId": target}} for n, key in enumerate(chunk)],
                                             what="Nachrichten verschieben")
                errors = []
                for n, key in enumerate(chunk):
                    answer = answers[str(n)]
                    if answer.ok or (answer.status == 404 and answer.code not in NO_MAILBOX_CODES):
                        self._in_inbox.discard(key)
                    else:
                        errors.append(answer)
                if errors:
                    raise self._client.failure(errors[0], "Nachrichten verschieben")

    def _still_in_inbox(self, keys: list[str]) -> list[str]:
        """Those of ``keys`` that are still in the inbox (asked per 20 in one $batch); gone or moved ones drop out."""
        if not keys:
            return []
        inbox, kept = self._inbox(), []
        for chunk in chunks(keys, GRAPH_BATCH):
            answers = self._client.batch([{"id": str(n), "method": "GET", "url": f"{self._me}/messages/{item(key)}"
                                           + query(select="parentFolderId")} for n, key in enumerate(chunk)],
                                         what="Nachrichten finden")
            for n, key in enumerate(chunk):
                answer = answers[str(n)]
                if answer.ok and answer.body.get("parentFolderId") == inbox:
                    kept.append(key)
                elif not answer.ok and not (answer.status in (400, 404) and answer.code not in NO_MAILBOX_CODES):
                    raise self._client.failure(answer, "Nachrichten finden")
        return kept

    def _inbox(self) -> str:
        if self._inbox_id is None:
            body = self._client.get(f"{self._me}/mailFolders/inbox" + query(select="id"), what="Posteingang").body
            self._inbox_id = str(body["id"])
        return self._inbox_id

    def folder_name(self, disposition: Disposition) -> str:
        return folder_name(disposition, self._settings.processed_folder, self._settings.failed_folder)

    def folder(self, disposition: Disposition) -> str:
        """The processed/failed folder under the inbox: looked up or created once, then cached by id."""
        with self._folder_lock:
            if disposition not in self._folders:
                self._folders[disposition] = self.find_or_create(self.folder_name(disposition))[0]
            return self._folders[disposition]

    def find_or_create(self, name: str) -> tuple[str, bool]:
        """The id of the inbox's child folder ``name`` and whether it had to be created."""
        children = f"{self._me}/mailFolders/inbox/childFolders"
        lookup = children + query(filter=f"displayName eq '{name.replace(chr(39), chr(39) * 2)}'", select="id")
        found = self._client.get(lookup, what=f"Ordner „{name}“ suchen").body.get("value", [])
        if found:
            return str(found[0]["id"]), False
        answer = self._client.call("POST", children, json={"displayName": name}, what=f"Ordner „{name}“ anlegen")
        if answer.status == 409:  # created concurrently by another instance
            return str(self._client.get(lookup, what=f"Ordner „{name}“ suchen").body["value"][0]["id"]), False
        if not answer.ok:
            raise self._client.failure(answer, f"Ordner „{name}“ anlegen")
        log.info("Graph-Ordner Posteingang/%s angelegt", name)
        return str(answer.body["id"]), True

    # --- sending -------------------------------------------------------------------------------------------------
    def send(self, raw: bytes, *, message_id: str, recipients: Sequence[str]) -> None:
        """See Mailbox."""
        (error,) = self.send_many([(raw, message_id, recipients)])
        if error is not None:
            raise error
        log.debug("sent %s via Graph", message_id)

    def send_many(self, messages: Sequence[tuple[bytes, str, Sequence[str]]], *,
                  refs: Mapping[str, str] | None = None,
                  record: Callable[[Staged], None] | None = None) -> list[Exception | None]:
        """See Mailbox and ``transports.graph.sending``: drafts first (recorded), then one /send per draft."""
        return self._sender.send_many(messages, dict(refs or {}), record)

    def was_sent(self, message_id: str, ref: str | None = None) -> bool | None:
        """See Mailbox: the recorded draft answers (still a draft, sent, or gone)."""
        return self._sender.was_sent(message_id, ref)

    def sent_message_ids(self, refs: Sequence[str]) -> dict[str, str | None]:
        """See Mailbox: the internetMessageId of each sent copy, read back by the draft's immutable id."""
        return self._sender.sent_message_ids(refs)

    def diagnose(self) -> list[tuple[bool, str]]:
        """``check --connect``: see ``transports.graph.diagnose``."""
        from kgrz_mailbot.transports.graph.diagnose import diagnose  # noqa: PLC0415 - only for check --connect

        return diagnose(self, self._settings, self._address)

    def close(self) -> None:
        """See Mailbox."""
        self._client.close()
