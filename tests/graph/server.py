"""Protocol-level Microsoft Graph and Entra ID test server on 127.0.0.1 over HTTPS (certificate made per start).

Graph v1.0 mail endpoints (``routes.py``) with JSON ``$batch`` (at most 20, per-request status), bearer tokens
from its own OpenID/token endpoint (``identity.py``), permissions per mailbox as RBAC for Applications grants them,
the 4 MB request limit, at most 4 concurrent requests per mailbox, and injectable faults (429/503/504 with
Retry-After, 500, 401, 403, stalls, dropped connections). Every round trip is logged by operation.
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.ews.tls import make_server_context

from . import routes
from .identity import Identity
from .routes import Reply, error
from .store import Item, Mailbox, Sent
from .wire import Handler

#: "drop" closes the connection before the $batch is done, "lost" after it was done (the answer never arrives)
FAULT_KINDS = ("throttle", "unavailable", "gateway", "error500", "expired", "forbidden", "stall", "drop", "lost",
               "hold")
_ORG_HEADER = re.compile(rb"^x-ms-exchange-organization-", re.IGNORECASE)
MAX_BATCH = 20
MAX_CONCURRENT = 4


@dataclass
class _Fault:
    operation: str
    kind: str
    remaining: int
    retry_after: float
    skip: int = 0  # requests of the operation that still pass before the fault starts


@dataclass
class GraphTestServer:
    """Start with ``start()``; ``graph_url`` and ``authority`` go into ``[mail.graph]``, ``ca_file`` into ca_bundle."""

    address: str = "statusbot@kgrz-koblenz.de"
    tenant: str = "7a3c2f4e-0d1b-4c8a-9e2f-5b6d7c8e9f01"
    client_id: str = "5d37a155-2af8-4878-b96a-6faad5207137"
    secret: str = "graph-secret"
    rewrite_message_ids: str | None = None  # "draft": drafts get Exchange's own id; "send": only the sent copy does
    hold_in_outbox: bool = False  # sent drafts wait in the Outbox until ``release_outbox``
    batch_text: str = "base64"  # non-JSON answers inside $batch: "base64" or plain "text"
    decode_batch_bodies: bool = False  # the other reading of $batch: text request bodies arrive base64-decoded
    stall_seconds: float = 3.0
    mailboxes: dict[str, Mailbox] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    subcalls: list[str] = field(default_factory=list)
    without_immutable: int = 0  # Graph requests that did not ask for immutable ids
    peak: int = 0
    ca_file: Path | None = None
    identity: Identity = field(init=False)
    _inflight: int = 0
    _faults: list[_Fault] = field(default_factory=list)
    _outbox: list[tuple[Mailbox, Item, bytes, tuple[str, ...]]] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None
    _tmp: tempfile.TemporaryDirectory | None = None  # type: ignore[type-arg]
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _gate: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.identity = Identity(self.tenant, self.client_id, {self.secret})
        self.mailboxes.setdefault(self.address, Mailbox(self.address))
        self.roles.setdefault(self.address, {routes.READ_WRITE, routes.SEND})

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> GraphTestServer:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        httpd.graph = self  # type: ignore[attr-defined]
        self._tmp = tempfile.TemporaryDirectory()
        context, self.ca_file = make_server_context(Path(self._tmp.name))
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        self._httpd = httpd
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="graph-test-server",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._gate.set()  # nothing stays held past the test
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._tmp:
            self._tmp.cleanup()

    @property
    def authority(self) -> str:
        assert self._httpd is not None
        return f"https://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def graph_url(self) -> str:
        return self.authority + "/v1.0"

    @property
    def box(self) -> Mailbox:
        return self.mailboxes[self.address]

    # -- test API ----------------------------------------------------------------------------------------------
    def deliver(self, raw: bytes, *, internal_sender: str | None = None, to: str | None = None) -> str:
        """Put a mail into an inbox as Exchange transport would; returns its immutable id.

        Like Exchange's header firewall, X-MS-Exchange-Organization-* headers from outside are dropped; an
        internal sender gets ``X-MS-Exchange-Organization-AuthAs: Internal`` and a resolved sender.
        """
        head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
        eol = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
        kept: list[bytes] = []
        dropping = False
        for line in head.split(eol):
            if line[:1] in (b" ", b"\t"):
                if not dropping:
                    kept.append(line)
                continue
            dropping = bool(_ORG_HEADER.match(line))
            if not dropping:
                kept.append(line)
        if internal_sender:
            kept.insert(0, b"X-MS-Exchange-Organization-AuthAs: Internal")
        box = self.mailboxes[to or self.address]
        with box.lock:
            return box.add(box.well_known["inbox"], eol.join(kept) + sep + body, sender=internal_sender).id

    def refuse(self, message_id: str) -> None:
        """Sending the draft with this Message-ID fails with ErrorInvalidRecipients."""
        self.box.refused.add(message_id)

    def inject(self, operation: str, kind: str, times: int = 1, retry_after: float = 0, skip: int = 0) -> None:
        """After ``skip`` more, the next ``times`` requests of ``operation`` ("*" any, "batch" the $batch itself)
        fail with ``kind``."""
        if kind not in FAULT_KINDS:
            raise ValueError(kind)
        with self._lock:
            self._faults.append(_Fault(operation, kind, times, retry_after, skip))

    def hold(self, operation: str, times: int = 1) -> None:
        """The next ``times`` requests of ``operation`` wait unanswered until ``release()`` (Exchange Online still
        working on them); then they are carried out as usual."""
        self._gate.clear()
        self.inject(operation, "hold", times)

    def release(self) -> None:
        self._gate.set()

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def submit(self, box: Mailbox, item: Item, transmitted: bytes, recipients: tuple[str, ...]) -> None:
        """A sent draft: transport takes it from the Outbox and files the copy in Sent Items (unless held)."""
        with self._lock:
            self._outbox.append((box, item, transmitted, recipients))
        if not self.hold_in_outbox:
            self.release_outbox()

    def release_outbox(self) -> None:
        with self._lock:
            waiting, self._outbox = self._outbox, []
        for box, item, transmitted, recipients in waiting:
            with box.lock:
                item.is_draft = False
                item.folder = box.well_known["sentitems"]
                box.sent.append(Sent(transmitted, recipients, item.id))

    @property
    def sent(self) -> list[Sent]:
        return self.box.sent

    def folder_items(self, *path: str) -> list[bytes]:
        """MIME of every item in e.g. ``("inbox", "Verarbeitet")``, oldest first."""
        folder = self.box.path(*path)
        return [] if folder is None else [i.mime for i in self.box.in_folder(folder)]

    def count(self, operation: str | None = None) -> int:
        """HTTP round trips (a $batch counts once), all or of one operation."""
        return sum(1 for op in self.calls if operation in (None, op))

    def reset_log(self) -> None:
        self.calls.clear()
        self.subcalls.clear()

    # -- request handling (handler threads) ----------------------------------------------------------------------
    def take_fault(self, operation: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.operation in (operation, "*") and fault.remaining > 0:
                    if fault.skip:
                        fault.skip -= 1
                        continue
                    fault.remaining -= 1
                    return fault
        return None

    def fault_reply(self, fault: _Fault) -> Reply | None:
        wait = {"Retry-After": f"{fault.retry_after:g}"}
        if fault.kind == "throttle":
            return error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", **wait)
        if fault.kind == "unavailable":
            return error(503, "ServiceUnavailable", "Service Unavailable", **wait)
        if fault.kind == "gateway":
            return error(504, "UnknownError", "Gateway Timeout", **wait)
        if fault.kind == "error500":
            return error(500, "ErrorInternalServerError", "An internal server error occurred.")
        if fault.kind == "expired":
            self.identity.expire_all()
            return error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
        if fault.kind == "forbidden":
            return error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        if fault.kind == "stall":
            time.sleep(self.stall_seconds)
        if fault.kind == "hold":
            self._gate.wait(timeout=300)
        return None

    def graph(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
        """One Graph request (not $batch): permissions, faults, then the endpoint."""
        if 'idtype="immutableid"' not in headers.get("prefer", "").lower():
            self.without_immutable += 1
        found = routes.resolve(method, path)
        if found is None:
            return error(400, "BadRequest", f"Resource not found for the segment '{path}'.")
        operation, role, params = found
        fault = self.take_fault(operation)
        if fault and (reply := self.fault_reply(fault)) is not None:
            return reply
        address = params.pop("mailbox").lower()
        box = self.mailboxes.get(address)
        if box is None:
            return error(404, "ErrorInvalidUser", f"The requested user '{address}' is invalid.")
        if role not in self.roles.get(address, set()):
            return error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        return routes.handle(self, operation, box, params, query, headers.get("content-type", ""), body)

    def batch(self, payload: Any) -> Reply:
        requests = payload.get("requests") if isinstance(payload, dict) else None
        if not isinstance(requests, list) or not requests:
            return error(400, "BadRequest", "Invalid batch payload format.")
        if len(requests) > MAX_BATCH:
            return error(400, "BadRequest", f"Unable to deserialize content. Batch limit of {MAX_BATCH} exceeded.")
        if len({str(r.get("id")) for r in requests}) != len(requests):
            return error(400, "BadRequest", "Batch request contains duplicate ids.")
        answers = [self._one(r) for r in requests]
        return Reply(200, {"responses": answers})

    def _one(self, request: dict[str, Any]) -> dict[str, Any]:
        headers = {k.lower(): v for k, v in (request.get("headers") or {}).items()}
        parts = urlsplit(request["url"])
        body: Any = request.get("body")
        if isinstance(body, (dict, list)):
            raw = json.dumps(body).encode()
        elif isinstance(body, str):
            raw = base64.b64decode(body) if self.decode_batch_bodies else body.encode()
        else:
            raw = b""
        found = routes.resolve(request["method"], unquote(parts.path))
        self.subcalls.append(found[0] if found else "?")
        reply = self.graph(request["method"], unquote(parts.path), parts.query, headers, raw)
        answer: dict[str, Any] = {"id": request["id"], "status": reply.status,
                                  "headers": {"Cache-Control": "private", **reply.headers}}
        if isinstance(reply.body, bytes):
            answer["body"] = (base64.b64encode(reply.body).decode() if self.batch_text == "base64"
                              else reply.body.decode("utf-8", "replace"))
        elif reply.body is not None:
            answer["headers"]["Content-Type"] = "application/json; charset=utf-8"
            answer["body"] = reply.body
        return answer

    def enter(self) -> bool:
        with self._lock:
            self._inflight += 1
            self.peak = max(self.peak, self._inflight)
            return self._inflight <= MAX_CONCURRENT

    def leave(self) -> None:
        with self._lock:
            self._inflight -= 1


@contextmanager
def running(**kwargs: Any) -> Iterator[GraphTestServer]:
    server = GraphTestServer(**kwargs).start()
    try:
        yield server
    finally:
        server.stop()
