"""understand(): every test mail with what the bot must read from it."""

from __future__ import annotations

import pytest

from kgrz_mailbot.domain.model import Classification, Command
from kgrz_mailbot.replies.form import LABELS
from kgrz_mailbot.replies.pipeline import understand
from tests.cycle.heard import CASES as HEARD

from .helpers import MAILS_DIR, OWN_ADDRESS, understood

TOKEN = "KGRZ-7K2QXA"
STAND_1 = ("Mit der verwaltungsweiten Umstellung auf Outlook wurde Anfang August planmäßig begonnen. "
           "Zum Stand 31.08.2018 waren 400 der 1.650 Postfächer umgestellt.")
STAND_2 = "Die Microsoft Office Suite ist zum Stand 31.08.2018 vollständig in der Verwaltung ausgerollt."
FULL_FORM = {
    "ampel": "gruen", "fortschritt": 40, "stand": f"{STAND_1}\n\n{STAND_2}",
    "weiteres_vorgehen": "Rollout der restlichen Postfächer bis Mitte Dezember.",
    "meilenstein": "Abschluss Rollout 12/2018", "budget": "im Plan",
}

# case -> expected C4 fields of a valid reply (as_contract()).
VALID_REPLIES: dict[str, dict[str, object]] = {
    "outlook2016_html_reply_de": FULL_FORM,
    "outlook2010_html_reply_b5c4df": FULL_FORM,
    "outlook_plain_urspruengliche_nachricht": FULL_FORM,
    "owa_reply": {"ampel": "gelb", "fortschritt": 35, "stand": STAND_1,
                  "weiteres_vorgehen": "Rollout der restlichen Postfächer bis Mitte Dezember."},
    "new_outlook_reply": {"ampel": "gruen", "stand": "unverändert"},
    "outlook_ios_reply": {"ampel": "gelb", "stand": "Verzögerung wegen Lieferengpass bei den Lizenzen."},
    "outlook_android_reply": {"ampel": "rot",
                              "stand": "Der Dienstleister hat den Termin abgesagt. Neuer Termin ist offen."},
    "thunderbird_reply": {"ampel": "gruen", "fortschritt": 55,
                          "stand": "Die Schulungen der Key-User sind abgeschlossen."},
    "thunderbird_bottom_post": {"ampel": "gelb", "stand": "Die Ausschreibung wurde veröffentlicht."},
    "apple_mail_reply": {"ampel": "gruen", "fortschritt": 60,
                         "stand": "Pilotbetrieb läuft seit 01.09.2018 stabil."},
    "gmx_reply": {"ampel": "gelb", "stand": "Warten auf die Freigabe durch den Datenschutz."},
    "gmail_reply_de": {"ampel": "gruen", "stand": "Alles im Plan."},
    "deputy_reply": {"ampel": "gelb", "stand": "Die Migration der Postfächer verzögert sich um zwei Wochen."},
    "forwarded_request_answered_by_deputy": {"ampel": "gruen", "fortschritt": 45,
                                             "stand": "Die Testphase ist abgeschlossen."},
    "html_only_token_in_subject": {"ampel": "gelb", "stand": STAND_1},
    "form_pasted_into_table": {"ampel": "gruen", "fortschritt": 70, "stand": f"{STAND_1}\n\n{STAND_2}",
                               "weiteres_vorgehen": "Rollout der restlichen Postfächer bis Mitte Dezember.",
                               "meilenstein": "Go-live 01.12.2018"},
    "bullet_lists_outlook": {
        "ampel": "gelb",
        "stand": "Aktuell werden folgende Services zur Verfügung gestellt:\n- Bescheinigung nach dem ProstSchG\n"
                 "- Beantragung von Planauszügen\n\nIn der Umsetzung befindlich:\n1. Antrag zum Stellenplan\n"
                 "2. Reklamationswesen für EB 70",
        "weiteres_vorgehen": "- Schnittstelle Civento zu Mach prüfen"},
    "windows1252_quoted_printable": {
        "ampel": "gruen", "budget": "500 T€ „wie geplant“",
        "stand": "Die Übernahme der Aufgabe „Bereitstellung Telefonie“ ist verfügt – Maßnahmen laufen."},
    "iso8859_15_base64": {"ampel": "rot", "budget": "Mehrbedarf 20.000 €", "stand": "Lieferverzug beim Hersteller."},
    "winmail_dat": {"ampel": "gruen", "fortschritt": 80, "stand": "Die Telefonanlage wird im Oktober migriert."},
    "stand_unveraendert": {"ampel": "gruen", "stand": "unverändert"},
    "exchange_disclaimer": {"ampel": "gruen", "stand": "Im Plan."},
    # stored as received; the Vorlage drops the invisible characters (tests/cycle/test_invisible_characters.py)
    "thunderbird_stand_with_bidi_override": {
        "ampel": "gelb", "fortschritt": 60, "budget": "\u202bim Plan\u202c",
        "stand": "Die Umstellung der Post\xadfächer ist zu 60 % abgeschlossen. Mehrkosten: \u202e0001\u202c Euro.\n"
                 "- Schulungen \u2066abgeschlossen\u2069\n- Rollout\u200b bis 12/2018\ufeff"},
    "human_reply_with_suppress_header": {"ampel": "gruen", "stand": "Im Plan."},
    "broken_headers_unknown_charset": {"ampel": "gruen", "stand": "Läuft weiter."},
    # Interleaved replies: the answers typed between and below `>` quotes are read, the quoted empty form is not.
    "thunderbird_interleaved_answers": {
        "ampel": "gelb", "stand": "Die Ausschreibung ist veröffentlicht, der Zuschlag folgt im Oktober."},
    "interleaved_text_below_quote": {"ampel": "gruen", "fortschritt": 60, "stand": "Der Pilotbetrieb läuft stabil.",
                                     "weiteres_vorgehen": "Rollout ab Oktober."},
    # delivered by our Postfix with Authentication-Results stacked (tests/cycle/test_authentication_results.py)
    "authres_forged_pass_below_our_fail": {
        "ampel": "rot", "fortschritt": 10,
        "stand": "Das Projekt ist gestoppt, alle Postfächer werden zurückgestellt."},
    "authres_our_server_says_pass": {"ampel": "gruen", "fortschritt": 55,
                                     "stand": "Die Schulungen der Key-User sind abgeschlossen."},
    # an answer to the June request after the June session (tests/cycle/test_closed_session.py)
    "late_reply_to_june_request": {
        "ampel": "gelb", "fortschritt": 30, "budget": "im Plan",
        "stand": "Die Umstellung der Postfächer auf Outlook verzögert sich um zwei Monate, weil die Migration der "
                 "Archive länger dauert als geplant.",
        "weiteres_vorgehen": "Pilotbetrieb mit dem KGRZ ab August."},
    # dated by a wrong PC clock (tests/cycle/test_impossible_dates.py)
    "wrong_pc_clock_2099": {"ampel": "gelb", "fortschritt": 45, "stand": "Die Schulungen der Key-User laufen noch."},
    "wrong_pc_clock_2008": {"ampel": "gruen", "fortschritt": 60,
                            "stand": "Korrektur: Alle Key-User sind geschult, der Rollout beginnt."},
}

