"""SOAP/EWS XML vocabulary of the test server: namespaces, envelopes, faults and small element helpers."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

SOAPNS = "http://schemas.xmlsoap.org/soap/envelope/"
MNS = "http://schemas.microsoft.com/exchange/services/2006/messages"
TNS = "http://schemas.microsoft.com/exchange/services/2006/types"
ENS = "http://schemas.microsoft.com/exchange/services/2006/errors"
NSMAP = {"s": SOAPNS, "m": MNS, "t": TNS}

#: What every response header reports; exchangelib re-reads it from each response (Exchange 2019 CU15).
SERVER_VERSION = {
    "MajorVersion": "15",
    "MinorVersion": "2",
    "MajorBuildNumber": "1748",
    "MinorBuildNumber": "10",
    "Version": "V2017_07_11",
}


class EwsFault(Exception):
    """A whole-request SOAP fault (as opposed to a per-item error inside a response message)."""

    def __init__(self, code: str, message: str, back_off_ms: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.back_off_ms = back_off_ms


class ItemError(Exception):
    """A per-item error: rendered as one ``ResponseClass="Error"`` response message; the batch goes on."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.message = message or code


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def m(name: str) -> str:
    return q(MNS, name)


def t(name: str) -> str:
    return q(TNS, name)


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def xml_bool(value: bool) -> str:
    # Real Exchange answers true/false while exchangelib sends 1/0; parse_bool accepts both.
    return "true" if value else "false"


def parse_bool(text: str | None) -> bool:
    return (text or "").strip().lower() in ("1", "true")


def envelope(body_child: etree._Element) -> bytes:
    env = etree.Element(q(SOAPNS, "Envelope"), nsmap=NSMAP)
    header = sub(env, q(SOAPNS, "Header"))
    sub(header, t("ServerVersionInfo"), **SERVER_VERSION)
    body = sub(env, q(SOAPNS, "Body"))
    body.append(body_child)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def fault_envelope(fault: EwsFault) -> bytes:
    """The SOAP fault Exchange sends with HTTP 500, e.g. for throttling (ErrorServerBusy + BackOffMilliseconds)."""
    env = etree.Element(q(SOAPNS, "Envelope"), nsmap=NSMAP)
    header = sub(env, q(SOAPNS, "Header"))
    sub(header, t("ServerVersionInfo"), **SERVER_VERSION)
    body = sub(env, q(SOAPNS, "Body"))
    f = sub(body, q(SOAPNS, "Fault"))
    # faultcode/faultstring/detail are unqualified in SOAP 1.1; exchangelib looks them up that way.
    sub(f, "faultcode", "a:" + fault.code)
    sub(f, "faultstring", fault.message)
    detail = sub(f, "detail")
    e = etree.SubElement(detail, q(ENS, "ResponseCode"), nsmap={"e": ENS})
    e.text = fault.code
    sub(detail, q(ENS, "Message"), fault.message)
    if fault.back_off_ms is not None:
        msg_xml = sub(detail, t("MessageXml"))
        sub(msg_xml, t("Value"), str(fault.back_off_ms), Name="BackOffMilliseconds")
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def response(op: str, messages: Iterable[etree._Element]) -> etree._Element:
    """``m:<Op>Response/m:ResponseMessages/…`` around already built response messages."""
    resp = etree.Element(m(f"{op}Response"), nsmap=NSMAP)
    container = sub(resp, m("ResponseMessages"))
    for msg in messages:
        container.append(msg)
    return resp


def success(op: str) -> etree._Element:
    msg = etree.Element(m(f"{op}ResponseMessage"), ResponseClass="Success")
    sub(msg, m("ResponseCode"), "NoError")
    return msg


def error(op: str, err: ItemError) -> etree._Element:
    msg = etree.Element(m(f"{op}ResponseMessage"), ResponseClass="Error")
    sub(msg, m("MessageText"), err.message)
    sub(msg, m("ResponseCode"), err.code)
    sub(msg, m("DescriptiveLinkKey"), "0")
    return msg


def field_uris(shape: etree._Element | None) -> set[str]:
    """The FieldURI values of an ItemShape/FolderShape's AdditionalProperties."""
    if shape is None:
        return set()
    return {f.get("FieldURI", "") for f in shape.iter(t("FieldURI"))}


def text_of(el: etree._Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    return found.text if found is not None else None
