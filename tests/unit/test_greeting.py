"""Whom the bot greets: the configured name of a lead or deputy, else the display name as a person says it."""

from __future__ import annotations

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.outbox.letters import greeting_for, spoken_name


@pytest.mark.parametrize(("display", "spoken"), [
    ("Weber, Elke", "Elke Weber"),
    ("Weber, Elke (Amt 10)", "Elke Weber"),
    ("Dr. Thomas Schäfer", "Dr. Thomas Schäfer"),
    ('"Muster, Erika"', "Erika Muster"),
    ("erika.muster@koblenz.example", ""),
    ("Klein, Frank, M.A.", "Klein, Frank, M.A."),
    ("", ""),
])
def test_a_display_name_is_read_as_a_person_says_it(display: str, spoken: str) -> None:
    assert spoken_name(display) == spoken


def test_a_configured_lead_or_deputy_is_greeted_by_the_configured_name(app: App) -> None:
    assert greeting_for(app, "Sabine.Kraemer@koblenz.example", "Krämer, Sabine (Amt 10)") == "Sabine Krämer"
    assert greeting_for(app, "jonas.weber@koblenz.example", "jweber") == "Jonas Weber"  # a deputy
    assert greeting_for(app, "werkleitung@koblenz.example", "Weber, Elke") == "Elke Weber"
    assert greeting_for(app, None, "") == "Projektleitung"
