"""Building blocks for the test mails: our request as clients quote it, and client-typical headers."""

from __future__ import annotations

import html as htmllib
import struct
from email import policy
from email.message import EmailMessage

BOT = "KGRZ Projektstatus <projektstatus@koblenz.example>"
BOT_ADDRESS = "projektstatus@koblenz.example"
TOKEN = "KGRZ-7K2QXA"
REQUEST_ID = "<kgrz.12.request.0.a1b2c3d4e5f6a7b8@mailbot.koblenz.example>"
REQUEST_REF = "<kgrz-req-12@mailbot.koblenz.example>"
REQUEST_DATE_DE = "Mittwoch, 29. August 2018 08:00"


def subject(project: str = "eCollaboration", prefix: str = "AW: ") -> str:
    return f"{prefix}Statusabfrage {project} – Werkausschuss 19.09.2018 [{TOKEN}]"


PREVIOUS = (
    "Bereits im Mai 2018 wurden das KGRZ und einige Arbeitsplätze im Bereich des Amtes für Personal und "
    "Organisation auf Outlook umgestellt. Bis zum Ende Oktober 2018 sollen alle Benutzer umgestellt sein."
)


def request_lines(project: str = "eCollaboration", salutation: str = "Sehr geehrte Frau Muster,") -> list[str]:
    """Our request mail as text, with the empty form (its labels must never be read as the answer)."""
    return [
        salutation,
        "",
        f"für die Sitzung des Werkausschusses am 19.09.2018 bitten wir um den aktuellen Stand des Projekts "
        f"„{project}“ bis zum 10.09.2018. Bitte antworten Sie auf diese Mail und füllen Sie das Formular aus.",
        "",
        "Ampel:",
        "Fortschritt:",
        "Stand:",
        "Weiteres Vorgehen:",
        "Meilenstein:",
        "Budget:",
        "Hinweis an das KGRZ:",
        "",
        "Ihr Text aus der Berichterstattung vom Juni 2018:",
        PREVIOUS,
        "",
        "Mit den Befehlen HILFE, FORMULAR und STATUS in einer Mail an diese Adresse erhalten Sie Hilfe.",
        "",
        "Mit freundlichen Grüßen",
        "KGRZ Projektstatus",
    ]


def request_text(project: str = "eCollaboration") -> str:
    return "\n".join(request_lines(project))


def outlook_header_de(project: str = "eCollaboration", to: str = "Muster, Erika <erika.muster@koblenz.example>",
                      separator: bool = False) -> str:
    lines = ["-----Ursprüngliche Nachricht-----"] if separator else []
    lines += [f"Von: {BOT}", f"Gesendet: {REQUEST_DATE_DE}", f"An: {to}",
              f"Betreff: Statusabfrage {project} – Werkausschuss 19.09.2018 [{TOKEN}]"]
    return "\n".join(lines)


def word_p(text: str) -> str:
    """One Outlook Word-HTML paragraph; an empty text is Outlook's blank line."""
    if not text:
        return "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
    return f"<p class=MsoNormal>{htmllib.escape(text)}<o:p></o:p></p>\n"


def word_paragraphs(lines: list[str]) -> str:
    return "".join(word_p(line) for line in lines)


WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" \
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" \
xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv=Content-Type content="text/html; charset=utf-8">\
<meta name=Generator content="Microsoft Word 15 (filtered medium)"><style><!--
/* Font Definitions */
@font-face {font-family:"Cambria Math"; panose-1:2 4 5 3 5 4 6 3 2 4;}
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}
p.MsoListParagraph {margin-top:0cm; margin-right:0cm; margin-bottom:0cm; margin-left:36.0pt;}
span.E-MailFormatvorlage17 {mso-style-type:personal-reply;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--></head><body lang=DE link="#0563C1" vlink="#954F72"><div class=WordSection1>
"""
WORD_TAIL = "</div></body></html>\n"


def outlook_separator_html(project: str = "eCollaboration", color: str = "#E1E1E1") -> str:
    return (
        f"<div><div style='border:none;border-top:solid {color} 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
        f"<p class=MsoNormal><b>Von:</b> KGRZ Projektstatus &lt;projektstatus@koblenz.example&gt; <br>"
        f"<b>Gesendet:</b> {REQUEST_DATE_DE}<br><b>An:</b> Muster, Erika &lt;erika.muster@koblenz.example&gt;<br>"
        f"<b>Betreff:</b> Statusabfrage {project} – Werkausschuss 19.09.2018 [{TOKEN}]<o:p></o:p></p>"
        f"</div></div>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
    )


def outlook_headers(msg: EmailMessage, *, sender: str, date: str, message_id: str, subj: str,
                    to: str = BOT, thread_index: str = "AQHUP2Zq7kVjxQ0e3UeSFa2hT6JkWw==") -> None:
    """Header set of Outlook 2016 on an on-premises Exchange (order as Exchange writes it)."""
    msg["Received"] = ("from KGRZEX01.koblenz.example (10.17.1.21) by KGRZEX02.koblenz.example (10.17.1.22) "
                       "with Microsoft SMTP Server (version=TLS1_2) id 15.1.1531.3; " + date)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subj
    msg["Thread-Topic"] = subj.split(": ", 1)[-1]
    msg["Thread-Index"] = thread_index
    msg["Date"] = date
    msg["Message-ID"] = message_id
    msg["References"] = f"{REQUEST_REF} {REQUEST_ID}"
    msg["In-Reply-To"] = REQUEST_ID
    msg["Accept-Language"] = "de-DE, en-US"
    msg["Content-Language"] = "de-DE"
    msg["X-MS-Has-Attach"] = ""
    msg["X-MS-TNEF-Correlator"] = ""
    msg["X-MS-Exchange-Organization-AuthAs"] = "Internal"
    msg["X-MS-Exchange-Organization-AuthSource"] = "KGRZEX01.koblenz.example"
    msg["x-originating-ip"] = "[10.17.40.112]"


def new_message() -> EmailMessage:
    return EmailMessage(policy=policy.SMTP)


def tnef_bytes(body: str, html: str | None = None) -> bytes:
    """A minimal real TNEF stream (MS-OXTNEF): version, OEM code page, attBody and optional PR_BODY_HTML."""

    def attribute(level: int, attr_id: int, attr_type: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BHHI", level, attr_id, attr_type, len(data)) + data + struct.pack("<H", checksum)

    stream = struct.pack("<IH", 0x223E9F78, 0x1234)
    stream += attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # attTnefVersion
    stream += attribute(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # attOemCodepage
    stream += attribute(1, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    stream += attribute(1, 0x800C, 0x0002, body.encode("cp1252"))  # attBody
    if html is not None:
        data = html.encode("cp1252")
        padded = data + b"\x00" * (-len(data) % 4)
        # One MAPI property: PT_BINARY PR_BODY_HTML (0x1013), one value with its byte length.
        props = struct.pack("<IHHII", 1, 0x0102, 0x1013, 1, len(data)) + padded
        stream += attribute(1, 0x9003, 0x0006, props)  # attMsgProps
    return stream
