"""Transport failures, split into temporary (retry next tick) and permanent (operator must act)."""

from __future__ import annotations

from kgrz_mailbot.errors import MailbotError


class TransportError(MailbotError):
    """The mail server refused or cannot be used as configured; retrying unchanged will not help.

    The message is German and names what the operator has to check (variable, setting, folder).
    """


class TemporaryTransportError(TransportError):
    """The mail server is busy, unreachable or failing right now; the same call may succeed on the next tick."""
