"""trim(): quotes and noise removed, real content never cut (REPLIES.md §3)."""

from __future__ import annotations

import pytest

from kgrz_mailbot.replies.quotes import quote_start
from kgrz_mailbot.replies.trim import trim

NEW = "Stand: Die Testphase läuft."


@pytest.mark.parametrize("quote", [
    "-----Ursprüngliche Nachricht-----\nVon: KGRZ\nGesendet: Mittwoch\nAn: Erika\nBetreff: Statusabfrage\n\nStand:",
    "Von: KGRZ <projektstatus@koblenz.example>\nGesendet: Mittwoch, 29. August 2018 08:00\nAn: Muster, Erika\n"
    "Cc: Beispiel, Max\nWichtigkeit: Hoch\nBetreff: Statusabfrage\n\nStand:",
    "Von: KGRZ\nAn: Erika\nBetreff: Statusabfrage\nDatum: 29.08.2018 08:00\n\nStand:",
    "Gesendet: Mittwoch, 29. August 2018 um 08:00 Uhr\nVon: KGRZ\nAn: Erika\nBetreff: Statusabfrage\n\nStand:",
    "From: KGRZ\nSent: Wednesday, August 29, 2018 8:00 AM\nTo: Erika\nSubject: Statusabfrage\n\nStand:",
    "________________________________\nFrom: KGRZ\nSent: Wednesday\nTo: Erika\nSubject: x\n\nStand:",
    "*From:* KGRZ\n*Sent:* 2018-08-29\n*To:* Erika\n*Subject:* x\n\nStand:",
    "Am 29.08.2018 um 08:00 schrieb KGRZ Projektstatus:\n> Stand:",
    "Am So., 1. Jan. 2023 um 17:22 Uhr schrieb KGRZ Projektstatus <\nprojektstatus@koblenz.example>:\n> Stand:",
    "KGRZ Projektstatus <projektstatus@koblenz.example> schrieb am Mi., 29.\nAug. 2018 um 08:00 Uhr:\n\n> Stand:",
    "On Wed, Aug 29, 2018 at 8:00 AM KGRZ Projektstatus <projektstatus@koblenz.example>\nwrote:\n> Stand:",
    "> Stand:\n> Ampel:",
    "-------- Weitergeleitete Nachricht --------\nBetreff: x\nStand:",
    "Anfang der weitergeleiteten Nachricht:\n\nVon: KGRZ\nStand:",
])
def test_quote_is_cut(quote: str) -> None:
    assert trim(f"{NEW}\n\n{quote}") == NEW


@pytest.mark.parametrize("noise", [
    "Von meinem iPhone gesendet", "Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>", "Sent from my iPhone",
    "Get Outlook for iOS<https://aka.ms/o0ukef>", "Holen Sie sich Outlook für iOS",
    "-- \nErika Muster\nKGRZ", "Mit freundlichen Grüßen\nIm Auftrag\nErika Muster\nTelefon: 0261 129-1234",
    "Freundliche Grüße\nErika", "Viele Grüße, Erika", "Beste Grüße\n\nE. Muster", "Gruß\nErika", "Best regards,\nErika",
    "MfG\nE. Muster",
    "________________________________\n\nDiese E-Mail enthält vertrauliche und/oder rechtlich geschützte Daten.",
])
def test_noise_after_the_answer_is_removed(noise: str) -> None:
    assert trim(f"{NEW}\n\n{noise}") == NEW


@pytest.mark.parametrize("content", [
    "Stand:\n- erstens\n- zweitens",
    "Stand:\nTeil 1\n________________________________\nTeil 2",
    "Stand:\nTeil 1\n----\nTeil 2\n----------------\nTeil 3",
    "Stand:\nDie in Frage kommenden Services sind:\n- A",
    "Stand:\nEin herzlicher Gruß an das Team, das super gearbeitet hat.",
    "Stand:\nText\nWeiteres Vorgehen:\nMehr Text",
    "Stand:\nAm Montag schrieb uns das Ministerium, dass folgende Punkte offen sind:\n- A",
    "Stand:\nVon: 01.09. bis 30.09. läuft die Testphase.\nAn: alle Ämter ging ein Rundschreiben.",
    "Stand:\n> Zitat aus dem Gutachten ist unten",
])
def test_real_content_is_never_cut(content: str) -> None:
    assert trim(content) == content if "> Zitat" not in content else trim(content) == "Stand:"


def test_signoff_followed_by_the_form_is_not_an_end() -> None:
    text = "Viele Grüße vorab,\n\nAmpel: grün\nStand: x"
    assert trim(text) == text


