"""The Graph v1.0 mail endpoints the bot uses, on the fake mailbox: one function per endpoint, JSON in and out.

Each answer is ``Reply(status, body, headers)``: body is a dict (JSON), bytes (``$value``) or None. Errors carry
Graph's ``{"error": {"code", "message"}}`` with Exchange's codes.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

from .store import Item, Mailbox, header_block, without_bcc

if TYPE_CHECKING:
    from .server import GraphTestServer

READ_WRITE, SEND = "Mail.ReadWrite", "Mail.Send"
_ROUTES: list[tuple[str, re.Pattern[str], str, str]] = []  # (method, path, operation, role)
_FILTER = re.compile(r"^(\w+) eq '((?:[^']|'')*)'$")


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def exchange_host(n: int) -> str:
    """The right-hand side of a Message-ID Exchange Online makes itself."""
    return f"AM0PR02MB{n:04d}.eurprd02.prod.outlook.com"


def error(status: int, code: str, message: str, **headers: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}}, dict(headers))


def route(method: str, pattern: str, operation: str, role: str = READ_WRITE):  # type: ignore[no-untyped-def]
    def register(handler):  # type: ignore[no-untyped-def]
        _ROUTES.append((method, re.compile(f"^/users/(?P<mailbox>[^/]+){pattern}$", re.I), operation, role))
        _HANDLERS[operation] = handler
        return handler
    return register


_HANDLERS: dict[str, Any] = {}


def resolve(method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
    """(operation, role, path parameters) of a Graph request path below /v1.0, or None."""
    for m, pattern, operation, role in _ROUTES:
        match = pattern.match(path)
        if m == method and match:
            return operation, role, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


def handle(server: GraphTestServer, operation: str, box: Mailbox, params: dict[str, str], query: str,
           content_type: str, body: bytes) -> Reply:
    options = {k.lstrip("$").lower(): v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    with box.lock:
        return _HANDLERS[operation](server, box, params, options, content_type, body)  # type: ignore[no-any-return]


def message_json(server: GraphTestServer, item: Item, select: str | None = None) -> dict[str, Any]:
    full = {"id": item.id, "parentFolderId": item.folder, "isDraft": item.is_draft,
            "internetMessageId": item.internet_message_id, "subject": item.subject,
            "receivedDateTime": f"2018-08-29T08:{item.seq // 60 % 60:02d}:{item.seq % 60:02d}Z",
            "sender": {"emailAddress": {"address": item.sender, "name": item.sender}} if item.sender else None}
    wanted = [s.strip() for s in select.split(",")] if select else list(full)
    return {"@odata.etag": 'W/"CQAAABYAAA"', **{k: full[k] for k in wanted if k in full}, "id": item.id}


def _item(box: Mailbox, item_id: str) -> Item | Reply:
    if not item_id.startswith("AAkALgAA"):
        return error(400, "ErrorInvalidIdMalformed", "Id is malformed.")
    found = box.items.get(item_id)
    return found if found is not None else error(404, "ErrorItemNotFound",
                                                 "The specified object was not found in the store.")


def _filter(options: dict[str, str]) -> tuple[str, str] | None:
    match = _FILTER.match(options.get("filter", ""))
    return (match[1], match[2].replace("''", "'")) if match else None


@route("GET", r"/mailFolders/(?P<folder>[^/]+)/messages", "list")
def _list(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str, _b: bytes) -> Reply:
    folder = box.folder_id(p["folder"])
    if folder is None:
        return error(404, "ErrorItemNotFound", "The specified folder could not be found in the store.")
    items = box.in_folder(folder)
    if (wanted := _filter(o)) is not None:
        field_name, value = wanted
        items = [i for i in items if field_name == "internetMessageId" and i.internet_message_id == value]
    top, skip = int(o.get("top", "10")), int(o.get("skip", "0"))
    page = items[skip:skip + top]
    body: dict[str, Any] = {"value": [message_json(server, i, o.get("select")) for i in page]}
    if skip + top < len(items):
        select = f"$select={o['select']}&" if "select" in o else ""
        body["@odata.nextLink"] = (f"{server.graph_url}/users/{box.address}/mailFolders/{p['folder']}/messages?"
                                   f"{select}$top={top}&$orderby=receivedDateTime%20asc&$skip={skip + top}")
    return Reply(200, body)


@route("GET", r"/mailFolders/(?P<folder>[^/]+)", "folder")
def _folder(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str, _b: bytes) -> Reply:
    folder = box.folder_id(p["folder"])
    if folder is None:
        return error(404, "ErrorItemNotFound", "The specified folder could not be found in the store.")
    return Reply(200, {"id": folder, "displayName": box.folders[folder][0],
                       "totalItemCount": len(box.in_folder(folder))})


@route("GET", r"/mailFolders/(?P<folder>[^/]+)/childFolders", "children")
def _children(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str,
              _b: bytes) -> Reply:
    parent = box.folder_id(p["folder"])
    wanted = _filter(o)
    found = [fid for fid, (name, par) in box.folders.items() if par == parent
             and (wanted is None or (wanted[0] == "displayName" and name.lower() == wanted[1].lower()))]
    return Reply(200, {"value": [{"id": fid, "displayName": box.folders[fid][0]} for fid in found]})


@route("POST", r"/mailFolders/(?P<folder>[^/]+)/childFolders", "create-folder")
def _create_folder(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str,
                   body: bytes) -> Reply:
    parent = box.folder_id(p["folder"])
    name = json.loads(body)["displayName"]
    if parent is None:
        return error(404, "ErrorItemNotFound", "The specified folder could not be found in the store.")
    if box.child(parent, name) is not None:
        return error(409, "ErrorFolderExists", "A folder with the specified name already exists.")
    return Reply(201, {"id": box.add_folder(parent, name), "displayName": name})


@route("POST", r"/messages", "create")
def _create(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], content_type: str,
            body: bytes) -> Reply:
    if content_type.startswith("application/json"):
        data = json.loads(body)
        to = ", ".join(r["emailAddress"]["address"] for r in data.get("toRecipients", []))
        mime = (f"Subject: {data.get('subject', '')}\r\nTo: {to}\r\n\r\n"
                f"{(data.get('body') or {}).get('content', '')}\r\n").encode()
    else:
        try:
            mime = base64.b64decode(b"".join(body.split()), validate=True)
        except (binascii.Error, ValueError):
            return error(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.")
        if b":" not in header_block(mime):
            return error(400, "ErrorMimeContentInvalid", "MIME content does not contain all required information.")
    item = box.add(box.well_known["drafts"], mime, is_draft=True, sender=box.address)
    item.subject = str(BytesHeaderParser(policy=compat32).parsebytes(mime).get("Subject", ""))
    if server.rewrite_message_ids == "draft" or item.internet_message_id is None:
        item.internet_message_id = f"<{secrets.token_hex(12).upper()}@{exchange_host(item.seq)}>"
    return Reply(201, message_json(server, item))


@route("GET", r"/messages/(?P<item>[^/]+)", "get")
def _get(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str, _b: bytes) -> Reply:
    item = _item(box, p["item"])
    return item if isinstance(item, Reply) else Reply(200, message_json(server, item, o.get("select")))


@route("DELETE", r"/messages/(?P<item>[^/]+)", "delete")
def _delete(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str,
            _b: bytes) -> Reply:
    item = _item(box, p["item"])
    if isinstance(item, Reply):
        return item
    del box.items[item.id]
    return Reply(204)


@route("GET", r"/messages/(?P<item>[^/]+)/\$value", "value")
def _value(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str, _b: bytes) -> Reply:
    item = _item(box, p["item"])
    if isinstance(item, Reply):
        return item
    if item.fail_mime:
        return error(400, "ErrorMimeContentConversionFailed", "Content conversion failed.")
    return Reply(200, item.mime, {"Content-Type": "text/plain"})


@route("POST", r"/messages/(?P<item>[^/]+)/move", "move")
def _move(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str, body: bytes) -> Reply:
    item = _item(box, p["item"])
    if isinstance(item, Reply):
        return item
    target = box.folder_id(json.loads(body).get("destinationId", ""))
    if target is None:
        return error(404, "ErrorItemNotFound", "The specified folder could not be found in the store.")
    item.folder = target
    return Reply(201, message_json(server, item))


@route("POST", r"/messages/(?P<item>[^/]+)/send", "send", SEND)
def _send(server: GraphTestServer, box: Mailbox, p: dict[str, str], o: dict[str, str], _ct: str, _b: bytes) -> Reply:
    item = _item(box, p["item"])
    if isinstance(item, Reply):
        return item
    if not item.is_draft or item.folder != box.well_known["drafts"]:
        return error(400, "ErrorInvalidOperation", "The item has already been sent.")
    head = BytesHeaderParser(policy=compat32).parsebytes(item.mime)
    recipients = tuple(a.lower() for _, a in getaddresses(
        [str(v) for h in ("To", "Cc", "Bcc") for v in head.get_all(h, [])]) if a)
    if not recipients or item.internet_message_id in box.refused:
        return error(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
    transmitted = without_bcc(item.mime)
    if server.rewrite_message_ids == "send":
        item.internet_message_id = f"<{secrets.token_hex(14).upper()}@{exchange_host(item.seq)}>"
    if server.rewrite_message_ids:
        old = str(head.get("Message-ID", "")).strip().encode()
        transmitted = transmitted.replace(old, item.internet_message_id.encode(), 1) if old else transmitted
    item.folder = box.well_known["outbox"]
    server.submit(box, item, transmitted, recipients)
    return Reply(202)
