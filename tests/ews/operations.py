"""EWS operation handlers of the test server: one function per SOAP operation, request element in, response out."""

from __future__ import annotations

import base64
import email.utils
import uuid
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from lxml import etree

from . import soap
from .soap import ItemError, m, sub, t
from .store import Folder, Item, MailStore

Handler = Callable[[MailStore, etree._Element], tuple[etree._Element, int]]

# --- serialisation -------------------------------------------------------------------------------------------


def _folder_xml(store: MailStore, folder: Folder) -> etree._Element:
    el = etree.Element(t("Folder"))
    sub(el, t("FolderId"), Id=folder.id, ChangeKey=folder.changekey)
    if folder.parent_id:
        sub(el, t("ParentFolderId"), Id=folder.parent_id, ChangeKey="CK0")
    if folder.distinguished != "root":
        sub(el, t("FolderClass"), folder.folder_class)
    sub(el, t("DisplayName"), folder.name)
    items = store.in_folder(folder.id)
    sub(el, t("TotalCount"), str(len(items)))
    sub(el, t("ChildFolderCount"), str(len(store.children(folder.id))))
    sub(el, t("UnreadCount"), str(sum(not i.is_read for i in items)))
    if folder.distinguished:
        sub(el, t("DistinguishedFolderId"), folder.distinguished)
    return el


