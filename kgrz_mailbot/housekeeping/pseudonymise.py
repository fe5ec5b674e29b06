"""Replace one person's name and address by a pseudonym inside stored mails and draft files (Art. 17 DSGVO).

A raw mail hides a name in many ways: RFC 2047 encoded words in headers, quoted-printable or base64 bodies in
any charset, HTML entities (``Kr&auml;mer``), a "Nachname, Vorname" display name, a .docx attachment, a file
name in RFC 2231 form. A byte search finds none of these, so every part is decoded, rewritten and encoded
again with its own transfer encoding. What cannot be rewritten with certainty (a PDF, an image, a mail the
``email`` package cannot take apart) is reported, and the caller blanks it instead of keeping a trace.
"""

from __future__ import annotations

import base64
import html.entities
import io
import quopri
import re
import zipfile
from dataclasses import dataclass
from email import message_from_bytes
from email.generator import BytesGenerator
from email.header import Header, decode_header, make_header
from email.message import Message
from email.policy import compat32
from email.utils import formataddr, getaddresses
from functools import cached_property

ADDRESS_HEADERS = {"from", "to", "cc", "bcc", "reply-to", "sender", "return-path", "delivered-to",
                   "resent-from", "resent-to", "resent-cc", "disposition-notification-to", "x-original-to"}
DOCX_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SPACE = r"(?:\s|&nbsp;|&#160;|&#xa0;|\xa0)+"  # Outlook's HTML separates names with &nbsp;


class Unclean(Exception):
    """The mail or file still names the person after rewriting, or cannot be taken apart to rewrite it."""


def _entity_forms(text: str) -> list[str]:
    """``Krämer``, ``Kr&auml;mer``, ``Kr&#228;mer``, ``Kr&#xe4;mer``: how HTML writers spell a name."""
    named = "".join(f"&{html.entities.codepoint2name[ord(c)]};" if ord(c) in html.entities.codepoint2name
                    and ord(c) > 127 else c for c in text)
    return list(dict.fromkeys([text, named, "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in text),
                               "".join(f"&#x{ord(c):x};" if ord(c) > 127 else c for c in text)]))


@dataclass(frozen=True)
class Replacer:
    """Address and full names of one person, and what replaces them."""

    address: str
    names: tuple[str, ...]
    alias: str  # the pseudonymous address, geloescht-<hash>@invalid

    @property
    def alias_name(self) -> str:
        return self.alias.split("@")[0]

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        def spelled(word: str) -> str:
            return "(?:" + "|".join(re.escape(f) for f in _entity_forms(word)) + ")"

        forms = []
        for name in self.names:
            words = name.split()
            # "Sabine Krämer", Outlook's "Krämer, Sabine", and the salutation "Frau Krämer" of greetings
            for order in ([words, [words[-1] + ",", *words[:-1]]] if len(words) > 1 else [words]):
                forms.append(SPACE.join(spelled(w) for w in order))
            if len(words) > 1:
                forms.append(rf"\b(?:Frau|Herrn?|Fr\.|Hr\.){SPACE}{spelled(words[-1])}")
        names = "|".join(sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?P<address>{re.escape(self.address)})" + (rf"|(?P<name>{names})" if names else ""),
                          re.IGNORECASE)

    def text(self, value: str) -> str:
        return self._pattern.sub(lambda m: self.alias if m.group("address") else self.alias_name, value)

    def names_in(self, value: str) -> bool:
        return self.text(value) != value


def rewrite_mail(raw: bytes, person: Replacer) -> bytes:
    """The mail with the person replaced everywhere; the same bytes when it never named them.

    Raises ``Unclean`` when a trace would remain (the caller then blanks the raw text).
    """
    try:
        msg = message_from_bytes(raw, policy=compat32)
        changed = False
        for part in msg.walk():
            changed |= _rewrite_headers(part, person)
            if not part.is_multipart():
                changed |= _rewrite_body(part, person)
        if not changed:
            _assert_clean(raw, msg, person)
            return raw
        out = io.BytesIO()
        linesep = "\r\n" if b"\r\n" in raw[:4096] else "\n"
        BytesGenerator(out, mangle_from_=False, policy=compat32.clone(linesep=linesep)).flatten(msg)
        result = out.getvalue()
        _assert_clean(result, message_from_bytes(result, policy=compat32), person)
        return result
    except Unclean:
        raise
    except Exception as exc:  # noqa: BLE001 - hostile mails break the email package in many ways
        if person.names_in(raw.decode("utf-8", "replace")) or person.names_in(raw.decode("latin-1")):
            raise Unclean(f"Mail nicht zerlegbar ({type(exc).__name__})") from exc
        return raw


