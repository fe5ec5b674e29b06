"""The HTTP side of the Graph test server: TLS socket, OpenID and token endpoints, bearer check, Graph and $batch."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from . import routes
from .routes import Reply, error

if TYPE_CHECKING:
    from .server import GraphTestServer

MAX_REQUEST = 4 * 1024 * 1024  # Graph refuses larger request bodies


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    @property
    def g(self) -> GraphTestServer:
        return self.server.graph  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the operation log is the record."""

    def _send(self, reply: Reply) -> None:
        if isinstance(reply.body, bytes):
            payload, kind = reply.body, reply.headers.get("Content-Type", "text/plain")
        elif reply.body is None:
            payload, kind = b"", None
        else:
            payload, kind = json.dumps(reply.body).encode(), "application/json; charset=utf-8"
        self.send_response(reply.status)
        if kind:
            self.send_header("Content-Type", kind)
        for key, value in reply.headers.items():
            if key.lower() != "content-type":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        g = self.g
        if path.startswith("/v1.0/"):
            self._graph(method, path[len("/v1.0"):], parts.query, body)
            return
        segments = path.strip("/").split("/")
        if method == "GET" and segments[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            g.calls.append("discovery")
            status, payload = g.identity.openid_configuration(g.authority, segments[0])
            self._send(Reply(status, payload))
        elif method == "POST" and segments[1:] == ["oauth2", "v2.0", "token"] and segments[0] == g.tenant:
            g.calls.append("token")
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            status, payload = g.identity.token(form, f"{g.authority}/{g.tenant}/oauth2/v2.0/token", g.authority)
            self._send(Reply(status, payload))
        else:
            self._send(error(404, "NotFound", path))

    def _graph(self, method: str, path: str, query: str, body: bytes) -> None:
        g = self.g
        headers = {k.lower(): v for k, v in self.headers.items()}
        operation = "batch" if path == "/$batch" else (routes.resolve(method, path) or ("?",))[0]
        g.calls.append(operation)
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if not g.identity.valid(token):
            self._send(error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.",
                             **{"WWW-Authenticate": 'Bearer realm="", error="invalid_token"'}))
            return
        if len(body) > MAX_REQUEST:
            self._send(error(413, "RequestEntityTooLarge", "The request is larger than 4 MB."))
            return
        if not g.enter():
            g.leave()
            self._send(error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                             **{"Retry-After": "1"}))
            return
        try:
            if operation == "batch":
                fault = g.take_fault("batch")
                if fault and fault.kind in ("drop", "lost"):
                    if fault.kind == "lost":
                        g.batch(json.loads(body or b"{}"))
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                reply = (g.fault_reply(fault) if fault else None) or g.batch(json.loads(body or b"{}"))
            else:
                reply = g.graph(method, path, query, headers, body)
        finally:
            g.leave()
        self._send(reply)
