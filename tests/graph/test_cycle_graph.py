"""The whole status cycle once more, on Exchange Online through Microsoft Graph (the Graph test server, HTTPS).

Replies arrive as Exchange Online delivers internal mail (``AuthAs: Internal``, resolved sender); everything the bot
sends is read from what left the test server. Each tick's round trips are logged to keep the tick batched.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import select

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.demo.replies import out_of_office, outlook_reply, thunderbird_reply
from kgrz_mailbot.demo.texts import SEPTEMBER
from kgrz_mailbot.jobs.tick import TickResult, tick
from kgrz_mailbot.storage.tables import OutboundMailRow
from kgrz_mailbot.transports.graph.transport import GraphMailbox
from kgrz_mailbot.views.status import session_status
from tests.support import MAILS, at, body, parse
from tests.transports.conftest import graph_settings

from .conftest import SECRET_ENV
from .server import GraphTestServer


class Cycle:
    """The app on Graph plus what a test needs: deliver as Exchange Online would, read sent mail, count round trips."""

    def __init__(self, app: App, server: GraphTestServer, clock: FixedClock) -> None:
        self.app, self.server, self.clock = app, server, clock
        self.ticks: list[Counter[str]] = []

    def tick(self, when: str) -> TickResult:
        self.clock.set(at(when))
        self.server.reset_log()
        result = tick(self.app)
        self.ticks.append(Counter(self.server.calls))
        return result

    def sent(self) -> list[EmailMessage]:
        return [parse(s.raw) for s in self.server.sent]

    def sent_to(self, address: str, kind: str = "Statusabfrage") -> list[EmailMessage]:
        return [m for m in self.sent() if address in str(m["To"]) and kind in str(m["Subject"])]

    def request_raw(self, address: str, project: str = "") -> bytes:
        return next(m for m in reversed(self.sent_to(address)) if project in str(m["Subject"])).as_bytes()

    def deliver(self, raw: bytes, sender: str) -> None:
        self.server.deliver(raw, internal_sender=sender)

    def subjects(self, prefix: str) -> list[EmailMessage]:
        return [m for m in self.sent() if str(m["Subject"]).startswith(prefix)]


def start(config_dir: Path, **server_options: object) -> Cycle:
    config = load_config(config_dir)
    server = GraphTestServer(address=config.mail.address, **server_options).start()  # type: ignore[arg-type]
    clock = FixedClock(at("2018-08-29T08:00"))
    box = GraphMailbox(graph_settings(server), config.mail.address, {SECRET_ENV: server.secret})
    return Cycle(build_app(config, clock=clock, transport=box), server, clock)


@pytest.fixture
def cycle(config_dir: Path) -> Iterator[Cycle]:
    running = start(config_dir)
    yield running
    running.app.close()
    running.server.stop()


def test_a_session_runs_from_request_to_draft_on_graph(cycle: Cycle) -> None:
    # T-21: every lead of the six projects gets one request with the form and the token, our bytes unchanged.
    cycle.tick("2018-08-29T08:00")
    requests = cycle.subjects("Statusabfrage")
    assert len(requests) == 6
    first = cycle.sent_to("sabine.kraemer@koblenz.example")[0]
    assert "[KGRZ-" in str(first["Subject"]) and "Stand:" in body(first)
    with cycle.app.store.read() as db:
        rows = db.exec(select(OutboundMailRow)).all()
    assert {r.raw for r in rows} == {s.raw for s in cycle.server.sent}  # what left is exactly what was recorded
    assert all(r.transport_ref for r in rows)  # each draft id recorded before its send, until read back

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
    with cycle.app.store.read() as db:
        requests_rows = db.exec(select(OutboundMailRow).where(OutboundMailRow.kind == "request")).all()
        assert not any(r.transport_ref for r in requests_rows)  # sent copies read back, drafts forgotten

    confirmations = cycle.subjects("Bestätigung")
    assert {str(m["To"]) for m in confirmations} == {
        "sabine.kraemer@koblenz.example", "thomas.becker@koblenz.example", "petra.wagner@koblenz.example"}
    assert cycle.server.folder_items("inbox") == []
    assert len(cycle.server.folder_items("inbox", "Verarbeitet")) == 4

    # T-14: the reminder goes only to the silent, deputies in Cc and among the recipients.
    assert cycle.tick("2018-09-05T08:00").done == ["reminder-1"]
    reminders = cycle.subjects("Erinnerung")
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in reminders) == [
        "andreas.schulz@koblenz.example", "julia.richter@koblenz.example", "stefan.zimmermann@koblenz.example"]
    schulz = next(m for m in reminders if "schulz" in str(m["To"]))
    envelope = next(s for s in cycle.server.sent if parse(s.raw)["Message-ID"] == schulz["Message-ID"])
    assert "claudia.neumann@koblenz.example" in envelope.recipients

    zimmermann = next(m for m in reminders if "zimmermann" in str(m["To"]))
    cycle.deliver(outlook_reply(zimmermann.as_bytes(), "stefan.zimmermann@koblenz.example", "Stefan Zimmermann",
                                SEPTEMBER["umbau"], at("2018-09-06T07:45")), "stefan.zimmermann@koblenz.example")
    assert cycle.tick("2018-09-06T08:00").poll.outcomes == {"accepted": 1}

    assert cycle.tick("2018-09-10T08:00").done == ["deadline"]
    assert cycle.tick("2018-09-11T08:00").done == ["draft"]
    (draft_mail,) = cycle.subjects("Entwurf")
    assert next(draft_mail.iter_attachments()).get_filename() == "werkausschuss-2018-09-19-v1.docx"
    _, versions = session_status(cycle.app, cycle.app.session(at("2018-09-19T00:00").date()))
    data = json.loads(Path(versions[0].paths[0]).read_text(encoding="utf-8"))
    assert data["missing"] == ["interkommunal", "time"]
    assert "400 der 1.650 Postfächer" in "\n".join(p.text for p in Document(versions[0].paths[2]).paragraphs)

    # Nothing twice; an idle tick is one token-free listing plus the read-back of the draft mail's sent copy.
    count = len(cycle.server.sent)
    assert cycle.tick("2018-09-11T08:00").done == [] and len(cycle.server.sent) == count
    assert cycle.ticks[-1] == Counter({"list": 1, "batch": 1})
    assert cycle.tick("2018-09-11T08:05").done == [] and cycle.ticks[-1] == Counter({"list": 1})

    # Round trips stay batched: six requests are one $batch of drafts and one of sends.
    assert cycle.ticks[0]["batch"] == 2 and cycle.ticks[0]["create"] == 0
    assert max(sum(t.values()) for t in cycle.ticks) <= 14
    assert cycle.server.without_immutable == 0 and cycle.server.peak <= 4
    print("Graph round trips per tick:", [dict(t) for t in cycle.ticks])


@pytest.mark.parametrize("rewrite", ["draft", "send"])
def test_a_reply_matches_by_the_message_id_exchange_online_gave_the_request(config_dir: Path, rewrite: str) -> None:
    # Sabine Krämer leads two projects, so "her only open request" cannot decide; she answers the Telefonie
    # request from the new Outlook with her own subject and without quoting: only In-Reply-To tells which one.
    projects = config_dir / "projects.toml"
    projects.write_text(projects.read_text(encoding="utf-8").replace(
        "Michael Hoffmann <michael.hoffmann@koblenz.example>", "Sabine Krämer <sabine.kraemer@koblenz.example>"),
        encoding="utf-8")
    cycle = start(config_dir, rewrite_message_ids=rewrite)
    try:
        cycle.tick("2018-08-29T08:00")
        request = parse(cycle.request_raw("sabine.kraemer@koblenz.example", "Telefonie"))
        server_id = str(request["Message-ID"]).strip()
        assert server_id.endswith(".prod.outlook.com>")  # Exchange Online replaced our Message-ID
        with cycle.app.store.read() as db:
            row = db.exec(select(OutboundMailRow).where(OutboundMailRow.subject == str(request["Subject"]))).one()
        assert row.message_id != server_id
        assert row.server_message_id == (server_id if rewrite == "draft" else None)  # known from the draft already

        reply = (MAILS / "new_outlook_reply_subject_rewritten_no_quote.eml").read_bytes().replace(
            b"<AM0PR02MB53214E9A77C2B31D0F6A8E41C3A29@AM0PR02MB5321.eurprd02.prod.outlook.com>", server_id.encode())
        cycle.deliver(reply, "sabine.kraemer@koblenz.example")
        assert cycle.tick("2018-08-30T10:00").poll.outcomes == {"accepted": 1}
        with cycle.app.store.read() as db:
            assert db.get(OutboundMailRow, row.id).server_message_id == server_id  # read back from Sent Items
        statuses = {s.key: s for s in session_status(cycle.app, cycle.app.session(at("2018-09-19T00:00").date()))[0]}
        assert statuses["telefonie"].answered and statuses["telefonie"].answered_by == "sabine.kraemer@koblenz.example"
        assert not statuses["ecollaboration"].answered
        (confirmation,) = cycle.subjects("Bestätigung")
        assert "Telefonie" in str(confirmation["Subject"])

        # the reminder for her other project threads under the id she saw on its request
        assert cycle.tick("2018-09-05T08:00").done == ["reminder-1"]
        (request,) = [m for m in cycle.subjects("Statusabfrage") if "eCollaboration" in str(m["Subject"])]
        seen = str(request["Message-ID"]).strip()
        (reminder,) = cycle.sent_to("sabine.kraemer@koblenz.example", "Erinnerung")
        assert str(reminder["In-Reply-To"]).strip() == seen
    finally:
        cycle.app.close()
        cycle.server.stop()


def stranger_mail(n: int) -> bytes:
    return (f"From: Newsletter <news{n}@example.org>\r\nTo: projektstatus@koblenz.example\r\n"
            f"Subject: Angebot {n}\r\nMessage-ID: <news-{n}@example.org>\r\nDate: Thu, 30 Aug 2018 09:00:00 +0200\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSehr geehrte Damen und Herren\r\n"
            ).encode()


def test_a_poll_of_many_mails_costs_a_few_round_trips_per_hundred(cycle: Cycle) -> None:
    cycle.tick("2018-08-29T08:00")  # requests out, token cached
    for n in range(120):
        cycle.server.deliver(stranger_mail(n))
    result = cycle.tick("2018-08-30T10:00")
    assert result.poll.fetched == 120
    calls = cycle.ticks[-1]
    assert len(cycle.server.folder_items("inbox", "Verarbeitet")) == 120
    assert calls["list"] == 2  # pages of 100
    assert sum(calls.values()) <= 10 + 15 * 2, calls
