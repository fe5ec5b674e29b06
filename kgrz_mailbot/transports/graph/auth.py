"""App-only tokens for Microsoft Graph: msal's client-credentials flow with a secret or a certificate.

msal keeps the token in its in-memory cache and fetches a new one when less than five minutes are left
(so a token is renewed before it expires); ``renew`` drops it after a 401 so the next request gets a fresh one.
msal is Microsoft's own maintained library for Entra ID: it builds the signed client assertion for certificates
(PS256, x5t#S256) and follows the tenant's OpenID metadata, which we would otherwise hand-write.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import msal

from kgrz_mailbot.config.settings import GraphSettings
from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError
from kgrz_mailbot.transports.graph.faults import http_failure

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.S)
#: token endpoint answers that mean "fix the app registration", not "try again later"
LOGIN_ERRORS = frozenset({"invalid_client", "unauthorized_client", "invalid_grant", "invalid_scope",
                          "access_denied", "invalid_request", "invalid_resource"})


class _MsalHttp:
    """msal's HttpClient interface over our one httpx.Client: the same pool, timeouts and CA bundle as Graph."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def post(self, url: str, params: Any = None, data: Any = None, headers: Any = None, **_: Any) -> httpx.Response:
        if isinstance(data, dict):  # msal hands the signed client assertion over as bytes; httpx would str() them
            data = {k: v.decode("ascii") if isinstance(v, bytes) else v for k, v in data.items()}
        return self._client.post(url, params=params, data=data, headers=headers)

    def get(self, url: str, params: Any = None, headers: Any = None, **_: Any) -> httpx.Response:
        return self._client.get(url, params=params, headers=headers)

    def close(self) -> None:
        """The client belongs to GraphClient, which closes it."""


def credential_hint(settings: GraphSettings) -> str:
    """Where an admin fixes a refused login."""
    if settings.certificate is not None:
        return (f"Zertifikat {settings.certificate} prüfen (in der App-Registrierung hochgeladen, nicht abgelaufen?) "
                "sowie tenant_id und client_id in [mail.graph]")
    return (f"Client-Geheimnis in {settings.client_secret_env} prüfen (abgelaufen?) sowie tenant_id und client_id "
            "in [mail.graph]")


def load_credential(settings: GraphSettings, environ: Mapping[str, str]) -> str | dict[str, str]:
    """The client secret from its environment variable, or the certificate as msal wants it."""
    if settings.certificate is None:
        name = settings.client_secret_env
        secret = environ.get(name or "")
        if not secret:
            raise TransportError(f"Umgebungsvariable {name} ist nicht gesetzt (Client-Geheimnis der App für "
                                 "Microsoft Graph, [mail.graph] client_secret_env)")
        return secret
    path = Path(settings.certificate)
    try:
        pem = path.read_bytes()
    except OSError as e:
        raise TransportError(f"Zertifikatsdatei {path} nicht lesbar ({e.strerror}); [mail.graph] certificate "
                             "prüfen und dem Dienstkonto Leserecht geben") from e
    blocks = [(m[1].decode(), m[0].decode()) for m in _PEM_BLOCK.finditer(pem)]
    keys = [text for kind, text in blocks if kind.endswith("PRIVATE KEY")]
    certs = [text for kind, text in blocks if kind == "CERTIFICATE"]
    if not keys or not certs:
        missing = "der private Schlüssel" if not keys else "das Zertifikat"
        raise TransportError(f"In {path} fehlt {missing}; certificate muss Schlüssel und Zertifikat im PEM-Format "
                             "enthalten (siehe docs/graph.md)")
    credential = {"private_key": keys[0], "public_certificate": certs[0]}
    if settings.certificate_password_env:
        password = environ.get(settings.certificate_password_env)
        if not password:
            raise TransportError(f"Umgebungsvariable {settings.certificate_password_env} ist nicht gesetzt "
                                 "(Kennwort des Zertifikatsschlüssels, [mail.graph] certificate_password_env)")
        credential["passphrase"] = password
    return credential


class TokenSource:
    """Bearer tokens for ``<graph host>/.default``; the msal app (and its discovery request) is made on first use."""

    def __init__(self, settings: GraphSettings, environ: Mapping[str, str], http: httpx.Client) -> None:
        self._settings = settings
        self._credential = load_credential(settings, environ)
        self._http = http
        self._app: msal.ConfidentialClientApplication | None = None
        origin = urlsplit(settings.graph_url)
        self.scope = f"{origin.scheme}://{origin.netloc}/.default"
        self.hint = credential_hint(settings)

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            authority = f"{self._settings.authority}/{self._settings.tenant_id}"
            try:
                # instance_discovery=False: the authority is the admin's explicit choice (other clouds, test
                # servers); msal still reads the tenant's OpenID metadata from it.
                self._app = msal.ConfidentialClientApplication(
                    self._settings.client_id, client_credential=self._credential, authority=authority,
                    http_client=_MsalHttp(self._http), instance_discovery=False, token_cache=msal.TokenCache())
            except httpx.HTTPError as e:
                raise http_failure(e, "Anmeldung (Mandanten-Metadaten)") from e
            except ValueError as e:  # unknown tenant, unreadable key, wrong authority
                raise TransportError(f"Anmeldung an Microsoft Entra ID nicht möglich: {e} – tenant_id und "
                                     "authority in [mail.graph] prüfen") from e
        return self._app

    def token(self) -> str:
        """A valid access token (cached by msal until five minutes before it expires)."""
        app = self._application()
        try:
            result = app.acquire_token_for_client(scopes=[self.scope])
        except httpx.HTTPError as e:
            raise http_failure(e, "Token holen") from e
        if "access_token" in result:
            return str(result["access_token"])
        error = str(result.get("error", "unbekannt"))
        detail = str(result.get("error_description", "")).split("\r\n")[0].split("\n")[0]
        if error in LOGIN_ERRORS:
            raise TransportError(f"Anmeldung an Microsoft Entra ID fehlgeschlagen (OAuth2 {error}: {detail}). "
                                 f"{self.hint}.")
        raise TemporaryTransportError(f"Token-Endpunkt vorübergehend nicht verfügbar (OAuth2 {error}: {detail})")

    def renew(self) -> str:
        """Forget the cached token (after a 401) and fetch a new one."""
        self._application().remove_tokens_for_client()
        return self.token()
