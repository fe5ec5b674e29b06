"""A mail whose handling fails is retried, quarantined after the third failure, listed, and can be retried."""

from __future__ import annotations

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.inbox import poll
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.requests import send_requests
from tests.support import at, deliver, sent_to

LEAD = "julia.richter@koblenz.example"


def test_three_failures_quarantine_the_mail_and_retry_brings_it_back(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    request = sent_to(app, LEAD)[0].as_bytes()
    deliver(app, outlook_reply(request, LEAD, "Julia Richter", "Ampel: gelb\nStand: Läuft.", at("2018-08-30T09:00")))
    real_decide = poll.decide

    def broken(*args: object) -> object:
        raise RuntimeError("Datenbankfehler beim Matching")

    monkeypatch.setattr(poll, "decide", broken)
    assert process_inbox(app).outcomes == {"retry": 1}
    assert process_inbox(app).outcomes == {"retry": 1}
    assert process_inbox(app).outcomes == {"quarantine": 1}
    assert process_inbox(app).outcomes == {}
    failed_dir = app.config.mail.maildir_path / "failed" / "new"
    assert len(list(failed_dir.iterdir())) == 1  # kept, never deleted

    config = ["--config", str(app.config.directory), "--now", "2018-08-30T10:00"]
    assert main(["quarantine", *config]) == 0
    listing = capsys.readouterr().out
    assert "#1" in listing and "RuntimeError: Datenbankfehler beim Matching" in listing and "3 Versuche" in listing
    assert main(["status", "--session", "2018-09-19", "--json", *config]) == 0
    assert '"quarantine": 1' in capsys.readouterr().out

    monkeypatch.setattr(poll, "decide", real_decide)  # the fix is deployed
    assert main(["quarantine", "retry", "1", *config]) == 0
    assert "angenommen: 1" in capsys.readouterr().out
    assert main(["quarantine", "retry", "1", *config]) == 1
    assert "ist nicht in Quarantäne" in capsys.readouterr().err


def test_a_mail_too_large_to_parse_is_quarantined_at_once_and_kept(app: App) -> None:
    huge = b"From: a@koblenz.example\r\nSubject: gross\r\n\r\n" + b"x" * (26 * 1024 * 1024)
    deliver(app, huge)
    assert process_inbox(app).outcomes == {"quarantine": 1}
    with app.store.read() as db:
        from kgrz_mailbot.storage import mailrows

        [row] = mailrows.quarantined(db)
    assert len(row.raw) == len(huge) and row.error
