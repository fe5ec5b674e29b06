"""Record before send: a crash between sending and marking never sends twice and never loses the mail."""

from __future__ import annotations

import sqlalchemy as sa

from kgrz_mailbot.app import App
from kgrz_mailbot.jobs.requests import send_requests
from kgrz_mailbot.outbox import relay
from kgrz_mailbot.storage.tables import OutboundMailRow
from kgrz_mailbot.transports.maildir.transport import sent_name
from tests.support import at, sent_messages


class CrashAfterSend(Exception):
    pass


def test_a_crash_after_sending_is_settled_by_the_sent_folder(app: App, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    session = app.session(at("2018-09-19T00:00").date())
    real_send = app.transport.send
    calls = {"n": 0}

    def send_then_die(raw: bytes, **kwargs: object) -> None:
        calls["n"] += 1
        real_send(raw, **kwargs)  # type: ignore[arg-type]
        if calls["n"] == 3:
            raise CrashAfterSend  # the mail left, the process died before marking it

    monkeypatch.setattr(app.transport, "send", send_then_die)
    send_requests(app, session)
    monkeypatch.setattr(app.transport, "send", real_send)
    relay.flush(app)
    send_requests(app, session)
    assert len(sent_messages(app)) == 6
    with app.store.read() as db:
        states = db.exec(sa.select(OutboundMailRow.state)).scalars().all()
    assert states == ["sent"] * 6


def test_a_row_left_sending_without_a_sent_copy_goes_out_once(app: App) -> None:
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    with app.store.write() as db:
        message_id = db.execute(sa.select(OutboundMailRow.message_id).where(OutboundMailRow.id == 1)).scalar_one()
        db.execute(sa.update(OutboundMailRow).where(OutboundMailRow.id == 1).values(state="sending"))
    # as if the process died after claiming, before the file was written
    (app.config.mail.maildir_path / "sent" / "new" / sent_name(message_id)).unlink()
    relay.flush(app)
    assert len(sent_messages(app)) == 6


def test_a_send_that_cannot_be_verified_is_shown_to_the_admin_and_never_resent(
    app: App, monkeypatch, capsys  # type: ignore[no-untyped-def]
) -> None:
    from kgrz_mailbot.cli.main import main

    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    with app.store.write() as db:
        db.execute(sa.update(OutboundMailRow).where(OutboundMailRow.id == 2).values(state="sending"))
    monkeypatch.setattr(app.transport, "was_sent", lambda message_id: None)  # a transport that cannot tell
    relay.flush(app)
    with app.store.read() as db:
        assert db.execute(sa.select(OutboundMailRow.state).where(OutboundMailRow.id == 2)).scalar_one() == "unknown"
    assert main(["status", "--session", "2018-09-19", "--config", str(app.config.directory)]) == 0
    assert "Versand nicht nachprüfbar" in capsys.readouterr().out
    assert len(sent_messages(app)) == 6  # nothing sent again
