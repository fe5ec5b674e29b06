"""Mail commands (C6): HILFE, FORMULAR, STATUS answer leads and deputies; strangers get nothing."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.requests import send_requests
from tests.support import at, body, deliver, sent_messages, sent_to

LEAD = "julia.richter@koblenz.example"


def command(word: str, sender: str = LEAD, subject: str = "Frage") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = f"Julia Richter <{sender}>", "projektstatus@koblenz.example"
    msg["Subject"], msg["Message-ID"] = subject, f"<cmd-{word.lower()}-{sender}@koblenz.example>"
    msg["Date"] = "Mon, 03 Sep 2018 09:00:00 +0200"
    msg.set_content(f"{word}\n\nViele Grüße\nJulia Richter\n")
    return msg.as_bytes()


@pytest.fixture
def requested(app: App, clock: FixedClock) -> App:
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    clock.set(at("2018-09-03T09:05"))
    return app


def answer_to(app: App, address: str = LEAD) -> str:
    [mail] = [m for m in sent_messages(app) if address in str(m["To"]) and str(m["Subject"]).startswith("AW:")]
    return body(mail)


def test_hilfe_explains_the_form_the_open_requests_and_the_commands(requested: App) -> None:
    deliver(requested, command("HILFE"))
    assert process_inbox(requested).outcomes == {"command": 1}
    text = answer_to(requested)
    assert "Stand:" in text and "Hinweis an das KGRZ:" in text
    assert "TIME – neue Zeitwirtschaft – Sitzung am 19.09.2018, Antwort bis Montag, 10.09.2018, 08:00 Uhr" in text
    assert "FORMULAR" in text and "STATUS" in text


def test_formular_returns_the_form_filled_with_what_is_stored(requested: App) -> None:
    request = sent_to(requested, LEAD)[0].as_bytes()
    deliver(requested, outlook_reply(request, LEAD, "Julia Richter", "Ampel: gelb\nStand: Schulung erfolgt.",
                                     at("2018-09-03T08:00")))
    process_inbox(requested)
    deliver(requested, command("formular"))
    process_inbox(requested)
    text = answer_to(requested)
    assert "Ampel: gelb" in text and "Stand: Schulung erfolgt." in text
    assert "[KGRZ-" in text


def test_status_shows_the_section_as_it_will_appear_in_the_vorlage(requested: App) -> None:
    deliver(requested, command("Status"))
    process_inbox(requested)
    assert "Noch keine gültige Meldung" in answer_to(requested)
    request = sent_to(requested, LEAD)[0].as_bytes()
    deliver(requested, outlook_reply(request, "frank.klein@koblenz.example", "Frank Klein",
                                     "Ampel: grün\nStand: Testbetrieb ab Q1/2019.", at("2018-09-03T09:10")))
    deliver(requested, command("STATUS", sender="frank.klein@koblenz.example"))
    process_inbox(requested)
    text = answer_to(requested, "frank.klein@koblenz.example")
    assert "TIME – neue Zeitwirtschaft" in text and "Testbetrieb ab Q1/2019." in text
    assert "Ampel grün" in text


def test_a_stranger_sending_a_command_gets_no_answer(requested: App) -> None:
    count = len(sent_messages(requested))
    deliver(requested, command("HILFE", sender="jemand@example.com"))
    process_inbox(requested)
    assert len(sent_messages(requested)) == count
