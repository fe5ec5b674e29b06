"""Sending exactly once through Graph: our MIME becomes a draft whose immutable id is recorded, then that draft is sent.

Why not one ``sendMail`` call: it answers 202 without any id, and whether Exchange Online keeps our own
Message-ID on a MIME send is not documented, so after a crash nothing could find the mail again. Microsoft
documents the draft route for exactly this ("Immutable ID with sending mail"): a draft created with
``Prefer: IdType="ImmutableId"`` keeps its id when Exchange moves it from Drafts to Sent Items. So the id is the
marker that survives: it is recorded (``record``) before ``/send``; ``was_sent`` asks that very item (still a draft
→ not sent, and sending that same draft again can never make a second mail; sent → sent; gone → cannot tell).
The Message-ID the recipients saw is read back from the sent copy (``sent_message_ids``) for reply matching.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from urllib.parse import quote

from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.graph.client import GraphClient, query
from kgrz_mailbot.transports.graph.faults import NO_MAILBOX_CODES, SEND, Answer
from kgrz_mailbot.transports.shared import GRAPH_BATCH, chunks

log = logging.getLogger("kgrz_mailbot.transport")

MAX_REQUEST = 4 * 1024 * 1024  # Graph's limit for one request (Outlook): the base64 MIME must fit
BATCH_BODY = 3 * 1024 * 1024  # drafts per $batch stay well below it together
#: ``(message_id, draft id, internetMessageId Exchange gave the draft)`` handed to ``record`` before sending
Record = Callable[[list[tuple[str, str, str | None]]], None]
Message = tuple[bytes, str, Sequence[str]]


def item(ref: str) -> str:
    return quote(ref, safe="=-_")


def with_envelope(raw: bytes, message_id: str, recipients: Sequence[str]) -> bytes:
    """Our MIME, plus a ``Bcc:`` line for recipients not named in To/Cc/Bcc (Exchange sends to the headers)."""
    head = BytesHeaderParser(policy=compat32).parsebytes(raw)
    if str(head.get("Message-ID", "")).strip() != message_id.strip():
        raise ValueError(f"Message-ID header of the MIME is not {message_id}")
    named = {a.lower() for _, a in getaddresses([str(v) for h in ("To", "Cc", "Bcc") for v in head.get_all(h, [])])}
    extra = [r for r in dict.fromkeys(recipients) if r.lower() not in named]
    if not extra:
        return raw
    eol = b"\r\n" if b"\r\n" in raw[:2000] else b"\n"
    return b"Bcc: " + ", ".join(extra).encode("ascii", "replace") + eol + raw


class Sender:
    """The sending half of the Graph mailbox."""

    def __init__(self, client: GraphClient) -> None:
        self._client = client
        self._me = client.mailbox
        self._mime_in_batch = True  # False once Graph has shown it decodes text bodies inside $batch
        self._outbox: str | None = None

    def send_many(self, messages: Sequence[Message], refs: dict[str, str],
                  record: Record | None) -> list[Exception | None]:
        """Stage what has no draft yet, record the drafts, send them; one entry per message (None = accepted)."""
        results: list[Exception | None] = [None] * len(messages)
        drafts = {n: refs[mid] for n, (_, mid, _) in enumerate(messages) if mid in refs}
        fresh = [n for n in range(len(messages)) if n not in drafts]
        staged = self._stage(messages, fresh, results)
        if staged and record is not None:
            record([(messages[n][1], ref, server_id) for n, (ref, server_id) in staged.items()])
        drafts |= {n: ref for n, (ref, _) in staged.items()}
        ready = [n for n in range(len(messages)) if results[n] is None and n in drafts]
        for chunk in chunks(ready, GRAPH_BATCH):
            answers = self._client.batch([{"id": str(n), "method": "POST", "url": f"{self._me}/messages/"
                                           f"{item(drafts[n])}/send"} for n in chunk], what="Nachrichten senden",
                                         role=SEND)
            for n in chunk:
                answer = answers[str(n)]
                if not answer.ok:
                    log.warning("Graph hat den Versand von %s abgelehnt: HTTP %s %s", messages[n][1], answer.status,
                                answer.code)
                    results[n] = self._client.failure(answer, f"Senden von {messages[n][1]}", SEND)
        return results

    def _stage(self, messages: Sequence[Message], indexes: list[int],
               results: list[Exception | None]) -> dict[int, tuple[str, str | None]]:
        """Create a draft from each message's MIME; the draft's id and internetMessageId per message index."""
        bodies: dict[int, str] = {}
        for n in indexes:
            raw, mid, recipients = messages[n]
            body = base64.b64encode(with_envelope(raw, mid, recipients))
            if len(body) > MAX_REQUEST - 4096:
                results[n] = TransportError(
                    f"Die Nachricht {mid} ist zu groß für Microsoft Graph ({len(raw) / 1e6:.1f} MB, als Base64 "
                    f"{len(body) / 1e6:.1f} MB; höchstens 4 MB je Anfrage, also etwa 3 MB Mail mit Anhängen). Sie "
                    "wird nicht versandt und bleibt im Postausgang; bitte den Anhang verkleinern.")
                continue
            bodies[n] = body.decode("ascii")
        staged: dict[int, tuple[str, str | None]] = {}
        single = [n for n in bodies if len(bodies[n]) > BATCH_BODY or not self._mime_in_batch]
        for group in _packs([n for n in bodies if n not in single], bodies):
            answers = self._client.batch([{"id": str(n), "method": "POST", "url": f"{self._me}/messages",
                                           "headers": {"Content-Type": "text/plain"}, "body": bodies[n]}
                                          for n in group], what="Entwürfe anlegen")
            for n in group:
                answer = answers[str(n)]
                if answer.status == 400 and answer.code == "ErrorMimeContentInvalidBase64String":
                    self._mime_in_batch = False  # this Graph decodes text bodies in $batch: one request each
                    single.append(n)
                else:
                    self._settle_draft(n, answer, messages, results, staged)
        for n in single:
            answer = self._client.call("POST", f"{self._me}/messages", content=bodies[n].encode("ascii"),
                                       headers={"Content-Type": "text/plain"}, what="Entwurf anlegen")
            self._settle_draft(n, answer, messages, results, staged)
        return staged

    def _settle_draft(self, n: int, answer: Answer, messages: Sequence[Message], results: list[Exception | None],
                      staged: dict[int, tuple[str, str | None]]) -> None:
        if answer.ok and isinstance(answer.body, dict) and answer.body.get("id"):
            staged[n] = (str(answer.body["id"]), answer.body.get("internetMessageId"))
        else:
            log.warning("Graph hat den Entwurf von %s abgelehnt: HTTP %s %s", messages[n][1], answer.status,
                        answer.code)
            results[n] = self._client.failure(answer, f"Entwurf für {messages[n][1]} anlegen")

    def was_sent(self, message_id: str, ref: str | None) -> bool | None:
        """Sent, not sent, or ``None`` when the draft recorded for it is gone and nobody can tell."""
        if ref is None:
            # Never staged by us (sends happen only after the draft id is recorded); an EWS-era send keeps
            # our Message-ID, so Sent Items is asked for it.
            url = f"{self._me}/mailFolders/sentitems/messages" + query(
                filter=f"internetMessageId eq '{message_id.replace(chr(39), chr(39) * 2)}'", select="id", top=1)
            answer = self._client.get(url, what="Gesendete Elemente durchsuchen")
            return bool(answer.body.get("value"))
        answer = self._client.call("GET", f"{self._me}/messages/{item(ref)}" + query(select="isDraft,parentFolderId"),
                                   what="Entwurf prüfen")
        if answer.status in (400, 404) and answer.code not in NO_MAILBOX_CODES:
            return None
        if not answer.ok:
            raise self._client.failure(answer, "Entwurf prüfen")
        if answer.body.get("isDraft") is False or answer.body.get("parentFolderId") == self._outbox_id():
            return True
        return False

    def _outbox_id(self) -> str:
        if self._outbox is None:
            answer = self._client.get(f"{self._me}/mailFolders/outbox" + query(select="id"), what="Postausgang finden")
            self._outbox = str(answer.body["id"])
        return self._outbox

    def sent_message_ids(self, refs: Sequence[str]) -> dict[str, str | None]:
        """The internetMessageId of each sent copy found; None for a draft that no longer exists."""
        found: dict[str, str | None] = {}
        for chunk in chunks(list(refs), GRAPH_BATCH):
            answers = self._client.batch([{"id": str(n), "method": "GET", "url": f"{self._me}/messages/{item(ref)}"
                                           + query(select="isDraft,internetMessageId")}
                                          for n, ref in enumerate(chunk)], what="Gesendete Kopien lesen")
            for n, ref in enumerate(chunk):
                answer = answers[str(n)]
                if answer.ok and answer.body.get("isDraft") is False:
                    found[ref] = answer.body.get("internetMessageId")
                elif answer.status == 404:
                    found[ref] = None
        return found



def _packs(indexes: list[int], bodies: dict[int, str]) -> list[list[int]]:
    """Groups of at most 20 drafts whose bodies together stay under BATCH_BODY."""
    packs: list[list[int]] = []
    size = 0
    for n in indexes:
        if not packs or len(packs[-1]) >= GRAPH_BATCH or size + len(bodies[n]) > BATCH_BODY:
            packs.append([])
            size = 0
        packs[-1].append(n)
        size += len(bodies[n])
    return packs
