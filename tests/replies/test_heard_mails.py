"""The pure pipeline reads issue 12's test mails as the whole app does (tests/cycle/heard.py), without a database."""

from __future__ import annotations

import pytest

from kgrz_mailbot.domain.model import Classification
from tests.cycle.heard import CASES

from .helpers import understood

TOKEN = "KGRZ-7K2QXA"
IN_QUOTE = {"outlook_inline_answers_in_colour", "outlook_plain_inline_answers",
            "thunderbird_answers_between_quoted_labels", "apple_mail_answers_between_quoted_labels",
            "outlook_inline_text_glued_to_label", "outlook_question_to_quoted_rejection"}


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.stored or c.outcome == "unauthorised"))
def test_the_fields_are_read_as_the_whole_app_stores_them(name: str) -> None:
    result = understood(name)
    assert result.classification is Classification.REPLY and result.token == TOKEN
    assert result.problems == ()
    if CASES[name].stored:
        assert result.fields.as_contract() == CASES[name].stored
    assert result.answered_in_quote is (name in IN_QUOTE)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.outcome == "rejected"))
def test_what_could_not_be_read_is_named(name: str) -> None:
    result = understood(name)
    assert result.classification is Classification.REPLY
    assert any(CASES[name].says[0] in problem for problem in result.problems), result.problems


@pytest.mark.parametrize("name", ["notes_ausser_haus", "groupwise_abwesenheitsmeldung"])
def test_notes_and_groupwise_absences_are_auto_replies(name: str) -> None:
    result = understood(name)
    assert result.classification is Classification.AUTO_REPLY
    assert result.fields.as_contract() == {} and result.facts.from_address == "erika.muster@koblenz.example"


def test_the_values_of_a_quoted_rejection_are_read_but_marked_as_typed_into_a_quote() -> None:
    # the pure reading cannot know which mail was quoted; inbox/quoted.py refuses it (tests/cycle/test_heard.py)
    result = understood("outlook_question_to_quoted_rejection")
    assert result.answered_in_quote and result.fields.as_contract() == {"ampel": "gelb", "stand": "Läuft.",
                                                                         "budget": "im Plan"}