def decoded_header(value: str) -> str:
    """A header as a person reads it: encoded words decoded, a broken one left as it stands."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - a broken encoded word is read as it stands
        return value


def _rewrite_headers(part: Message, person: Replacer) -> bool:
    items = part.items()
    new = []
    for name, value in items:
        text = decoded_header(str(value))
        if not person.names_in(text) and not person.names_in(str(value)):
            new.append((name, value))
        elif name.lower() in ADDRESS_HEADERS:
            # parse before decoding: an encoded word may hide the comma of "Krämer, Sabine"
            pairs = [(person.text(decoded_header(n)), person.text(a)) for n, a in getaddresses([str(value)]) if n or a]
            new.append((name, ", ".join(formataddr(p, charset="utf-8") for p in pairs)))
        else:
            rewritten = person.text(text)
            new.append((name, rewritten if rewritten.isascii() else Header(rewritten, "utf-8").encode()))
    filename = part.get_filename()
    if new == items and not (filename and person.names_in(filename)):
        return False
    for name in dict.fromkeys(n for n, _ in items):
        del part[name]
    for name, value in new:
        part[name] = value
    if filename and person.names_in(filename):
        part.set_param("filename", person.text(filename), header="Content-Disposition")
    return True


def _rewrite_body(part: Message, person: Replacer) -> bool:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes) or not data:
        return False
    ctype = part.get_content_type()
    if part.get_content_maintype() == "text" or ctype == "application/json":
        charset = _charset(part)
        text = data.decode(charset, "surrogateescape")
        new = person.text(text)
        if new == text:
            return False
        _set_payload(part, new.encode(charset, "surrogateescape"))
        return True
    if ctype in DOCX_TYPES or (part.get_filename() or "").lower().endswith(".docx"):
        new_data = rewrite_docx(data, person)
        if new_data == data:
            return False
        _set_payload(part, new_data)
        return True
    if any(person.names_in(data.decode(codec, "replace")) for codec in ("utf-8", "latin-1", "utf-16-le")):
        part.set_payload("")  # a PDF, image or winmail.dat naming the person: nothing to rewrite safely
        part["Content-Description"] = "Anhang entfernt (Art. 17 DSGVO)"
        return True
    return False


def _charset(part: Message) -> str:
    charset = part.get_content_charset() or "us-ascii"
    try:
        "".encode(charset)
    except LookupError:
        return "latin-1"  # unknown charset: lossless for the search, the address is ASCII anyway
    return "utf-8" if charset in ("us-ascii", "ascii") else charset


def _set_payload(part: Message, data: bytes) -> None:
    cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if cte == "base64":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
    elif cte == "quoted-printable":
        part.set_payload(quopri.encodestring(data).decode("ascii"))
    else:
        part.set_payload(data.decode("ascii", "surrogateescape"))


def _assert_clean(raw: bytes, msg: Message, person: Replacer) -> None:
    """Read the result the way a person would: decoded headers, decoded text parts, the bytes themselves."""
    seen = [raw.decode("utf-8", "replace"), raw.decode("latin-1")]
    for part in msg.walk():
        seen += [decoded_header(str(v)) for v in part.values()]
        seen.append(part.get_filename() or "")
        data = None if part.is_multipart() else part.get_payload(decode=True)
        if isinstance(data, bytes):
            if part.get_content_type() in DOCX_TYPES:
                seen.append(docx_text(data))
            seen += [data.decode(_charset(part), "replace"), data.decode("utf-16-le", "replace")]
    if any(person.names_in(text) for text in seen):
        raise Unclean("Name oder Adresse nach dem Umschreiben noch enthalten")


def rewrite_docx(data: bytes, person: Replacer) -> bytes:
    """A Word file with the person replaced in every XML part (document, headers, core properties)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    changed = False
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith((".xml", ".rels")):
                text = content.decode("utf-8")
                new = person.text(text)
                if new != text:
                    changed, content = True, new.encode("utf-8")
            target.writestr(info, content)
    result = out.getvalue() if changed else data
    if person.names_in(docx_text(result)):
        raise Unclean("Word-Datei: Name über mehrere Textabschnitte verteilt")
    return result


def docx_text(data: bytes) -> str:
    """The visible text of a .docx, paragraph by paragraph (runs joined), to find names split across runs."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml")]
    paragraphs = re.split(r"</w:p>", "".join(parts))
    return "\n".join("".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs)


def rewrite_draft_file(name: str, data: bytes, person: Replacer) -> bytes:
    """A draft file (.docx, or UTF-8 text: .html, .json) with the person replaced."""
    if name.endswith(".docx"):
        return rewrite_docx(data, person)
    text = data.decode("utf-8", "surrogateescape")
    new = person.text(text)
    if person.names_in(new):
        raise Unclean("Name nach dem Umschreiben noch enthalten")
    return new.encode("utf-8", "surrogateescape")