# case -> (classification, reason fragment)
NOT_REPLIES: dict[str, tuple[Classification, str]] = {
    "abwesenheitsnotiz_de": (Classification.AUTO_REPLY, "Auto-Submitted"),
    "abwesenheitsnotiz_subject_only": (Classification.AUTO_REPLY, "subject"),
    "automatic_reply_en": (Classification.AUTO_REPLY, "Inbox-Rules-Loop"),
    "ndr_unzustellbar_de": (Classification.BOUNCE, "multipart/report"),
    "ndr_undeliverable_en": (Classification.BOUNCE, "multipart/report"),
    "own_request_looped": (Classification.UNKNOWN, "own mail"),
    "mailing_list_newsletter": (Classification.UNKNOWN, "Precedence"),
    "unrelated_human_mail": (Classification.UNKNOWN, "no token"),
}

COMMANDS = {
    "command_hilfe": Command.HILFE,
    "command_formular": Command.FORMULAR,
    "command_status": Command.STATUS,
    "command_freigabe": Command.FREIGABE,
    # who may use a command (tests/cycle/test_approval_trust.py, test_answer_limits.py)
    "freigabe_spoofed_werkleitung_dmarc_fail": Command.FREIGABE,
    "freigabe_werkleitung_verified": Command.FREIGABE,
    "freigabe_encoded_display_name_spells_werkleitung": Command.FREIGABE,
    "hilfe_spoofed_lead_dmarc_fail": Command.HILFE,
}

