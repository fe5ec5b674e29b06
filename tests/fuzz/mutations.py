"""Ways to break a real mail: each mutator takes the raw bytes and a seeded ``random.Random``.

The seeds are the real test mails (``tests/data/mails``); the mutators are what hostile senders, broken
clients and broken gateways produce (RELIABILITY.md §5.4). Everything is deterministic given the Random.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from random import Random

MAILS = Path(__file__).resolve().parents[1] / "data" / "mails"
Mutator = Callable[[bytes, Random], bytes]


def _split(raw: bytes) -> tuple[bytes, bytes, bytes]:
    """(header block, separator, body); a mail without a blank line is all header."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(sep)
        if found:
            return head, found, body
    return raw, b"", b""


def _eol(raw: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in raw[:2000] else b"\n"


def truncate(raw: bytes, rng: Random) -> bytes:
    return raw[: rng.randrange(0, max(1, len(raw)))]


def wrong_boundary(raw: bytes, rng: Random) -> bytes:
    """The header names one boundary, the body uses another; or the closing delimiter is gone."""
    boundaries = re.findall(rb'boundary="?([^";\r\n]+)"?', raw, re.I)
    if not boundaries:
        return raw.replace(b"\n\n", b"\n--nowhere\n\n", 1)
    victim = rng.choice(boundaries)
    choice = rng.randrange(3)
    if choice == 0:
        return raw.replace(b"boundary=\"" + victim, b"boundary=\"X" + victim, 1).replace(
            b"boundary=" + victim, b"boundary=X" + victim, 1)
    if choice == 1:
        return raw.replace(b"--" + victim + b"--", b"")
    return raw.replace(b"--" + victim, b"--" + victim[: rng.randrange(len(victim) + 1)])


def bad_base64(raw: bytes, rng: Random) -> bytes:
    """Declare base64 where the body is not, or damage a base64 body."""
    head, sep, body = _split(raw)
    if b"base64" in raw.lower() and rng.random() < 0.5:
        cut = rng.randrange(len(body) + 1)
        return head + sep + body[:cut] + b"!!*==\x00==\xff" + body[cut:]
    head = re.sub(rb"(?im)^content-transfer-encoding:.*$", b"Content-Transfer-Encoding: base64", head)
    if b"content-transfer-encoding" not in head.lower():
        head += _eol(raw) + b"Content-Transfer-Encoding: base64"
    return head + sep + body


CHARSETS = (b"utf-7", b"utf-16", b"utf-32-be", b"x-unknown", b"", b"iso-2022-jp", b"cp037", b"utf-8\x00",
            b"koi8-r", b"windows-1252", b"ascii", b"../../etc/passwd", b"a" * 300)  # fmt: skip


def wrong_charset(raw: bytes, rng: Random) -> bytes:
    charset = rng.choice(CHARSETS)
    if re.search(rb"charset=", raw, re.I):
        return re.sub(rb'(?i)charset="?[^";\s]*"?', b'charset="' + charset + b'"', raw, count=rng.randrange(1, 4))
    head, sep, body = _split(raw)
    return head + _eol(raw) + b"Content-Type: text/plain; charset=" + charset + sep + body


def nul_bytes(raw: bytes, rng: Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randrange(1, 20)):
        data.insert(rng.randrange(len(data) + 1), 0)
    return bytes(data)


def megabyte_line(raw: bytes, rng: Random) -> bytes:
    """One line of 1 MiB, in the header (a header value) or the body."""
    line = bytes([rng.choice(b"Aa0 =\t<>")]) * (1 << 20)
    head, sep, body = _split(raw)
    if rng.random() < 0.5:
        return head + _eol(raw) + b"X-Long: " + line + sep + body
    cut = rng.randrange(len(body) + 1)
    return head + sep + body[:cut] + line + _eol(raw) + body[cut:]


def deep_nesting(raw: bytes, rng: Random) -> bytes:
    """The original body wrapped into 100 (or more) levels of multipart/mixed."""
    head, sep, body = _split(raw)
    head = re.sub(rb"(?im)^content-(type|transfer-encoding):.*(\r?\n[ \t].*)*$", b"X-Was: x", head)
    depth = rng.choice((100, 101, 150, 500))
    nl = _eol(raw)
    inner = b"Content-Type: text/plain; charset=utf-8" + nl + nl + body
    for level in range(depth):
        b = b"b%d" % level
        inner = (b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"" + nl + nl + b"--" + b + nl + inner
                 + nl + b"--" + b + b"--" + nl)
    return head + nl + b"MIME-Version: 1.0" + nl + inner


def many_headers(raw: bytes, rng: Random) -> bytes:
    count = rng.choice((600, 5_000, 20_000))
    nl = _eol(raw)
    extra = b"".join(b"X-Junk-%d: %s" % (i, b"v" * rng.randrange(1, 40)) + nl for i in range(count))
    head, sep, body = _split(raw)
    return extra + head + sep + body


def many_parts(raw: bytes, rng: Random) -> bytes:
    nl, b = _eol(raw), b"manyparts"
    head, sep, body = _split(raw)
    head = re.sub(rb"(?im)^content-(type|transfer-encoding):.*(\r?\n[ \t].*)*$", b"X-Was: x", head)
    part = b"--" + b + nl + b"Content-Type: text/plain" + nl + nl + b"x" + nl
    parts = part * rng.choice((250, 2_000, 10_000))
    return (head + nl + b"MIME-Version: 1.0" + nl + b"Content-Type: multipart/mixed; boundary=" + b + nl + nl
            + b"--" + b + nl + b"Content-Type: text/plain; charset=utf-8" + nl + nl + body + nl + parts
            + b"--" + b + b"--" + nl)


@cache
def _zip_bomb() -> bytes:
    """~100 KiB of zip that inflates to 100 MiB: the mail must not unpack attachments at all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("bericht.txt", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(100):
                member.write(chunk)
    return buffer.getvalue()


def zip_bomb(raw: bytes, rng: Random) -> bytes:
    nl, b = _eol(raw), b"bombpart"
    head, sep, body = _split(raw)
    kept = re.findall(rb"(?im)^content-type:.*(?:\r?\n[ \t].*)*$", head)
    head = re.sub(rb"(?im)^content-(type|transfer-encoding):.*(\r?\n[ \t].*)*$", b"X-Was: x", head)
    encoded = base64.encodebytes(_zip_bomb()).replace(b"\n", nl)
    name = rng.choice((b"bericht.zip", b"winmail.dat", b"status.docx", b"=?utf-8?q?bom=C3=9F?=.zip"))
    return (head + nl + b"MIME-Version: 1.0" + nl + b"Content-Type: multipart/mixed; boundary=" + b + nl + nl
            + b"--" + b + nl + (kept[0] if kept else b"Content-Type: text/plain") + nl + nl + body + nl
            + b"--" + b + nl + b"Content-Type: application/zip; name=\"" + name + b"\"" + nl
            + b"Content-Transfer-Encoding: base64" + nl + b"Content-Disposition: attachment" + nl + nl
            + encoded + b"--" + b + b"--" + nl)


def flip_bytes(raw: bytes, rng: Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randrange(1, 64)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def long_header(raw: bytes, rng: Random) -> bytes:
    """A Subject or From of 100 KiB, folded or not, with encoded words."""
    name = rng.choice((b"Subject", b"From", b"References", b"Content-Type"))
    word = rng.choice((b"=?utf-8?b?w6TDtsO8?= ", b"a ", b"=?broken?q?x?= ", b"<x@y> "))
    value = word * (100_000 // len(word))
    if rng.random() < 0.5:
        value = value.replace(b" ", _eol(raw) + b" ", 2000)
    return re.sub(rb"(?im)^" + name + rb":.*$", name + b": " + value.replace(b"\\", b"\\\\"), raw, count=1)


def header_garbage(raw: bytes, rng: Random) -> bytes:
    """No colon, a header that never ends, bare CRs, an encoded word that lies about its charset."""
    nl = _eol(raw)
    junk = rng.choice((b"Kein Doppelpunkt hier", b"From: " + b"<" * 500, b"Date: 31 Feb 99999 25:61:61 +9999",
                       b"Subject: =?utf-8?B?////////?=", b"\rFrom:\r evil@example.net", b": leer",
                       b"Message-ID: <" + b"a" * 5000, b"Content-Type: multipart/mixed"))
    head, sep, body = _split(raw)
    lines = head.split(nl)
    lines.insert(rng.randrange(len(lines) + 1), junk)
    return nl.join(lines) + sep + body


def no_body_separator(raw: bytes, rng: Random) -> bytes:
    head, _, body = _split(raw)
    return head + _eol(raw) + body


MUTATORS: dict[str, Mutator] = {
    f.__name__: f
    for f in (truncate, wrong_boundary, bad_base64, wrong_charset, nul_bytes, megabyte_line, deep_nesting,
              many_headers, many_parts, zip_bomb, flip_bytes, long_header, header_garbage, no_body_separator)
}


def seeds() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(MAILS.glob("*.eml"))}


def mutate(raw: bytes, names: list[str], rng: Random) -> bytes:
    for name in names:
        raw = MUTATORS[name](raw, rng)
    return raw
