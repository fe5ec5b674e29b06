"""Who really sent a mail: one unambiguous From address, and what our own mail server vouches for (pure)."""

from __future__ import annotations

import re
from email import errors
from email.headerregistry import Address

from kgrz_mailbot.mail.policies import DEFAULT

# RFC 8601: "authserv-id; method=result … ; method=result …"; only results our own server wrote count,
# because any sender can put an Authentication-Results header of its own into a mail.
_RESULT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*(\w+)([^;]*)", re.I)
_HEADER_D = re.compile(r"\bheader\.d\s*=\s*([^\s;]+)", re.I)


MAX_FROM = 998  # RFC 5322's line limit; anything longer is not a sender we could trust anyway
_BLOCK_END = re.compile(rb"\r?\n\r?\n")
_FOLD = re.compile(r"\r?\n[ \t]")


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


def strict_from(raw: bytes) -> str | None:
    """The From addr-spec, lower-cased, or None when From is missing, ambiguous or defective.

    Parsers disagree on crafted From headers (``alice@trusted <evil@evil>``, encoded-word display names
    that look like addresses, two mailboxes): anything the modern parser flags is not trusted at all.
    """
    try:
        values = header_values(raw, "from")
        # A real From is a few dozen characters; the address parser is quadratic on crafted 100 KiB values.
        if len(values) != 1 or len(values[0]) > MAX_FROM:
            return None
        header = DEFAULT.header_factory("From", values[0])
        addresses: tuple[Address, ...] = header.addresses
    except Exception:  # noqa: BLE001 - a From header that breaks the parser identifies nobody
        return None
    # Raw UTF-8 in a display name (RFC 6532 clients) is harmless; every other defect makes From untrustworthy.
    defects = [d for d in header.defects if not isinstance(d, errors.UndecodableBytesDefect)]
    if len(addresses) != 1 or defects or not addresses[0].domain:
        return None
    spec = addresses[0].addr_spec
    return spec.lower() if spec.isascii() else None


def authres_verified(raw: bytes, authserv_id: str, from_address: str) -> bool:
    """True when our own server's Authentication-Results say DMARC passed, or DKIM passed for the From domain."""
    domain = from_address.rsplit("@", 1)[-1].lower()
    values = header_values(raw, "authentication-results")
    for value in values:
        server, _, results = value.partition(";")
        if server.strip().split()[0:1] != [authserv_id.lower()] and server.strip().lower() != authserv_id.lower():
            continue
        for method, result, rest in _RESULT.findall(results):
            if result.lower() != "pass":
                continue
            if method.lower() == "dmarc":
                return True
            signer = _HEADER_D.search(rest)
            if method.lower() == "dkim" and signer and signer[1].lower() == domain:
                return True
    return False
