"""Replies as real clients write them (Outlook HTML, Outlook plain, Thunderbird, out-of-office), for the demo."""

from __future__ import annotations

import html
import secrets
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime

from kgrz_mailbot.domain.timeline import weekday_name

GERMAN_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember")  # fmt: skip


def _original(request: bytes) -> tuple[EmailMessage, str]:
    msg = message_from_bytes(request, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    body = msg.get_body(preferencelist=("plain",))
    return msg, body.get_content() if body else ""


def _outlook_date(when: datetime) -> str:
    return f"{weekday_name(when.date())}, {when.day}. {GERMAN_MONTHS[when.month - 1]} {when.year} {when:%H:%M}"


def _headers(msg: EmailMessage, original: EmailMessage, sender: str, when: datetime, prefix: str) -> None:
    msg["From"] = sender
    msg["To"] = str(original["From"])
    msg["Subject"] = f"{prefix} {original['Subject']}"
    msg["Date"] = format_datetime(when)
    domain = sender.rsplit("@", 1)[-1].rstrip(">")
    msg["Message-ID"] = f"<{secrets.token_hex(12)}@{domain}>"
    msg["In-Reply-To"] = str(original["Message-ID"])
    msg["References"] = f"{original.get('References', '')} {original['Message-ID']}".strip()


def outlook_reply(request: bytes, sender: str, sender_name: str, answer: str, when: datetime) -> bytes:
    """German Outlook desktop: Word HTML with the border-top header block, plus a plain alternative."""
    original, quoted = _original(request)
    msg = EmailMessage()
    _headers(msg, original, f"{sender_name} <{sender}>", when, "AW:")
    msg["Thread-Topic"] = str(original["Subject"])
    msg["Content-Language"] = "de-DE"
    msg["X-MS-Has-Attach"] = ""
    header = (f"Von: {original['From']}\nGesendet: {_outlook_date(when)}\nAn: {sender_name} <{sender}>\n"
              f"Betreff: {original['Subject']}\n")
    plain = f"{answer}\n\nMit freundlichen Grüßen\n{sender_name}\n\n{header}\n{quoted}"
    msg.set_content(plain, charset="utf-8")
    paragraphs = "".join(
        f'<p class="MsoNormal">{html.escape(line) if line else "<o:p>&nbsp;</o:p>"}<o:p></o:p></p>\n'
        for line in answer.splitlines()
    )
    head_html = "<br>\n".join(f"<b>{html.escape(k)}:</b> {html.escape(v)}"
                              for k, v in (line.split(": ", 1) for line in header.strip().splitlines()))
    quoted_html = "".join(f'<p class="MsoNormal">{html.escape(line)}<o:p></o:p></p>\n' for line in quoted.splitlines())
    body = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">'
        "<style>p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:\"Calibri\",sans-serif;}</style></head>"
        '<body lang="DE" link="#0563C1"><div class="WordSection1">\n'
        f"{paragraphs}"
        f'<p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Mit freundlichen Grüßen<o:p></o:p></p>'
        f'<p class="MsoNormal">{html.escape(sender_name)}<o:p></o:p></p>\n'
        '<div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        f'<p class="MsoNormal">{head_html}<o:p></o:p></p></div></div>\n'
        f"{quoted_html}</div></body></html>"
    )
    msg.add_alternative(body, subtype="html", charset="utf-8")
    return msg.as_bytes()


def thunderbird_reply(request: bytes, sender: str, sender_name: str, answer: str, when: datetime) -> bytes:
    """Thunderbird plain text: attribution line, then the original with ``>`` quotes."""
    original, quoted = _original(request)
    msg = EmailMessage()
    _headers(msg, original, f"{sender_name} <{sender}>", when, "Re:")
    msg["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0"
    sent = original["Date"].datetime if original["Date"] else when
    attribution = f"Am {sent:%d.%m.%Y} um {sent:%H:%M} schrieb {original['From']}:"
    quote = "\n".join(f"> {line}" if line else ">" for line in quoted.splitlines())
    msg.set_content(f"{answer}\n\nViele Grüße\n{sender_name.split()[0]}\n\n{attribution}\n{quote}\n", charset="utf-8")
    return msg.as_bytes()


def out_of_office(request: bytes, sender: str, sender_name: str, until: str, deputy: str, when: datetime) -> bytes:
    """Exchange automatic reply as Outlook's "Automatische Antworten" sends it."""
    original, _ = _original(request)
    msg = EmailMessage()
    _headers(msg, original, f"{sender_name} <{sender}>", when, "Automatische Antwort:")
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-MS-Exchange-Inbox-Rules-Loop"] = sender
    msg.set_content(f"Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich {until} nicht im Haus. "
                    f"In dringenden Fällen wenden Sie sich bitte an {deputy}.\n", charset="utf-8")
    return msg.as_bytes()
