"""The Exchange part of ``check``: what ``[mail.exchange]`` needs beyond valid TOML (variables, CA file, TLS)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from kgrz_mailbot.config.settings import Config, ExchangeSettings

WHERE = "settings.toml, [mail.exchange]"
#: prefix of problems that ``check`` should print without failing (exit status stays 0)
WARNING = "Warnung: "


def exchange_problems(config: Config, environ: Mapping[str, str]) -> list[str]:
    """German problems of ``[mail.exchange]`` beyond the TOML checks; empty unless transport = "exchange".

    Entries starting with ``WARNING`` are advice (plain HTTP to a real host), the rest are errors.
    """
    settings = config.mail.exchange
    if config.mail.transport != "exchange" or settings is None:
        return []
    problems = [*_env_problems(settings, environ), *_ca_problems(settings)]
    warning = _http_warning(settings.endpoint)
    return problems + ([warning] if warning else [])


def _env_problems(settings: ExchangeSettings, environ: Mapping[str, str]) -> list[str]:
    if settings.auth == "oauth2":
        wanted = [("client_secret_env", settings.client_secret_env, "das Client-Geheimnis")]
    else:
        wanted = [("username_env", settings.username_env, "den Benutzernamen (DOMÄNE\\konto)"),
                  ("password_env", settings.password_env, "das Kennwort")]
    problems = []
    for key, name, what in wanted:
        if not name:
            problems.append(f"{WHERE} {key}: fehlt; bitte den Namen der Umgebungsvariable angeben, die {what} enthält.")
        elif not environ.get(name):
            problems.append(f"{WHERE} {key}: Umgebungsvariable {name} ist nicht gesetzt (sie soll {what} enthalten). "
                            "Bitte vor dem Start setzen, z. B. über EnvironmentFile= in der systemd-Unit.")
    return problems


def _ca_problems(settings: ExchangeSettings) -> list[str]:
    if settings.ca_bundle is None:
        return []
    path = Path(settings.ca_bundle)
    if not path.is_file():
        return [f"{WHERE} ca_bundle: Datei {path} nicht gefunden. Bitte die Zertifikatskette der internen CA "
                "als PEM-Datei dort ablegen."]
    try:
        text = path.read_bytes()
    except OSError as e:
        return [f"{WHERE} ca_bundle: Datei {path} nicht lesbar ({e.strerror}). Leserecht für das Dienstkonto vergeben."]
    if b"-----BEGIN CERTIFICATE-----" not in text:
        return [f"{WHERE} ca_bundle: {path} enthält kein Zertifikat im PEM-Format "
                "(-----BEGIN CERTIFICATE-----). DER-Dateien mit openssl x509 -inform der -in … -out … umwandeln."]
    return []


def _http_warning(endpoint: str) -> str | None:
    parts = urlsplit(endpoint)
    if parts.scheme != "http" or _is_loopback(parts.hostname or ""):
        return None
    return (f"{WARNING}{WHERE} endpoint: {endpoint} verwendet http:// ohne TLS; Anmeldedaten und Mails gingen "
            "unverschlüsselt über das Netz. Für den Exchange-Server https:// verwenden (http:// nur für "
            "Testserver auf 127.0.0.1).")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
