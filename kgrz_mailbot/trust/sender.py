"""Who really sent a mail: the one unambiguous From address (pure); our server's verdict is in ``authresults``."""

from __future__ import annotations

import re
from email import errors
from email.headerregistry import Address

from kgrz_mailbot.mail.policies import DEFAULT

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
