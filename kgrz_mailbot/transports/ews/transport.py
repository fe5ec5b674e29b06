"""Exchange (EWS) mailbox via exchangelib: fetch, acknowledge by moving, send our own MIME, find sent copies."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from typing import Any

from exchangelib import Message
from exchangelib import errors as ews_errors
from exchangelib.folders import Folder
from exchangelib.properties import FolderId, ItemId
from exchangelib.properties import Mailbox as EwsMailbox
from exchangelib.services import CreateFolder, CreateItem

from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.transports.base import Disposition, InboundMail, Mailbox
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.ews.account import auth_hint, close_account, open_account
from kgrz_mailbot.transports.ews.faults import POISON, WHOLE_REQUEST, mapped
from kgrz_mailbot.transports.shared import BATCH, by_size, folder_name, is_internal

log = logging.getLogger("kgrz_mailbot.transport")

#: fields GetItem fetches per mail: the raw MIME plus what verified_sender needs
_FETCH_FIELDS = ("mime_content", "headers", "sender")


class _SendItems(CreateItem):
    """CreateItem that answers every per-item error as that item's result instead of raising it.

    exchangelib returns only a short list of per-item errors (ErrorItemSave, ErrorMessageSizeExceeded …) and
    raises the rest (ErrorInvalidRecipients, ErrorSendAsDenied, ErrorQuotaExceeded …) for the whole call, although
    Exchange has already sent the other messages of the batch: the caller would not learn which ones went out.
    """

    def _get_element_container(self, message: Any, name: str | None = None) -> Any:
        try:
            return super()._get_element_container(message, name=name)
        except WHOLE_REQUEST:
            raise
        except ews_errors.ResponseMessageError as e:
            return e


class ExchangeMailbox(Mailbox):
    """The bot's service mailbox on an on-prem Exchange, reached over EWS with delegate access."""

    name = "exchange"

    def __init__(self, settings: ExchangeSettings, address: str, environ: Mapping[str, str], *,
                 token_url: str | None = None, only_unread: bool = False, batch_bytes: int = 64 << 20) -> None:
        """``token_url`` overrides the OAuth2 token endpoint (default: Microsoft Entra for ``tenant_id``);
        ``only_unread`` restricts polling to unread inbox mail (the inbox holds only unacknowledged mail anyway).
        """
        self._settings = settings
        self._address = address
        self._only_unread = only_unread
        self._batch_bytes = batch_bytes  # [mail] poll_batch_mb: MIME fetched in one GetItem at most
        self._folders: dict[Disposition, FolderId] = {}
        self._folder_lock = threading.Lock()
        self._auth_hint = auth_hint(settings)
        self._account = open_account(settings, address, environ, token_url or settings.token_url)

    def _mapped(self, what: str) -> Any:
        return mapped(what, self._auth_hint)

    # --- Mailbox ---------------------------------------------------------------------------------------------
    def fetch_new(self) -> Iterator[InboundMail]:
        """See Mailbox. Ids first (FindItem pages), then GetItem per 100, so moves during iteration are safe."""
        with self._mapped("Posteingang lesen"):
            inbox = self._account.inbox
            qs = inbox.filter(is_read=False) if self._only_unread else inbox.all()
            ids = [(ItemId(id=i, changekey=ck), size or 0)
                   for i, ck, size in qs.order_by("datetime_received").values_list("id", "changekey", "size")]
        # GetItem per 100, and never more MIME in one answer than the poll's byte budget
        for chunk in by_size(ids, BATCH, self._batch_bytes):
            with self._mapped("Nachrichten abrufen"):
                items = list(self._account.fetch(ids=chunk, only_fields=list(_FETCH_FIELDS), chunk_size=BATCH))
            poison = []
            ready = []
            for item_id, item in zip(chunk, items, strict=True):
                if isinstance(item, ews_errors.ErrorItemNotFound):
                    continue  # moved away by someone else since FindItem
                if isinstance(item, POISON) or (not isinstance(item, Exception) and not item.mime_content):
                    log.warning("EWS-Element %s lässt sich nicht als Mail lesen (%s); verschoben nach %s", item_id.id,
                                type(item).__name__, self._settings.failed_folder)
                    poison.append((item_id.id, Disposition.FAILED))
                elif isinstance(item, Exception):
                    with self._mapped("Nachrichten abrufen"):
                        raise item
                else:
                    ready.append(InboundMail(item_id.id, item.mime_content, self._verified_sender(item), checked=True))
            if poison:
                self.acknowledge_many(poison)
            yield from ready

    @staticmethod
    def _verified_sender(item: Any) -> str | None:
        if is_internal([(h.name, h.value) for h in item.headers or ()]) and item.sender is not None \
                and item.sender.email_address:
            return item.sender.email_address.strip().lower()
        return None

    def acknowledge(self, key: str, disposition: Disposition) -> None:
        """See Mailbox."""
        self.acknowledge_many([(key, disposition)])

    def acknowledge_many(self, items: Sequence[tuple[str, Disposition]]) -> None:
        """Move many fetched mails in one MoveItem per 100 and target folder; already moved ones are fine."""
        for disposition in (Disposition.PROCESSED, Disposition.FAILED):
            keys = list(dict.fromkeys(k for k, d in items if d == disposition))
            if not keys:
                continue
            with self._mapped("Nachrichten verschieben"):
                folder = self.folder(disposition)
                results = self._account.bulk_move(ids=[ItemId(id=k) for k in keys], to_folder=folder,
                                                  chunk_size=BATCH)
            errors = [r for r in results
                      if isinstance(r, Exception) and not isinstance(r, ews_errors.ErrorItemNotFound)]
            if errors:
                with self._mapped("Nachrichten verschieben"):
                    raise errors[0]

    def folder_name(self, disposition: Disposition) -> str:
        return folder_name(disposition, self._settings.processed_folder, self._settings.failed_folder)

    def folder(self, disposition: Disposition) -> FolderId:
        """The processed/failed folder under the inbox: looked up or created once, then cached by FolderId."""
        with self._folder_lock:
            if disposition not in self._folders:
                self._folders[disposition] = self._get_or_create(self.folder_name(disposition))
            return self._folders[disposition]

    def _get_or_create(self, name: str) -> FolderId:
        inbox = self._account.inbox
        with suppress(ews_errors.ErrorFolderNotFound):
            found = inbox // name
            return FolderId(id=found.id, changekey=found.changekey)
        # CreateFolder directly: Folder.save() would first load the whole folder tree into exchangelib's cache.
        new = Folder(parent=inbox, name=name)
        created = list(CreateFolder(account=self._account).call(parent_folder=inbox, folders=[new]))
        if isinstance(created[0], ews_errors.ErrorFolderExists):  # created concurrently by another instance
            found = inbox // name
            return FolderId(id=found.id, changekey=found.changekey)
        if isinstance(created[0], Exception):
            raise created[0]
        log.info("EWS-Ordner %s/%s angelegt", inbox.name, name)
        return FolderId(id=created[0].id, changekey=created[0].changekey)

    def send(self, raw: bytes, *, message_id: str, recipients: Sequence[str]) -> None:
        """See Mailbox. Uploads OUR MIME (so our Message-ID travels) with CreateItem SendAndSaveCopy."""
        (error,) = self.send_many([(raw, message_id, recipients)])
        if error is not None:
            raise error
        log.debug("sent %s via EWS", message_id)

    def send_many(self, messages: Sequence[tuple[bytes, str, Sequence[str]]], *, refs: Any = None,
                  record: Any = None) -> list[Exception | None]:
        """Send (raw, message_id, recipients) triples with one CreateItem SendAndSaveCopy per 100.

        Returns one entry per message: None when Exchange accepted it, else a German TransportError for that
        message alone. A failure of the whole request (401, 5xx, timeout) raises instead, and then none of the
        batch is known to be sent: the outbox must check ``was_sent`` before sending again.
        """
        items = [self._message(raw, message_id, recipients) for raw, message_id, recipients in messages]
        with self._mapped("Nachrichten senden"):
            results = list(_SendItems(account=self._account, chunk_size=BATCH).call(
                items=items, folder=self._account.sent, message_disposition="SendAndSaveCopy",
                send_meeting_invitations="SendToNone"))
        out: list[Exception | None] = []
        for (_, message_id, _), result in zip(messages, results, strict=True):
            if isinstance(result, Exception):
                log.warning("Exchange hat %s abgelehnt: %s", message_id, result)
                out.append(TransportError(f"Exchange hat die Nachricht {message_id} abgelehnt: "
                                          f"{type(result).__name__}: {result}"))
            else:
                out.append(None)
        return out

    def _message(self, raw: bytes, message_id: str, recipients: Sequence[str]) -> Message:
        head = BytesHeaderParser(policy=default_policy).parsebytes(raw)
        if str(head.get("Message-ID", "")).strip() != message_id.strip():
            raise ValueError(f"Message-ID header of the MIME is not {message_id}")
        in_headers = {a.lower() for _, a in getaddresses(
            [str(v) for h in ("To", "Cc", "Bcc") for v in head.get_all(h, [])])}
        # Exchange takes recipients from the MIME headers; anyone else the caller names goes in as Bcc.
        extra = [EwsMailbox(email_address=r) for r in recipients if r.lower() not in in_headers]
        return Message(account=self._account, mime_content=raw, bcc_recipients=extra or None)

    def was_sent(self, message_id: str, ref: str | None = None) -> bool | None:
        """See Mailbox. Searches Sent Items by InternetMessageId (one FindItem); EWS keeps our Message-ID."""
        with self._mapped("Gesendete Elemente durchsuchen"):
            return self._account.sent.filter(message_id=message_id).exists()

    def diagnose(self) -> list[tuple[bool, str]]:
        """``check --connect``: see ``transports.ews.diagnose``."""
        from kgrz_mailbot.transports.ews.diagnose import diagnose  # noqa: PLC0415 - only for check --connect

        return diagnose(self, self._account, self._settings, self._address, self._auth_hint)

    def close(self) -> None:
        """See Mailbox. Closes the pooled HTTP sessions and forgets the cached protocol."""
        close_account(self._account)
