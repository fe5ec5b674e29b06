"""`poll` matches replies to requests, accepts only leads and deputies, and never loses or doubles a mail."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlmodel import select

from kgrz_mailbot.app import App
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.demo.replies import outlook_reply, thunderbird_reply
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.requests import send_requests
from kgrz_mailbot.storage import requests
from kgrz_mailbot.storage.store import session_id
from kgrz_mailbot.storage.tables import InboundMailRow
from tests.support import at, body, deliver, parse, sent_messages, sent_to

LEAD = "julia.richter@koblenz.example"
ANSWER = "Ampel: gelb\nFortschritt: 30 %\nStand:\nDie Schulung mit der Firma Infonica hat stattgefunden."


@pytest.fixture
def requested(app: App, clock: FixedClock) -> App:
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    clock.set(at("2018-08-30T10:00"))
    return app


def request_for(app: App, address: str = LEAD) -> bytes:
    return sent_to(app, address)[0].as_bytes()


def without(raw: bytes, *headers: str, subject: str | None = None) -> bytes:
    msg = parse(raw)
    for name in headers:
        del msg[name]
    if subject is not None:
        del msg["Subject"]
        msg["Subject"] = subject
    return msg.as_bytes()


def answer_of(app: App, project: str = "time") -> str | None:
    with app.store.read() as db:
        answer = requests.answers_of_session(db, session_id(db, app.session(at("2018-09-19T00:00").date())))
    return answer[project].fields.stand if project in answer else None


def inbound_rows(app: App) -> list[InboundMailRow]:
    with app.store.read() as db:
        return list(db.exec(select(InboundMailRow).order_by(InboundMailRow.id)).all())


def test_matched_by_in_reply_to_alone(requested: App) -> None:
    raw = without(thunderbird_reply(request_for(requested), LEAD, "Julia Richter", ANSWER, at("2018-08-30T09:00")),
                  subject="AW: Zeitwirtschaft")
    deliver(requested, raw.replace(b"KGRZ-", b"XXXX-"))
    assert process_inbox(requested).outcomes == {"accepted": 1}
    assert answer_of(requested) == "Die Schulung mit der Firma Infonica hat stattgefunden."


def test_matched_by_the_token_in_the_subject(requested: App) -> None:
    reply = thunderbird_reply(request_for(requested), LEAD, "Julia Richter", ANSWER, at("2018-08-30T09:00"))
    deliver(requested, without(reply, "In-Reply-To", "References"))
    assert process_inbox(requested).outcomes == {"accepted": 1}


def test_matched_by_the_token_in_the_quoted_body(requested: App) -> None:
    reply = outlook_reply(request_for(requested), LEAD, "Julia Richter", ANSWER, at("2018-08-30T09:00"))
    deliver(requested, without(reply, "In-Reply-To", "References", subject="AW: Statusmeldung TIME"))
    assert process_inbox(requested).outcomes == {"accepted": 1}


def test_matched_as_the_senders_only_open_request(requested: App) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"] = f"Julia Richter <{LEAD}>", "projektstatus@koblenz.example"
    msg["Subject"], msg["Message-ID"] = "Statusmeldung Zeitwirtschaft", "<new-mail-1@koblenz.example>"
    msg["Date"] = "Thu, 30 Aug 2018 09:00:00 +0200"
    msg.set_content(ANSWER)
    deliver(requested, msg.as_bytes())
    assert process_inbox(requested).outcomes == {"accepted": 1}


def test_a_deputy_may_answer_for_the_lead(requested: App) -> None:
    deliver(requested, outlook_reply(request_for(requested), "frank.klein@koblenz.example", "Frank Klein", ANSWER,
                                     at("2018-08-30T09:00")))
    assert process_inbox(requested).outcomes == {"accepted": 1}
    assert sent_to(requested, "frank.klein@koblenz.example", "Bestätigung")


@pytest.mark.parametrize(("outsider", "told"), [
    ("sabine.kraemer@koblenz.example", "sabine.kraemer@koblenz.example"),  # a lead, but of another project
    ("kollege.mueller@koblenz.example", LEAD),  # a colleague the lead forwarded the request to
    ("julia.richter@koblenz-example.net", LEAD),  # look-alike domain
])
def test_nobody_else_changes_a_report_and_only_a_configured_address_hears_of_it(
        requested: App, outsider: str, told: str) -> None:
    count = len(sent_messages(requested))
    deliver(requested, outlook_reply(request_for(requested), outsider, "Julia Richter", ANSWER, at("2018-08-30T09:00")))
    assert process_inbox(requested).outcomes == {"unauthorised": 1}
    assert answer_of(requested) is None
    [notice] = sent_messages(requested)[count:]
    assert str(notice["To"]).endswith(f"<{told}>") and str(notice["Subject"]).startswith("Nicht übernommen")
    assert inbound_rows(requested)[0].raw  # stored all the same


def test_the_same_mail_delivered_twice_is_processed_once(requested: App) -> None:
    reply = outlook_reply(request_for(requested), LEAD, "Julia Richter", ANSWER, at("2018-08-30T09:00"))
    deliver(requested, reply, "copy-1")
    deliver(requested, reply, "copy-2")
    assert process_inbox(requested).outcomes == {"accepted": 1, "duplicate": 1}
    assert len(sent_to(requested, LEAD, "Bestätigung")) == 1
    deliver(requested, reply, "copy-3")  # and again in a later poll
    assert process_inbox(requested).outcomes == {"duplicate": 1}


def test_an_invalid_reply_is_explained_once_per_hour_and_changes_nothing(requested: App, clock: FixedClock) -> None:
    request = request_for(requested)
    for n in range(2):
        deliver(requested, thunderbird_reply(request, LEAD, "Julia Richter", f"Ampel: blau\nStand: Versuch {n}.",
                                             at("2018-08-30T09:00")))
    assert process_inbox(requested).outcomes == {"rejected": 2}
    [explanation] = sent_to(requested, LEAD, "Rückfrage")
    assert "Ampel: „blau“ ist kein gültiger Wert" in body(explanation)
    assert "Stand: Versuch 0." in body(explanation)  # the form again, filled with what was understood
    assert answer_of(requested) is None
    clock.set(at("2018-08-30T11:30"))
    deliver(requested, thunderbird_reply(request, LEAD, "Julia Richter", "Stand:", at("2018-08-30T11:29")))
    process_inbox(requested)
    assert len(sent_to(requested, LEAD, "Rückfrage")) == 2


def test_auto_replies_bounces_and_unknown_senders_are_stored_and_never_answered(requested: App) -> None:
    count = len(sent_messages(requested))
    ooo = outlook_reply(request_for(requested), LEAD, "Julia Richter", "Ich bin nicht im Haus.", at("2018-08-30T09:00"))
    ooo = ooo.replace(b"Subject: AW:", b"Auto-Submitted: auto-replied\nSubject: Automatische Antwort:")
    stranger = EmailMessage()
    stranger["From"], stranger["Subject"] = "werbung@example.com", "Angebot"
    stranger["Message-ID"] = "<angebot@example.com>"
    stranger.set_content("Stand: Kaufen Sie jetzt!")
    deliver(requested, ooo)
    deliver(requested, stranger.as_bytes())
    outcomes = process_inbox(requested).outcomes
    assert outcomes == {"absence": 1, "unmatched": 1}
    assert len(sent_messages(requested)) == count
    assert len(inbound_rows(requested)) == 2


def test_a_malformed_mail_among_good_ones_is_kept_and_poll_goes_on(requested: App) -> None:
    good = outlook_reply(request_for(requested), LEAD, "Julia Richter", ANSWER, at("2018-08-30T09:00"))
    deliver(requested, b"\x00\xff\xfe not a mail at all \r\n\r\n\x00", "a-broken")
    deliver(requested, b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain;"
                       b" charset=klingon\r\n\r\n\xe4\xf6\xfc\r\n", "b-bad-charset")
    deliver(requested, good, "c-good")
    result = process_inbox(requested)
    assert result.outcomes.get("accepted") == 1
    assert sum(result.outcomes.values()) == 3
    rows = inbound_rows(requested)
    assert [r.raw[:4] for r in rows][0] == b"\x00\xff\xfe "
    maildir = requested.config.mail.maildir_path
    assert len(list((maildir / "inbox" / "new").iterdir())) == 0
    assert len(list((maildir / "inbox" / "cur").iterdir())) + len(list((maildir / "failed" / "new").iterdir())) == 3
