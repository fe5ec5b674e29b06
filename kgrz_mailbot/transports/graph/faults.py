"""Graph answers and httpx failures mapped onto the transport's temporary and permanent errors, in German."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx

from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError

#: statuses that heal by waiting: throttling (429), service unavailable (503), gateway timeout (504), and the
#: 500/502 a busy mailbox server answers now and then
RETRY_STATUSES = frozenset({429, 503, 504})
TEMPORARY_STATUSES = RETRY_STATUSES | {500, 502}

#: per-message errors on ``$value`` that mean "this item will never convert to MIME": it goes to the failed folder
POISON_CODES = frozenset({"ErrorMimeContentConversionFailed", "ErrorCorruptData", "ErrorItemCorrupt",
                          "ErrorContentConversionFailed"})

#: codes that say "this mailbox does not exist (for Exchange Online)"
NO_MAILBOX_CODES = frozenset({"ErrorInvalidUser", "MailboxNotEnabledForRESTAPI", "MailboxNotFound",
                              "ErrorNonExistentMailbox"})

#: the Exchange RBAC role that allows each kind of operation (RBAC for Applications, docs/graph.md)
READ_WRITE = "Application Mail.ReadWrite"
SEND = "Application Mail.Send"


@dataclass(frozen=True)
class Answer:
    """One Graph answer, a whole HTTP response or one response inside a ``$batch``."""

    status: int
    body: Any = None  # parsed JSON, a string (batch body of non-JSON content) or bytes (plain HTTP)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return str(error.get("code", "")) if isinstance(error, dict) else ""

    @property
    def message(self) -> str:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return str(error.get("message", "")) if isinstance(error, dict) else ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def retry_after(self) -> float | None:
        """Seconds from ``Retry-After`` (Graph sends whole seconds), None when absent or unreadable."""
        value = next((v for k, v in self.headers.items() if k.lower() == "retry-after"), None)
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


def answer_of(response: httpx.Response) -> Answer:
    """An httpx response as an Answer; JSON bodies parsed, everything else kept as bytes."""
    kind = response.headers.get("content-type", "")
    body: Any = response.content
    if "json" in kind and response.content:
        try:
            body = response.json()
        except ValueError:
            body = response.content
    return Answer(response.status_code, body, dict(response.headers))


def failure(answer: Answer, what: str, *, address: str, role: str = READ_WRITE,
            auth_hint: str = "") -> TransportError:
    """The German error for an unsuccessful Graph answer to ``what`` (not raised: the caller decides)."""
    detail = f"HTTP {answer.status} {answer.code}: {answer.message}".rstrip(": ")
    if answer.status in TEMPORARY_STATUSES:
        wait = answer.retry_after()
        hint = f", Retry-After {wait:g} s" if wait is not None else ""
        return TemporaryTransportError(f"Microsoft Graph vorübergehend nicht verfügbar ({what}; {detail}{hint}); "
                                       "der nächste Lauf setzt fort")
    if answer.status == 401:
        return TransportError(f"Microsoft Graph lehnt das Token ab ({what}; {detail}). {auth_hint}.")
    if answer.status == 403:
        return TransportError(
            f"Keine Berechtigung für {what} im Postfach {address} ({detail}). Die App braucht die Exchange-Rolle "
            f"„{role}“, per RBAC for Applications auf dieses Postfach beschränkt (New-ManagementRoleAssignment "
            f"-App <App-ID> -Role \"{role}\" -CustomResourceScope <Bereich>, siehe docs/graph.md); neue Zuweisungen "
            "wirken erst nach 30 Minuten bis 2 Stunden.")
    if answer.status == 404 and answer.code in NO_MAILBOX_CODES:
        return TransportError(f"Das Postfach {address} gibt es in Exchange Online nicht oder es ist für Microsoft "
                              f"Graph nicht erreichbar ({detail}); [mail] address prüfen.")
    if answer.status == 413:
        return TransportError(f"Microsoft Graph lehnt die Anfrage als zu groß ab ({what}; {detail}); "
                              "höchstens 4 MB je Anfrage.")
    return TransportError(f"Microsoft-Graph-Fehler ({what}; {detail})")


def http_failure(error: httpx.HTTPError, what: str) -> TransportError:
    """The German error for a request that got no answer: TLS (permanent) or network and timeouts (temporary)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return TransportError(f"TLS-Prüfung bei Microsoft Graph fehlgeschlagen ({what}): {cause} – "
                                  "ca_bundle in [mail.graph] prüfen (die Zertifikatskette eines TLS-Proxys muss "
                                  "darin stehen)")
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, httpx.TimeoutException):
        return TemporaryTransportError(f"Microsoft Graph antwortet nicht rechtzeitig ({what}); der nächste Lauf "
                                       "setzt fort")
    return TemporaryTransportError(f"Microsoft Graph nicht erreichbar ({what}): {type(error).__name__}: {error}")