INVALID = {
    "ampel_invalid": ["Ampel: „blau“ ist kein gültiger Wert", "Fortschritt: „140 %“ ist kein gültiger Wert"],
    "stand_missing": ["„Stand:“ fehlt"],
    "duplicate_label": ["„Stand:“ kommt mehrfach vor"],
    "unknown_label_risiken": ["„Risiken:“ ist kein Feld des Formulars"],
    # over the size limit: never cut silently (tests/cycle/test_long_replies.py)
    "long_reply_budget_beyond_limit": ["Ihre Antwort ist zu lang", "Nicht gelesen: „Weiteres Vorgehen:“, "
                                       "„Meilenstein:“, „Budget:“", "Nur bis zum 20.000. Zeichen gelesen: „Stand:“"],
}


# case -> expected fields of a valid reply that carries no token (matched by the sender's only open request)
WITHOUT_TOKEN: dict[str, dict[str, object]] = {
    "outlook_signature_base64_entities": {"ampel": "gruen",
                                          "stand": "Die Schulungen für die Fachbereiche sind abgeschlossen."},
    # own subject, nothing quoted: only In-Reply-To (the Message-ID Exchange Online gave the request) ties it
    "new_outlook_reply_subject_rewritten_no_quote": {
        "ampel": "gelb", "fortschritt": 60,
        "stand": "Die neue Telefonanlage ist in drei von fünf Dienstgebäuden in Betrieb.",
        "weiteres_vorgehen": "Rathaus und Stadtbibliothek folgen im Oktober."},
}


@pytest.mark.parametrize("case", sorted(WITHOUT_TOKEN))
def test_valid_reply_without_a_token_is_read_exactly(case: str) -> None:
    result = understood(case)
    assert result.classification is Classification.REPLY
    assert result.fields.as_contract() == WITHOUT_TOKEN[case]
    assert (result.problems, result.token) == ((), None)


def test_every_mail_in_the_corpus_has_an_expectation() -> None:
    names = {path.stem for path in MAILS_DIR.glob("*.eml")}
    covered = (set(VALID_REPLIES) | set(NOT_REPLIES) | set(COMMANDS) | set(INVALID) | set(WITHOUT_TOKEN)
               | {"near_miss_content_kept"})
    covered |= set(HEARD) | {"outlook_question_to_quoted_rejection"}  # issue 12: tests/replies/test_heard_mails.py
    assert names == covered
    assert len(names) >= 30


@pytest.mark.parametrize("case", sorted(VALID_REPLIES))
def test_valid_reply_is_read_exactly(case: str) -> None:
    result = understood(case)
    assert result.classification is Classification.REPLY
    assert result.fields.as_contract() == VALID_REPLIES[case]
    assert result.problems == ()
    assert result.token == TOKEN


@pytest.mark.parametrize("case", sorted(VALID_REPLIES))
def test_quoted_request_and_signature_never_reach_the_text(case: str) -> None:
    text = understood(case).text
    for fragment in ("Ihr Text aus der Berichterstattung", "KGRZ Projektstatus", "projektstatus@", "Betreff:",
                     "Mit freundlichen Grüßen", "Telefon:", "Holen Sie sich", "Gesendet von", "vertrauliche"):
        assert fragment not in text
    # Each label appears at most once: the empty form of the quoted request was cut away.
    for label in LABELS.values():
        assert text.count(label) <= 1


