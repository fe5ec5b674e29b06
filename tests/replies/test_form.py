"""parse_form / render_form: the C4 reply form as leads really fill it in."""

from __future__ import annotations

import pytest

from kgrz_mailbot.domain.model import Ampel, StatusFields
from kgrz_mailbot.replies.form import FORM_KEYS, LABELS, label_key, normalize_block, parse_form, render_form


@pytest.mark.parametrize("value", ["grün", "gruen", "GRÜN", "Grün.", "green", "*grün*", "grün!"])
def test_ampel_synonyms_for_green(value: str) -> None:
    fields, problems, _ = parse_form(f"Ampel: {value}\nStand: x")
    assert (fields.ampel, problems) == (Ampel.GRUEN, [])


@pytest.mark.parametrize(("value", "expected"), [("gelb", Ampel.GELB), ("yellow", Ampel.GELB), ("ROT", Ampel.ROT),
                                                 ("red", Ampel.ROT)])
def test_ampel_other_colours(value: str, expected: Ampel) -> None:
    assert parse_form(f"Ampel: {value}\nStand: x")[0].ampel is expected


def test_invalid_ampel_names_field_value_and_fix() -> None:
    _, problems, _ = parse_form("Ampel: blau\nStand: x")
    assert problems == ["Ampel: „blau“ ist kein gültiger Wert. Bitte „grün“, „gelb“ oder „rot“ eintragen."]


@pytest.mark.parametrize("value", ["40", "40%", "40 %", "ca. 40 %", "40 Prozent", "circa 40"])
def test_fortschritt_forms(value: str) -> None:
    assert parse_form(f"Fortschritt: {value}\nStand: x")[0].fortschritt == 40


@pytest.mark.parametrize("value", ["101", "viel", "40,5 %", "-3"])
def test_fortschritt_out_of_range_or_not_a_number(value: str) -> None:
    fields, problems, _ = parse_form(f"Fortschritt: {value}\nStand: x")
    assert fields.fortschritt is None
    assert problems and problems[0].startswith("Fortschritt:")


@pytest.mark.parametrize("line", ["Stand:", "stand:", "STAND :", "*Stand:*", "**Stand:**", "**Stand**:",
                                  "- Stand:", "• Stand:", "  Stand\u00a0:", "Stand:\t"])
def test_label_spellings(line: str) -> None:
    assert label_key(line) == "stand"


@pytest.mark.parametrize("line", ["Stand der Dinge: gut", "Der Stand: gut", "Standort: Rathaus", "Stand 31.08.: x",
                                  "Im Stand:"])
def test_not_a_label(line: str) -> None:
    assert label_key(line) is None


def test_weiteres_vorgehen_at_line_start_is_the_label() -> None:
    fields, _, labels = parse_form("Stand: Text\nWeiteres Vorgehen:\nAusschreibung")
    assert (fields.stand, fields.weiteres_vorgehen, labels) == ("Text", "Ausschreibung", ["stand", "weiteres_vorgehen"])


@pytest.mark.parametrize("value", ["unverändert", "Unverändert.", "UNVERAENDERT", "unveraendert"])
def test_stand_unveraendert_keeps_previous_text(value: str) -> None:
    fields, problems, _ = parse_form(f"Stand: {value}")
    assert fields == StatusFields(unchanged=True) and problems == []


def test_unveraendert_inside_a_sentence_is_text() -> None:
    assert parse_form("Stand: Der Zeitplan ist unverändert.")[0].stand == "Der Zeitplan ist unverändert."


def test_missing_and_empty_stand() -> None:
    assert parse_form("Ampel: grün")[1] == [
        "„Stand:“ fehlt. Bitte unter „Stand:“ den aktuellen Stand des Projekts eintragen oder „unverändert“ schreiben."]
    assert parse_form("Stand:\nAmpel: grün")[1][0].startswith("„Stand:“ ist leer.")


