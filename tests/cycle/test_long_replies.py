"""No silent truncation (issue 13, item 9): a reply is read whole up to the size limit; over it, the lead is
told that it was too long and which fields were not read, and nothing is taken.

Erika Muster pastes a long report (22 000 characters) into Outlook; ``Budget:`` comes after the limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.replies.length import MAX_TEXT
from kgrz_mailbot.storage import requests
from kgrz_mailbot.storage.store import session_id
from tests.cycle.seeded import ERIKA, SEPTEMBER, seeded_app, stand_in_force
from tests.support import MAILS, at, body, deliver, sent_messages, sent_to


@pytest.fixture
def app(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    return seeded_app(config_dir, clock, monkeypatch)


def test_a_reply_over_the_limit_is_explained_with_the_fields_not_read(app: App) -> None:
    deliver(app, (MAILS / "long_reply_budget_beyond_limit.eml").read_bytes())
    assert process_inbox(app).outcomes == {"rejected": 1}
    assert stand_in_force(app) is None  # neither a cut Stand nor a report without Budget
    [explanation] = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Rückfrage")]
    text = body(explanation)
    assert str(explanation["To"]) == ERIKA
    assert "Ihre Antwort ist zu lang: 22.188 Zeichen, gelesen werden höchstens 20.000." in text
    assert "Nicht gelesen: „Weiteres Vorgehen:“, „Meilenstein:“, „Budget:“." in text
    assert "Nur bis zum 20.000. Zeichen gelesen: „Stand:“." in text
    assert "Es wurde nichts übernommen" in text


def test_a_long_reply_within_the_limit_is_read_to_its_last_field(app: App) -> None:
    paragraph = ("Bei der Kämmerei wurden die Postfächer umgestellt, insgesamt 120 Arbeitsplätze in Kalenderwoche 33. "
                 "Die Archive folgen nach der Abnahme durch den Fachbereich.")
    stand = "\n\n".join(f"{n}. Zwischenstand: {paragraph}" for n in range(1, 200))
    stand = stand[: stand.rfind("\n\n", 0, MAX_TEXT - 400)]
    answer = f"Ampel: gelb\nStand:\n{stand}\nBudget: Mehrbedarf 35.000 €"
    request = sent_to(app, ERIKA)[0].as_bytes()
    deliver(app, outlook_reply(request, ERIKA, "Erika Muster", answer, at("2018-09-04T16:48")))
    assert process_inbox(app).outcomes == {"accepted": 1}
    with app.store.read() as db:
        [answer_in_force] = requests.answers_of_session(db, session_id(db, SEPTEMBER)).values()
    assert answer_in_force.fields.budget == "Mehrbedarf 35.000 €"
    assert answer_in_force.fields.stand == stand
