"""Who really sent a mail: the one unambiguous From address (pure); our server's verdict is in ``authresults``."""

from __future__ import annotations

import re
import unicodedata
from email import errors
from email.header import decode_header, make_header
from email.headerregistry import Address
from functools import lru_cache

from kgrz_mailbot.mail.policies import DEFAULT

MAX_FROM = 998  # RFC 5322's line limit; anything longer is not a sender we could trust anyway
_BLOCK_END = re.compile(rb"\r?\n\r?\n")
_FOLD = re.compile(r"\r?\n[ \t]")

# Parser warnings that leave the one address of a From intact (RFC 5322 §4 obsolete syntax receivers must accept,
# and encoded words where RFC 2047 does not allow them but Notes, old Outlook and PHP mailers write them).
_HARMLESS = (errors.ObsoleteHeaderDefect, errors.UndecodableBytesDefect, errors.NonPrintableDefect,
             errors.CharsetError, errors.InvalidBase64CharactersDefect, errors.InvalidBase64PaddingDefect,
             errors.InvalidBase64LengthDefect)
_HARMLESS_TEXT = frozenset({
    "encoded word inside quoted string", "missing trailing whitespace after encoded-word",
    "missing whitespace before encoded word", "whitespace inside encoded word",
})
_NO_DOMAIN = "addr-spec local part with no domain"
# Anything that reads as an address once decoded and NFKC-folded (the full-width ＠ becomes @).
_ADDRESS_LIKE = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def header_values(raw: bytes, name: str) -> list[str]:
    """The unfolded values of one header, read from the header block only (cheaper than a full parse).

    Bytes are decoded as the email package does (ASCII with surrogate escapes), so the modern parser
    sees the same value and reports the same defects.
    """
    head = raw[:262_144]
    end = _BLOCK_END.search(head)
    text = _FOLD.sub(" ", (head[: end.start()] if end else head).decode("ascii", "surrogateescape"))
    prefix = name.lower() + ":"
    return [line[len(prefix):].strip() for line in text.splitlines() if line[: len(prefix)].lower() == prefix]


def _harmless(defect: errors.MessageDefect) -> bool:
    return isinstance(defect, _HARMLESS) or str(defect) in _HARMLESS_TEXT


def _one_mailbox(addresses: tuple[Address, ...], defects: list[errors.MessageDefect], value: str) -> Address | None:
    """The one mailbox the From names, or None when it could name two people."""
    if len(addresses) == 1:
        return addresses[0] if all(_harmless(d) for d in defects) else None
    # `Weber, Elke <elke.weber@…>` (an unquoted comma, written by some scripts and gateways) parses as a bare word
    # and a mailbox: one angle address and words without a domain still name one person.
    with_domain = [a for a in addresses if a.domain]
    unquoted = _QUOTED.sub("", value)
    if (len(with_domain) != 1 or unquoted.count("<") != 1 or unquoted.count(">") != 1
            or any("@" in a.addr_spec for a in addresses if not a.domain)):
        return None
    if not all(_harmless(d) or str(d) == _NO_DOMAIN for d in defects):
        return None
    return with_domain[0]


def _names_another_address(value: str, spec: str) -> bool:
    """Does the decoded value (display name, comments, encoded words) hold an address other than spec?"""
    try:
        decoded = str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - an encoded word the decoder refuses is checked undecoded
        decoded = value
    folded = unicodedata.normalize("NFKC", decoded.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    return any(found.lower() != spec for found in _ADDRESS_LIKE.findall(folded))


def strict_from(raw: bytes) -> str | None:
    """The From addr-spec, lower-cased, or None when From is missing, ambiguous or broken.

    Parsers disagree on crafted From headers (``alice@trusted <evil@evil>``, encoded-word display names
    that look like addresses, two mailboxes, broken brackets): anything that could name two people is not
    trusted at all. What real clients write for one mailbox is: obsolete phrases (``Dr. Thomas Schäfer``
    unquoted), quoted ``"Nachname, Vorname (Amt 10)"``, encoded words in any part of the name, comments.
    """
    try:
        values = header_values(raw, "from")
    except Exception:  # noqa: BLE001 - a header block we cannot read identifies nobody
        return None
    # A real From is a few dozen characters; the address parser is quadratic on crafted 100 KiB values.
    if len(values) != 1 or len(values[0]) > MAX_FROM:
        return None
    return _strict_mailbox(values[0])


@lru_cache(maxsize=1024)  # a pure function of the value; a poll reads the same few leads' From lines again and again
def _strict_mailbox(value: str) -> str | None:
    """The one addr-spec of a From value (at most MAX_FROM characters), or None."""
    try:
        header = DEFAULT.header_factory("From", value)
        addresses: tuple[Address, ...] = header.addresses
        mailbox = _one_mailbox(addresses, list(header.defects), value)
    except Exception:  # noqa: BLE001 - a From header that breaks the parser identifies nobody
        return None
    if mailbox is None or not mailbox.domain or not mailbox.addr_spec.isascii():
        return None
    spec = mailbox.addr_spec.lower()
    return None if _names_another_address(value, spec) else spec
