"""Writes tests/data/mails/*.eml (run: python tests/replies/make_mails.py); the .eml files are the test data."""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from mailfactory import (  # noqa: E402
    BOT,
    REQUEST_DATE_DE,
    REQUEST_ID,
    REQUEST_REF,
    TOKEN,
    WORD_HEAD,
    WORD_TAIL,
    new_message,
    outlook_header_de,
    outlook_headers,
    outlook_separator_html,
    request_lines,
    request_text,
    subject,
    tnef_bytes,
    word_p,
    word_paragraphs,
)

OUT = Path(__file__).resolve().parents[1] / "data" / "mails"
ERIKA = "\"Muster, Erika\" <erika.muster@koblenz.example>"
MAX = "\"Beispiel, Max\" <max.beispiel@koblenz.example>"

STAND_1 = ("Mit der verwaltungsweiten Umstellung auf Outlook wurde Anfang August planmäßig begonnen. "
           "Zum Stand 31.08.2018 waren 400 der 1.650 Postfächer umgestellt.")
STAND_2 = "Die Microsoft Office Suite ist zum Stand 31.08.2018 vollständig in der Verwaltung ausgerollt."
VORGEHEN = "Rollout der restlichen Postfächer bis Mitte Dezember."
SIGNATURE = ["Mit freundlichen Grüßen", "Im Auftrag", "", "Erika Muster", "",
             "Stadtverwaltung Koblenz", "17-EB Kommunales Gebietsrechenzentrum", "Telefon: 0261 129-1234",
             "E-Mail: erika.muster@koblenz.example"]

FILLED = ["Hallo zusammen,", "", "anbei unser Stand.", "", "Ampel: grün", "Fortschritt: 40 %", "Stand:", STAND_1,
          "", STAND_2, "Weiteres Vorgehen: " + VORGEHEN, "Meilenstein: Abschluss Rollout 12/2018",
          "Budget: im Plan", "Hinweis an das KGRZ:", ""]

MAILS: dict[str, Callable[[], bytes]] = {}


def mail(func: Callable[[], bytes]) -> Callable[[], bytes]:
    MAILS[func.__name__] = func
    return func


def as_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes()


def outlook_plain(new: list[str], project: str = "eCollaboration", separator: bool = False) -> str:
    return "\n".join(new) + "\n\n" + outlook_header_de(project, separator=separator) + "\n\n" + request_text(project)


def outlook_html(new_html: str, project: str = "eCollaboration", color: str = "#E1E1E1") -> str:
    return WORD_HEAD + new_html + outlook_separator_html(project, color) + word_paragraphs(request_lines(project)) \
        + WORD_TAIL


def bold_form_html(ampel: str = "grün", fortschritt: str = "40 %") -> str:
    return (word_p("Hallo zusammen,") + word_p("") + word_p("anbei unser Stand.") + word_p("")
            + f"<p class=MsoNormal><b>Ampel:</b> {ampel}<o:p></o:p></p>\n"
            + f"<p class=MsoNormal><b>Fortschritt:</b> {fortschritt}<o:p></o:p></p>\n"
            + "<p class=MsoNormal><b>Stand:</b><o:p></o:p></p>\n" + word_p(STAND_1) + word_p("") + word_p(STAND_2)
            + f"<p class=MsoNormal><b>Weiteres Vorgehen:</b> {VORGEHEN}<o:p></o:p></p>\n"
            + "<p class=MsoNormal><b>Meilenstein:</b> Abschluss Rollout 12/2018<o:p></o:p></p>\n"
            + "<p class=MsoNormal><b>Budget:</b> im&nbsp;Plan<o:p></o:p></p>\n"
            + "<p class=MsoNormal><b>Hinweis an das KGRZ:</b><o:p></o:p></p>\n" + word_p("")
            + word_paragraphs(SIGNATURE) + word_p(""))


def outlook_reply(new_plain: list[str], new_html: str, *, sender: str = ERIKA, date: str =
                  "Mon, 3 Sep 2018 09:12:44 +0200", mid: str = "<A1B2C3D4E5F6@KGRZEX01.koblenz.example>",
                  subj: str | None = None, project: str = "eCollaboration", color: str = "#E1E1E1") -> EmailMessage:
    msg = new_message()
    outlook_headers(msg, sender=sender, date=date, message_id=mid, subj=subj or subject(project))
    msg.set_content(outlook_plain(new_plain, project), cte="quoted-printable")
    msg.add_alternative(outlook_html(new_html, project, color), subtype="html", cte="quoted-printable")
    return msg


@mail
def outlook2016_html_reply_de() -> bytes:
    return as_bytes(outlook_reply(FILLED + SIGNATURE, bold_form_html()))


@mail
def outlook2010_html_reply_b5c4df() -> bytes:
    return as_bytes(outlook_reply(FILLED + SIGNATURE, bold_form_html(), color="#B5C4DF",
                                  mid="<B5C4DF0001@KGRZEX01.koblenz.example>"))


