"""On Exchange the mailbox itself can be the problem: a refused login or sends that fail. The admins hear of it
when mail still gets through, the journal says plainly when it cannot, and a resolution always ends it."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from exchangelib.protocol import close_connections

from kgrz_mailbot.app import build_app
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.storage.tables import OutboundMailRow
from tests.support import at

from .server import EwsTestServer

ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}
ADMIN = "it-betrieb@koblenz.example"


@pytest.fixture
def exchange_config(config_dir: Path, ews_server: EwsTestServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    settings = config_dir / "settings.toml"
    text = settings.read_text(encoding="utf-8").replace('transport = "maildir"', 'transport = "exchange"')
    text += (f'\n[mail.exchange]\nendpoint = "{ews_server.url}"\nauth = "basic"\nversion = "2019"\n'
             'username_env = "KGRZ_EWS_USERNAME"\npassword_env = "KGRZ_EWS_PASSWORD"\nmax_wait_seconds = 2\n')
    settings.write_text(text.replace("projektstatus@koblenz.example", ews_server.address), encoding="utf-8")
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    yield config_dir
    close_connections()


def run(config_dir: Path, *args: str) -> int:
    return main([args[0], "--config", str(config_dir), *args[1:]])


def alert_rows(config_dir: Path) -> list[OutboundMailRow]:
    app = build_app(load_config(config_dir), clock=FixedClock(at("2018-08-29T08:00")))
    with app.store.read() as db:
        rows = list(db.exec(sa.select(OutboundMailRow).where(OutboundMailRow.kind.startswith("alert"))  # type: ignore[attr-defined]
                            .order_by(OutboundMailRow.id)).scalars().all())
    app.close()
    return rows


def text_of(raw: bytes) -> str:
    msg = message_from_bytes(raw, policy=policy.default)
    return msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def admin_mails(ews_server: EwsTestServer) -> list[str]:
    return [text_of(m.raw) for m in ews_server.store.sent if ADMIN in m.recipients]


def test_a_refused_login_is_recorded_said_plainly_in_the_journal_and_its_end_reaches_the_admins(
        exchange_config: Path, ews_server: EwsTestServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "abgelaufen")  # the service account's password expired overnight
    assert run(exchange_config, "tick", "--now", "2018-08-29T08:00") == 1
    assert "Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401)" in capsys.readouterr().err
    journal = " ".join(caplog.text.split())
    assert ("Das Mailpostfach selbst ist gestört (exchange, statusbot@kgrz-koblenz.de): eine Warnmail an die "
            "Administratoren kann darüber vermutlich nicht zugestellt werden.") in journal
    assert "an it-betrieb@koblenz.example nicht zustellbar – der Mailversand selbst ist gestört (exchange)" in journal

    [alert] = alert_rows(exchange_config)  # rendered and recorded, then cancelled: stale news helps nobody later
    assert (alert.state, alert.recipients) == ("cancelled", ADMIN)
    text = text_of(alert.raw)
    assert "der Projektstatus-Bot des KGRZ braucht Hilfe: Das Postfach des Bots kann nicht geöffnet werden." in text
    assert "Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401)" in text and "Seit: Mittwoch, 29.08.2018" in text
    print(text)  # the admin mail for an authentication failure, for the record (pytest -s shows it)

    assert run(exchange_config, "tick", "--now", "2018-08-29T08:05") == 1
    assert len(alert_rows(exchange_config)) == 1  # once a day, even while it cannot be delivered
    capsys.readouterr()
    assert run(exchange_config, "status", "--session", "2018-09-19", "--now", "2018-08-29T08:07") == 0
    shown = capsys.readouterr().out
    assert "Das Postfach des Bots kann nicht geöffnet werden – seit 29.08.2018 08:00" in shown
    assert "Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401)" in shown

    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "geheim")  # renewed
    assert run(exchange_config, "tick", "--now", "2018-08-29T09:00") == 0
    [resolved] = admin_mails(ews_server)
    assert "erledigt: Das Postfach des Bots kann nicht geöffnet werden." in resolved
    assert "bestand seit Mittwoch, 29.08.2018, 08:00 Uhr und ist seit Mittwoch, 29.08.2018, 09:00 Uhr behoben" in (
        " ".join(resolved.split()))
    assert sum(1 for m in ews_server.store.sent if ADMIN not in m.recipients) == 6  # and the requests went out


def test_requests_that_cannot_be_sent_become_overdue_and_are_reported(
        exchange_config: Path, ews_server: EwsTestServer, caplog: pytest.LogCaptureFixture) -> None:
    ews_server.inject("CreateItem", "http500", times=1000)  # reading works, sending is refused
    assert run(exchange_config, "tick", "--now", "2018-08-29T08:00") == 0
    assert run(exchange_config, "tick", "--now", "2018-08-29T08:30") == 0
    assert alert_rows(exchange_config) == []  # a while is not yet overdue
    assert run(exchange_config, "tick", "--now", "2018-08-29T09:05") == 0
    [alert] = alert_rows(exchange_config)
    text = text_of(alert.raw)
    assert "Statusabfragen überfällig und nicht versandt" in text
    assert ("Sitzung am 19.09.2018 (Werkausschuss \"Kommunales Gebietsrechenzentrum Koblenz\"): 6 Statusabfrage(n) "
            "seit Mittwoch, 29.08.2018, 08:00 Uhr fällig und noch nicht versandt.") in text
    assert alert.state == "cancelled" and "nicht zustellbar" in caplog.text
    ews_server._faults.clear()  # the Exchange admins fixed the send connector
    assert run(exchange_config, "tick", "--now", "2018-08-29T10:00") == 0
    assert sum(1 for m in ews_server.store.sent if ADMIN not in m.recipients) == 6
    [resolved] = admin_mails(ews_server)
    assert "erledigt: Statusabfragen überfällig und nicht versandt." in resolved
