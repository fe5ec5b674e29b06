"""The one module that speaks SMTP: alerts through ``[mail.alert_relay]`` and its ``check --connect`` probe.

Why the standard library's ``smtplib`` and no third-party client: the relay is one short conversation (EHLO,
STARTTLS, AUTH, MAIL/RCPT/DATA) with a server inside the network, a few times a day at most. smtplib does exactly
that, verifies the certificate through ``ssl`` and needs nothing installed; aiosmtplib would bring an event loop
for nothing, and another dependency would be one more thing that can break on the day the mailbox breaks.
Every failure becomes a ``RelayError`` with a German text naming the relay, what it said and what to check.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kgrz_mailbot.config.settings import AlertRelaySettings

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.alerts")
Result = tuple[bool, str]
HINT = ("Mit einem SMTP-Relay für Warnmails ([mail.alert_relay] in settings.toml, siehe README) hätten die "
        "Administratoren trotzdem davon erfahren.")


class RelayError(Exception):
    """The relay did not take the mail; the message is German and says what to check."""


def by_relay(app: App, raw: bytes, recipients: list[str], what: str, why: str) -> str | None:
    """Send ``raw`` through the relay, with a journal line either way; None when it was taken, else the reason."""
    mail = app.config.mail
    relay = mail.alert_relay
    assert relay is not None
    try:
        send_through_relay(relay, raw, recipients, relay.sender or mail.address, os.environ)
    except RelayError as exc:
        log.error("%s an %s nicht zustellbar – weder über das Postfach (%s, %s: %s) noch über das SMTP-Relay: %s. "
                  "Bitte direkt prüfen; „kgrz-mailbot status“ zeigt die offenen Probleme, „kgrz-mailbot check "
                  "--connect“ beide Wege.", what, ", ".join(recipients), mail.transport, mail.address, why, exc)
        return str(exc)
    log.warning("%s an %s über das SMTP-Relay %s gesendet, weil das Postfach sie nicht annahm (%s: %s).", what,
                ", ".join(recipients), relay.where, mail.transport, why)
    return None


def send_through_relay(settings: AlertRelaySettings, raw: bytes, recipients: list[str], sender: str,
                       environ: Mapping[str, str]) -> None:  # fmt: skip
    """Hand the composed mail over unchanged (same headers, same Message-ID); raise ``RelayError`` if not taken."""
    with _conversation(settings, environ) as smtp:
        options = ["BODY=8BITMIME"] if not raw.isascii() and smtp.has_extn("8bitmime") else []
        try:
            refused = smtp.sendmail(sender, recipients, raw, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            said = "; ".join(f"{who}: {_said(code, text)}" for who, (code, text) in exc.recipients.items())
            raise RelayError(f"{_name(settings)} nimmt die Empfänger nicht an ({said}). Der Empfangsconnector "
                             "muss diesem Server erlauben, an diese Adressen weiterzuleiten.") from None
        except smtplib.SMTPSenderRefused as exc:
            said = _said(exc.smtp_code, exc.smtp_error)
            raise RelayError(f"{_name(settings)} lehnt den Absender {sender} ab ({said}). Absender mit from in "
                             "[mail.alert_relay] ändern oder am Relay erlauben.") from None
    if refused:  # some recipients taken, some not: the admins who were refused are named in the journal
        said = "; ".join(f"{who}: {_said(code, text)}" for who, (code, text) in refused.items())
        raise RelayError(f"{_name(settings)} nahm die Mail nur für einen Teil der Empfänger an (abgelehnt: {said}).")


def probe(settings: AlertRelaySettings, environ: Mapping[str, str]) -> list[Result]:
    """``check --connect``: connect, EHLO, STARTTLS, AUTH, NOOP, step by step; sends no mail and never raises."""
    steps: list[Result] = []
    try:
        with _conversation(settings, environ, lambda text: steps.append((True, text))) as smtp:
            code, text = smtp.noop()
            if code != 250:
                raise RelayError(f"{_name(settings)} antwortet auf NOOP mit {_said(code, text)}.")
    except RelayError as exc:
        return [*steps, (False, f"Warnmails über das SMTP-Relay nicht möglich: {exc}")]
    return [*steps, (True, f"SMTP-Relay {settings.where} bereit für Warnmails an die Administratoren "
                           "(keine Mail gesendet)")]


@contextmanager
def _conversation(settings: AlertRelaySettings, environ: Mapping[str, str],
                  step: Callable[[str], object] = lambda _: None) -> Iterator[smtplib.SMTP]:  # fmt: skip
    """An SMTP session after EHLO, STARTTLS and AUTH as configured; German ``RelayError`` for every failure."""
    name = _name(settings)
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    except socket.gaierror as exc:
        raise RelayError(f"{name}: Rechnername unbekannt ({exc.strerror}). host in [mail.alert_relay] prüfen.") \
            from None
    except (OSError, smtplib.SMTPException) as exc:
        raise RelayError(f"{name} nicht erreichbar ({_error(exc)}). Läuft der Dienst, ist der Port frei "
                         "(Firewall), stimmt port?") from None
    try:
        code, text = smtp.ehlo()
        if code != 250:
            raise RelayError(f"{name} lehnt EHLO ab ({_said(code, text)}).")
        step(f"SMTP-Relay {settings.where} erreichbar ({_said(code, text).split(chr(10))[0]})")
        if settings.starttls:
            _starttls(smtp, settings)
            step(f"STARTTLS ausgehandelt ({smtp.sock.version() if isinstance(smtp.sock, ssl.SSLSocket) else 'TLS'}"
                 "), Zertifikat geprüft")
        if settings.username_env and settings.password_env:
            user = _secret(environ, settings.username_env, "den Benutzernamen")
            smtp.login(user, _secret(environ, settings.password_env, "das Kennwort"))
            step(f"Anmeldung am SMTP-Relay als {user} erfolgreich")
        yield smtp
    except RelayError:
        smtp.close()
        raise
    except smtplib.SMTPAuthenticationError as exc:
        smtp.close()
        raise RelayError(f"{name} lehnt die Anmeldung ab ({_said(exc.smtp_code, exc.smtp_error)}). Benutzername "
                         f"und Kennwort in {settings.username_env}/{settings.password_env} prüfen.") from None
    except smtplib.SMTPNotSupportedError:
        smtp.close()
        raise RelayError(f"{name} bietet keine Anmeldung (AUTH) an. username_env und password_env weglassen, "
                         "wenn der Empfangsconnector diesen Server ohne Anmeldung annimmt.") from None
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()
        raise RelayError(f"{name}: {_error(exc)}") from None
    else:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()  # the mail was taken; a lost goodbye changes nothing


def _starttls(smtp: smtplib.SMTP, settings: AlertRelaySettings) -> None:
    if not smtp.has_extn("starttls"):
        raise RelayError(f"{_name(settings)} bietet kein STARTTLS an. Am Relay TLS einschalten; starttls = false "
                         "nur für ein Relay auf diesem Rechner (localhost).")
    cafile = str(settings.ca_bundle) if settings.ca_bundle else None
    try:
        context = ssl.create_default_context(cafile=cafile)
    except OSError as exc:
        raise RelayError(f"ca_bundle {cafile} nicht lesbar ({_error(exc)}).") from None
    try:
        smtp.starttls(context=context)
    except ssl.SSLCertVerificationError as exc:
        raise RelayError(f"{_name(settings)}: Zertifikat nicht vertrauenswürdig ({exc.verify_message}). Die "
                         "ausstellende interne CA als ca_bundle (PEM) in [mail.alert_relay] angeben; der Name im "
                         "Zertifikat muss host entsprechen.") from None
    code, text = smtp.ehlo()
    if code != 250:
        raise RelayError(f"{_name(settings)} lehnt EHLO nach STARTTLS ab ({_said(code, text)}).")


def _secret(environ: Mapping[str, str], name: str, what: str) -> str:
    value = environ.get(name)
    if not value:
        raise RelayError(f"Umgebungsvariable {name} ist nicht gesetzt ({what} für das SMTP-Relay). In "
                         "/etc/kgrz-mailbot/secrets.env eintragen.")
    return value


def _name(settings: AlertRelaySettings) -> str:
    return f"SMTP-Relay {settings.where}"


def _said(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {words}".strip()


def _error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"Antwort {_said(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, TimeoutError):
        return "keine Antwort innerhalb von timeout_seconds"
    if isinstance(exc, ConnectionRefusedError):
        return "Verbindung abgelehnt"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"Verbindung vom Relay beendet ({exc})" if str(exc) else "Verbindung vom Relay beendet"
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).split("\n")[0][:300]
