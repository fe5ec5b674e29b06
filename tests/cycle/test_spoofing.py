"""Nobody but a project's lead or deputy changes its report, however the mail is dressed up (RELIABILITY §5)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.requests import send_requests
from kgrz_mailbot.storage import requests
from kgrz_mailbot.storage.store import session_id
from tests.support import at, deliver, sent_messages, sent_to

LEAD = "sabine.kraemer@koblenz.example"
OWN_MTA = "mx.koblenz.example"
ANSWER = "Ampel: rot\nStand: Projekt gestoppt."


def reply(app: App, from_header: str, extra: str = "") -> bytes:
    request = sent_to(app, LEAD)[0].as_bytes()
    raw = outlook_reply(request, LEAD, "Sabine Krämer", ANSWER, at("2018-08-30T09:00"))
    head, _, body = raw.partition(b"\n\n")
    lines = [line for line in head.split(b"\n") if not line.lower().startswith(b"from:")]
    return b"\n".join([f"From: {from_header}".encode(), *([extra.encode()] if extra else []), *lines]) + b"\n\n" + body


def stored_answer(app: App) -> str | None:
    with app.store.read() as db:
        answers = requests.answers_of_session(db, session_id(db, app.session(at("2018-09-19T00:00").date())))
    return answers["ecollaboration"].fields.stand if "ecollaboration" in answers else None


@pytest.fixture
def requested(app: App) -> App:
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    return app


@pytest.fixture
def with_own_mta(config_dir: Path, clock: FixedClock) -> App:
    """A Maildir fed by our own MTA, which stamps Authentication-Results (trusted only from it)."""
    settings = config_dir / "settings.toml"
    own = f'path = "var/mail"\nauthserv_id = "{OWN_MTA}"'
    settings.write_text(settings.read_text().replace('path = "var/mail"', own))
    app = build_app(load_config(config_dir), clock=clock)
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    return app


OTHER_LEAD, OTHER_DEPUTY = "thomas.becker@koblenz.example", "laura.schmitt@koblenz.example"
# case -> (From, extra header, the configured address that hears of it: the lead whose project the mail names, or
# the configured person the From names; None: nobody, the mail is the bot's own)
SPOOFS: dict[str, Callable[[], tuple[str, str, str | None]]] = {
    "display name of the lead, address of an outsider": lambda: ('"Sabine Krämer" <evil@example.net>', "", LEAD),
    "lead's address as display name": lambda: (f"{LEAD} <evil@evil.example>", "", LEAD),
    "encoded-word display name that decodes to the lead's address":
        lambda: ("=?utf-8?q?sabine.kraemer=40koblenz.example?= <evil@evil.example>", "", LEAD),
    "two mailboxes in From": lambda: (f"{LEAD}, evil@evil.example", "", LEAD),
    "look-alike domain with a hyphen": lambda: ("Sabine Krämer <sabine.kraemer@koblenz-example.net>", "", LEAD),
    "look-alike domain with a digit": lambda: ("Sabine Krämer <sabine.kraemer@kob1enz.example>", "", LEAD),
    "look-alike domain as a subdomain": lambda: ("Sabine Krämer <sabine.kraemer@koblenz.example.evil.net>", "",
                                                 LEAD),
    "Cyrillic o in the domain": lambda: ("Sabine Krämer <sabine.kraemer@k\u043eblenz.example>", "", LEAD),
    "look-alike local part": lambda: ("Sabine Krämer <sabine.kraemmer@koblenz.example>", "", LEAD),
    "outsider with the lead in Sender": lambda: ("Evil <evil@evil.example>", f"Sender: {LEAD}", LEAD),
    "outsider with another lead in Reply-To": lambda: ("Evil <evil@evil.example>", f"Reply-To: {OTHER_LEAD}", LEAD),
    "reply-all by a colleague who was in Cc": lambda: ("Kollege Müller <kollege.mueller@koblenz.example>", "", LEAD),
    "lead of another project": lambda: ("Thomas Becker <thomas.becker@koblenz.example>", "", OTHER_LEAD),
    "deputy of another project": lambda: ("Laura Schmitt <laura.schmitt@koblenz.example>", "", OTHER_DEPUTY),
    "the bot's own address": lambda: ("KGRZ Projektstatus <projektstatus@koblenz.example>", "", None),
    "no From at all": lambda: ("", "", LEAD),
}


@pytest.mark.parametrize("case", list(SPOOFS))
def test_a_spoofed_reply_changes_nothing_and_only_a_configured_address_hears_of_it(requested: App, case: str) -> None:
    from_header, extra, told = SPOOFS[case]()
    raw = reply(requested, from_header, extra)
    if not from_header:
        raw = raw.replace(b"From: \n", b"", 1)
    count = len(sent_messages(requested))
    deliver(requested, raw)
    outcomes = process_inbox(requested).outcomes
    assert "accepted" not in outcomes, outcomes
    assert stored_answer(requested) is None
    notices = sent_messages(requested)[count:]
    if told is None:
        assert notices == []
        return
    # one notice, to the address from projects.toml: never to the forger, to Reply-To or to Sender
    [notice] = notices
    assert str(notice["To"]).rsplit("<", 1)[-1].rstrip(">") == told and notice["Cc"] is None
    assert str(notice["Subject"]).startswith("Nicht übernommen: Statusmeldung eCollaboration")


def test_a_forged_token_from_an_outsider_without_any_thread_headers_changes_nothing(requested: App) -> None:
    token = str(sent_to(requested, LEAD)[0]["Subject"]).rsplit("[", 1)[1].rstrip("]")
    raw = (f"From: Evil <evil@evil.example>\r\nTo: projektstatus@koblenz.example\r\n"
           f"Subject: AW: Statusabfrage [{token}]\r\nMessage-ID: <forged@evil.example>\r\n\r\n{ANSWER}\r\n").encode()
    deliver(requested, raw)
    assert process_inbox(requested).outcomes == {"unauthorised": 1}
    assert stored_answer(requested) is None


def test_the_real_lead_in_any_letter_case_is_accepted(requested: App) -> None:
    deliver(requested, reply(requested, "Sabine Krämer <Sabine.Kraemer@Koblenz.Example>"))
    assert process_inbox(requested).outcomes == {"accepted": 1}
    assert stored_answer(requested) == "Projekt gestoppt."


def test_with_our_own_mta_only_its_verdict_counts(with_own_mta: App) -> None:
    app = with_own_mta
    forged = f"Authentication-Results: {OWN_MTA.replace('mx', 'mx2')}; dmarc=pass header.from=koblenz.example"
    deliver(app, reply(app, f"Sabine Krämer <{LEAD}>", forged))  # a foreign server's "pass" means nothing
    deliver(app, reply(app, f"Sabine Krämer <{LEAD}>", f"Authentication-Results: {OWN_MTA}; dmarc=fail"))
    assert process_inbox(app).outcomes == {"unauthorised": 2}
    assert stored_answer(app) is None
    deliver(app, reply(app, f"Sabine Krämer <{LEAD}>",
                       f"Authentication-Results: {OWN_MTA}; dkim=pass header.d=koblenz.example; dmarc=pass"))
    assert process_inbox(app).outcomes == {"accepted": 1}
    app.close()
