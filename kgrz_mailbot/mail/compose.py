"""Build the RFC 822 bytes of an outgoing mail (pure: all values are passed in)."""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import BaseHeader
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache

from kgrz_mailbot.config.addresses import format_address
from kgrz_mailbot.mail.policies import SMTP

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = DOCX_TYPE[0]
    subtype: str = DOCX_TYPE[1]


@dataclass(frozen=True)
class Envelope:
    """Addressing and threading of one mail; addresses are addr-specs, names optional."""

    sender_name: str
    sender: str
    to: Sequence[tuple[str, str]]
    subject: str
    message_id: str
    date: datetime
    cc: Sequence[tuple[str, str]] = ()
    in_reply_to: str | None = None
    references: Sequence[str] = ()
    expects_answer: bool = False
    instance: str = "kgrz-mailbot"
    attachments: Sequence[Attachment] = field(default_factory=tuple)

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for _, a in [*self.to, *self.cc]))


@lru_cache(maxsize=64)
def _header(name: str, value: str) -> BaseHeader:
    """Headers that are the same on every mail of the bot, parsed once (the header parser is slow)."""
    return SMTP.header_factory(name, value)  # type: ignore[no-any-return]


def _set_text(msg: EmailMessage, text: str) -> None:
    """``msg.set_content(text, charset="utf-8", cte="quoted-printable")`` with the same headers, but encoded by
    binascii's C encoder: the stdlib's pure-Python ``quoprimime`` and ``set_param`` were a fifth of composing
    a confirmation. Lines of at most 76 characters (RFC 2045 §6.7); a lone ``.`` is encoded as well."""
    body = b"\n".join(text.encode("utf-8").splitlines()) + b"\n"
    msg["Content-Type"] = 'text/plain; charset="utf-8"'
    msg["Content-Transfer-Encoding"] = "quoted-printable"
    msg.set_payload(binascii.b2a_qp(body, istext=True).decode("ascii"))
    msg["MIME-Version"] = "1.0"


def compose(envelope: Envelope, text: str, html: str | None = None) -> bytes:
    """A multipart/alternative (plus attachments) mail with the loop-safety headers of RELIABILITY §1.3."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = _header("From", format_address(envelope.sender_name, envelope.sender))
    msg["To"] = ", ".join(format_address(n, a) for n, a in envelope.to)
    if envelope.cc:
        msg["Cc"] = ", ".join(format_address(n, a) for n, a in envelope.cc)
    msg["Subject"] = envelope.subject
    msg["Date"] = format_datetime(envelope.date)
    msg["Message-ID"] = envelope.message_id
    if envelope.in_reply_to:
        msg["In-Reply-To"] = envelope.in_reply_to
    if envelope.references:
        msg["References"] = " ".join(dict.fromkeys(envelope.references))
    msg["Auto-Submitted"] = _header("Auto-Submitted", "auto-generated")
    msg["X-KGRZ-Mailbot"] = _header("X-KGRZ-Mailbot", envelope.instance)
    if envelope.expects_answer:
        # MS-OXCMAIL 2.2.3.2.14: no delivery and read receipts (DR, RN, NRN) and no inbox-rule auto-replies
        # (AutoReply), but NDRs (bad addresses) and out-of-office notices (OOF) still come: the deadline mail and
        # `status` say who is away, and the bot stores every auto-reply without ever answering it, so no loop.
        msg["X-Auto-Response-Suppress"] = _header("X-Auto-Response-Suppress", "DR, RN, NRN, AutoReply")
    else:
        msg["Precedence"] = _header("Precedence", "bulk")
    msg["Content-Language"] = _header("Content-Language", "de-DE")
    _set_text(msg, text)
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in envelope.attachments:
        msg.add_attachment(attachment.content, maintype=attachment.maintype, subtype=attachment.subtype,
                           filename=attachment.filename)
    return msg.as_bytes()
