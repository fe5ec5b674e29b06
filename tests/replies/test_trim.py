"""trim(): quotes and noise removed, real content never cut (REPLIES.md §3)."""

from __future__ import annotations

import re

import pytest

from kgrz_mailbot.replies.trim import _ATTRIBUTION_WORD_RE, quote_start, trim

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


def test_attribution_word_filter_equals_ignorecase() -> None:
    """The prefilter spells out re.IGNORECASE by hand; it must match exactly what the case-insensitive words do."""
    slow = re.compile(r"schrieb|wrote|écrit", re.I)
    for word in ("schrieb", "wrote", "écrit"):
        for at in range(len(word)):
            for code in [*range(0x250), 0x130, 0x131, 0x17F, 0x212A, 0x1E9E, 0x3A3, 0x3C3, 0x400, 0x430]:
                probe = word[:at] + chr(code) + word[at + 1 :]
                assert bool(_ATTRIBUTION_WORD_RE.search(probe)) == bool(slow.search(probe)), probe
    assert trim(f"{NEW}\n\nAm 29.08.2018 um 08:00 ſchrieb KGRZ:\n> Stand:") == NEW
