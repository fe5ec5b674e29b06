"""Transport failures, split into temporary (retry next tick) and permanent (operator must act)."""

from __future__ import annotations

from collections.abc import Mapping

from kgrz_mailbot.errors import MailbotError


class TransportError(MailbotError):
    """The mail server refused or cannot be used as configured; retrying unchanged will not help.

    The message is German and names what the operator has to check (variable, setting, folder).
    ``unanswered``: no answer came back (a timeout, a connection lost after the request went out), so the
    server may still be carrying the request out; the outbox then waits before it asks what was sent.
    """

    unanswered: bool = False


class TemporaryTransportError(TransportError):
    """The mail server is busy, unreachable or failing right now; the same call may succeed on the next tick."""


def secret_from_env(environ: Mapping[str, str], name: str | None, what: str) -> str:
    """A secret from the environment variable the config names; secrets never stand in config files."""
    if not name:
        raise TransportError(f"Für den Exchange-Zugang fehlt die Einstellung, welche Umgebungsvariable {what} "
                             "enthält ([mail.exchange])")
    value = environ.get(name)
    if not value:
        raise TransportError(f"Umgebungsvariable {name} ist nicht gesetzt ({what} für den Exchange-Zugang)")
    return value
