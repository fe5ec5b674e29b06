"""A fake council information system on 127.0.0.1: OParl 1.1 over real HTTP, with the quirks of real vendors.

The world is plain data a test changes between syncs (a meeting moved, cancelled, deleted, vanished); the
server answers OParl as the spec says, paginated (``links.next``), filtered by ``modified_since`` (deleted
objects only then), and, on request, the way SessionNet, SD.NET and ALLRIS servers misbehave.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote_plus

SCHEMA = "https://schema.oparl.org/1.1/"


@dataclass
class Meeting:
    number: int
    name: str
    start: str  # as the server writes it, with its offset
    modified: datetime
    organization: int = 7
    cancelled: bool = False
    deleted: bool = False


@dataclass
class World:
    """What the RIS holds; ``quirks`` switch on vendor behaviour, ``fail_once`` paths answer 500 the first time."""

    meetings: dict[int, Meeting] = field(default_factory=dict)
    page_size: int = 2
    quirks: set[str] = field(default_factory=set)
    fail_once: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)  # path and raw query of every request
    down: bool = False  # every request answers 503, as a server in maintenance
    retry_after: str | None = None  # sent with the 503 while down (e.g. "3600": back in an hour)

    def add(self, number: int, name: str, start: str, modified: datetime, **kw: Any) -> Meeting:
        self.meetings[number] = Meeting(number, name, start, modified, **kw)
        return self.meetings[number]


ORGANIZATIONS = [(3, "Stadtrat", "Rat"), (5, "Haupt- und Finanzausschuss", "HFA"), (7, "Werkausschuss KGRZ", "WA KGRZ"),
                 (9, "Werkausschuss Eigenbetrieb Grünflächen", "WA Grün")]


class RisServer:
    def __init__(self, world: World) -> None:
        self.world = world
        handler = type("Handler", (_Handler,), {"world": world})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/bi/oparl/1.1"
        handler.base = self.base
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def system_url(self) -> str:
        return f"{self.base}/system.asp"

    def __enter__(self) -> RisServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    world: World
    base: str

    def log_message(self, *_: object) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path, _, query = self.path.partition("?")
        self.world.requests.append(self.path)
        route = path.removeprefix("/bi/oparl/1.1")
        if self.world.down:
            return self._send(503, b"<html><body>Wartungsarbeiten</body></html>", "text/html",
                              retry_after=self.world.retry_after)
        if route in self.world.fail_once:
            self.world.fail_once.discard(route)
            return self._send(500, b"<html><body>Interner Serverfehler</body></html>", "text/html")
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        since = params.get("modified_since")
        if since is not None and "somacos" in self.world.quirks and "%" in since:
            return self._send(400, b"<html><body>Ungueltiger Parameter modified_since</body></html>", "text/html")
        if since is not None:
            since = since if "somacos" in self.world.quirks else unquote_plus(since)
            try:
                params["modified_since"] = datetime.fromisoformat(since)  # type: ignore[assignment]
            except ValueError:
                return self._send(400, b'{"error": "modified_since ist kein Zeitpunkt"}', "application/json")
        data = self._route(route, params)
        if data is None:
            return self._send(404, b'{"error": "nicht gefunden"}', "application/json")
        if isinstance(data, tuple):
            return self._send(*data)
        self._send(200, json.dumps(data).encode(), "application/json")

    def _send(self, status: int, body: bytes, kind: str, retry_after: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _typed(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        return data if "no-type" in self.world.quirks else {"type": SCHEMA + kind, **data}

    def _route(self, route: str, params: dict[str, Any]) -> Any:
        base = self.base
        if route == "/system.asp":
            return self._typed("System", {"id": f"{base}/system.asp", "oparlVersion": SCHEMA, "name": "Bürgerinfo",
                                          "body": f"{base}/bodies.asp", "vendor": "http://www.somacos.de"})
        body = self._typed("Body", {"id": f"{base}/body.asp?id=1", "name": "Stadt Koblenz", "shortName": "Koblenz",
                                    "organization": f"{base}/organizations.asp?body=1",
                                    "meeting": f"{base}/meetings.asp?body=1"})
        if route == "/bodies.asp":
            return body if "single-body" in self.world.quirks else self._page(route, [body], params)
        if route == "/body.asp":
            return body
        if route == "/organizations.asp":
            items = [self._organization(n, name, short) for n, name, short in ORGANIZATIONS]
            return self._page(route, items, params)
        if route == "/organization.asp":
            found = [o for o in ORGANIZATIONS if str(o[0]) == params.get("id")]
            return self._organization(*found[0]) if found else None
        if route == "/meetings.asp":
            return self._meetings(route, params)
        return None

    def _organization(self, number: int, name: str, short: str) -> dict[str, Any]:
        data = {"id": f"{self.base}/organization.asp?id={number}", "body": f"{self.base}/body.asp?id=1",
                "name": name, "shortName": short, "organizationType": "Gremium", "classification": "Ausschuss"}
        if "no-organization-meetings" not in self.world.quirks:
            data["meeting"] = f"{self.base}/meetings.asp?organization={number}"
        return self._typed("Organization", data)

    def _meetings(self, route: str, params: dict[str, Any]) -> Any:
        since = params.get("modified_since")
        chosen = [m for m in sorted(self.world.meetings.values(), key=lambda m: m.number)
                  if (since is None and not m.deleted) or (since is not None and m.modified >= since)]
        if "organization" in params:
            chosen = [m for m in chosen if str(m.organization) == params["organization"]]
        if since is not None and not chosen and "sdnet" in self.world.quirks:
            return 404, json.dumps({"error": "Die angeforderte Ressource wurde nicht gefunden.", "code": 802,
                                    "type": "SD.NET RIM Webservice"}).encode(), "application/json"
        return self._page(route, [self._meeting(m) for m in chosen], params)

    def _meeting(self, m: Meeting) -> dict[str, Any]:
        data: dict[str, Any] = {"id": f"{self.base}/meeting.asp?id={m.number}", "modified": m.modified.isoformat()}
        if m.deleted:  # a soft-deleted object keeps id, type, created, modified (spec 2.8); no type: SD.NET
            return data | {"deleted": True}
        data |= {"name": m.name, "start": m.start, "meetingState": "terminiert",
                 "organization": [f"{self.base}/organization.asp?id={m.organization}"]}
        if m.cancelled:
            data["cancelled"] = True
        return self._typed("Meeting", data)

    def _page(self, route: str, items: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        """One page of an external list; ``next`` keeps the filter exactly as the client sent it."""
        page = int(params.get("page", 1))
        size = self.world.page_size
        links = {}
        if page * size < len(items):
            raw = self.path.split("?", 1)[1] if "?" in self.path else ""
            rest = "&".join(p for p in raw.split("&") if p and not p.startswith("page="))
            links["next"] = f"{self.base}{route}?{rest + '&' if rest else ''}page={page + 1}"
        return {"data": items[(page - 1) * size:page * size], "links": links,
                "pagination": {"totalElements": len(items), "elementsPerPage": size, "currentPage": page}}
