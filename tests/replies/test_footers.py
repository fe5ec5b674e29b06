"""Every footer of the table in replies/footers.py, as its app writes it, is cut; look-alike sentences are not."""

from __future__ import annotations

import re

import pytest

from kgrz_mailbot.replies.footers import FOOTERS, is_footer
from kgrz_mailbot.replies.trim import trim

EXAMPLES = [(footer.source, example) for footer in FOOTERS for example in footer.examples]


@pytest.mark.parametrize(("source", "line"), EXAMPLES, ids=[f"{s}: {e[:40]}" for s, e in EXAMPLES])
def test_each_footer_of_the_table_is_recognised_by_its_own_entry(source: str, line: str) -> None:
    footer = next(f for f in FOOTERS if f.source == source)
    assert footer.hint in line.lower()
    assert re.fullmatch(f"(?:{footer.pattern})" + r"\s*\.?", re.sub(r"<https?:[^>]+>", "", line), re.IGNORECASE)
    assert is_footer(line) and is_footer(f"  {line}  ")


@pytest.mark.parametrize(("source", "line"), EXAMPLES, ids=[f"{s}: {e[:40]}" for s, e in EXAMPLES])
def test_a_footer_below_the_answer_never_reaches_the_stand(source: str, line: str) -> None:
    reply = f"Ampel: gelb\nStand:\nDie Migration läuft.\n\n{line}\n"
    assert trim(reply) == "Ampel: gelb\nStand:\nDie Migration läuft."


@pytest.mark.parametrize("sentence", [
    "Von meinem Team wurde das Konzept an die Werkleitung gesendet.",
    "Gesendet mit der Post an alle Ämter.",
    "Outlook für Android wird ab Oktober an alle Dienstgeräte verteilt.",
    "Sent from my office, the report reached everyone on Monday.",
    "Gesendet wurde der Entwurf am 31.08.2018.",
    "Gesendet von der Projektgruppe an alle Ämter am 31.08.2018.",
    "Sent from the project office to every department on Monday.",
])
def test_a_sentence_that_resembles_a_footer_is_content(sentence: str) -> None:
    assert not is_footer(sentence)
    assert trim(f"Stand:\nDie Migration läuft.\n{sentence}") == f"Stand:\nDie Migration läuft.\n{sentence}"


def test_a_footer_above_the_form_does_not_cut_the_form() -> None:
    assert trim("Von meinem iPhone gesendet\nStand: läuft") == "Von meinem iPhone gesendet\nStand: läuft"
