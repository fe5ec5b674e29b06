"""EWS failures mapped onto the transport's temporary and permanent errors, with German texts for the admin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from exchangelib import FaultTolerance
from exchangelib import errors as ews_errors
from oauthlib.oauth2 import OAuth2Error

from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError

#: per-item GetItem errors that mean "this mail will never convert": quarantine it in the failed folder
POISON = (ews_errors.ErrorMimeContentConversionFailed, ews_errors.ErrorCorruptData, ews_errors.ErrorItemCorrupt)

#: exchangelib errors that a later tick may not see again (throttling, outages, timeouts, broken responses)
TEMPORARY: tuple[type[BaseException], ...] = (
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
OAUTH_LOGIN_ERRORS = frozenset({"invalid_client", "unauthorized_client", "invalid_grant", "invalid_scope",
                                "access_denied", "invalid_request"})

#: response-message errors exchangelib itself acts on for the whole request (back-off, version negotiation)
WHOLE_REQUEST: tuple[type[BaseException], ...] = (
    ews_errors.ErrorServerBusy,
    ews_errors.ErrorExceededConnectionCount,
    ews_errors.ErrorTimeoutExpired,
    ews_errors.ErrorTooManyObjectsOpened,
    ews_errors.ErrorInternalServerTransientError,
    ews_errors.ErrorInvalidServerVersion,
    ews_errors.ErrorIncorrectSchemaVersion,
    ews_errors.ErrorInvalidSchemaVersionForMailboxVersion,
)

#: errors after a successful login that mean "this account may not open the service mailbox"
NO_MAILBOX = ("ErrorAccessDenied", "ErrorNonExistentMailbox", "ErrorImpersonateUserDenied")


#: what exchangelib's "Reraised from …" says when the request never left (nothing can be in Exchange's hands)
_NEVER_SENT = ("ConnectTimeout", "NewConnectionError", "Connection refused", "Name or service not known")


def _unanswered(error: BaseException) -> bool:
    """The request may have reached Exchange and still be carried out: no answer came back (a read timeout, a
    connection lost after sending; exchangelib reports both as ErrorTimeoutExpired "Reraised from …"). A
    refused connection or an error answer of the server ends the request for sure."""
    text = str(error)
    if isinstance(error, ews_errors.ErrorTimeoutExpired) and text.startswith("Reraised from"):
        return not any(mark in text for mark in _NEVER_SENT)
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return False
    return isinstance(error, requests.exceptions.ReadTimeout | requests.exceptions.ConnectionError)


class RetryPolicy(FaultTolerance):
    """FaultTolerance that does not mistake HTTP 401 for "server busy" (exchangelib issue #833).

    With plain FaultTolerance a wrong password means back-off until max_wait; we fail at once instead.
    """

    def raise_response_errors(self, response: requests.Response) -> None:
        if response.status_code == 401:
            raise ews_errors.UnauthorizedError(f"HTTP 401 from {response.url}")
        super().raise_response_errors(response)


@contextmanager
def mapped(what: str, auth_hint: str) -> Iterator[None]:
    """Turn exchangelib, requests and OAuth errors raised inside into German transport errors."""
    try:
        yield
    except TransportError:
        raise
    except ews_errors.UnauthorizedError as e:
        raise TransportError(f"Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401): {auth_hint}") from e
    except OAuth2Error as e:
        # the token endpoint refused the client (wrong secret, no consent) or failed itself
        if e.error in OAUTH_LOGIN_ERRORS:
            raise TransportError(f"Anmeldung am Exchange-Server fehlgeschlagen (OAuth2 {e.error}): "
                                 f"{auth_hint}") from e
        raise TemporaryTransportError(f"Token-Endpunkt vorübergehend nicht verfügbar ({what}): {e}") from e
    except requests.exceptions.SSLError as e:
        # certificate problems do not heal by waiting (and exchangelib does not retry them either)
        raise TransportError(f"TLS-Prüfung des Exchange-Servers fehlgeschlagen ({what}): {e} "
                             "– ca_bundle in [mail.exchange] prüfen") from e
    except TEMPORARY as e:
        error = TemporaryTransportError(f"Exchange vorübergehend nicht verfügbar ({what}): {e}")
        error.unanswered = _unanswered(e)
        raise error from e
    except ews_errors.TransportError as e:
        # exchangelib raises its TransportError for TLS failures; those do not heal by themselves.
        raise TransportError(f"Verbindung zum Exchange-Server fehlgeschlagen ({what}): {e} "
                             "– endpoint und ca_bundle in [mail.exchange] prüfen") from e
    except (ews_errors.EWSError, requests.exceptions.RequestException) as e:
        raise TransportError(f"Exchange-Fehler ({what}): {type(e).__name__}: {e}") from e


def reason(error: TransportError, auth_hint: str, address: str) -> str:
    """What an admin should do about a failed ``check --connect`` step, in German."""
    cause = error.__cause__
    if isinstance(cause, ews_errors.UnauthorizedError):
        return (f"Der Server lehnt die Anmeldung ab (HTTP 401). {auth_hint}; bei NTLM den Benutzernamen "
                "als DOMÄNE\\konto angeben und prüfen, ob das Konto gesperrt oder das Kennwort abgelaufen ist.")
    if isinstance(cause, OAuth2Error):
        return (f"Der Token-Endpunkt lehnt die Anwendung ab (OAuth2 {cause.error}). {auth_hint}; "
                "Administratorzustimmung für full_access_as_app prüfen.")
    if type(cause).__name__ in NO_MAILBOX:
        return (f"{type(cause).__name__}: Das Dienstkonto darf das Postfach {address} nicht öffnen. "
                "FullAccess auf das Postfach vergeben (Add-MailboxPermission) oder die Adresse prüfen.")
    return str(error)