@mail
def owa_reply() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Tue, 4 Sep 2018 14:03:10 +0000", subj=subject(),
                    message_id="<AM0PR0402MB3412C1@AM0PR0402MB3412.eurprd04.prod.outlook.com>")
    new = ["Ampel: gelb", "Fortschritt: 35%", "Stand:", STAND_1, "", "Weiteres Vorgehen:", VORGEHEN, "",
           "Viele Grüße", "Erika Muster"]
    quote_html = (
        '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">'
        '<font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>Von:</b> KGRZ Projektstatus '
        f'&lt;projektstatus@koblenz.example&gt;<br><b>Gesendet:</b> {REQUEST_DATE_DE}<br><b>An:</b> Muster, '
        f'Erika<br><b>Betreff:</b> Statusabfrage eCollaboration – Werkausschuss 19.09.2018 [{TOKEN}]</font>'
        "<div>&nbsp;</div></div><div>" + "<br>".join(request_lines()) + "</div>"
    )
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style type="text/css"'
            ' style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head><body dir="ltr">'
            '<div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">'
            + "".join(f"<div>{line or '<br>'}</div>" for line in new) + "</div>" + quote_html + "</body></html>")
    plain = "\n".join(new) + "\n\n________________________________\n" + outlook_header_de() + "\n\n" + request_text()
    msg.set_content(plain, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    return as_bytes(msg)


@mail
def new_outlook_reply() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Tue, 4 Sep 2018 16:20:00 +0200", subj=subject(),
                    message_id="<DB9PR04MB8421E5@DB9PR04MB8421.eurprd04.prod.outlook.com>")
    new = ["Ampel: grün", "Stand: unverändert", "", "Gruß", "Erika"]
    html = ("<html><body><div class=\"elementToProof\" style=\"font-family: Aptos, sans-serif\">"
            + "".join(f"<div>{line or '<br>'}</div>" for line in new)
            + '</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">'
            '<div id="divRplyFwdMsg" dir="ltr"><b>Von:</b> KGRZ Projektstatus<br><b>Datum:</b> Mittwoch, 29. August'
            ' 2018 um 08:00<br><b>An:</b> Muster, Erika<br><b>Betreff:</b> Statusabfrage eCollaboration</div>'
            "<div>" + "<br>".join(request_lines()) + "</div></body></html>")
    plain = ("\n".join(new) + "\n\nVon: KGRZ Projektstatus <projektstatus@koblenz.example>\nDatum: Mittwoch, "
             "29. August 2018 um 08:00\nAn: Muster, Erika <erika.muster@koblenz.example>\nBetreff: Statusabfrage "
             f"eCollaboration – Werkausschuss 19.09.2018 [{TOKEN}]\n\n" + request_text())
    msg.set_content(plain, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    return as_bytes(msg)


@mail
def outlook_plain_urspruengliche_nachricht() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Wed, 5 Sep 2018 10:01:00 +0200", subj=subject(),
                    message_id="<PLAIN0001@KGRZEX01.koblenz.example>")
    msg.set_content(outlook_plain(FILLED + SIGNATURE, separator=True), cte="quoted-printable")
    return as_bytes(msg)


@mail
def outlook_ios_reply() -> bytes:
    msg = new_message()
    msg["From"] = ERIKA
    msg["To"] = BOT
    msg["Subject"] = subject()
    msg["Date"] = "Thu, 6 Sep 2018 07:45:12 +0000"
    msg["Message-ID"] = "<VI1PR04MB5R8@VI1PR04MB5.eurprd04.prod.outlook.com>"
    msg["In-Reply-To"] = REQUEST_ID
    msg["References"] = REQUEST_ID
    new = ["Ampel: gelb", "Stand: Verzögerung wegen Lieferengpass bei den Lizenzen.", "", "Holen Sie sich Outlook "
           "für iOS<https://aka.ms/o0ukef>"]
    html = ("<html><body><div dir=\"ltr\">" + "<br>".join(new[:2]) + "</div><div dir=\"ltr\"><br></div>"
            '<div class="ms-outlook-ios-signature" dir="ltr">Holen Sie sich <a href="https://aka.ms/o0ukef">Outlook '
            'für iOS</a></div><div id="mail-editor-reference-message-container"><hr><b>Von:</b> KGRZ Projektstatus'
            "<br><b>Gesendet:</b> Mittwoch, August 29, 2018 8:00 AM<br>" + "<br>".join(request_lines())
            + "</div></body></html>")
    msg.set_content("\n".join(new) + "\n________________________________\nFrom: KGRZ Projektstatus "
                    "<projektstatus@koblenz.example>\nSent: Wednesday, August 29, 2018 8:00:00 AM\nTo: Muster, Erika"
                    "\nSubject: " + subject(prefix="") + "\n\n" + request_text())
    msg.add_alternative(html, subtype="html")
    return as_bytes(msg)


