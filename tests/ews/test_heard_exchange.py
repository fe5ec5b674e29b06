"""Every lead is heard (issue 12), on Exchange: the test mails of tests/cycle/heard.py delivered as Exchange delivers
them (internal mail with its resolved sender; the mail sent from outside without), read over EWS, answered through
EWS; what is stored and what left the server must be what the case says."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.config.settings import ExchangeSettings
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.replies.mime import parse_mail
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox
from kgrz_mailbot.views.status import session_status
from tests.cycle.heard import CASES, heard_app, in_force
from tests.cycle.seeded import SEPTEMBER
from tests.support import MAILS, at, body, parse

from .conftest import ENV
from .server import EwsTestServer, running


@pytest.fixture
def server(config_dir: Path) -> Iterator[EwsTestServer]:
    with running(address=load_config(config_dir).mail.address) as started:
        yield started


def sent(server: EwsTestServer) -> list[EmailMessage]:
    return [parse(s.raw) for s in server.store.sent]


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_mail_is_stored_and_answered_as_its_case_says_on_exchange(
        name: str, config_dir: Path, server: EwsTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    settings = ExchangeSettings(endpoint=server.url, auth="basic", version="2019", max_wait_seconds=2,
                                timeout_seconds=10)
    clock = FixedClock(at("2018-08-29T08:00"))
    mailbox = ExchangeMailbox(settings, load_config(config_dir).mail.address, ENV)
    app = heard_app(config_dir, clock, monkeypatch, lead=case.lead, transport=mailbox)
    try:
        raw = (MAILS / f"{name}.eml").read_bytes()
        before = len(server.store.sent)
        # Exchange resolves the sender of internal mail; a mail from outside comes without (AuthAs Anonymous)
        server.deliver(raw, internal_sender=parse_mail(raw).facts.from_address if case.internal else None)
        assert process_inbox(app).outcomes == {case.outcome: 1}
        assert in_force(app) == case.stored
        answers = sent(server)[before:]
        if case.answer_to is None:
            assert answers == []
            rows, _ = session_status(app, SEPTEMBER)
            assert next(r for r in rows if r.key == "ecollaboration").absences  # the absence is on record
        else:
            [answer] = answers
            envelope = server.store.sent[before]
            assert str(answer["To"]).rsplit("<", 1)[-1].rstrip(">") == case.answer_to
            assert list(envelope.recipients) == [case.answer_to]  # nobody else in the envelope either
            assert str(answer["Subject"]).startswith(case.answer)
            for text in case.says:
                assert text in body(answer)
        assert server.folder_items("inbox") == []  # acknowledged: moved to Verarbeitet, never deleted
    finally:
        app.close()
