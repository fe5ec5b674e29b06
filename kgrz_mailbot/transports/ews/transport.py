"""Exchange (EWS) mailbox via exchangelib — the only module that imports exchangelib."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import requests
import requests.adapters
from exchangelib import (
    BASIC,
    DELEGATE,
    IMPERSONATION,
    NTLM,
    OAUTH2,
    Account,
    Build,
    Configuration,
    Credentials,
    EWSTimeZone,
    FaultTolerance,
    Identity,
    Message,
    OAuth2Credentials,
    Version,
)
from exchangelib import errors as ews_errors
from exchangelib.folders import Folder
from exchangelib.properties import FolderId, ItemId
from exchangelib.properties import Mailbox as EwsMailbox
from exchangelib.protocol import BaseProtocol, Protocol
from exchangelib.services import CreateFolder, CreateItem
from exchangelib.version import EXCHANGE_O365
from oauthlib.oauth2 import OAuth2Error

from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.transports.base import Disposition, InboundMail, Mailbox
from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError
from kgrz_mailbot.transports.errors import secret_from_env as _env
from kgrz_mailbot.transports.ews.tls import CABundleAdapter, register_bundle

log = logging.getLogger("kgrz_mailbot.transport")

CHUNK = 100  # EWS batch size: FindItem page, GetItem/MoveItem chunk (exchangelib's own default)

VERSIONS: dict[str, Build] = {
    "2013": Build(15, 0),
    "2016": Build(15, 1),
    "2019": Build(15, 2),
    "o365": EXCHANGE_O365,
}

#: fields GetItem fetches per mail: the raw MIME plus what verified_sender needs
_FETCH_FIELDS = ("mime_content", "headers", "sender")
_AUTH_AS_HEADER = "x-ms-exchange-organization-authas"

#: per-item GetItem errors that mean "this mail will never convert": quarantine it in the failed folder
_POISON = (ews_errors.ErrorMimeContentConversionFailed, ews_errors.ErrorCorruptData, ews_errors.ErrorItemCorrupt)

#: exchangelib errors that a later tick may not see again (throttling, outages, timeouts, broken responses)
_TEMPORARY: tuple[type[BaseException], ...] = (
    ews_errors.RateLimitError,
    ews_errors.ErrorServerBusy,
    ews_errors.ErrorTimeoutExpired,
    ews_errors.ErrorInternalServerTransientError,
    ews_errors.ErrorInternalServerError,
    ews_errors.ErrorTooManyObjectsOpened,
    ews_errors.ErrorMailboxStoreUnavailable,
    ews_errors.ErrorMailboxMoveInProgress,
    ews_errors.ErrorConnectionFailed,
    ews_errors.ErrorExceededConnectionCount,
    ews_errors.MalformedResponseError,
    ews_errors.CASError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
)

#: OAuth2 token endpoint errors that mean "fix the app registration", not "try again later"
_OAUTH_LOGIN_ERRORS = frozenset({"invalid_client", "unauthorized_client", "invalid_grant", "invalid_scope",
                                 "access_denied", "invalid_request"})

#: response-message errors exchangelib itself acts on for the whole request (back-off, version negotiation)
_WHOLE_REQUEST: tuple[type[BaseException], ...] = (
    ews_errors.ErrorServerBusy,
    ews_errors.ErrorExceededConnectionCount,
    ews_errors.ErrorTimeoutExpired,
    ews_errors.ErrorTooManyObjectsOpened,
    ews_errors.ErrorInternalServerTransientError,
    ews_errors.ErrorInvalidServerVersion,
    ews_errors.ErrorIncorrectSchemaVersion,
    ews_errors.ErrorInvalidSchemaVersionForMailboxVersion,
)


class _SendItems(CreateItem):
    """CreateItem that answers every per-item error as that item's result instead of raising it.

    exchangelib returns only a short list of per-item errors (ErrorItemSave, ErrorMessageSizeExceeded …) and
    raises the rest (ErrorInvalidRecipients, ErrorSendAsDenied, ErrorQuotaExceeded …) for the whole call, although
    Exchange has already sent the other messages of the batch: the caller would not learn which ones went out.
    """

    def _get_element_container(self, message: Any, name: str | None = None) -> Any:
        try:
            return super()._get_element_container(message, name=name)
        except _WHOLE_REQUEST:
            raise
        except ews_errors.ResponseMessageError as e:
            return e


#: errors after a successful login that mean "this account may not open the service mailbox"
_NO_MAILBOX = ("ErrorAccessDenied", "ErrorNonExistentMailbox", "ErrorImpersonateUserDenied")

def _register_ca_bundle(endpoint: str, bundle: Path) -> None:
    if not bundle.is_file():
        raise TransportError(f"CA-Zertifikatsdatei für Exchange nicht gefunden: {bundle} "
                             "([mail.exchange] ca_bundle prüfen)")
    base = endpoint.split("://", 1)[0] + "://" + endpoint.split("://", 1)[-1].split("/", 1)[0]
    register_bundle(base, bundle)  # base URL: the OAuth token endpoint may live on the same host
    BaseProtocol.HTTP_ADAPTER_CLS = CABundleAdapter


# --- retry policy: FaultTolerance, but a 401 is a login failure ------------------------------------------------


class _RetryPolicy(FaultTolerance):
    """FaultTolerance that does not mistake HTTP 401 for "server busy" (exchangelib issue #833).

    With plain FaultTolerance a wrong password means back-off until max_wait; we fail at once instead.
    """

    def raise_response_errors(self, response: requests.Response) -> None:
        if response.status_code == 401:
            raise ews_errors.UnauthorizedError(f"HTTP 401 from {response.url}")
        super().raise_response_errors(response)


class _TokenUrlOAuth2Credentials(OAuth2Credentials):
    """Client-credentials grant against an explicit token endpoint (on-prem AD FS, sovereign clouds, tests)."""

    def __init__(self, *args: Any, token_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token_url = token_url

    @property
    def token_url(self) -> str:
        return self._token_url


class ExchangeMailbox(Mailbox):
    """The bot's service mailbox on an on-prem Exchange, reached over EWS with delegate access."""

    name = "exchange"

    def __init__(self, settings: ExchangeSettings, address: str, environ: Mapping[str, str], *,
                 token_url: str | None = None, only_unread: bool = False) -> None:
        """``token_url`` overrides the OAuth2 token endpoint (default: Microsoft Entra for ``tenant_id``);
        ``only_unread`` restricts polling to unread inbox mail (the inbox holds only unacknowledged mail anyway).
        """
        self._settings = settings
        self._address = address
        self._only_unread = only_unread
        self._folders: dict[Disposition, FolderId] = {}
        self._folder_lock = threading.Lock()
        credentials, auth_type, access_type = self._credentials(environ, token_url or settings.token_url)
        self._auth_hint = (
            f"Client-ID/Geheimnis in {settings.client_secret_env} prüfen" if settings.auth == "oauth2"
            else f"Benutzername/Kennwort in {settings.username_env}/{settings.password_env} prüfen")
        if settings.ca_bundle is not None:
            _register_ca_bundle(settings.endpoint, Path(settings.ca_bundle))
        if settings.version is not None and settings.version not in VERSIONS:
            raise TransportError(f"Unbekannte Exchange-Version {settings.version!r} in [mail.exchange] version "
                                 f"(erlaubt: {', '.join(VERSIONS)})")
        config = Configuration(
            service_endpoint=settings.endpoint,
            credentials=credentials,
            auth_type=auth_type,
            version=Version(build=VERSIONS[settings.version]) if settings.version else None,
            retry_policy=_RetryPolicy(max_wait=settings.max_wait_seconds),
            max_connections=1,
        )
        # Protocol objects are cached per (endpoint, credentials); drop a stale one so OUR retry policy,
        # version and timeout apply rather than those of an earlier instance in this process.
        with suppress(KeyError):
            del Protocol[config]
        self._account = Account(address, config=config, autodiscover=False, access_type=access_type,
                                default_timezone=EWSTimeZone("Europe/Berlin"), locale="de_DE")
        self._account.protocol.TIMEOUT = settings.timeout_seconds  # instance attribute; class default is 120 s

    def _credentials(self, environ: Mapping[str, str], token_url: str | None) -> tuple[Any, str, str]:
        s = self._settings
        if s.auth in ("ntlm", "basic"):
            creds = Credentials(_env(environ, s.username_env, "den Benutzernamen"),
                                _env(environ, s.password_env, "das Kennwort"))
            return creds, (NTLM if s.auth == "ntlm" else BASIC), DELEGATE
        if s.auth == "oauth2":
            if not s.client_id:
                raise TransportError("Für auth = \"oauth2\" fehlt client_id in [mail.exchange]")
            secret = _env(environ, s.client_secret_env, "das Client-Geheimnis")
            # App-only tokens carry no mailbox: exchangelib sends ExchangeImpersonation for this identity.
            identity = Identity(primary_smtp_address=self._address)
            kwargs = dict(client_id=s.client_id, client_secret=secret, tenant_id=s.tenant_id, identity=identity)
            creds = (_TokenUrlOAuth2Credentials(token_url=token_url, **kwargs) if token_url
                     else OAuth2Credentials(**kwargs))
            return creds, OAUTH2, IMPERSONATION
        raise TransportError(f"Unbekannte Anmeldeart {s.auth!r} in [mail.exchange] auth "
                             "(erlaubt: ntlm, basic, oauth2)")

    # --- error mapping ---------------------------------------------------------------------------------------
    @contextmanager
    def _mapped(self, what: str) -> Iterator[None]:
        try:
            yield
        except TransportError:
            raise
        except ews_errors.UnauthorizedError as e:
            raise TransportError(f"Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401): {self._auth_hint}") from e
        except OAuth2Error as e:
            # the token endpoint refused the client (wrong secret, no consent) or failed itself
            if e.error in _OAUTH_LOGIN_ERRORS:
                raise TransportError(f"Anmeldung am Exchange-Server fehlgeschlagen (OAuth2 {e.error}): "
                                     f"{self._auth_hint}") from e
            raise TemporaryTransportError(f"Token-Endpunkt vorübergehend nicht verfügbar ({what}): {e}") from e
        except requests.exceptions.SSLError as e:
            # certificate problems do not heal by waiting (and exchangelib does not retry them either)
            raise TransportError(f"TLS-Prüfung des Exchange-Servers fehlgeschlagen ({what}): {e} "
                                 "– ca_bundle in [mail.exchange] prüfen") from e
        except _TEMPORARY as e:
            raise TemporaryTransportError(f"Exchange vorübergehend nicht verfügbar ({what}): {e}") from e
        except ews_errors.TransportError as e:
            # exchangelib raises its TransportError for TLS failures; those do not heal by themselves.
            raise TransportError(f"Verbindung zum Exchange-Server fehlgeschlagen ({what}): {e} "
                                 "– endpoint und ca_bundle in [mail.exchange] prüfen") from e
        except (ews_errors.EWSError, requests.exceptions.RequestException) as e:
            raise TransportError(f"Exchange-Fehler ({what}): {type(e).__name__}: {e}") from e

    # --- Mailbox ---------------------------------------------------------------------------------------------
    def fetch_new(self) -> Iterator[InboundMail]:
        """See Mailbox. Ids first (FindItem pages), then GetItem per 100, so moves during iteration are safe."""
        with self._mapped("Posteingang lesen"):
            inbox = self._account.inbox
            qs = inbox.filter(is_read=False) if self._only_unread else inbox.all()
            ids = [ItemId(id=i, changekey=ck)
                   for i, ck in qs.order_by("datetime_received").values_list("id", "changekey")]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            with self._mapped("Nachrichten abrufen"):
                items = list(self._account.fetch(ids=chunk, only_fields=list(_FETCH_FIELDS), chunk_size=CHUNK))
            poison = []
            ready = []
            for item_id, item in zip(chunk, items, strict=True):
                if isinstance(item, ews_errors.ErrorItemNotFound):
                    continue  # moved away by someone else since FindItem
                if isinstance(item, _POISON) or (not isinstance(item, Exception) and not item.mime_content):
                    log.warning("EWS item %s not convertible to MIME (%s); moving to %s", item_id.id,
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
        # Exchange strips X-MS-Exchange-Organization-* at the organisation boundary, so this header can only
        # come from Exchange itself: the sender authenticated as an internal user.
        internal = any(h.name.lower() == _AUTH_AS_HEADER and (h.value or "").strip().lower() == "internal"
                       for h in item.headers or ())
        if internal and item.sender is not None and item.sender.email_address:
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
                folder = self._folder(disposition)
                results = self._account.bulk_move(ids=[ItemId(id=k) for k in keys], to_folder=folder,
                                                  chunk_size=CHUNK)
            errors = [r for r in results
                      if isinstance(r, Exception) and not isinstance(r, ews_errors.ErrorItemNotFound)]
            if errors:
                with self._mapped("Nachrichten verschieben"):
                    raise errors[0]

    def _folder(self, disposition: Disposition) -> FolderId:
        """The processed/failed folder under the inbox: looked up or created once, then cached by FolderId."""
        with self._folder_lock:
            if disposition not in self._folders:
                name = (self._settings.processed_folder if disposition == Disposition.PROCESSED
                        else self._settings.failed_folder)
                self._folders[disposition] = self._get_or_create(name)
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
        log.info("created EWS folder %s/%s", inbox.name, name)
        return FolderId(id=created[0].id, changekey=created[0].changekey)

    def send(self, raw: bytes, *, message_id: str, recipients: Sequence[str]) -> None:
        """See Mailbox. Uploads OUR MIME (so our Message-ID travels) with CreateItem SendAndSaveCopy."""
        (error,) = self.send_many([(raw, message_id, recipients)])
        if error is not None:
            raise error
        log.info("sent %s via EWS", message_id)

    def send_many(self, messages: Sequence[tuple[bytes, str, Sequence[str]]]) -> list[Exception | None]:
        """Send (raw, message_id, recipients) triples with one CreateItem SendAndSaveCopy per 100.

        Returns one entry per message: None when Exchange accepted it, else a German TransportError for that
        message alone. A failure of the whole request (401, 5xx, timeout) raises instead, and then none of the
        batch is known to be sent: the outbox must check ``was_sent`` before sending again.
        """
        items = [self._message(raw, message_id, recipients) for raw, message_id, recipients in messages]
        with self._mapped("Nachrichten senden"):
            results = list(_SendItems(account=self._account, chunk_size=CHUNK).call(
                items=items, folder=self._account.sent, message_disposition="SendAndSaveCopy",
                send_meeting_invitations="SendToNone"))
        out: list[Exception | None] = []
        for (_, message_id, _), result in zip(messages, results, strict=True):
            if isinstance(result, Exception):
                log.warning("EWS refused %s: %s", message_id, result)
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

    def was_sent(self, message_id: str) -> bool | None:
        """See Mailbox. Searches Sent Items by InternetMessageId (one FindItem)."""
        with self._mapped("Gesendete Elemente durchsuchen"):
            return self._account.sent.filter(message_id=message_id).exists()

    # --- check --connect ------------------------------------------------------------------------------------
    def diagnose(self) -> list[tuple[bool, str]]:
        """Probe what the bot needs, in German, one ``(ok, text)`` per step; stops when the mailbox is closed.

        Steps: login (GetFolder inbox), inbox readable (FindItem), processed and failed folders (found or
        created, as the first poll would), and write access for sending: a SaveOnly draft in Drafts, deleted
        at once. Nothing is sent; SendAs is only checked by Exchange at submission (see docs/exchange.md).
        """
        results: list[tuple[bool, str]] = []

        def step(label: str, probe: Any) -> TransportError | None:
            try:
                with self._mapped(label):
                    detail = probe()
            except TransportError as e:
                results.append((False, f"{label} fehlgeschlagen: {self._reason(e)}"))
                return e
            results.append((True, f"{label}: in Ordnung" + (f" ({detail})" if detail else "")))
            return None

        failed = step("Anmeldung am Exchange-Server", self._probe_login)
        if failed is not None:
            if type(failed.__cause__).__name__ in _NO_MAILBOX:  # logged in, but the mailbox is closed to us
                results[-1:] = [(True, "Anmeldung am Exchange-Server: in Ordnung"),
                                (False, f"Zugriff auf das Postfach {self._address} fehlgeschlagen: "
                                        f"{self._reason(failed)}")]
            return results
        step("Posteingang lesbar", self._probe_inbox)
        for disposition in (Disposition.PROCESSED, Disposition.FAILED):
            name = (self._settings.processed_folder if disposition == Disposition.PROCESSED
                    else self._settings.failed_folder)
            step(f"Ordner „{name}“ im Posteingang", lambda d=disposition, n=name: self._probe_folder(d, n))
        step("Schreibrecht zum Senden (Probe-Entwurf in „Entwürfe“ angelegt und gelöscht, nichts versendet)",
             self._probe_draft)
        return results

    def _reason(self, error: TransportError) -> str:
        cause = error.__cause__
        if isinstance(cause, ews_errors.UnauthorizedError):
            return (f"Der Server lehnt die Anmeldung ab (HTTP 401). {self._auth_hint}; bei NTLM den Benutzernamen "
                    "als DOMÄNE\\konto angeben und prüfen, ob das Konto gesperrt oder das Kennwort abgelaufen ist.")
        if isinstance(cause, OAuth2Error):
            return (f"Der Token-Endpunkt lehnt die Anwendung ab (OAuth2 {cause.error}). {self._auth_hint}; "
                    "Administratorzustimmung für full_access_as_app prüfen.")
        if type(cause).__name__ in _NO_MAILBOX:
            return (f"{type(cause).__name__}: Das Dienstkonto darf das Postfach {self._address} nicht öffnen. "
                    "FullAccess auf das Postfach vergeben (Add-MailboxPermission) oder die Adresse prüfen.")
        return str(error)

    def _probe_login(self) -> str:
        self._account.inbox  # noqa: B018 - GetFolder: the first authenticated round trip
        return f"{self._settings.endpoint}, Anmeldeart {self._settings.auth}"

    def _probe_inbox(self) -> str:
        inbox = self._account.inbox
        list(inbox.all().order_by("datetime_received").values_list("id")[:1])  # FindItem really reads
        return f"{inbox.total_count or 0} Nachrichten im Posteingang"

    def _probe_folder(self, disposition: Disposition, name: str) -> str:
        with suppress(ews_errors.ErrorFolderNotFound):
            self._account.inbox // name
            self._folder(disposition)
            return "vorhanden"
        self._folder(disposition)
        return "neu angelegt"

    def _probe_draft(self) -> None:
        draft = Message(account=self._account, folder=self._account.drafts, subject="kgrz-mailbot: Verbindungstest",
                        body="Automatischer Test von kgrz-mailbot check --connect; wird sofort gelöscht.",
                        to_recipients=[EwsMailbox(email_address=self._address)])
        draft.save()
        draft.delete()

    def close(self) -> None:
        """See Mailbox. Closes the pooled HTTP sessions and forgets the cached protocol."""
        protocol = self._account.protocol
        protocol.close()
        with suppress(KeyError):
            del Protocol[protocol.config]
