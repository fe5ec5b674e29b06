"""Values typed into the quoted copy of our request are read; our own quoted text never is."""

from __future__ import annotations

from kgrz_mailbot.replies.form import parse_form
from kgrz_mailbot.replies.quotedform import read_quoted_form

FORM = ["Ampel:", "Fortschritt:", "Stand:", "Weiteres Vorgehen:", "Meilenstein:", "Budget:", "Hinweis an das KGRZ:"]
INTRO = ["Guten Tag Erika Muster,", "", "für die Sitzung am 19.09.2018 bereiten wir die Vorlage vor.", ""]
BELOW = ["", "Zum Nachschlagen – Ihr Bericht zur Sitzung im Juni 2018:", "",
         "    Bereits im Mai wurden einige Arbeitsplätze umgestellt.", "", "    Weiteres Vorgehen:",
         "    Rollout bis Oktober.", "", "Mit freundlichen Grüßen", "Projektstatus-Postfach des KGRZ"]
HEADER = ["Von: KGRZ Projektstatus <projektstatus@koblenz.example>", "Gesendet: Mittwoch, 29. August 2018 08:00",
          "An: Muster, Erika <erika.muster@koblenz.example>", "Betreff: Statusabfrage eCollaboration [KGRZ-7K2QXA]",
          ""]


def fields_of(text: str) -> dict[str, object]:
    answer = read_quoted_form(text)
    assert answer is not None and answer.problems == ()
    fields, problems, _ = parse_form(answer.text)
    assert problems == []
    return fields.as_contract()


def test_outlook_plain_answers_after_and_under_the_labels() -> None:
    form = ["Ampel: grün", "Fortschritt: 40 %", "Stand:", "Der Pilot läuft.", "", "Zweiter Absatz.",
            "Weiteres Vorgehen:", "Meilenstein:", "Budget: im Plan", "Hinweis an das KGRZ:"]
    text = "\n".join(["Antworten im Text.", "", *HEADER, *INTRO, *form, *BELOW])
    assert fields_of(text) == {"ampel": "gruen", "fortschritt": 40, "stand": "Der Pilot läuft.\n\nZweiter Absatz.",
                               "budget": "im Plan"}


def test_thunderbird_answers_between_the_quoted_lines() -> None:
    quoted = [f"> {line}" if line else ">" for line in INTRO]
    text = "\n".join(["Hallo,", "", "Am 29.08.2018 um 08:00 schrieb KGRZ Projektstatus:", *quoted,
                      "> Ampel:", "gelb", "> Fortschritt:", "> Stand:", "Die Ausschreibung läuft.", "",
                      "Der Zuschlag folgt im Oktober.", "> Weiteres Vorgehen:", "> Meilenstein:", "> Budget:",
                      "> Hinweis an das KGRZ:", ">", *(f"> {line}" for line in BELOW), "", "Viele Grüße", "Erika"])
    assert fields_of(text) == {"ampel": "gelb",
                               "stand": "Die Ausschreibung läuft.\n\nDer Zuschlag folgt im Oktober."}


def test_a_value_typed_on_the_quoted_label_line() -> None:
    text = "\n".join(["> " + line for line in [*INTRO, "Ampel: rot", *FORM[1:2], "Stand: unverändert", *FORM[3:]]])
    assert fields_of(text) == {"ampel": "rot", "stand": "unverändert"}


def test_the_previous_report_below_the_form_is_never_read() -> None:
    text = "\n".join([*HEADER, *INTRO, *FORM[:3], "Läuft.", *FORM[3:], *BELOW])
    assert fields_of(text) == {"stand": "Läuft."}


def test_a_sign_off_typed_below_the_last_label_is_not_the_hinweis() -> None:
    text = "\n".join(["> " + line for line in INTRO] + ["> " + line for line in FORM[:3]]
                     + ["Läuft.", *("> " + line for line in FORM[3:]), "", "Viele Grüße", "Erika Muster"])
    assert fields_of(text) == {"stand": "Läuft."}


def test_an_empty_quoted_form_is_no_answer() -> None:
    assert read_quoted_form("\n".join(["Danke!", "", *HEADER, *INTRO, *FORM, *BELOW])) is None
    assert read_quoted_form("\n".join(f"> {line}" for line in [*INTRO, *FORM, *BELOW])) is None


def test_a_few_labels_in_a_quote_are_not_our_form() -> None:
    assert read_quoted_form("> Ampel: grün\n> Stand: läuft") is None


def test_a_label_with_text_typed_in_front_of_it_is_named() -> None:
    form = ["Ampel:", "grünFortschritt: 40", "Stand: läuft", *FORM[3:]]
    answer = read_quoted_form("\n".join([*HEADER, *INTRO, *form, *BELOW]))
    assert answer is not None
    assert len(answer.problems) == 1 and answer.problems[0].startswith("„Fortschritt:“ konnten wir im zitierten")
    form = ["Ampel: grün Fortschritt:", "Stand: läuft", *FORM[3:]]
    answer = read_quoted_form("\n".join([*INTRO, *form, *BELOW]))
    assert answer is not None and answer.problems[0].startswith("„Fortschritt:“")


def test_a_date_after_stand_in_a_sentence_is_the_leads_text() -> None:
    form = ["Ampel:", "Fortschritt:", "Stand:", "Zum Stand: 31.08. sind 400 Postfächer umgestellt.", *FORM[3:]]
    assert fields_of("\n".join([*INTRO, *form, *BELOW])) == {
        "stand": "Zum Stand: 31.08. sind 400 Postfächer umgestellt."}


def test_only_the_first_copy_of_the_form_counts() -> None:
    newest = ["Ampel: gelb", *FORM[1:3], "Neu.", *FORM[3:]]
    older = ["Ampel: rot", *FORM[1:3], "Alt.", *FORM[3:]]
    assert fields_of("\n".join([*HEADER, *newest, "", *HEADER, *older])) == {"ampel": "gelb", "stand": "Neu."}


def test_a_wrapped_line_of_our_instructions_is_not_the_form() -> None:
    intro = [*INTRO, "So geht es: Antworten Sie auf diese Mail und füllen Sie das Formular aus.",
             "Ampel: grün, gelb oder rot; Fortschritt in Prozent. Absätze und Aufzählungen", "bleiben erhalten.", ""]
    text = "\n".join([*HEADER, *intro, "Ampel: gelb", *FORM[1:3], "Läuft.", *FORM[3:], *BELOW])
    assert fields_of(text) == {"ampel": "gelb", "stand": "Läuft."}


def test_outlooks_comment_marks_before_inline_answers_are_not_values() -> None:
    form = ["Ampel: [Muster, Erika] grün", "Fortschritt:", "Stand:", "[Muster, Erika] Der Pilot läuft.", *FORM[3:]]
    assert fields_of("\n".join([*HEADER, *INTRO, *form, *BELOW])) == {"ampel": "gruen", "stand": "Der Pilot läuft."}
