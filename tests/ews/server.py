"""Protocol-level EWS test server on 127.0.0.1: SOAP over real HTTP(S), auth, fault injection, an operation log."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from exchangelib.protocol import close_connections
from lxml import etree

from . import soap
from .operations import OPERATIONS
from .soap import SOAPNS, EwsFault, t
from .store import MailStore

EWS_PATH = "/EWS/Exchange.asmx"
TOKEN_PATH = "/token"
FAULT_KINDS = ("server_busy", "http500", "http503", "http401", "stall", "hold")
_ORG_HEADER = re.compile(rb"^x-ms-exchange-organization-", re.IGNORECASE)


@dataclass
class _Fault:
    operation: str
    kind: str
    remaining: int
    back_off_ms: int


@dataclass
class RequestRecord:
    """What the server saw of one EWS request (for assertions on auth, anchor mailbox, impersonation)."""

    operation: str
    auth_scheme: str
    anchor_mailbox: str | None
    impersonated: str | None
    server_version: str | None
    folder: str | None = None  # the distinguished folder a FindItem searches ("sentitems" for was_sent)


@dataclass
class EwsTestServer:
    """Start with ``start()``; ``url`` is the EWS endpoint, ``store`` the mailbox, ``calls`` the operation log."""

    address: str = "statusbot@kgrz-koblenz.de"
    users: dict[str, str] = field(default_factory=lambda: {"KGRZ\\svc-mailbot": "geheim"})
    clients: dict[str, str] = field(default_factory=lambda: {"app-id": "app-secret"})
    tls: bool = False
    ntlm: bool = False  # accept NTLM (connection-based, like IIS) via pyspnego's acceptor
    store: MailStore = field(init=False)
    calls: list[tuple[str, int]] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    tokens_issued: list[str] = field(default_factory=list)
    auth_failures: int = 0
    ca_file: Path | None = None
    _faults: list[_Fault] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None
    _tmp: tempfile.TemporaryDirectory | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _gate: threading.Event = field(default_factory=threading.Event)
    delivered_ids: dict[str, str] = field(default_factory=dict)  # test name → ItemId at delivery (test API)
    _old_ntlm_file: str | None = None

    def __post_init__(self) -> None:
        self.store = MailStore(address=self.address)

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> EwsTestServer:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        httpd.daemon_threads = True
        httpd.ews = self  # type: ignore[attr-defined]
        self._tmp = tempfile.TemporaryDirectory()
        if self.ntlm:
            # pyspnego's NTLM acceptor only reads credentials from the file named by NTLM_USER_FILE
            users = Path(self._tmp.name) / "ntlm_users"
            users.write_text("".join(f"{u.partition(chr(92))[0]}:{u.partition(chr(92))[2]}:{p}\n"
                                     for u, p in self.users.items()))
            self._old_ntlm_file = os.environ.get("NTLM_USER_FILE")
            os.environ["NTLM_USER_FILE"] = str(users)
        if self.tls:
            from .tls import make_server_context

            context, self.ca_file = make_server_context(Path(self._tmp.name))
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        self._httpd = httpd
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="ews-test-server",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._gate.set()  # nothing stays held past the test
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self.ntlm:
            if self._old_ntlm_file is None:
                os.environ.pop("NTLM_USER_FILE", None)
            else:
                os.environ["NTLM_USER_FILE"] = self._old_ntlm_file
        if self._tmp:
            self._tmp.cleanup()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def url(self) -> str:
        return self.base_url + EWS_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    # -- test API --------------------------------------------------------------------------------------------
    def deliver(self, raw: bytes, *, internal_sender: str | None = None) -> str:
        """Put a mail into the inbox as Exchange transport would; returns its ItemId.

        Like Exchange's header firewall, X-MS-Exchange-Organization-* headers from outside are dropped; an
        internal sender gets ``X-MS-Exchange-Organization-AuthAs: Internal`` and a resolved Sender mailbox.
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
        mime = eol.join(kept) + sep + body
        sender = (internal_sender, internal_sender) if internal_sender else None
        item = self.store.add_item(self.store.distinguished("inbox").id, mime, sender=sender,
                                   mailbox_type="Mailbox" if internal_sender else "OneOff")
        return item.id

    def test_api(self, path: str, payload: dict[str, object]) -> dict[str, object]:
        """``/test/…`` for other processes of a test (the crash harness's drivers): deliver a named mail, or
        read the whole mailbox. Not EWS; no auth, as the server listens on 127.0.0.1 for tests only."""
        if path == "/test/deliver":
            raw = base64.b64decode(str(payload["raw"]))
            item_id = self.deliver(raw, internal_sender=payload.get("internal_sender"))  # type: ignore[arg-type]
            with self.store.lock:
                self.store.item(item_id).tag = str(payload["name"])
                self.delivered_ids[str(payload["name"])] = item_id
            return {"id": item_id}
        with self.store.lock:
            folders = {f.id: f.name for f in self.store.folders.values()}
            return {"sent": [base64.b64encode(m.raw).decode() for m in self.store.sent],
                    "items": [{"tag": i.tag, "folder": folders[i.folder_id], "raw": base64.b64encode(i.mime).decode()}
                              for i in self.store.items.values() if i.tag],
                    "ids": dict(self.delivered_ids)}

    def inject(self, operation: str, kind: str, times: int = 1, back_off_ms: int = 10) -> None:
        """The next ``times`` calls of ``operation`` ("*" = any) fail with ``kind`` (see FAULT_KINDS)."""
        if kind not in FAULT_KINDS:
            raise ValueError(kind)
        with self._lock:
            self._faults.append(_Fault(operation, kind, times, back_off_ms))

    def hold(self, operation: str, times: int = 1) -> None:
        """The next ``times`` calls of ``operation`` wait, unanswered, until ``release()``: a server still
        working on a request (its client may give up or die meanwhile; the request is carried out anyway)."""
        self._gate.clear()
        self.inject(operation, "hold", times)

    def release(self) -> None:
        self._gate.set()

    def refuse(self, message_id: str) -> None:
        """CreateItem answers the item with this Message-ID with a per-item ErrorInvalidRecipients."""
        self.store.refused.add(message_id)

    def fail_mime_conversion(self, item_id: str) -> None:
        """GetItem with MimeContent answers this item with a per-item ErrorMimeContentConversionFailed."""
        self.store.item(item_id).fail_mime = True

    def count(self, operation: str | None = None) -> int:
        return sum(1 for op, _ in self.calls if operation in (None, op))

    def reset_log(self) -> None:
        self.calls.clear()
        self.requests.clear()

    def folder_items(self, *path: str) -> list[bytes]:
        """MIME of every item in e.g. ``("inbox", "Verarbeitet")``."""
        return [i.mime for i in self.store.in_folder(self.store.folder_by_path(*path).id)]

    # -- request handling (called from the handler threads) ---------------------------------------------------
    def _take_fault(self, operation: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.operation in (operation, "*") and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault
        return None

    def authenticate(self, header: str | None) -> str | None:
        """The auth scheme used, or None when the credentials are wrong or missing."""
        scheme, _, value = (header or "").partition(" ")
        if scheme.lower() == "basic":
            user, _, password = base64.b64decode(value).decode("utf-8", "replace").partition(":")
            return "basic" if self.users.get(user) == password else None
        if scheme.lower() == "bearer":
            return "bearer" if value in self.tokens_issued else None
        return None

    def issue_token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, object]]:
        client_id, secret = form.get("client_id", [""])[0], form.get("client_secret", [""])[0]
        if form.get("grant_type", [""])[0] != "client_credentials" or self.clients.get(client_id) != secret:
            return 401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."}
        token = secrets.token_urlsafe(24)
        self.tokens_issued.append(token)
        return 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}

    def handle_soap(self, body: bytes, headers: dict[str, str], auth_scheme: str) -> tuple[int, bytes]:
        root = etree.fromstring(body)
        op_el = root.find(f"{{{SOAPNS}}}Body")[0]
        operation = etree.QName(op_el).localname
        header = root.find(f"{{{SOAPNS}}}Header")
        self.requests.append(RequestRecord(
            operation, auth_scheme, headers.get("x-anchormailbox"),
            soap.text_of(header, f".//{t('ExchangeImpersonation')}//{t('PrimarySmtpAddress')}"),
            header.find(t("RequestServerVersion")).get("Version") if header is not None
            and header.find(t("RequestServerVersion")) is not None else None,
            next((el.get("Id") for el in op_el.iter(t("DistinguishedFolderId"))), None)))
        fault = self._take_fault(operation)
        if fault and fault.kind == "server_busy":
            self.calls.append((operation, 0))
            busy = EwsFault("ErrorServerBusy", "The server cannot service this request right now.",
                            fault.back_off_ms)
            return 500, soap.fault_envelope(busy)
        if fault and fault.kind == "hold":
            self._gate.wait(timeout=300)
        elif fault and fault.kind == "stall":
            time.sleep(fault.back_off_ms / 1000)  # longer than the client's timeout: it gives up first
        elif fault:
            self.calls.append((operation, 0))
            return {"http500": 500, "http503": 503, "http401": 401}[fault.kind], b""
        handler = OPERATIONS.get(operation)
        if handler is None:
            self.calls.append((operation, 0))
            return 500, soap.fault_envelope(EwsFault("ErrorInvalidRequest", f"{operation} not implemented"))
        try:
            with self.store.lock:
                resp, n = handler(self.store, op_el)
        except EwsFault as e:
            self.calls.append((operation, 0))
            return 500, soap.fault_envelope(e)
        self.calls.append((operation, n))
        return 200, soap.envelope(resp)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive: exchangelib keeps one pooled connection, and NTLM-style auth relies on it.
    protocol_version = "HTTP/1.1"
    # one buffered write per response (flushed by handle_one_request) and no Nagle: avoids 40 ms ACK stalls
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    @property
    def ews(self) -> EwsTestServer:
        return self.server.ews  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the operation log is the record."""

    def _reply(self, status: int, body: bytes, content_type: str = "text/xml; charset=utf-8",
               extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _deny(self) -> None:
        self.ews.auth_failures += 1
        offer = "NTLM" if self.ews.ntlm else 'Basic realm="127.0.0.1"'
        self._reply(401, b"", "text/plain", {"WWW-Authenticate": offer})

    def _ntlm_step(self, authorization: str) -> str | None:
        """One leg of the NTLM handshake; "ntlm" once the Authenticate message verified, else None (replied)."""
        import spnego

        token = base64.b64decode(authorization.split(" ", 1)[1])
        try:
            if token[8:12] == b"\x01\x00\x00\x00":  # NEGOTIATE_MESSAGE starts a new context
                self.ntlm_ctx = spnego.server(protocol="ntlm")
            out = self.ntlm_ctx.step(token)
        except Exception:  # noqa: BLE001 - any handshake failure is a 401, as with IIS
            self._deny()
            return None
        if not self.ntlm_ctx.complete:
            self._reply(401, b"", "text/plain", {"WWW-Authenticate": "NTLM " + base64.b64encode(out).decode()})
            return None
        self.ntlm_user = self.ntlm_ctx.client_principal
        return "ntlm"

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/test/"):
            reply = self.ews.test_api(self.path, json.loads(body or b"{}"))
            self._reply(200, json.dumps(reply).encode(), "application/json")
            return
        if self.path.split("?")[0] == TOKEN_PATH:
            status, payload = self.ews.issue_token(parse_qs(body.decode()))
            self._reply(status, json.dumps(payload).encode(), "application/json")
            return
        if self.path.split("?")[0].lower() != EWS_PATH.lower():
            self._reply(404, b"not found", "text/plain")
            return
        authorization = self.headers.get("Authorization", "")
        if self.ews.ntlm and authorization.split(" ")[0].lower() in ("ntlm", "negotiate"):
            scheme = self._ntlm_step(authorization)
            if scheme is None:
                return
        elif self.ews.ntlm and not authorization and getattr(self, "ntlm_user", None):
            scheme = "ntlm"  # IIS: an NTLM-authenticated connection stays authenticated
        else:
            scheme = self.ews.authenticate(authorization)
        if scheme is None:
            self._deny()
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload = self.ews.handle_soap(body, headers, scheme)
        content_type = "text/plain" if not payload else "text/xml; charset=utf-8"
        self._reply(status, payload, content_type)


@contextmanager
def running(**kwargs: object) -> Iterator[EwsTestServer]:
    """A started server, stopped afterwards; exchangelib's cached connections to it are dropped too."""
    server = EwsTestServer(**kwargs).start()  # type: ignore[arg-type]
    try:
        yield server
    finally:
        # exchangelib caches Protocol objects (and their HTTP sessions) per endpoint + credentials
        close_connections()
        server.stop()
