"""``check --connect`` and the Exchange part of ``check``: what works with the configured mailbox, in German."""

from __future__ import annotations

import ipaddress
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from kgrz_mailbot.config.settings import Config, ExchangeSettings
from kgrz_mailbot.transports.errors import TransportError

Result = tuple[bool, str]
WHERE = "settings.toml, [mail.exchange]"
#: prefix of problems that ``check`` should print without failing (exit status stays 0)
WARNING = "Warnung: "


def check_connection(config: Config, environ: Mapping[str, str]) -> list[Result]:
    """Open the configured mailbox and report each step; never raises for a mail-server problem."""
    if config.mail.transport == "exchange":
        assert config.mail.exchange is not None  # load_config rejects transport = "exchange" without the section
        return _check_exchange(config.mail.exchange, config.mail.address, environ)
    return _check_maildir(config.mail.maildir_path)


def _check_exchange(settings: ExchangeSettings, address: str, environ: Mapping[str, str]) -> list[Result]:
    from kgrz_mailbot.transports.ews.transport import ExchangeMailbox  # noqa: PLC0415 - EWS stack only when needed

    try:
        box = ExchangeMailbox(settings, address, environ)
    except TransportError as e:  # missing variable, missing CA file, unknown auth/version
        return [(False, f"Anmeldung am Exchange-Server nicht möglich: {e}")]
    try:
        return box.diagnose()
    finally:
        box.close()


def _check_maildir(root: Path) -> list[Result]:
    """Each Maildir the bot uses exists (or can be created on first start) and accepts a file."""
    return [_maildir_writable(root / name, label) for name, label in
            (("inbox", "Posteingang"), ("sent", "Gesendet"), ("failed", "Fehlgeschlagen"))]


def _maildir_writable(folder: Path, label: str) -> Result:
    what = f"Maildir {label} ({folder})"
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is not None and _can_write(parent):
            return True, f"{what}: fehlt noch, wird beim ersten Start angelegt"
        return False, (f"{what} fehlt und kann nicht angelegt werden: Verzeichnis anlegen und dem Dienstkonto "
                       "Schreibrecht geben")
    missing = [sub for sub in ("tmp", "new", "cur") if not (folder / sub).is_dir()]
    if missing:
        return False, (f"{what} unvollständig: Unterverzeichnis {', '.join(missing)} fehlt "
                       "(ein Maildir braucht tmp/, new/ und cur/)")
    if not _can_write(folder / "tmp"):
        return False, f"{what} nicht beschreibbar: Schreibrecht für das Dienstkonto auf {folder} vergeben"
    return True, f"{what}: in Ordnung"


def _can_write(directory: Path) -> bool:
    # a real write: os.access() is wrong for root and on network file systems
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".kgrz-check-"):
            return True
    except OSError:
        return False


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


__all__ = ["WARNING", "check_connection", "exchange_problems"]