def test_no_form_at_all() -> None:
    fields, problems, labels = parse_form("Danke, kommt morgen.")
    assert (fields, labels) == (StatusFields(), [])
    assert "kein ausgefülltes Formular" in problems[0]


def test_stored_text_format() -> None:
    text = ("Stand:\n\n  Erster   Absatz,\u00a0Zeile 1\nZeile 2\n\n\n\nZweiter Absatz:\n• Punkt A\n· Punkt B\n"
            "* Punkt C\n– Punkt D\no Punkt E\n\uf0b7 Punkt F\na) bleibt\n1. bleibt\n\n")
    assert parse_form(text)[0].stand == (
        "Erster Absatz, Zeile 1\nZeile 2\n\nZweiter Absatz:\n- Punkt A\n- Punkt B\n- Punkt C\n- Punkt D\n- Punkt E\n"
        "- Punkt F\na) bleibt\n1. bleibt")


def test_one_line_fields_join_lines() -> None:
    fields, problems, _ = parse_form("Meilenstein: Abnahme\n30.11.2018\nBudget:\nim Plan\nStand: x")
    assert (fields.meilenstein, fields.budget, problems) == ("Abnahme 30.11.2018", "im Plan", [])


def test_table_cells_parse() -> None:
    fields, _, _ = parse_form("Ampel:\tgrün\nFortschritt: | 30 %\nStand:\tText")
    assert (fields.ampel, fields.fortschritt, fields.stand) == (Ampel.GRUEN, 30, "Text")


def test_any_order_and_hinweis() -> None:
    fields, _, labels = parse_form("Hinweis an das KGRZ: intern\nStand: öffentlich\nAmpel: rot")
    assert (fields.hinweis, fields.stand, labels) == ("intern", "öffentlich", ["hinweis", "stand", "ampel"])


def test_sentence_ending_in_colon_is_content_not_a_problem() -> None:
    text = "Stand:\nDie in Frage kommenden Services sind:\n- A\nErgebnis: gut\nBeispiel:\n- B"
    fields, problems, _ = parse_form(text)
    assert problems == []
    assert fields.stand == "Die in Frage kommenden Services sind:\n- A\nErgebnis: gut\nBeispiel:\n- B"


def test_attempted_labels_are_reported() -> None:
    problems = parse_form("Ampel: gelb\nRisiken: Personal\nStand: x\nFortschrit: 20")[1]
    assert any("„Risiken:“ ist kein Feld" in p for p in problems)
    assert any("„Fortschrit:“ ist kein Feld" in p for p in problems)


def test_label_looking_words_without_any_real_label_are_no_problem_of_the_form() -> None:
    assert parse_form("Risiken: keine")[1] == [parse_form("")[1][0]]


def test_duplicate_label() -> None:
    fields, problems, _ = parse_form("Stand: a\nStand: b")
    assert fields.stand == "a" and problems == ["„Stand:“ kommt mehrfach vor. Bitte jedes Feld nur einmal ausfüllen."]


def test_render_empty_form_lists_every_label_in_order() -> None:
    assert render_form(None).splitlines() == list(LABELS.values())
    assert tuple(LABELS) == FORM_KEYS


def test_render_parse_round_trip() -> None:
    fields = StatusFields(stand="Absatz 1\n\nAbsatz 2\n- Punkt", ampel=Ampel.GELB, fortschritt=40,
                          weiteres_vorgehen="Weiter so.", meilenstein="Abnahme 11/2018", budget="im Plan",
                          hinweis="Bitte Rückruf.")
    rendered = render_form(fields)
    assert "Ampel: gelb\nFortschritt: 40 %\nStand:\nAbsatz 1\n\nAbsatz 2\n- Punkt\n" in rendered
    assert parse_form(rendered)[0] == fields
    assert parse_form(render_form(StatusFields(unchanged=True)))[0] == StatusFields(unchanged=True)


def test_normalize_block_empty() -> None:
    assert normalize_block(["", "  ", "\t"]) is None