@mail
def outlook_android_reply() -> bytes:
    msg = new_message()
    msg["From"] = ERIKA
    msg["To"] = BOT
    msg["Subject"] = subject()
    msg["Date"] = "Thu, 6 Sep 2018 18:02:33 +0000"
    msg["Message-ID"] = "<HE1PR0401MB2@HE1PR0401MB2.eurprd04.prod.outlook.com>"
    msg["In-Reply-To"] = REQUEST_ID
    body = ("Ampel: rot\nStand: Der Dienstleister hat den Termin abgesagt. Neuer Termin ist offen.\n\n"
            "Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>\n________________________________\n"
            "From: KGRZ Projektstatus <projektstatus@koblenz.example>\nSent: Wednesday, August 29, 2018 8:00:00 AM\n"
            "To: Muster, Erika <erika.muster@koblenz.example>\nSubject: " + subject(prefix="") + "\n\n"
            + request_text())
    msg.set_content(body)
    return as_bytes(msg)


@mail
def thunderbird_reply() -> bytes:
    msg = new_message()
    msg["Message-ID"] = "<3f1c2b7a-1d2e-4f5a-9b8c-7d6e5f4a3b2c@koblenz.example>"
    msg["Date"] = "Fri, 7 Sep 2018 11:30:05 +0200"
    msg["MIME-Version"] = "1.0"
    msg["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:52.0) Gecko/20100101 Thunderbird/52.9.1"
    msg["In-Reply-To"] = REQUEST_ID
    msg["References"] = f"{REQUEST_REF} {REQUEST_ID}"
    msg["Content-Language"] = "de-DE"
    msg["From"] = "Erika Muster <erika.muster@koblenz.example>"
    msg["To"] = BOT
    msg["Subject"] = "Re: " + subject(prefix="")
    quoted = "\n".join(">" + (" " + line if line else "") for line in request_lines())
    body = ("Hallo,\n\nAmpel: grün\nFortschritt: 55\nStand:\nDie Schulungen der Key-User sind abgeschlossen.\n\n"
            "Viele Grüße\nErika Muster\n\nAm 29.08.2018 um 08:00 schrieb KGRZ Projektstatus:\n" + quoted + "\n")
    msg.set_content(body)
    return as_bytes(msg)


@mail
def thunderbird_bottom_post() -> bytes:
    msg = new_message()
    msg["Message-ID"] = "<5a6b7c8d-0000-4f5a-9b8c-000000000001@koblenz.example>"
    msg["Date"] = "Fri, 7 Sep 2018 11:35:05 +0200"
    msg["From"] = "Erika Muster <erika.muster@koblenz.example>"
    msg["To"] = BOT
    msg["Subject"] = "Re: " + subject(prefix="")
    msg["In-Reply-To"] = REQUEST_ID
    quoted = "\n".join(">" + (" " + line if line else "") for line in request_lines()[:3])
    body = ("Am 29.08.2018 um 08:00 schrieb KGRZ Projektstatus:\n" + quoted + "\n\nAmpel: gelb\nStand:\n"
            "Die Ausschreibung wurde veröffentlicht.\n\n-- \nErika Muster\nKGRZ Koblenz\n")
    msg.set_content(body)
    return as_bytes(msg)


@mail
def apple_mail_reply() -> bytes:
    msg = new_message()
    msg["From"] = "Erika Muster <erika.muster@koblenz.example>"
    msg["Subject"] = "Re: " + subject(prefix="")
    msg["Date"] = "Fri, 7 Sep 2018 13:14:15 +0200"
    msg["Message-Id"] = "<6E0C5B4A-8E2F-4B5D-9C1A-2F3E4D5C6B7A@koblenz.example>"
    msg["In-Reply-To"] = REQUEST_ID
    msg["References"] = REQUEST_ID
    msg["To"] = BOT
    msg["X-Mailer"] = "Apple Mail (2.3445.9.1)"
    new = ["Ampel: grün", "Fortschritt: 60 %", "Stand: Pilotbetrieb läuft seit 01.09.2018 stabil."]
    attribution = ("Am 29.08.2018 um 08:00 schrieb KGRZ Projektstatus &lt;projektstatus@koblenz.example&gt;:")
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body '
            'style="word-wrap: break-word;" class="">' + "".join(f'<div class="">{x}</div>' for x in new)
            + '<div class=""><br class=""><blockquote type="cite" class=""><div class="">' + attribution
            + '</div><br class=""><div class="">' + "<br class="">".join(request_lines())
            + "</div></blockquote></div><br class=\"\"></body></html>")
    plain = "\n".join(new) + "\n\n> " + attribution.replace("&lt;", "<").replace("&gt;", ">") + "\n> \n" + \
        "\n".join("> " + line for line in request_lines())
    msg.set_content(plain, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    return as_bytes(msg)


@mail
def gmx_reply() -> bytes:
    msg = new_message()
    msg["From"] = "\"Erika Muster\" <erika.muster@koblenz.example>"
    msg["To"] = BOT
    msg["Subject"] = "Aw: " + subject(prefix="")
    msg["Date"] = "Sat, 8 Sep 2018 10:11:12 +0200"
    msg["Message-ID"] = "<trinity-4e5f6a7b-1234-5678-9abc-def012345678-1536394272000@3c-app-gmx-bs12>"
    msg["In-Reply-To"] = REQUEST_ID
    msg["Importance"] = "normal"
    msg["Sensitivity"] = "Normal"
    msg["X-Priority"] = "3"
    msg["X-Provags-ID"] = "V03:K1:AbCdEfGh"
    new = ["Ampel: gelb", "Stand: Warten auf die Freigabe durch den Datenschutz."]
    quote = ("<div name=\"quote\" style=\"margin:10px 5px 5px 10px; padding: 10px 0 10px 10px; border-left:2px solid "
             "#C3D9E5; word-wrap: break-word;\"><div style=\"margin:0 0 10px 0;\"><b>Gesendet:</b>&nbsp;Mittwoch, 29. "
             "August 2018 um 08:00 Uhr<br/><b>Von:</b>&nbsp;&quot;KGRZ Projektstatus&quot; &lt;projektstatus@koblenz"
             ".example&gt;<br/><b>An:</b>&nbsp;erika.muster@koblenz.example<br/><b>Betreff:</b>&nbsp;"
             + subject(prefix="") + "</div><div name=\"quoted-content\">" + "<br/>".join(request_lines())
             + "</div></div>")
    html = ('<html><head></head><body><div style="font-family: Verdana;font-size: 12.0px;"><div>'
            + "</div><div>".join(new) + "</div><div>&nbsp;</div><div>&nbsp;" + quote + "</div></div></body></html>")
    plain = ("\n".join(new) + "\n\nGesendet: Mittwoch, 29. August 2018 um 08:00 Uhr\nVon: \"KGRZ Projektstatus\" "
             "<projektstatus@koblenz.example>\nAn: erika.muster@koblenz.example\nBetreff: " + subject(prefix="")
             + "\n\n" + request_text())
    msg.set_content(plain)
    msg.add_alternative(html, subtype="html")
    return as_bytes(msg)


@mail
def gmail_reply_de() -> bytes:
    msg = new_message()
    msg["MIME-Version"] = "1.0"
    msg["References"] = REQUEST_ID
    msg["In-Reply-To"] = REQUEST_ID
    msg["From"] = "Erika Muster <erika.muster@koblenz.example>"
    msg["Date"] = "Sat, 8 Sep 2018 12:00:01 +0200"
    msg["Message-ID"] = "<CAJx3kPq9eZ8vR4m7XyQ@mail.gmail.com>"
    msg["Subject"] = "Re: " + subject(prefix="")
    msg["To"] = BOT
    quoted = "\n".join(">" + (" " + line if line else "") for line in request_lines())
    msg.set_content("Ampel: grün\nStand: Alles im Plan.\n\nKGRZ Projektstatus <projektstatus@koblenz.example> "
                    "schrieb am Mi., 29.\nAug. 2018 um 08:00 Uhr:\n\n" + quoted + "\n")
    html = ('<div dir="ltr"><div>Ampel: grün</div><div>Stand: Alles im Plan.</div></div><br><div class="gmail_quote">'
            '<div dir="ltr" class="gmail_attr">KGRZ Projektstatus &lt;projektstatus@koblenz.example&gt; schrieb am '
            'Mi., 29. Aug. 2018 um 08:00 Uhr:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px '
            '0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">' + "<br>".join(request_lines())
            + "</blockquote></div>")
    msg.add_alternative(html, subtype="html")
    return as_bytes(msg)


@mail
def deputy_reply() -> bytes:
    return as_bytes(outlook_reply(
        ["Hallo,", "", "in Vertretung von Frau Muster:", "", "Ampel: gelb", "Stand:",
         "Die Migration der Postfächer verzögert sich um zwei Wochen.", "", "Gruß", "Max Beispiel"],
        word_paragraphs(["Hallo,", "", "in Vertretung von Frau Muster:", "", "Ampel: gelb", "Stand:",
                         "Die Migration der Postfächer verzögert sich um zwei Wochen.", "", "Gruß", "Max Beispiel"]),
        sender=MAX, mid="<DEPUTY0001@KGRZEX01.koblenz.example>"))


@mail
def forwarded_request_answered_by_deputy() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=MAX, date="Mon, 10 Sep 2018 08:30:00 +0200", subj=subject(prefix="AW: WG: "),
                    message_id="<FWDDEPUTY01@KGRZEX01.koblenz.example>")
    del msg["In-Reply-To"]
    msg["In-Reply-To"] = "<ERIKAFWD01@KGRZEX01.koblenz.example>"
    new = ["Ampel: grün", "Fortschritt: 45 %", "Stand:", "Die Testphase ist abgeschlossen.", "",
           "Mit freundlichen Grüßen", "Max Beispiel"]
    forward = ("Von: Muster, Erika\nGesendet: Freitag, 7. September 2018 17:02\nAn: Beispiel, Max "
               "<max.beispiel@koblenz.example>\nBetreff: WG: " + subject(prefix="") + "\n\nHallo Max,\nkannst du das "
               "bitte beantworten? Ich bin ab Montag im Urlaub.\nStand: siehe Projektordner\n\nGruß Erika\n\n")
    plain = "\n".join(new) + "\n\n" + forward + outlook_header_de() + "\n\n" + request_text()
    msg.set_content(plain, cte="quoted-printable")
    return as_bytes(msg)


