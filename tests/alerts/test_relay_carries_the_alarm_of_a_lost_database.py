"""The database is lost under ``run`` and the mailbox cannot send either: the alarm, which goes straight through
the transport because the outbox is in the lost database, takes the SMTP relay instead (here a local Postfix
without TLS), still at most once a day per reason."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.service.scheduler import Service
from tests.service.test_lost_database_alarm import cli, delete_database

from .smtpd import running_relay, use_relay
from .steps import ADMIN


def broken_maildir(config_dir: Path) -> None:
    """The disk under the Maildir went read-only, or a slip of hand: no mail can be written to sent/."""
    spool = config_dir / "var/mail/sent/tmp"
    spool.rmdir()
    spool.write_text("kein Ordner")


def test_the_alarm_of_a_deleted_database_goes_through_the_relay_when_the_mailbox_cannot_send(
        config_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with running_relay() as relay:
        use_relay(config_dir, relay)
        service = Service(load_config(config_dir), config_dir)
        try:
            service.reconcile()
            database = delete_database(config_dir)
            broken_maildir(config_dir)
            with caplog.at_level(logging.INFO, logger="kgrz_mailbot"):
                service.reconcile()
        finally:
            service.app.close()
        assert service.exit_code == 1 and service.stopping  # the service stops all the same
        [alarm] = relay.received
        assert alarm.recipients == (ADMIN,) and alarm.sender == "projektstatus@koblenz.example"
        assert " ".join(str(alarm.message["Subject"]).split()) == (
            "[KGRZ Projektstatus] Dienst angehalten: Datenbank gelöscht oder nicht vorhanden")
        text = " ".join(alarm.text.split())
        assert f"Die Datenbankdatei {database} wurde gelöscht" in text
        assert f"oder, wenn das Postfach sie nicht annahm, über das SMTP-Relay 127.0.0.1:{relay.port} hinaus" in text
        journal = " ".join(caplog.text.split())
        assert (f"Alarmmail „Datenbank gelöscht oder nicht vorhanden“ an {ADMIN} über das SMTP-Relay "
                f"127.0.0.1:{relay.port} gesendet, weil das Postfach sie nicht annahm (maildir:") in journal
        record = json.loads((config_dir / "var/kgrz-mailbot.alarm.json").read_text())
        assert "sent" in record["missing"]  # remembered after the send: not again today

        refused = cli(config_dir, "run")  # systemd restarts the service: refused, and no second mail today
        assert refused.returncode == 1 and "fehlt, aber diese Installation hat bereits Daten" in refused.stderr
        assert "ging heute schon an it-betrieb@koblenz.example" in refused.stderr
        assert len(relay.received) == 1
