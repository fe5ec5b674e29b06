"""A Date: that cannot be true does not decide which answer is in force (issue 13, item 6).

More than a day after the mail reached us, or before the request was sent: the reply is ordered by the time it
arrived, and the confirmation says so. Erika Muster's PC once runs with the year 2099, once with 2008.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.inbox.poll import process_inbox
from tests.cycle.seeded import seeded_app, stand_in_force
from tests.support import MAILS, at, body, deliver, sent_messages


@pytest.fixture
def app(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    return seeded_app(config_dir, clock, monkeypatch)


def receive(app: App, clock: FixedClock, case: str, when: str) -> str:
    clock.set(at(when))
    deliver(app, (MAILS / f"{case}.eml").read_bytes())
    assert process_inbox(app).outcomes == {"accepted": 1}
    return body([m for m in sent_messages(app) if str(m["Subject"]).startswith("Bestätigung")][-1])


def test_a_reply_dated_2099_does_not_lock_the_section(app: App, clock: FixedClock) -> None:
    confirmation = receive(app, clock, "wrong_pc_clock_2099", "2018-09-03T09:42")
    assert "Ihre Mail trägt das Datum Donnerstag, 03.09.2099, 09:41 Uhr" in confirmation
    assert "mehr als einen Tag nach dem Eingang bei uns" in confirmation
    assert "zählt deshalb der Eingang bei uns am Montag, 03.09.2018, 09:42 Uhr" in confirmation
    assert stand_in_force(app) == "Die Schulungen der Key-User laufen noch."

    correction = receive(app, clock, "thunderbird_reply", "2018-09-07T11:31")  # dated 07.09.2018 11:30
    assert stand_in_force(app) == "Die Schulungen der Key-User sind abgeschlossen."
    assert "Eine Meldung mit späterem Datum liegt bereits vor" not in correction
    assert "Hinweis zum Datum" not in correction


def test_a_reply_dated_before_the_request_is_ordered_by_its_arrival(app: App, clock: FixedClock) -> None:
    receive(app, clock, "outlook2016_html_reply_de", "2018-09-03T09:13")  # dated 03.09.2018 09:12
    confirmation = receive(app, clock, "wrong_pc_clock_2008", "2018-09-05T14:00")
    assert stand_in_force(app) == "Korrektur: Alle Key-User sind geschult, der Rollout beginnt."
    assert "Ihre Mail trägt das Datum Dienstag, 01.01.2008, 00:07 Uhr" in confirmation
    assert "vor dem Versand unserer Statusabfrage am Mittwoch, 29.08.2018, 08:00 Uhr" in confirmation