@mail
def html_only_token_in_subject() -> bytes:
    msg = new_message()
    msg["From"] = ERIKA
    msg["To"] = BOT
    msg["Subject"] = "AW: Statusabfrage eCollaboration [kgrz-7k2qxa ]"
    msg["Date"] = "Mon, 10 Sep 2018 09:00:00 +0200"
    msg["Message-ID"] = "<HTMLONLY01@KGRZEX01.koblenz.example>"
    msg["Content-Language"] = "de-DE"
    html = WORD_HEAD + word_paragraphs(["Ampel: gelb", "Stand:", STAND_1, "", "Freundliche Grüße",
                                        "Erika Muster"]) + WORD_TAIL
    msg.set_content(html, subtype="html", cte="quoted-printable")
    return as_bytes(msg)


@mail
def form_pasted_into_table() -> bytes:
    rows = [("Ampel:", "grün"), ("Fortschritt:", "70 %"), ("Stand:", f"<p class=MsoNormal>{STAND_1}</p><p "
            f"class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>{STAND_2}</p>"),
            ("Weiteres Vorgehen:", VORGEHEN), ("Meilenstein:", "Go-live 01.12.2018"), ("Budget:", "")]
    table = ("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>"
             + "".join(f"<tr><td width=150 valign=top><p class=MsoNormal><b>{label}</b></p></td><td width=450 "
                       f"valign=top>{value if value.startswith('<p') else f'<p class=MsoNormal>{value}</p>'}</td></tr>"
                       for label, value in rows) + "</table>")
    html = word_p("Hallo,") + word_p("") + table + word_p("") + word_paragraphs(["Viele Grüße", "Erika Muster"])
    plain = ["Hallo,", "", "Ampel:\tgrün", "Fortschritt:\t70 %", "Stand:\t" + STAND_1, "", STAND_2,
             "Weiteres Vorgehen:\t" + VORGEHEN, "Meilenstein:\tGo-live 01.12.2018", "Budget:", "", "Viele Grüße",
             "Erika Muster"]
    return as_bytes(outlook_reply(plain, html, mid="<TABLE0001@KGRZEX01.koblenz.example>"))


