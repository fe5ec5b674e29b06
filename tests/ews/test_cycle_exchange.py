"""The whole status cycle of ``tests/cycle/test_whole_cycle.py`` once more, on Exchange (the EWS test server).

Replies arrive as Exchange delivers internal mail (``AuthAs: Internal``, resolved sender); everything the bot
sends is read from what left the test server. Each tick's EWS operations are logged to keep the tick batched.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from exchangelib.protocol import close_connections

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.demo.replies import out_of_office, outlook_reply, thunderbird_reply
from kgrz_mailbot.demo.texts import SEPTEMBER
from kgrz_mailbot.jobs.tick import TickResult, tick
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox
from kgrz_mailbot.views.status import session_status
from tests.support import at, body, parse

from .conftest import ENV
from .server import EwsTestServer


class Cycle:
    """The app on Exchange plus what a test needs: deliver as Exchange would, read sent mail, count EWS calls."""

    def __init__(self, app: App, server: EwsTestServer, clock: FixedClock) -> None:
        self.app, self.server, self.clock = app, server, clock
        self.ticks: list[Counter[str]] = []

    def tick(self, when: str) -> TickResult:
        self.clock.set(at(when))
        self.server.reset_log()
        result = tick(self.app)
        self.ticks.append(Counter(op for op, _ in self.server.calls))
        return result

    def sent(self) -> list[EmailMessage]:
        return [parse(s.raw) for s in self.server.store.sent]

    def sent_to(self, address: str, kind: str = "Statusabfrage") -> list[EmailMessage]:
        return [m for m in self.sent() if address in str(m["To"]) and kind in str(m["Subject"])]

    def request_raw(self, address: str) -> bytes:
        return self.sent_to(address)[-1].as_bytes()

    def deliver(self, raw: bytes, sender: str) -> None:
        self.server.deliver(raw, internal_sender=sender)

    def subjects(self, prefix: str) -> list[EmailMessage]:
        return [m for m in self.sent() if str(m["Subject"]).startswith(prefix)]


@pytest.fixture
def cycle(config_dir: Path) -> Iterator[Cycle]:
    config = load_config(config_dir)
    server = EwsTestServer(address=config.mail.address).start()
    clock = FixedClock(at("2018-08-29T08:00"))
    settings = ExchangeSettings(endpoint=server.url, auth="basic", version="2019", max_wait_seconds=2,
                                timeout_seconds=10)
    app = build_app(config, clock=clock, transport=ExchangeMailbox(settings, config.mail.address, ENV))
    try:
        yield Cycle(app, server, clock)
    finally:
        app.close()
        close_connections()
        server.stop()


def test_a_session_runs_from_request_to_draft_on_exchange(cycle: Cycle) -> None:
    # T-21: every lead of the six projects gets one request with the form and the token.
    cycle.tick("2018-08-29T08:00")
    requests = cycle.subjects("Statusabfrage")
    assert len(requests) == 6
    first = cycle.sent_to("sabine.kraemer@koblenz.example")[0]
    assert "[KGRZ-" in str(first["Subject"]) and "Stand:" in body(first)
    # the copy in Gesendete Elemente carries OUR Message-ID, so replies can be matched
    assert cycle.app.transport.was_sent(str(first["Message-ID"])) is True

    # Replies: Outlook (lead), Thunderbird (lead), a deputy, an out-of-office; one lead stays silent.
    cycle.deliver(outlook_reply(cycle.request_raw("sabine.kraemer@koblenz.example"), "sabine.kraemer@koblenz.example",
                                "Sabine Krämer", SEPTEMBER["ecollaboration"], at("2018-08-30T09:12")),
                  "sabine.kraemer@koblenz.example")
    cycle.deliver(thunderbird_reply(cycle.request_raw("thomas.becker@koblenz.example"), "thomas.becker@koblenz.example",
                                    "Thomas Becker", SEPTEMBER["egovernment"], at("2018-08-30T16:40")),
                  "thomas.becker@koblenz.example")
    cycle.deliver(outlook_reply(cycle.request_raw("michael.hoffmann@koblenz.example"), "petra.wagner@koblenz.example",
                                "Petra Wagner", SEPTEMBER["telefonie"], at("2018-08-31T11:00")),
                  "petra.wagner@koblenz.example")
    cycle.deliver(out_of_office(cycle.request_raw("andreas.schulz@koblenz.example"), "andreas.schulz@koblenz.example",
                                "Andreas Schulz", "10.09.2018", "Claudia Neumann", at("2018-08-29T08:01")),
                  "andreas.schulz@koblenz.example")
    result = cycle.tick("2018-08-31T12:00")
    assert result.poll.outcomes == {"accepted": 3, "absence": 1}

    confirmations = cycle.subjects("Bestätigung")
    assert {str(m["To"]) for m in confirmations} == {
        "sabine.kraemer@koblenz.example", "thomas.becker@koblenz.example", "petra.wagner@koblenz.example"}
    assert "400 der 1.650 Postfächer" in body(next(m for m in confirmations if "kraemer" in str(m["To"])))
    # every reply left the inbox for Verarbeitet; nothing was deleted
    assert cycle.server.folder_items("inbox") == []
    assert len(cycle.server.folder_items("inbox", "Verarbeitet")) == 4

    # T-14: the reminder goes only to the silent, deputies in Cc.
    assert cycle.tick("2018-09-05T08:00").done == ["reminder-1"]
    reminders = cycle.subjects("Erinnerung")
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in reminders) == [
        "andreas.schulz@koblenz.example", "julia.richter@koblenz.example", "stefan.zimmermann@koblenz.example"]
    schulz = next(m for m in reminders if "schulz" in str(m["To"]))
    assert "claudia.neumann@koblenz.example" in str(schulz["Cc"])
    assert schulz["In-Reply-To"] == cycle.sent_to("andreas.schulz@koblenz.example")[0]["Message-ID"]
    # the deputy is a real envelope recipient on Exchange, not just a header
    envelope = next(s for s in cycle.server.store.sent if s.message_id == schulz["Message-ID"])
    assert "claudia.neumann@koblenz.example" in envelope.recipients

    # A late answer after the reminder, replying to the reminder itself.
    zimmermann = next(m for m in reminders if "zimmermann" in str(m["To"]))
    cycle.deliver(outlook_reply(zimmermann.as_bytes(), "stefan.zimmermann@koblenz.example", "Stefan Zimmermann",
                                SEPTEMBER["umbau"], at("2018-09-06T07:45")), "stefan.zimmermann@koblenz.example")
    assert cycle.tick("2018-09-06T08:00").poll.outcomes == {"accepted": 1}

    # Deadline: the Werkleitung hears which two are missing; then the draft with the .docx.
    assert cycle.tick("2018-09-10T08:00").done == ["deadline"]
    (escalation,) = cycle.subjects("Fehlende Statusmeldungen")
    assert str(escalation["To"]) == "werkleitung@koblenz.example"
    assert "TIME – neue Zeitwirtschaft" in body(escalation) and "eCollaboration" not in body(escalation)

    assert cycle.tick("2018-09-11T08:00").done == ["draft"]
    (draft_mail,) = cycle.subjects("Entwurf")
    attachment = next(draft_mail.iter_attachments())
    assert attachment.get_filename() == "werkausschuss-2018-09-19-v1.docx"

    _, versions = session_status(cycle.app, cycle.app.session(at("2018-09-19T00:00").date()))
    data = json.loads(Path(versions[0].paths[0]).read_text(encoding="utf-8"))
    assert data["missing"] == ["interkommunal", "time"]
    assert data["projects"][0]["answered_by"] == "sabine.kraemer@koblenz.example"
    assert data["projects"][2]["answered_by"] == "petra.wagner@koblenz.example"
    text = "\n".join(p.text for p in Document(versions[0].paths[2]).paragraphs)
    assert "400 der 1.650 Postfächer" in text

    # Nothing is ever sent twice: another tick at the same instant does nothing, and costs one FindItem.
    count = len(cycle.server.store.sent)
    assert cycle.tick("2018-09-11T08:00").done == [] and len(cycle.server.store.sent) == count
    assert cycle.ticks[-1] == Counter({"FindItem": 1})

    # Round trips stay batched: sending is one CreateItem per tick whatever the number of mails.
    request_tick, reply_tick, reminder_tick = cycle.ticks[0], cycle.ticks[1], cycle.ticks[2]
    assert request_tick["CreateItem"] == 1 and reminder_tick["CreateItem"] == 1 and reply_tick["CreateItem"] == 1
    assert reply_tick["GetItem"] == 1  # four replies fetched in one GetItem
    assert max(sum(t.values()) for t in cycle.ticks) <= 12
    print("EWS calls per tick:", [dict(t) for t in cycle.ticks])


def stranger_mail(n: int) -> bytes:
    return (f"From: Newsletter <news{n}@example.org>\r\nTo: projektstatus@koblenz.example\r\n"
            f"Subject: Angebot {n}\r\nMessage-ID: <news-{n}@example.org>\r\nDate: Thu, 30 Aug 2018 09:00:00 +0200\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSehr geehrte Damen und Herren\r\n"
            ).encode()


def test_a_poll_of_many_mails_costs_a_few_calls_per_hundred(cycle: Cycle) -> None:
    cycle.tick("2018-08-29T08:00")  # requests out, folders known
    for n in range(120):
        cycle.server.deliver(stranger_mail(n))
    result = cycle.tick("2018-08-30T10:00")
    assert result.poll.fetched == 120
    calls = cycle.ticks[-1]
    assert len(cycle.server.folder_items("inbox", "Verarbeitet")) == 120
    assert calls["GetItem"] == 2 and calls["MoveItem"] <= 2  # ⌈120/100⌉, not one per mail
    assert sum(calls.values()) <= 10 + 5 * 2