def _dt(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _body(item: Item) -> tuple[str, str]:
    msg = BytesParser(policy=default_policy).parsebytes(item.mime)
    part = msg.get_body(preferencelist=("html", "plain"))
    if part is None:
        return "Text", ""
    return ("HTML" if part.get_content_type() == "text/html" else "Text"), part.get_content()


#: Fields an AllProperties/Default shape returns (MimeContent is never part of a base shape).
_BASE_FIELDS = {"item:Subject", "item:DateTimeReceived", "message:IsRead", "message:Sender",
                "message:InternetMessageId", "item:ItemClass", "item:ParentFolderId"}


def _item_xml(store: MailStore, item: Item, fields: set[str]) -> etree._Element:
    if "item:MimeContent" in fields and item.fail_mime:
        raise ItemError("ErrorMimeContentConversionFailed", "Content conversion failed.")
    el = etree.Element(t("Message"))
    if "item:MimeContent" in fields:
        sub(el, t("MimeContent"), base64.b64encode(item.mime).decode(), CharacterSet="UTF-8")
    sub(el, t("ItemId"), Id=item.id, ChangeKey=item.changekey)
    if "item:ParentFolderId" in fields:
        sub(el, t("ParentFolderId"), Id=item.folder_id, ChangeKey="CK0")
    if "item:ItemClass" in fields:
        sub(el, t("ItemClass"), "IPM.Note")
    if "item:Subject" in fields and item.subject is not None:
        sub(el, t("Subject"), item.subject)
    if "item:Body" in fields:
        kind, text = _body(item)
        sub(el, t("Body"), text, BodyType=kind, IsTruncated="false")
    if "item:DateTimeReceived" in fields:
        sub(el, t("DateTimeReceived"), _dt(item.datetime_received))
    if "item:Size" in fields:
        sub(el, t("Size"), str(len(item.mime)))
    if "item:InReplyTo" in fields and item.header("In-Reply-To"):
        sub(el, t("InReplyTo"), item.header("In-Reply-To"))
    if "item:InternetMessageHeaders" in fields:
        headers = sub(el, t("InternetMessageHeaders"))
        for name, value in item.headers:
            sub(headers, t("InternetMessageHeader"), value, HeaderName=name)
    if "message:Sender" in fields and item.sender:
        mbx = sub(sub(el, t("Sender")), t("Mailbox"))
        sub(mbx, t("Name"), item.sender[0])
        sub(mbx, t("EmailAddress"), item.sender[1])
        sub(mbx, t("RoutingType"), item.sender_routing)
        sub(mbx, t("MailboxType"), item.sender_mailbox_type)
    if "message:InternetMessageId" in fields and item.message_id:
        sub(el, t("InternetMessageId"), item.message_id)
    if "message:IsRead" in fields:
        sub(el, t("IsRead"), soap.xml_bool(item.is_read))
    if "message:References" in fields and item.header("References"):
        sub(el, t("References"), item.header("References"))
    return el


def _shape_fields(shape: etree._Element | None) -> set[str]:
    base = soap.text_of(shape, t("BaseShape")) or "IdOnly"
    fields = soap.field_uris(shape)
    return fields | _BASE_FIELDS if base in ("AllProperties", "Default") else fields


# --- request helpers -----------------------------------------------------------------------------------------


def _resolve_folder(store: MailStore, el: etree._Element) -> Folder:
    """``t:FolderId`` or ``t:DistinguishedFolderId`` (+ mailbox, which must be ours)."""
    if el.tag == t("DistinguishedFolderId"):
        address = soap.text_of(el, f"{t('Mailbox')}/{t('EmailAddress')}")
        if address and address.lower() != store.address.lower():
            raise ItemError("ErrorNonExistentMailbox", f"No mailbox with such guid or address: {address}")
        return store.distinguished(el.get("Id", ""))
    return store.folder(el.get("Id", ""))


def _folder_ids(store: MailStore, container: etree._Element | None) -> list[Folder | ItemError]:
    out: list[Folder | ItemError] = []
    for el in container if container is not None else ():
        try:
            out.append(_resolve_folder(store, el))
        except ItemError as e:
            out.append(e)
    return out


def _item_ids(container: etree._Element | None) -> list[str]:
    return [el.get("Id", "") for el in (container if container is not None else ())]


def _constant(el: etree._Element) -> str:
    const = el.find(f"{t('FieldURIOrConstant')}/{t('Constant')}")
    return const.get("Value", "") if const is not None else ""


_ITEM_FIELDS: dict[str, Callable[[Item], Any]] = {
    "message:IsRead": lambda i: i.is_read,
    "message:InternetMessageId": lambda i: i.message_id,
    "item:Subject": lambda i: i.subject,
    "item:DateTimeReceived": lambda i: i.datetime_received,
}


def _matches(restriction: etree._Element, obj: Any, getters: dict[str, Callable[[Any], Any]]) -> bool:
    """Evaluate the restriction subset exchangelib emits for our queries (IsEqualTo/IsNotEqualTo/And/Or/Not)."""
    tag = etree.QName(restriction).localname
    if tag in ("And", "Or"):
        results = [_matches(c, obj, getters) for c in restriction]
        return all(results) if tag == "And" else any(results)
    if tag == "Not":
        return not _matches(restriction[0], obj, getters)
    if tag in ("IsEqualTo", "IsNotEqualTo"):
        uri = restriction.find(t("FieldURI")).get("FieldURI", "")
        actual = getters[uri](obj)
        expected: Any = _constant(restriction)
        if isinstance(actual, bool):
            expected = soap.parse_bool(expected)
        return (actual == expected) == (tag == "IsEqualTo")
    raise soap.EwsFault("ErrorUnsupportedQueryFilter", f"test server does not support {tag}")


def _paged(el: etree._Element, view_tag: str, rows: list[Any]) -> tuple[list[Any], dict[str, str]]:
    view = el.find(m(view_tag))
    if view is None:
        return rows, {"TotalItemsInView": str(len(rows)), "IncludesLastItemInRange": "true"}
    size, offset = int(view.get("MaxEntriesReturned", "1000")), int(view.get("Offset", "0"))
    if view.get("BasePoint") == "End":
        offset = max(len(rows) - offset - size, 0)
    page = rows[offset:offset + size]
    last = offset + len(page) >= len(rows)
    return page, {"IndexedPagingOffset": str(offset + len(page)), "TotalItemsInView": str(len(rows)),
                  "IncludesLastItemInRange": soap.xml_bool(last)}


def _per_item(op: str, values: list[Any], build: Callable[[Any, etree._Element], None]) -> etree._Element:
    """One response message per input; an ItemError becomes an Error message and the batch goes on."""
    messages = []
    for value in values:
        try:
            if isinstance(value, ItemError):
                raise value
            msg = soap.success(op)
            build(value, msg)
        except ItemError as e:
            msg = soap.error(op, e)
        messages.append(msg)
    return soap.response(op, messages)


# --- operations ----------------------------------------------------------------------------------------------


def convert_id(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    # Only used by exchangelib's version guess; real Exchange answers the DUMMY id with this error.
    err = ItemError("ErrorInvalidSmtpAddress", "The SMTP address format is invalid.")
    return soap.response("ConvertId", [soap.error("ConvertId", err)]), 1


def get_folder(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    targets = _folder_ids(store, req.find(m("FolderIds")))

    def build(folder: Folder, msg: etree._Element) -> None:
        sub(msg, m("Folders")).append(_folder_xml(store, folder))

    return _per_item("GetFolder", targets, build), len(targets)


def find_folder(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    deep = req.get("Traversal") == "Deep"
    restriction = req.find(m("Restriction"))
    parents = _folder_ids(store, req.find(m("ParentFolderIds")))
    getters: dict[str, Callable[[Any], Any]] = {"folder:DisplayName": lambda f: f.name}

    def build(parent: Folder, msg: etree._Element) -> None:
        rows = store.children(parent.id, deep=deep)
        if restriction is not None and len(restriction):
            rows = [f for f in rows if _matches(restriction[0], f, getters)]
        page, attrs = _paged(req, "IndexedPageFolderView", rows)
        folders = sub(sub(msg, m("RootFolder"), **attrs), t("Folders"))
        for folder in page:
            folders.append(_folder_xml(store, folder))

    return _per_item("FindFolder", parents, build), len(parents)


def create_folder(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    parent = _resolve_folder(store, req.find(m("ParentFolderId"))[0])
    specs = list(req.find(m("Folders")))

    def build(spec: etree._Element, msg: etree._Element) -> None:
        folder = store.create_folder(parent.id, soap.text_of(spec, t("DisplayName")) or "",
                                     soap.text_of(spec, t("FolderClass")) or "IPF.Note")
        out = sub(sub(msg, m("Folders")), t("Folder"))
        sub(out, t("FolderId"), Id=folder.id, ChangeKey=folder.changekey)

    return _per_item("CreateFolder", specs, build), len(specs)


def find_item(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    fields = _shape_fields(req.find(m("ItemShape")))
    restriction = req.find(m("Restriction"))
    orders = req.findall(f"{m('SortOrder')}/{t('FieldOrder')}")
    parents = _folder_ids(store, req.find(m("ParentFolderIds")))

    def build(parent: Folder, msg: etree._Element) -> None:
        rows = store.in_folder(parent.id)
        if restriction is not None and len(restriction):
            rows = [i for i in rows if _matches(restriction[0], i, _ITEM_FIELDS)]
        rows.sort(key=lambda i: i.datetime_received)  # the store's natural order: arrival
        for order in reversed(orders):
            getter = _ITEM_FIELDS[order.find(t("FieldURI")).get("FieldURI", "")]
            rows.sort(key=getter, reverse=order.get("Order") == "Descending")
        page, attrs = _paged(req, "IndexedPageItemView", rows)
        items = sub(sub(msg, m("RootFolder"), **attrs), t("Items"))
        for item in page:
            items.append(_item_xml(store, item, fields - {"item:MimeContent"}))

    return _per_item("FindItem", parents, build), len(parents)


def get_item(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    fields = _shape_fields(req.find(m("ItemShape")))
    ids = _item_ids(req.find(m("ItemIds")))

    def build(item_id: str, msg: etree._Element) -> None:
        sub(msg, m("Items")).append(_item_xml(store, store.item(item_id), fields))

    return _per_item("GetItem", ids, build), len(ids)


def _recipients(el: etree._Element) -> list[str]:
    return [a.text or "" for a in el.iter(t("EmailAddress"))]


def _mime_from_fields(el: etree._Element, store: MailStore) -> bytes:
    """Build MIME for a CreateItem that carries fields instead of MimeContent (Exchange does the same)."""
    msg = EmailMessage()
    msg["From"] = store.address
    for tag, header in (("ToRecipients", "To"), ("CcRecipients", "Cc")):
        box = el.find(t(tag))
        if box is not None:
            msg[header] = ", ".join(_recipients(box))
    msg["Subject"] = soap.text_of(el, t("Subject")) or ""
    for tag, header in (("InternetMessageId", "Message-ID"), ("InReplyTo", "In-Reply-To"),
                        ("References", "References")):
        if soap.text_of(el, t(tag)):
            msg[header] = soap.text_of(el, t(tag))
    body = el.find(t("Body"))
    subtype = "html" if body is not None and body.get("BodyType") == "HTML" else "plain"
    msg.set_content(body.text if body is not None and body.text else "", subtype=subtype)
    for att in el.iterfind(f"{t('Attachments')}/{t('FileAttachment')}"):
        maintype, _, subtype = (soap.text_of(att, t("ContentType")) or "application/octet-stream").partition("/")
        msg.add_attachment(base64.b64decode(soap.text_of(att, t("Content")) or ""), maintype=maintype,
                           subtype=subtype, filename=soap.text_of(att, t("Name")))
    return msg.as_bytes()


def _ensure_message_id(mime: bytes) -> bytes:
    head = BytesParser(policy=default_policy).parsebytes(mime, headersonly=True)
    if head.get("Message-ID"):
        return mime
    return f"Message-ID: <{uuid.uuid4().hex}@ews-test.local>\r\n".encode() + mime


def _message_id(mime: bytes) -> str | None:
    head = BytesParser(policy=default_policy).parsebytes(mime, headersonly=True)
    return str(head["Message-ID"]).strip() if head.get("Message-ID") else None


def envelope_recipients(mime: bytes, el: etree._Element | None = None) -> list[str]:
    head = BytesParser(policy=default_policy).parsebytes(mime, headersonly=True)
    found = [a for _, a in email.utils.getaddresses(
        [str(v) for h in ("To", "Cc", "Bcc") for v in head.get_all(h, [])]) if a]
    for tag in ("ToRecipients", "CcRecipients", "BccRecipients"):
        box = el.find(t(tag)) if el is not None else None
        if box is not None:
            found.extend(_recipients(box))
    return list(dict.fromkeys(found))


def create_item(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    disposition = req.get("MessageDisposition", "SaveOnly")
    saved = req.find(m("SavedItemFolderId"))
    default_dist = "sentitems" if disposition == "SendAndSaveCopy" else "drafts"
    target = _resolve_folder(store, saved[0]) if saved is not None else store.distinguished(default_dist)
    specs = list(req.find(m("Items")))

    def build(spec: etree._Element, msg: etree._Element) -> None:
        b64 = soap.text_of(spec, t("MimeContent"))
        mime = _ensure_message_id(base64.b64decode(b64) if b64 else _mime_from_fields(spec, store))
        if _message_id(mime) in store.refused:
            raise ItemError("ErrorInvalidRecipients", "At least one recipient isn't valid.")
        items = sub(msg, m("Items"))
        if disposition in ("SendOnly", "SendAndSaveCopy"):
            store.record_sent(mime, envelope_recipients(mime, spec))
        if disposition == "SendAndSaveCopy":
            store.add_item(target.id, mime, is_read=True)
        elif disposition == "SaveOnly":
            item = store.add_item(target.id, mime, is_read=soap.parse_bool(soap.text_of(spec, t("IsRead"))))
            sub(sub(items, t("Message")), t("ItemId"), Id=item.id, ChangeKey=item.changekey)

    return _per_item("CreateItem", specs, build), len(specs)


def update_item(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    changes = list(req.find(m("ItemChanges")))

    def build(change: etree._Element, msg: etree._Element) -> None:
        item = store.item(change.find(t("ItemId")).get("Id", ""))
        for update in change.iterfind(f"{t('Updates')}/{t('SetItemField')}"):
            if update.find(t("FieldURI")).get("FieldURI") == "message:IsRead":
                item.is_read = soap.parse_bool(soap.text_of(update, f"{t('Message')}/{t('IsRead')}"))
        item.changekey_n += 1
        sub(sub(sub(msg, m("Items")), t("Message")), t("ItemId"), Id=item.id, ChangeKey=item.changekey)
        sub(sub(msg, m("ConflictResults")), t("Count"), "0")

    return _per_item("UpdateItem", changes, build), len(changes)


def move_item(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    target = _resolve_folder(store, req.find(m("ToFolderId"))[0])
    ids = _item_ids(req.find(m("ItemIds")))

    def build(item_id: str, msg: etree._Element) -> None:
        new = store.move(item_id, target.id)
        sub(sub(sub(msg, m("Items")), t("Message")), t("ItemId"), Id=new.id, ChangeKey=new.changekey)

    return _per_item("MoveItem", ids, build), len(ids)


def send_item(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    save = soap.parse_bool(req.get("SaveItemToFolder", "true"))
    saved = req.find(m("SavedItemFolderId"))
    target = _resolve_folder(store, saved[0]) if saved is not None else store.distinguished("sentitems")
    ids = _item_ids(req.find(m("ItemIds")))

    def build(item_id: str, msg: etree._Element) -> None:
        item = store.item(item_id)
        store.record_sent(item.mime, envelope_recipients(item.mime))
        if save:
            store.move(item.id, target.id).is_read = True
        else:
            store.delete(item.id)

    return _per_item("SendItem", ids, build), len(ids)


def delete_item(store: MailStore, req: etree._Element) -> tuple[etree._Element, int]:
    to_trash = req.get("DeleteType") == "MoveToDeletedItems"
    ids = _item_ids(req.find(m("ItemIds")))

    def build(item_id: str, msg: etree._Element) -> None:
        if to_trash:
            store.move(item_id, store.distinguished("deleteditems").id)
        else:
            store.delete(item_id)

    return _per_item("DeleteItem", ids, build), len(ids)


OPERATIONS: dict[str, Handler] = {
    "ConvertId": convert_id, "GetFolder": get_folder, "FindFolder": find_folder,
    "CreateFolder": create_folder, "FindItem": find_item, "GetItem": get_item, "CreateItem": create_item,
    "UpdateItem": update_item, "MoveItem": move_item, "SendItem": send_item, "DeleteItem": delete_item,
}