@mail
def bullet_lists_outlook() -> bytes:
    def bullet(text: str, marker: str = "·", font: str = "Symbol") -> str:
        return (f"<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]>"
                f"<span style='font-family:{font}'><span style='mso-list:Ignore'>{marker}<span style='font:7.0pt "
                f"\"Times New Roman\"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>{text}"
                "<o:p></o:p></p>\n")

    html = (word_p("Ampel: gelb") + word_p("Stand:") + word_p("Aktuell werden folgende Services zur Verfügung "
            "gestellt:") + bullet("Bescheinigung nach dem ProstSchG") + bullet("Beantragung von Planauszügen")
            + word_p("") + word_p("In der Umsetzung befindlich:") + bullet("Antrag zum Stellenplan", "1.", "Calibri")
            + bullet("Reklamationswesen für EB 70", "2.", "Calibri") + word_p("")
            + "<p class=MsoNormal><b>Weiteres Vorgehen:</b><o:p></o:p></p>\n"
            + bullet("Schnittstelle Civento zu Mach prüfen") + word_p("") + word_paragraphs(["Gruß", "Erika"]))
    plain = ["Ampel: gelb", "Stand:", "Aktuell werden folgende Services zur Verfügung gestellt:",
             "·         Bescheinigung nach dem ProstSchG", "·         Beantragung von Planauszügen", "",
             "In der Umsetzung befindlich:", "1.       Antrag zum Stellenplan", "2.       Reklamationswesen für EB 70",
             "", "Weiteres Vorgehen:", "·         Schnittstelle Civento zu Mach prüfen", "", "Gruß", "Erika"]
    return as_bytes(outlook_reply(plain, html, mid="<BULLETS01@KGRZEX01.koblenz.example>", project="eGovernment"))


@mail
def windows1252_quoted_printable() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Tue, 11 Sep 2018 07:59:59 +0200", subj=subject(),
                    message_id="<CP1252QP01@KGRZEX01.koblenz.example>")
    text = ("Ampel: grün\nBudget: 500 T€ „wie geplant“\nStand:\nDie Übernahme der Aufgabe „Bereitstellung "
            "Telefonie“ ist verfügt – Maßnahmen laufen.\n\nMit freundlichen Grüßen\nErika Muster\n\n"
            + outlook_header_de(separator=True) + "\n\n" + request_text())
    msg.set_content(text, charset="windows-1252", cte="quoted-printable")
    return as_bytes(msg)