def test_signature_delimiter_with_form_below_is_kept() -> None:
    text = "Hallo\n--\nStand: x"
    assert trim(text) == text


def test_bottom_posting_reads_text_below_the_quote() -> None:
    text = "Am 29.08.2018 um 08:00 schrieb KGRZ <a@b.example>:\n> Stand:\n> Ampel:\n\nStand: neu\n\n-- \nErika"
    assert trim(text) == "Stand: neu"


def test_quote_start_reports_kind() -> None:
    assert quote_start(["x", "-----Original Message-----"]) == (1, "separator")
    assert quote_start(["x", "", "> y"]) == (2, "quote")
    assert quote_start(["x", "________________________________", "From: a", "Sent: b", "To: c", "Subject: d"]) == (
        1, "header")


ATTRIBUTION = "Am 29.08.2018 um 08:00 schrieb KGRZ Projektstatus <projektstatus@koblenz.example>:"
FORM = "> Ampel:\n> Fortschritt:\n> Stand:\n> Weiteres Vorgehen:"


@pytest.mark.parametrize(("mail", "expected"), [
    # Text above and below the quote (discourse embedded_email_7, fiedl email_de_1).
    (f"Hallo,\n\n{ATTRIBUTION}\n{FORM}\n\nStand: neu\n\nViele Grüße\nErika", "Hallo,\n\nStand: neu"),
    # Answers typed under each quoted label.
    ("> Ampel:\nAmpel: gelb\n> Fortschritt:\n> Stand:\nStand: Läuft.\n> Budget:", "Ampel: gelb\n\nStand: Läuft."),
    # Three parts; the quotes in between never come back.
    (f"{NEW}\n> a\n\nZwei\n\n> b\n> c\n\nDrei\n> d", f"{NEW}\n\nZwei\n\nDrei"),
    # A quote that ends with an empty `>` line and text right below it (discourse embedded_email_17).
    ("Oben\n> x\n>\nUnten", "Oben\n\nUnten"),
])
def test_interleaved_reply_keeps_the_text_between_and_below_quotes(mail: str, expected: str) -> None:
    assert trim(mail) == expected


@pytest.mark.parametrize("mail", [
    # After a sign-off the lead has finished: what follows the quote is not theirs (an old footer, a forward).
    f"{NEW}\n\nViele Grüße\nErika\n\n{ATTRIBUTION}\n{FORM}\n\nStand:\nAmpel:",
    f"{NEW}\n\n-- \nErika Muster\n\n{ATTRIBUTION}\n{FORM}\n\nirgendein Text",
    # A header block starts the unquoted original: nothing below it is new.
    f"{NEW}\n\nVon: KGRZ\nGesendet: Mittwoch\nAn: Erika\nBetreff: Statusabfrage\n\n> x\n\nStand:\nAmpel:",
    # A signature block below the last quote (rule or `-- ` first) is not an answer.
    f"{NEW}\n\n{ATTRIBUTION}\n{FORM}\n\n____\nErika Muster\nStadtverwaltung Koblenz",
    f"{NEW}\n\n{ATTRIBUTION}\n{FORM}\n\n-- \nErika Muster",
    # A client re-wrapped a long quoted line: its tail between two quoted lines is quote, not text.
    f"{NEW}\n\n> für die Sitzung des Werkausschusses am 19.09.2018 bitten wir um den aktuellen\nStand des "
    "Projekts bis zum 10.09.2018.\n> Ampel:",
    # A mobile footer or disclaimer added below the quote by the app or the mail server.
    f"{NEW}\n\n{ATTRIBUTION}\n{FORM}\n\nVon meinem iPhone gesendet",
    f"{NEW}\n\n{ATTRIBUTION}\n{FORM}\n\nDiese E-Mail enthält vertrauliche Informationen.",
])
def test_below_the_quote_only_new_text_is_read(mail: str) -> None:
    assert trim(mail) == NEW


def test_quoted_form_is_never_read_even_without_text_above() -> None:
    # Our request quoted with `>` and nothing typed: no labels may reach the text.
    assert trim(f"{ATTRIBUTION}\n{FORM}\n") == ""
    # Outlook for Mac quotes without `>` (indented) below an attribution: the empty form there is ours, not read.
    assert trim("Am 28/10/2021, 12:46 schrieb \"KGRZ\" <projektstatus@koblenz.example>:\n\n    Ampel:\n"
                "    Stand:\n") == ""