@pytest.mark.parametrize("case", sorted(NOT_REPLIES))
def test_machine_and_foreign_mail_is_never_read_as_an_answer(case: str) -> None:
    expected, reason = NOT_REPLIES[case]
    result = understood(case)
    assert result.classification is expected
    assert reason in result.reason
    assert result.fields.as_contract() == {}
    assert result.labels_found == ()


@pytest.mark.parametrize("case", sorted(COMMANDS))
def test_command_word_opening_the_text(case: str) -> None:
    result = understood(case)
    assert result.classification is Classification.COMMAND
    assert result.command is COMMANDS[case]


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_reply_names_each_problem(case: str) -> None:
    result = understood(case)
    assert result.classification is Classification.REPLY
    for fragment in INVALID[case]:
        assert any(fragment in problem for problem in result.problems), result.problems


def test_text_typed_by_the_lead_is_kept_with_paragraphs() -> None:
    text = understood("outlook2016_html_reply_de").text
    assert text.startswith("Hallo zusammen,\n\nanbei unser Stand.\n\nAmpel: grün\n")
    assert f"{STAND_1}\n\n{STAND_2}" in text


def test_near_misses_keep_all_content() -> None:
    result = understood("near_miss_content_kept")
    assert result.problems == ()
    assert result.fields.stand == (
        "Die in Frage kommenden Services sind:\n- Bescheinigung nach dem ProstSchG\n- Beantragung von Planauszügen\n\n"
        "________________________________\n\n"
        "Zum Thema Telefonie ein Gruß an das Team vom ZGM: die Zusammenarbeit ist sehr gut.\n----\n"
        "Am Montag schrieb uns das Ministerium, dass folgende Punkte offen sind:\n- Mittelübergang\n"
        "Von: 01.09. bis 30.09. läuft die Testphase."
    )
    assert result.fields.weiteres_vorgehen == "Lastenheft bis Oktober erstellen."


def test_interleaved_reply_keeps_each_part_once_and_in_order() -> None:
    assert understood("thunderbird_interleaved_answers").text == (
        "Hallo,\n\nich antworte direkt im Formular.\n\nAmpel: gelb\n\n"
        "Stand:\nDie Ausschreibung ist veröffentlicht, der Zuschlag folgt im Oktober.")
    assert understood("interleaved_text_below_quote").text.startswith("Guten Tag,\n\nAmpel: grün\n")


def test_deputy_reply_is_attributed_to_the_deputy() -> None:
    facts = understood("deputy_reply").facts
    assert facts.from_address == "max.beispiel@koblenz.example"
    assert facts.in_reply_to == ("<kgrz.12.request.0.a1b2c3d4e5f6a7b8@mailbot.koblenz.example>",)


def test_non_human_mail_still_reports_its_token_for_matching() -> None:
    assert understood("abwesenheitsnotiz_de").token == TOKEN


def test_filled_form_wins_over_a_command_word() -> None:
    raw = (b"From: erika.muster@koblenz.example\r\nSubject: Statusabfrage [KGRZ-7K2QXA]\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
           b"Status: siehe unten\r\nAmpel: gelb\r\nStand: L\xc3\xa4uft.\r\n")
    result = understand(raw, own_address=OWN_ADDRESS)
    assert result.classification is Classification.REPLY
    assert result.fields.stand == "Läuft."


def test_oversized_mail_is_unknown_with_reason() -> None:
    raw = b"From: a@koblenz.example\r\nSubject: x\r\n\r\n" + b"x" * (25 * 1024 * 1024 + 1)
    result = understand(raw, own_address=OWN_ADDRESS)
    assert result.classification is Classification.UNKNOWN
    assert "limit" in result.reason


def test_garbage_never_raises() -> None:
    for raw in (b"", b"\x00\xff\xfe", b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--",
                b"From: <<<@@@>>>\r\nDate: 99 Foo 9999\r\n\r\n\xff\xfe"):
        result = understand(raw, own_address=OWN_ADDRESS)
        assert result.classification in (Classification.UNKNOWN, Classification.REPLY)