@mail
def iso8859_15_base64() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Tue, 11 Sep 2018 08:10:00 +0200", subj=subject(),
                    message_id="<LATIN9B64@KGRZEX01.koblenz.example>")
    msg.set_content("Ampel: rot\nBudget: Mehrbedarf 20.000 €\nStand: Lieferverzug beim Hersteller.\n",
                    charset="iso-8859-15", cte="base64")
    return as_bytes(msg)


@mail
def winmail_dat() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Tue, 11 Sep 2018 09:00:00 +0200", subj=subject(),
                    message_id="<TNEF0001@KGRZEX01.koblenz.example>")
    msg["X-MS-Has-Attach"] = "yes"
    msg["X-MS-TNEF-Correlator"] = "<TNEF0001@KGRZEX01.koblenz.example>"
    body = ("Ampel: grün\r\nFortschritt: 80 %\r\nStand: Die Telefonanlage wird im Oktober migriert.\r\n\r\nGruß\r\n"
            "Erika\r\n\r\n" + outlook_header_de(separator=True).replace("\n", "\r\n") + "\r\n\r\n"
            + request_text().replace("\n", "\r\n"))
    msg.set_content("", subtype="plain")
    msg.make_mixed()
    msg.get_payload()[0].set_content("")  # Outlook leaves the text/plain part empty in TNEF mails
    msg.add_attachment(tnef_bytes(body), maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return as_bytes(msg)


def auto_message(subj: str, sender: str, body: str, headers: dict[str, str]) -> EmailMessage:
    msg = new_message()
    msg["From"] = sender
    msg["To"] = BOT
    msg["Subject"] = subj
    msg["Date"] = "Wed, 29 Aug 2018 08:00:05 +0200"
    msg["Message-ID"] = "<AUTO" + str(zlib.crc32(subj.encode())) + "@KGRZEX01.koblenz.example>"
    msg["In-Reply-To"] = REQUEST_ID
    for name, value in headers.items():
        msg[name] = value
    msg.set_content(body)
    return msg


@mail
def abwesenheitsnotiz_de() -> bytes:
    return as_bytes(auto_message(
        "Automatische Antwort: " + subject(prefix=""), ERIKA,
        "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 14.09.2018 nicht im Büro.\nStand: abwesend\n"
        "In dringenden Fällen wenden Sie sich bitte an Max Beispiel.\n",
        {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All",
         "X-MS-Exchange-Inbox-Rules-Loop": "erika.muster@koblenz.example", "Thread-Topic": subject(prefix="")}))


@mail
def abwesenheitsnotiz_subject_only() -> bytes:
    return as_bytes(auto_message("Abwesenheitsnotiz: " + subject(prefix=""), ERIKA,
                                 "Ich bin vom 03.09. bis 14.09.2018 im Urlaub.\n", {}))


@mail
def automatic_reply_en() -> bytes:
    return as_bytes(auto_message("Automatic reply: " + subject(prefix=""), ERIKA,
                                 "I am out of the office until 14 September.\n",
                                 {"X-Auto-Response-Suppress": "All", "X-MS-Exchange-Inbox-Rules-Loop":
                                  "erika.muster@koblenz.example"}))


def ndr(subj: str, sender: str, text: str) -> bytes:
    """Exchange-style DSN: multipart/report with a human part and a message/delivery-status part."""
    human = new_message()
    human.set_content(text, cte="quoted-printable")
    return (
        f"From: {sender}\r\nTo: {BOT}\r\nDate: Wed, 29 Aug 2018 08:00:09 +0200\r\n"
        f"Message-ID: <NDR{len(subj)}@KGRZEX01.koblenz.example>\r\nSubject: {subj}\r\n"
        "Auto-Submitted: auto-replied\r\nContent-Language: de-DE\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="_ndr_boundary_"\r\n\r\n'
        "--_ndr_boundary_\r\n"
    ).encode() + human.as_bytes().replace(b"\n", b"\r\n") + (
        "\r\n--_ndr_boundary_\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns;KGRZEX01.koblenz.example\r\n\r\nFinal-recipient: RFC822; erica.muster@koblenz.example"
        "\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--_ndr_boundary_--\r\n"
    ).encode("ascii")


@mail
def ndr_unzustellbar_de() -> bytes:
    return ndr("Unzustellbar: " + subject(prefix=""),
               "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@koblenz.example>",
               "Die Nachricht konnte nicht an folgende Empfänger zugestellt werden:\nerica.muster@koblenz.example\n"
               "Diagnoseinformationen für Administratoren:\n"
               "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound'")


@mail
def ndr_undeliverable_en() -> bytes:
    raw = ndr("Undeliverable: " + subject(prefix=""), "postmaster@koblenz.example",
              "Delivery has failed to these recipients or groups:\nerica.muster@koblenz.example\n")
    return b"Return-Path: <>\r\n" + raw


def command(word_line: str, sender: str = ERIKA, subj: str = "Hilfe") -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=sender, date="Wed, 5 Sep 2018 12:00:00 +0200", subj=subj,
                    message_id=f"<CMD{zlib.crc32(word_line.encode())}@KGRZEX01.koblenz.example>")
    del msg["In-Reply-To"]
    del msg["References"]
    msg.set_content(word_line + "\n\nMit freundlichen Grüßen\nErika Muster\n")
    return as_bytes(msg)


