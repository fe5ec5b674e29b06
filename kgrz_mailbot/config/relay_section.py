"""``[mail.alert_relay]``: the SMTP relay for the admins' alerts, typed and checked; German, one problem per finding.

The relay is the admins' second way to hear of a problem when the mailbox itself is the problem (an expired
password, a revoked permission): an Exchange receive connector for this server, or the local Postfix.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kgrz_mailbot.config.addresses import is_address
from kgrz_mailbot.config.settings import AlertRelaySettings, Config

WHERE = "[mail.alert_relay]"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST = re.compile(rf"^(?=.{{1,253}}$){LABEL}(\.{LABEL})*$")

Add = Callable[[str, str], None]  # (where, German message)


def alert_relay(resolve: Callable[[str], Path], data: dict[str, Any], add: Add) -> AlertRelaySettings:
    """The typed settings; every value that cannot work is reported through ``add`` (a missing key or a wrong
    type is ``load``'s to report: the default stands in, so the other keys are still checked)."""
    data = {key: value for key, value in data.items() if _typed(key, value)}
    host = str(data.get("host", "localhost")).strip()
    if "://" in host or (":" in host and not _is_ip(host)):
        add(f"{WHERE} host", f"„{host}“: bitte nur den Rechnernamen angeben, ohne „smtp://“ und ohne Port "
            "(der Port steht in port), z. B. host = \"mail.koblenz.example\".")
    elif not (HOST.match(host) or _is_ip(host)):
        add(f"{WHERE} host", f"„{host}“ ist kein Rechnername. Bitte den Exchange-Server mit dem Empfangsconnector "
            "(z. B. \"mail.koblenz.example\") oder \"localhost\" für das lokale Postfix angeben.")
    port = data.get("port", AlertRelaySettings.port)
    if port == 465:
        add(f"{WHERE} port", "465 (SMTPS, TLS ab dem ersten Byte) wird nicht unterstützt. Bitte 25 oder 587 mit "
            "starttls = true verwenden.")
    elif not 1 <= port <= 65535:
        add(f"{WHERE} port", f"{port} ist kein TCP-Port. Üblich: 25 (Empfangsconnector, Postfix) oder 587.")
    starttls = data.get("starttls", AlertRelaySettings.starttls)
    user_env, password_env = data.get("username_env"), data.get("password_env")
    for key, name in (("username_env", user_env), ("password_env", password_env)):
        if name is not None and not ENV_NAME.match(name):
            add(f"{WHERE} {key}", f"„{name}“ ist kein Name einer Umgebungsvariable. Hier steht nur der Name (z. B. "
                "KGRZ_RELAY_PASSWORD), der Wert kommt in /etc/kgrz-mailbot/secrets.env.")
    if bool(user_env) != bool(password_env):
        add(WHERE, "username_env und password_env nur zusammen angeben (Anmeldung am Relay) oder beide weglassen "
            "(Relay nimmt Mails dieses Servers ohne Anmeldung an).")
    if user_env and not starttls and not _is_loopback(host):
        add(f"{WHERE} starttls", "ist false, aber eine Anmeldung ist eingetragen: Benutzername und Kennwort gingen "
            "unverschlüsselt über das Netz. Bitte starttls = true setzen.")
    if "ca_bundle" in data and not starttls:
        add(f"{WHERE} ca_bundle", "ist nur mit starttls = true sinnvoll.")
    sender = data.get("from")
    if sender is not None and not is_address(sender):
        add(f"{WHERE} from", f"„{sender}“ ist keine gültige E-Mail-Adresse. Ohne from gilt [mail] address.")
    timeout = data.get("timeout_seconds", AlertRelaySettings.timeout_seconds)
    if not 1 <= timeout <= 600:
        add(f"{WHERE} timeout_seconds", f"muss zwischen 1 und 600 liegen (eingetragen: {timeout}); Standard ist "
            f"{AlertRelaySettings.timeout_seconds}.")
    return AlertRelaySettings(host=host, port=port, starttls=starttls, username_env=user_env,
                              password_env=password_env, sender=sender.lower() if sender else None,
                              ca_bundle=resolve(data["ca_bundle"]) if "ca_bundle" in data else None,
                              timeout_seconds=timeout)


def relay_problems(config: Config, environ: Mapping[str, str]) -> list[str]:
    """What ``check`` finds beyond the file: the variables it names are set, the CA file is a PEM certificate."""
    relay = config.mail.alert_relay
    if relay is None:
        return []
    where = f"settings.toml, {WHERE}"
    problems = [f"{where} {key}: Umgebungsvariable {name} ist nicht gesetzt (sie soll {what} für das SMTP-Relay "
                "enthalten). Bitte in /etc/kgrz-mailbot/secrets.env eintragen (EnvironmentFile= der systemd-Unit)."
                for key, name, what in (("username_env", relay.username_env, "den Benutzernamen"),
                                        ("password_env", relay.password_env, "das Kennwort"))
                if name and not environ.get(name)]
    if relay.ca_bundle is not None:
        try:
            pem = relay.ca_bundle.read_bytes()
        except OSError as exc:
            problems.append(f"{where} ca_bundle: {relay.ca_bundle} nicht lesbar ({exc.strerror}). Bitte die "
                            "Zertifikatskette der internen CA als PEM-Datei dort ablegen, lesbar für das Dienstkonto.")
        else:
            if b"-----BEGIN CERTIFICATE-----" not in pem:
                problems.append(f"{where} ca_bundle: {relay.ca_bundle} enthält kein Zertifikat im PEM-Format.")
    if not config.mail.admin_to:
        problems.append(f"{where}: ist eingetragen, aber [mail] admin_to nicht; ohne Empfänger geht auch über das "
                        "Relay keine Warnmail hinaus. Bitte admin_to = [\"it-betrieb@koblenz.example\"] ergänzen.")
    return problems


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _typed(key: str, value: Any) -> bool:
    if key in ("port", "timeout_seconds"):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, bool) if key == "starttls" else isinstance(value, str)
