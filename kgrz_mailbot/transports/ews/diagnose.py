"""``check --connect`` on Exchange: probe login, inbox, folders and the right to send, one German line per step."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from exchangelib import Account, Message
from exchangelib import errors as ews_errors
from exchangelib.properties import Mailbox as EwsMailbox

from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.ews.faults import NO_MAILBOX, mapped, reason

if TYPE_CHECKING:
    from kgrz_mailbot.transports.ews.transport import ExchangeMailbox

Result = tuple[bool, str]


def diagnose(box: ExchangeMailbox, account: Account, settings: ExchangeSettings, address: str,
             auth_hint: str) -> list[Result]:
    """Probe what the bot needs, in German, one ``(ok, text)`` per step; stops when the mailbox is closed.

    Steps: login (GetFolder inbox), inbox readable (FindItem), processed and failed folders (found or
    created, as the first poll would), and write access for sending: a SaveOnly draft in Drafts, deleted
    at once. Nothing is sent; SendAs is only checked by Exchange at submission (see docs/exchange.md).
    """
    results: list[Result] = []

    def step(label: str, probe: Callable[[], str | None]) -> TransportError | None:
        try:
            with mapped(label, auth_hint):
                detail = probe()
        except TransportError as e:
            results.append((False, f"{label} fehlgeschlagen: {reason(e, auth_hint, address)}"))
            return e
        results.append((True, f"{label}: in Ordnung" + (f" ({detail})" if detail else "")))
        return None

    def login() -> str:
        account.inbox  # noqa: B018 - GetFolder: the first authenticated round trip
        return f"{settings.endpoint}, Anmeldeart {settings.auth}"

    failed = step("Anmeldung am Exchange-Server", login)
    if failed is not None:
        if type(failed.__cause__).__name__ in NO_MAILBOX:  # logged in, but the mailbox is closed to us
            results[-1:] = [(True, "Anmeldung am Exchange-Server: in Ordnung"),
                            (False, f"Zugriff auf das Postfach {address} fehlgeschlagen: "
                                    f"{reason(failed, auth_hint, address)}")]
        return results
    step("Posteingang lesbar", lambda: _probe_inbox(account))
    for disposition in (Disposition.PROCESSED, Disposition.FAILED):
        name = box.folder_name(disposition)
        step(f"Ordner „{name}“ im Posteingang", lambda d=disposition, n=name: _probe_folder(box, account, d, n))
    step("Schreibrecht zum Senden (Probe-Entwurf in „Entwürfe“ angelegt und gelöscht, nichts versendet)",
         lambda: _probe_draft(account, address))
    return results


def _probe_inbox(account: Account) -> str:
    inbox = account.inbox
    list(inbox.all().order_by("datetime_received").values_list("id")[:1])  # FindItem really reads
    return f"{inbox.total_count or 0} Nachrichten im Posteingang"


def _probe_folder(box: ExchangeMailbox, account: Account, disposition: Disposition, name: str) -> str:
    with suppress(ews_errors.ErrorFolderNotFound):
        account.inbox // name
        box.folder(disposition)
        return "vorhanden"
    box.folder(disposition)
    return "neu angelegt"


def _probe_draft(account: Account, address: str) -> None:
    draft = Message(account=account, folder=account.drafts, subject="kgrz-mailbot: Verbindungstest",
                    body="Automatischer Test von kgrz-mailbot check --connect; wird sofort gelöscht.",
                    to_recipients=[EwsMailbox(email_address=address)])
    draft.save()
    draft.delete()
