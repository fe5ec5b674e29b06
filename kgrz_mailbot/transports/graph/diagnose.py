"""``check --connect`` on Exchange Online: token, mailbox, folders, the rights to read, move and send; one German
line per step, OK or what to fix. Nothing is mailed to anyone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kgrz_mailbot.config.settings import GraphSettings
from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.graph.client import query
from kgrz_mailbot.transports.graph.faults import SEND
from kgrz_mailbot.transports.graph.sending import item

if TYPE_CHECKING:
    from kgrz_mailbot.transports.graph.transport import GraphMailbox

Result = tuple[bool, str]
PROBE_SUBJECT = "kgrz-mailbot: Verbindungstest (wird sofort gelöscht)"


def diagnose(box: GraphMailbox, settings: GraphSettings, address: str) -> list[Result]:
    """Probe what the bot needs, in order; stops after a failed token or mailbox step (the rest would only fail).

    Sending is probed without mailing anyone: a draft without recipients is submitted. Exchange Online checks
    the Mail.Send right first and then refuses the empty draft (ErrorInvalidRecipients); a 403 means the right
    is missing. The probe draft is deleted afterwards.
    """
    client, me = box.client, box.client.mailbox
    results: list[Result] = []

    def step(label: str, probe: Callable[[], str | None]) -> bool:
        try:
            detail = probe()
        except TransportError as e:
            results.append((False, f"{label} fehlgeschlagen: {e}"))
            return False
        results.append((True, f"{label}: in Ordnung" + (f" ({detail})" if detail else "")))
        return True

    def token() -> str:
        client.tokens.token()
        how = (f"Zertifikat {settings.certificate}" if settings.certificate
               else f"Geheimnis aus {settings.client_secret_env}")
        return f"{settings.authority}/{settings.tenant_id}, App {settings.client_id}, {how}"

    def mailbox() -> str:
        body = client.get(f"{me}/mailFolders/inbox" + query(select="id,totalItemCount"), what="Posteingang öffnen").body
        return f"{body.get('totalItemCount', 0)} Nachrichten im Posteingang"

    def readable() -> None:
        client.get(f"{me}/mailFolders/inbox/messages" + query(select="id", top=1), what="Posteingang lesen")

    if not step("Anmeldung bei Microsoft Entra ID (Token)", token):
        return results
    if not step(f"Zugriff auf das Postfach {address}", mailbox):
        return results
    step("Posteingang lesbar (Application Mail.ReadWrite)", readable)
    for disposition in (Disposition.PROCESSED, Disposition.FAILED):
        name = box.folder_name(disposition)
        step(f"Ordner „{name}“ im Posteingang", lambda n=name: "neu angelegt" if box.find_or_create(n)[1]
             else "vorhanden")
    draft: list[str] = []

    def write() -> None:
        answer = client.call("POST", f"{me}/messages", json={"subject": PROBE_SUBJECT, "body": {
            "contentType": "Text", "content": "Automatischer Test von kgrz-mailbot check --connect."}},
            what="Probe-Entwurf anlegen")
        if not answer.ok:
            raise client.failure(answer, "Probe-Entwurf anlegen")
        draft.append(str(answer.body["id"]))
        moved = client.call("POST", f"{me}/messages/{item(draft[0])}/move", json={"destinationId": "deleteditems"},
                            what="Probe-Entwurf verschieben")
        if not moved.ok:
            raise client.failure(moved, "Probe-Entwurf verschieben")
        back = client.call("POST", f"{me}/messages/{item(draft[0])}/move", json={"destinationId": "drafts"},
                           what="Probe-Entwurf verschieben")
        if not back.ok:
            raise client.failure(back, "Probe-Entwurf verschieben")

    def send() -> str:
        answer = client.call("POST", f"{me}/messages/{item(draft[0])}/send", what="Senden (Probe)")
        if answer.status == 403:
            raise client.failure(answer, "Senden", SEND)
        if answer.ok:  # cannot happen for a draft without recipients; say so rather than pretend
            return "Probe wurde angenommen, obwohl sie keine Empfänger hat"
        if answer.code != "ErrorInvalidRecipients":
            raise client.failure(answer, "Senden (Probe)", SEND)
        return "Probe ohne Empfänger abgewiesen wie erwartet, nichts versendet"

    wrote = step("Schreiben und Verschieben (Probe-Entwurf angelegt und verschoben)", write)
    if wrote:
        step("Senden erlaubt (Application Mail.Send)", send)
    if draft:
        step("Probe-Entwurf gelöscht", lambda: _delete(box, draft[0]))
    return results


def _delete(box: GraphMailbox, ref: str) -> None:
    answer = box.client.call("DELETE", f"{box.client.mailbox}/messages/{item(ref)}", what="Probe-Entwurf löschen")
    if not answer.ok and answer.status != 404:
        raise box.client.failure(answer, "Probe-Entwurf löschen")