@mail
def command_hilfe() -> bytes:
    return command("Hilfe", subj="Frage zum Statusbericht")


@mail
def command_formular() -> bytes:
    return command("FORMULAR bitte nochmal schicken.", subj="Formular")


@mail
def command_status() -> bytes:
    return command("status?", subj="Was ist gespeichert?")


@mail
def command_freigabe() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender="Werkleitung <werkleitung@koblenz.example>", date="Wed, 12 Sep 2018 15:00:00 +0200",
                    subj="AW: Entwurf Vorlage Werkausschuss 19.09.2018 [KGRZ-D4F7H9]",
                    message_id="<FREIGABE01@KGRZEX01.koblenz.example>")
    msg.set_content("Freigabe.\n\nGruß\nWerkleitung\n\n-----Ursprüngliche Nachricht-----\nVon: " + BOT + "\n"
                    "Gesendet: Dienstag, 11. September 2018 08:00\nAn: Werkleitung\nBetreff: Entwurf Vorlage\n\n"
                    "Anbei der Entwurf.\n")
    return as_bytes(msg)


def simple_reply(new: list[str], mid: str) -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Mon, 10 Sep 2018 10:00:00 +0200", subj=subject(), message_id=mid)
    msg.set_content(outlook_plain(new), cte="quoted-printable")
    return as_bytes(msg)


@mail
def ampel_invalid() -> bytes:
    return simple_reply(["Ampel: blau", "Fortschritt: 140 %", "Stand: Läuft."], "<INVALID01@KGRZEX01.koblenz.example>")


@mail
def stand_missing() -> bytes:
    return simple_reply(["Ampel: grün", "Fortschritt: 50 %", "", "Gruß Erika"], "<NOSTAND1@KGRZEX01.koblenz.example>")


@mail
def stand_unveraendert() -> bytes:
    return simple_reply(["Ampel: Grün.", "Stand: Unverändert", "", "Viele Grüße", "Erika Muster"],
                        "<UNCHANGED1@KGRZEX01.koblenz.example>")


@mail
def duplicate_label() -> bytes:
    return simple_reply(["Stand: Erster Text.", "Ampel: gelb", "Stand: Zweiter Text."],
                        "<DUPLABEL1@KGRZEX01.koblenz.example>")


@mail
def unknown_label_risiken() -> bytes:
    return simple_reply(["Ampel: gelb", "Budget: im Plan", "Risiken: Personalengpass im Team", "Stand: Läuft."],
                        "<RISIKEN01@KGRZEX01.koblenz.example>")


@mail
def near_miss_content_kept() -> bytes:
    new = ["Ampel: gelb", "Stand:", "Die in Frage kommenden Services sind:", "- Bescheinigung nach dem ProstSchG",
           "- Beantragung von Planauszügen", "", "________________________________", "",
           "Zum Thema Telefonie ein Gruß an das Team vom ZGM: die Zusammenarbeit ist sehr gut.", "----",
           "Am Montag schrieb uns das Ministerium, dass folgende Punkte offen sind:", "- Mittelübergang",
           "Von: 01.09. bis 30.09. läuft die Testphase.", "Weiteres Vorgehen:",
           "Lastenheft bis Oktober erstellen.", "", "Viele Grüße", "Erika Muster"]
    return simple_reply(new, "<NEARMISS1@KGRZEX01.koblenz.example>")


@mail
def exchange_disclaimer() -> bytes:
    new = ["Ampel: grün", "Stand: Im Plan.", "", "Mit freundlichen Grüßen", "Erika Muster", "",
           "________________________________", "", "Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte "
           "Informationen. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte sofort den Absender."]
    return simple_reply(new, "<DISCLAIM1@KGRZEX01.koblenz.example>")


@mail
def human_reply_with_suppress_header() -> bytes:
    msg = new_message()
    outlook_headers(msg, sender=ERIKA, date="Mon, 10 Sep 2018 11:00:00 +0200", subj=subject(),
                    message_id="<SUPPRESS1@KGRZEX01.koblenz.example>")
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(outlook_plain(["Ampel: grün", "Stand: Im Plan."]))
    return as_bytes(msg)


@mail
def own_request_looped() -> bytes:
    msg = new_message()
    msg["From"] = BOT
    msg["To"] = ERIKA
    msg["Subject"] = subject(prefix="")
    msg["Date"] = "Wed, 29 Aug 2018 08:00:00 +0200"
    msg["Message-ID"] = REQUEST_ID
    msg["X-KGRZ-Mailbot"] = "kgrz-prod"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(request_text())
    return as_bytes(msg)


