"""Opening the EWS account: credentials from the environment, TLS bundle, version, retry policy, no autodiscover."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

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
    Identity,
    OAuth2Credentials,
    Version,
)
from exchangelib.protocol import BaseProtocol, Protocol
from exchangelib.version import EXCHANGE_O365

from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.errors import secret_from_env as _env
from kgrz_mailbot.transports.ews.faults import RetryPolicy
from kgrz_mailbot.transports.ews.tls import CABundleAdapter, register_bundle

VERSIONS: dict[str, Build] = {
    "2013": Build(15, 0),
    "2016": Build(15, 1),
    "2019": Build(15, 2),
    "o365": EXCHANGE_O365,
}


class _TokenUrlOAuth2Credentials(OAuth2Credentials):
    """Client-credentials grant against an explicit token endpoint (on-prem AD FS, sovereign clouds, tests)."""

    def __init__(self, *args: Any, token_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token_url = token_url

    @property
    def token_url(self) -> str:
        return self._token_url


def auth_hint(settings: ExchangeSettings) -> str:
    """Where an admin fixes a refused login."""
    if settings.auth == "oauth2":
        return f"Client-ID/Geheimnis in {settings.client_secret_env} prüfen"
    return f"Benutzername/Kennwort in {settings.username_env}/{settings.password_env} prüfen"


def open_account(settings: ExchangeSettings, address: str, environ: Mapping[str, str],
                 token_url: str | None) -> Account:
    """The service mailbox as an exchangelib Account; German TransportError for anything misconfigured."""
    credentials, auth_type, access_type = _credentials(settings, address, environ, token_url)
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
        retry_policy=RetryPolicy(max_wait=settings.max_wait_seconds),
        max_connections=1,
    )
    # Protocol objects are cached per (endpoint, credentials); drop a stale one so OUR retry policy,
    # version and timeout apply rather than those of an earlier instance in this process.
    with suppress(KeyError):
        del Protocol[config]
    account = Account(address, config=config, autodiscover=False, access_type=access_type,
                      default_timezone=EWSTimeZone("Europe/Berlin"), locale="de_DE")
    account.protocol.TIMEOUT = settings.timeout_seconds  # instance attribute; class default is 120 s
    return account


def close_account(account: Account) -> None:
    """Close the pooled HTTP sessions and forget the cached protocol."""
    protocol = account.protocol
    protocol.close()
    with suppress(KeyError):
        del Protocol[protocol.config]


def _credentials(s: ExchangeSettings, address: str, environ: Mapping[str, str],
                 token_url: str | None) -> tuple[Any, str, str]:
    if s.auth in ("ntlm", "basic"):
        creds = Credentials(_env(environ, s.username_env, "den Benutzernamen"),
                            _env(environ, s.password_env, "das Kennwort"))
        return creds, (NTLM if s.auth == "ntlm" else BASIC), DELEGATE
    if s.auth == "oauth2":
        if not s.client_id:
            raise TransportError("Für auth = \"oauth2\" fehlt client_id in [mail.exchange]")
        secret = _env(environ, s.client_secret_env, "das Client-Geheimnis")
        # App-only tokens carry no mailbox: exchangelib sends ExchangeImpersonation for this identity.
        identity = Identity(primary_smtp_address=address)
        kwargs = dict(client_id=s.client_id, client_secret=secret, tenant_id=s.tenant_id, identity=identity)
        creds = (_TokenUrlOAuth2Credentials(token_url=token_url, **kwargs) if token_url
                 else OAuth2Credentials(**kwargs))
        return creds, OAUTH2, IMPERSONATION
    raise TransportError(f"Unbekannte Anmeldeart {s.auth!r} in [mail.exchange] auth "
                         "(erlaubt: ntlm, basic, oauth2)")


def _register_ca_bundle(endpoint: str, bundle: Path) -> None:
    if not bundle.is_file():
        raise TransportError(f"CA-Zertifikatsdatei für Exchange nicht gefunden: {bundle} "
                             "([mail.exchange] ca_bundle prüfen)")
    base = endpoint.split("://", 1)[0] + "://" + endpoint.split("://", 1)[-1].split("/", 1)[0]
    register_bundle(base, bundle)  # base URL: the OAuth token endpoint may live on the same host
    BaseProtocol.HTTP_ADAPTER_CLS = CABundleAdapter