@pytest.mark.parametrize("header", [
    "Le 29 août 2018 à 08:00, KGRZ Projektstatus <projektstatus@koblenz.example> a écrit :",
    "El 29 ago 2018, a las 08:00, KGRZ Projektstatus <projektstatus@koblenz.example> escribió:",
    "Op 29 aug. 2018 08:00 schreef \"KGRZ\" <projektstatus@koblenz.example> het\nvolgende geschreven:",
    "Il giorno mer 29 ago 2018 alle ore 08:00 KGRZ <projektstatus@koblenz.example>\nha scritto:",
    "Dnia 29 sierpnia 2018 08:00 KGRZ <projektstatus@koblenz.example> napisał(a):",
    "29.08.2018 08:00 пользователь \"KGRZ\" <projektstatus@koblenz.example> написал:",
    "среда, 29 августа 2018 г., 08:00 KGRZ пишет:",
    "Den 29. aug. 2018 kl. 08.00 skrev KGRZ <projektstatus@koblenz.example<mailto:projektstatus@koblenz.example>>:",
    "Em 29 de agosto de 2018 às 08:00, KGRZ (\nprojektstatus@koblenz.example) escreveu:",
    "ke 29. elok. 2018 klo 8.00 KGRZ\n<projektstatus@koblenz.example> kirjoitti:",
    "29.08.2018, 08:00, \"KGRZ\" <projektstatus@koblenz.example>:",
    "2018-08-29 8:00 GMT+02:00 KGRZ Projektstatus <\nprojektstatus@koblenz.example>:",
    "2018-08-29 8:00 GMT+02:00 KGRZ Projektstatus",
    "At 8/29/2018 08:00 AM, you wrote:",
    "---- On Wed, 29 Aug 2018 08:00:00 +0200 projektstatus@koblenz.example wrote ----",
    "On Wed, 29 Aug 2018 08:00 KGRZ <projektstatus@koblenz.example> wrote",
    "On Wed, 29 Aug 2018 at 08:00 KGRZ\n\n<\nmailto:KGRZ <projektstatus@koblenz.example>\n> wrote:",
    "-----Oprindelig meddelelse-----",
    "-------- Oprindelig besked --------",
    "-----Mensaje original-----",
    "Från: KGRZ\nSkickat: den 29 augusti 2018 08:00\nTill: Erika\nÄmne: Statusabfrage",
    "De : KGRZ\nEnvoyé : mercredi 29 août 2018 08:00\nÀ : Erika\nObjet : Statusabfrage",
    "Van: KGRZ\nVerzonden: woensdag 29 augustus 2018 08:00\nAan: Erika\nOnderwerp: Statusabfrage",
    "====\n\nMessage du : 29/08/2018 08:00\nDe : KGRZ\nA : erika\nCopie à :\nSujet : Statusabfrage",
])
def test_quote_headers_of_other_languages_are_cut(header: str) -> None:
    assert trim(f"{NEW}\n\n{header}\n\nAmpel:\nStand:") == NEW


@pytest.mark.parametrize("footer", [
    "Envoyé depuis mon iPhone", "Envoyé à partir de Outlook pour iOS<https://aka.ms/o0ukef>", "Sendt fra min iPad",
    "Skickat från min iPhone", "Enviado desde mi iPhone", "Verzonden vanaf mijn iPhone", "Inviato da iPhone",
    "__\nkgrz-users mailing list\nkgrz-users@lists.koblenz.example\nhttps://lists.koblenz.example/listinfo/kgrz",
    "\u1427",
])
def test_footers_of_other_languages_and_lists_are_removed(footer: str) -> None:
    assert trim(f"{NEW}\n\n{footer}") == NEW


@pytest.mark.parametrize("content", [
    # Dates, times and addresses in the lead's own text are not attributions.
    "Stand: Am 12.09.2018 um 10:00 Uhr stellt Herr Beispiel <max.beispiel@koblenz.example> vor:\n- Lastenheft",
    "Stand: Rückfragen ab 01.10. bitte an <erika.muster@koblenz.example>:\n- Telefon",
    "Stand:\nRückfragen ab 01.10.2018 bitte an erika.muster@koblenz.example:\n- Telefon",
    "Stand:\nDas Ministerium schrieb 2018 folgendes:\n- A",
    "Stand:\nDer Zuschlag ging 2018 an die Firma:\n- Muster GmbH",
    "Stand:\nTermin 12:00 wie besprochen.\nGesendet wurde die Liste an alle Ämter.",
    "Stand:\n----\nTeil 2",
])
def test_real_content_with_dates_and_addresses_is_kept(content: str) -> None:
    assert trim(content) == content