@mail
def mailing_list_newsletter() -> bytes:
    msg = new_message()
    msg["From"] = "IT-Newsletter <newsletter@koblenz.example>"
    msg["To"] = BOT
    msg["Subject"] = "Newsletter September: Stand der Digitalisierung"
    msg["Date"] = "Mon, 3 Sep 2018 06:00:00 +0200"
    msg["Message-ID"] = "<NEWS0918@koblenz.example>"
    msg["List-Id"] = "IT-Newsletter <it-news.koblenz.example>"
    msg["List-Unsubscribe"] = "<mailto:unsubscribe@koblenz.example>"
    msg["Precedence"] = "bulk"
    msg.set_content("Stand: Digitalisierung schreitet voran.\n")
    return as_bytes(msg)


@mail
def unrelated_human_mail() -> bytes:
    msg = new_message()
    msg["From"] = ERIKA
    msg["To"] = BOT
    msg["Subject"] = "Kantine"
    msg["Date"] = "Mon, 3 Sep 2018 12:00:00 +0200"
    msg["Message-ID"] = "<KANTINE1@KGRZEX01.koblenz.example>"
    msg.set_content("Weiß jemand, ob die Kantine heute offen hat?\n")
    return as_bytes(msg)


@mail
def broken_headers_unknown_charset() -> bytes:
    return (
        b"From: =?x-unknown?Q?Erika_M=FCster?= <ERIKA.MUSTER@KOBLENZ.EXAMPLE>\r\n"
        b"To: projektstatus@koblenz.example, <<broken@@>>\r\n"
        b"Subject: =?utf-8?B?QVc6IFN0YXR1c2FiZnJhZ2U=?= [KGRZ-7K2QXA] =?broken\r\n"
        b"Date: Montag, 3. September 2018\r\n"
        b"Message-ID: no-brackets-id@koblenz.example\r\n"
        b"In-Reply-To: " + REQUEST_ID.encode() + b"\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=x-klingon\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Ampel: gr=FCn\r\nStand: L=E4uft =\r\nweiter.\r\n"
    )


def _interleaved(message_id: str, date: str, body: str) -> bytes:
    msg = new_message()
    msg["Message-ID"] = message_id
    msg["Date"] = date
    msg["From"] = "Erika Muster <erika.muster@koblenz.example>"
    msg["To"] = BOT
    msg["Subject"] = "Re: " + subject(prefix="")
    msg["In-Reply-To"] = REQUEST_ID
    msg.set_content(body)
    return as_bytes(msg)


def _quoted(lines: list[str]) -> str:
    return "\n".join(">" + (" " + line if line else "") for line in lines)


@mail
def thunderbird_interleaved_answers() -> bytes:
    """The lead answers under each quoted label of our request (inline), and signs off at the end."""
    request = request_lines()
    body = ("Hallo,\n\nich antworte direkt im Formular.\n\nAm 29.08.2018 um 08:00 schrieb KGRZ Projektstatus:\n"
            + _quoted(request[:5]) + "\nAmpel: gelb\n\n" + _quoted(request[5:7]) + "\n"
            + "Stand:\nDie Ausschreibung ist veröffentlicht, der Zuschlag folgt im Oktober.\n\n"
            + _quoted(request[7:]) + "\n\nViele Grüße\nErika Muster\n")
    return _interleaved("<5a6b7c8d-0000-4f5a-9b8c-000000000002@koblenz.example>", "Fri, 7 Sep 2018 11:40:05 +0200",
                        body)


@mail
def interleaved_text_below_quote() -> bytes:
    """A greeting above a quoted paragraph of our request, the filled form below it, then the rest of the quote."""
    request = request_lines()
    body = ("Guten Tag,\n\nAm 29.08.2018 um 08:00 schrieb KGRZ Projektstatus <projektstatus@koblenz.example>:\n"
            + _quoted(request[:3]) + "\n\nAmpel: grün\nFortschritt: 60 %\nStand:\nDer Pilotbetrieb läuft stabil.\n"
            "Weiteres Vorgehen: Rollout ab Oktober.\n\n" + _quoted(request[3:]) + "\n\n-- \nErika Muster\n"
            "Stadtverwaltung Koblenz\n")
    return _interleaved("<5a6b7c8d-0000-4f5a-9b8c-000000000003@koblenz.example>", "Fri, 7 Sep 2018 11:45:05 +0200",
                        body)


def main(only: list[str] | None = None) -> None:
    """Write all mails, or only the named ones (new cases must not rewrite the existing files)."""
    OUT.mkdir(parents=True, exist_ok=True)
    names = only or list(MAILS)
    for name in names:
        (OUT / f"{name}.eml").write_bytes(MAILS[name]())
    print(f"wrote {len(names)} mails to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
