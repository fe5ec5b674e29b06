"""The Graph part of ``check``: what ``[mail.graph]`` needs beyond TOML (secret variable, certificate, CA file)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kgrz_mailbot.config.settings import Config, GraphSettings
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.graph.auth import load_credential

WHERE = "settings.toml, [mail.graph]"
WARNING = "Warnung: "
EXPIRY_WARNING = timedelta(days=30)


def graph_problems(config: Config, environ: Mapping[str, str], now: datetime | None = None) -> list[str]:
    """German problems of ``[mail.graph]``; empty unless transport = "graph". ``WARNING`` entries are advice."""
    settings = config.mail.graph
    if config.mail.transport != "graph" or settings is None:
        return []
    problems: list[str] = []
    if settings.certificate is None:
        name = settings.client_secret_env
        if name and not environ.get(name):
            problems.append(f"{WHERE} client_secret_env: Umgebungsvariable {name} ist nicht gesetzt (sie soll das "
                            "Client-Geheimnis der App enthalten). Bitte vor dem Start setzen, z. B. über "
                            "EnvironmentFile= in der systemd-Unit; besser: ein Zertifikat (certificate).")
    else:
        problems += _certificate_problems(settings, environ, now)
    if settings.ca_bundle is not None:
        path = Path(settings.ca_bundle)
        if not path.is_file():
            problems.append(f"{WHERE} ca_bundle: Datei {path} nicht gefunden. Bitte die Zertifikatskette (PEM) dort "
                            "ablegen oder ca_bundle entfernen, wenn kein TLS-Proxy dazwischen steht.")
        elif b"-----BEGIN CERTIFICATE-----" not in path.read_bytes():
            problems.append(f"{WHERE} ca_bundle: {path} enthält kein Zertifikat im PEM-Format.")
    return problems


def _certificate_problems(settings: GraphSettings, environ: Mapping[str, str], now: datetime | None) -> list[str]:
    path = Path(settings.certificate or "")
    if not path.is_file():
        return [f"{WHERE} certificate: Datei {path} nicht gefunden. Bitte die PEM-Datei mit privatem Schlüssel und "
                "Zertifikat dort ablegen (nur für das Dienstkonto lesbar, chmod 600)."]
    try:
        credential = load_credential(settings, environ)
    except TransportError as e:
        return [f"{WHERE} certificate: {e}"]
    assert isinstance(credential, dict)
    problems = []
    password = credential.get("passphrase")
    try:
        serialization.load_pem_private_key(credential["private_key"].encode(), password.encode() if password else None)
    except (ValueError, TypeError) as e:
        problems.append(f"{WHERE} certificate: der private Schlüssel in {path} lässt sich nicht lesen ({e}); "
                        "verschlüsselt? Dann certificate_password_env setzen.")
    cert = x509.load_pem_x509_certificate(credential["public_certificate"].encode())
    left = cert.not_valid_after_utc - (now or datetime.now(UTC))
    if left <= timedelta(0):
        problems.append(f"{WHERE} certificate: das Zertifikat in {path} ist am {cert.not_valid_after_utc:%d.%m.%Y} "
                        "abgelaufen. Bitte ein neues erzeugen und in der App-Registrierung hochladen.")
    elif left < EXPIRY_WARNING:
        problems.append(f"{WARNING}{WHERE} certificate: das Zertifikat in {path} läuft am "
                        f"{cert.not_valid_after_utc:%d.%m.%Y} ab. Rechtzeitig ein neues hochladen.")
    return problems
