"""The tick under watch: a failure becomes a problem for a person, a success resolves it, then the review."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from kgrz_mailbot.alerts.api import report_problem, resolve_problem
from kgrz_mailbot.alerts.detect import detect
from kgrz_mailbot.alerts.notify import notify
from kgrz_mailbot.jobs.tick import TickResult, tick
from kgrz_mailbot.transports.errors import TemporaryTransportError, TransportError

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.alerts")


def watched_tick(app: App) -> TickResult:
    """``tick`` as ``run`` and the ``tick`` command do it: failures are recorded, problems reviewed, mails sent.

    A permanent transport error (login refused, permission revoked, mailbox missing: the German
    ``TransportError`` of any transport) is the problem "mailbox cannot be opened" at once; anything else,
    including a mail server that is only unreachable, becomes a problem after repeated failed ticks.
    """
    try:
        result = tick(app)
    except Exception as exc:
        _guarded(_after_failure, app, exc)
        raise
    if not result.skipped:  # another instance ticked: it reviews as well
        _guarded(_after_success, app)
    return result


def review(app: App) -> list[str]:
    """Read problems off the database and mail the admins what they should hear now."""
    detect(app)
    return notify(app)


def _after_failure(app: App, exc: Exception) -> None:
    transport = isinstance(exc, TransportError)
    if transport and not isinstance(exc, TemporaryTransportError):
        report_problem(app, "mailbox", str(exc), transport=True)
    else:
        text = str(exc) if transport else f"Unerwarteter Fehler ({type(exc).__name__}: {exc}); Einzelheiten im Journal."
        report_problem(app, "tick", text[:2000], transport=transport)
    review(app)


def _after_success(app: App) -> None:
    resolve_problem(app, "mailbox")
    resolve_problem(app, "tick")
    review(app)


def _guarded(step: Callable[..., None], *args: object) -> None:
    """Watching must never break the tick it watches (the database itself may be what fails)."""
    try:
        step(*args)
    except Exception:
        log.exception("Prüfung auf Störungen fehlgeschlagen")
