"""Raw RFC 822 bytes -> header facts and decoded body parts, tolerant of every kind of broken mail."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from functools import cached_property, lru_cache

from kgrz_mailbot.domain.model import MailFacts
from kgrz_mailbot.replies.flowed import unflow
from kgrz_mailbot.replies.mimepolicy import PARSER as _PARSER

# Limits of RELIABILITY.md §5.4, enforced before and while parsing (the email package has known DoS paths).
MAX_RAW_BYTES = 25 * 1024 * 1024
MAX_HEADER_BLOCK = 256 * 1024
MAX_HEADER_LINE = 16 * 1024
MAX_HEADER_LINES = 500
MAX_DEPTH = 10
MAX_PARTS = 200
MAX_PART_TEXT = 1024 * 1024

_MSGID_RE = re.compile(r"<[^<>\s]+>")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FOLD_RE = re.compile(r"\r?\n[ \t]+")
_HEADER_END_RE = re.compile(rb"\r?\n\r?\n")
_FLOWED_RE = re.compile(r";\s*format\s*=\s*\"?flowed\b", re.I)
_DELSP_RE = re.compile(r";\s*delsp\s*=\s*\"?yes\b", re.I)
# Header values repeat across a poll (content types, the leads' and our own addresses, subjects): the pure
# decoders below are memoised, for short values only: 5 caches of 1024 x 512 chars stay small whatever arrives.
_MEMO_SIZE = 1024
_MEMO_MAX_CHARS = 512
# WHATWG treats latin-1 labels as windows-1252; Outlook relies on that for € and typographic quotes.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "utf-8",
                    "ascii": "utf-8", "iso_8859-1": "cp1252", "unicode-1-1-utf-7": "utf-7"}


class MailTooLarge(ValueError):
    """The raw mail is over MAX_RAW_BYTES; it is stored but not parsed."""


@dataclass(frozen=True)
class ParsedMail:
    """One parsed mail: header facts, raw header list, and the decoded text parts."""

    facts: MailFacts
    raw_headers: tuple[tuple[str, str], ...]  # (lower-case name, value as in the mail), in mail order
    content_type: str
    plain: str | None
    html: str | None
    tnef_used: bool = False
    notes: tuple[str, ...] = ()

    @cached_property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """(lower-case name, unfolded decoded value), in mail order; decoded on first use (Exchange mails carry
        dozens of Received/ARC/X-MS headers nobody reads)."""
        return tuple((key, _decode_header_value(value)) for key, value in self.raw_headers)

    @cached_property
    def _raw_by_name(self) -> dict[str, list[str]]:
        return _index(self.raw_headers)

    def header(self, name: str) -> str | None:
        """First value of a header, or None."""
        values = self._raw_by_name.get(name.lower())
        return _decode_header_value(values[0]) if values else None

    def header_all(self, name: str) -> list[str]:
        return [_decode_header_value(value) for value in self._raw_by_name.get(name.lower(), ())]


def _index(headers: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    by_name: dict[str, list[str]] = {}
    for key, value in headers:
        by_name.setdefault(key, []).append(value)
    return by_name


def clean_text(text: str) -> str:
    """NFC, unified line ends, no NUL or control characters (they break storage and regexes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", unicodedata.normalize("NFC", text))


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset; an unknown or wrong one degrades to replacement characters."""
    name = (charset or "").strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    if name:
        try:
            codecs.lookup(name)
        except LookupError:
            name = ""
    if not name:
        # Undeclared: utf-8 if it is valid, else the Windows code page German clients use.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")
    try:
        return data.decode(name, errors="replace")
    except Exception:  # noqa: BLE001 - exotic codecs can raise other errors than UnicodeError
        return data.decode("utf-8", errors="replace")


def limit_header_block(raw: bytes) -> tuple[bytes, list[str]]:
    """Cut absurd header blocks down to the §5.4 limits before the parser sees them."""
    notes: list[str] = []
    match = _HEADER_END_RE.search(raw)
    head, body = (raw[: match.start()], raw[match.start():]) if match else (raw, b"")
    if len(head) <= MAX_HEADER_BLOCK and head.count(b"\n") < MAX_HEADER_LINES and (
        max(map(len, head.split(b"\n"))) <= MAX_HEADER_LINE
    ):
        return raw, notes
    lines = head.split(b"\n")
    if len(lines) > MAX_HEADER_LINES:
        notes.append(f"header truncated to {MAX_HEADER_LINES} lines")
        lines = lines[:MAX_HEADER_LINES]
    if any(len(line) > MAX_HEADER_LINE for line in lines):
        notes.append("overlong header line truncated")
        lines = [line[:MAX_HEADER_LINE] for line in lines]
    head = b"\n".join(lines)[:MAX_HEADER_BLOCK]
    return head + body, notes


def _decode_header_value(value: str) -> str:
    """RFC 2047 decoding that never raises; falls back to the raw value."""
    value = str(value)
    return _decode_memo(value) if len(value) <= _MEMO_MAX_CHARS else _decode(value)


def _decode(value: str) -> str:
    if "\n" in value:
        value = _FOLD_RE.sub(" ", value)
    if "=?" not in value:
        decoded = value  # what make_header(decode_header(value)) returns without an encoded word, but cheap
    else:
        try:
            decoded = str(make_header(decode_header(value)))
        except Exception:  # noqa: BLE001 - broken encoded words are common in spam and old clients
            decoded = value
    if not decoded.isascii():
        # Raw 8-bit header bytes (RFC 6532 clients, old webmailers) arrive as surrogate escapes: read them as
        # UTF-8 so a name like "Krämer" survives instead of poisoning every mail that quotes it.
        decoded = decoded.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return clean_text(decoded).replace("\n", " ").strip()


_decode_memo = lru_cache(maxsize=_MEMO_SIZE)(_decode)


def _msgids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    found = _MSGID_RE.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [f"<{value.strip().strip('<>')}>"]
    return tuple(found)


def _addresses(values: list[str]) -> tuple[tuple[str, str], ...]:
    key = tuple(values)
    return _addresses_memo(key) if sum(map(len, key)) <= _MEMO_MAX_CHARS else _parse_addresses(key)


def _parse_addresses(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    try:
        pairs = getaddresses(values)
    except Exception:  # noqa: BLE001 - getaddresses has raised on crafted input in older Pythons
        return ()
    return tuple((_decode_header_value(name), addr.strip().lower()) for name, addr in pairs if "@" in addr)


_addresses_memo = lru_cache(maxsize=_MEMO_SIZE)(_parse_addresses)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:  # noqa: BLE001 - any unparsable date is simply unknown
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # RFC 5322 "-0000": time is UTC, zone unknown
    return parsed.astimezone(UTC)


def _facts(raw_by_name: dict[str, list[str]]) -> MailFacts:
    def first(name: str) -> str | None:
        values = raw_by_name.get(name)
        return _decode_header_value(values[0]) if values else None

    def every(name: str) -> list[str]:
        return [_decode_header_value(value) for value in raw_by_name.get(name, ())]

    senders = _addresses(every("from"))
    name, address = senders[0] if senders else ("", None)
    return MailFacts(
        message_id=next(iter(_msgids(first("message-id"))), None),
        subject=first("subject") or "",
        from_name=name,
        from_address=address,
        date=_date(first("date")),
        in_reply_to=_msgids(first("in-reply-to")),
        references=_msgids(" ".join(every("references"))),
        to=tuple(addr for _, addr in _addresses(every("to"))),
        cc=tuple(addr for _, addr in _addresses(every("cc"))),
    )


def _header_str(part: Message, name: str) -> str | None:
    value = part.get(name)
    return None if value is None else str(value)


def _probe(content_type: str | None, disposition: str | None) -> Message:
    """A bare message holding just these header values: Message's parameter logic depends on nothing else."""
    probe = Message()
    if content_type is not None:
        probe.set_raw("Content-Type", content_type)
    if disposition is not None:
        probe.set_raw("Content-Disposition", disposition)
    return probe


def _charset_of(content_type: str | None) -> str | None:
    return _probe(content_type, None).get_content_charset()


def _filename_of(content_type: str | None, disposition: str | None) -> str | None:
    return _probe(content_type, disposition).get_filename()


# Parameter parsing (Message.get_param) was a third of _collect; parts share a handful of header values.
_charset_memo = lru_cache(maxsize=_MEMO_SIZE)(_charset_of)
_filename_memo = lru_cache(maxsize=_MEMO_SIZE)(_filename_of)


def _content_charset(part: Message) -> str | None:
    """part.get_content_charset(), memoised on the Content-Type value."""
    content_type = _header_str(part, "content-type")
    short = content_type is None or len(content_type) <= _MEMO_MAX_CHARS
    return (_charset_memo if short else _charset_of)(content_type)


def _filename(part: Message) -> str | None:
    """part.get_filename(), memoised on the Content-Disposition and Content-Type values."""
    disposition = _header_str(part, "content-disposition")
    content_type = _header_str(part, "content-type")
    short = sum(len(value or "") for value in (disposition, content_type)) <= _MEMO_MAX_CHARS
    return (_filename_memo if short else _filename_of)(content_type, disposition)


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken base64/QP must not stop the mail
        payload = None
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = _content_charset(part)
    except Exception:  # noqa: BLE001
        charset = None
    return clean_text(decode_bytes(payload[: MAX_PART_TEXT * 4], charset))[:MAX_PART_TEXT]


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment"
    except Exception:  # noqa: BLE001
        return False


def _tnef_texts(part: Message) -> tuple[str | None, str | None]:
    """Body of an Outlook "Rich Text" winmail.dat (plain and/or HTML; RTF-only bodies are not read)."""
    from tnefparse import TNEF  # imported lazily: only a few mails carry TNEF

    try:
        payload = part.get_payload(decode=True)
        tnef = TNEF(payload, do_checksum=False)
    except Exception:  # noqa: BLE001 - tnefparse raises many kinds of errors on bad data
        return None, None

    def text(value: object) -> str | None:
        if isinstance(value, bytes):
            return clean_text(decode_bytes(value.rstrip(b"\x00"), tnef.codepage or "cp1252"))
        return clean_text(value.rstrip("\x00")) if isinstance(value, str) else None

    return text(tnef.body), text(tnef.htmlbody)


def _collect(msg: Message) -> tuple[str | None, str | None, bool]:
    """First inline text/plain and text/html (outside attached mails), else a TNEF body."""
    plain: str | None = None
    html: str | None = None
    tnef_part: Message | None = None
    stack: list[tuple[Message, int]] = [(msg, 0)]
    seen = 0
    while stack and seen < MAX_PARTS:
        part, depth = stack.pop()
        seen += 1
        ctype = part.get_content_type()
        if part.is_multipart():
            if depth < MAX_DEPTH:
                children = part.get_payload()
                if isinstance(children, list):
                    stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, Message))
            continue
        if ctype == "application/ms-tnef" or (_filename(part) or "").lower() == "winmail.dat":
            tnef_part = tnef_part or part
        elif ctype == "text/plain" and plain is None and not _is_attachment(part):
            plain = _part_text(part)
            flowed = _FLOWED_RE.search(_header_str(part, "content-type") or "")
            if flowed:
                plain = unflow(plain, delsp=bool(_DELSP_RE.search(flowed.string)))
        elif ctype == "text/html" and html is None and not _is_attachment(part):
            html = _part_text(part)
    if tnef_part is not None and not (plain or "").strip() and not (html or "").strip():
        tnef_plain, tnef_html = _tnef_texts(tnef_part)
        return tnef_plain, tnef_html, bool(tnef_plain or tnef_html)
    return plain, html, False


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw bytes; raises MailTooLarge only for mails over the size limit, nothing else."""
    if len(raw) > MAX_RAW_BYTES:
        raise MailTooLarge(f"mail has {len(raw)} bytes, limit {MAX_RAW_BYTES}")
    raw, notes = limit_header_block(raw)
    msg = _PARSER.parsebytes(raw)
    # raw_items() gives the source strings: no header object is built, so no header can raise here.
    # Only the headers the facts need are decoded now; ParsedMail decodes others when asked.
    headers = tuple((str(name).lower(), value) for name, value in msg.raw_items())
    try:
        content_type = msg.get_content_type()
    except Exception:  # noqa: BLE001
        content_type = "text/plain"
    try:
        plain, html, tnef_used = _collect(msg)
    except Exception as exc:  # noqa: BLE001 - a body we cannot walk still has usable headers
        notes.append(f"body not readable: {type(exc).__name__}")
        plain, html, tnef_used = None, None, False
    return ParsedMail(
        facts=_facts(_index(headers)),
        raw_headers=headers,
        content_type=content_type,
        plain=plain,
        html=html,
        tnef_used=tnef_used,
        notes=tuple(notes),
    )
