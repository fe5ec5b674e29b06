"""The mailbox refuses the login and the SMTP relay is down too: nothing crashes, the alert is cancelled (stale
news helps nobody days later) and the journal says plainly that neither way reached the admins, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ews.server import EwsTestServer

from .smtpd import free_port, use_relay
from .steps import ADMIN, alert_rows, tick


def test_neither_mailbox_nor_relay_takes_the_alert_and_the_journal_says_both(
        on_exchange: Path, ews: EwsTestServer, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()  # nothing listens there: the relay's service is stopped
    use_relay(on_exchange, None, port=port)
    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "abgelaufen")

    assert tick(on_exchange, "2018-08-29T08:00") == 1  # the tick's own failure, as without a relay
    [alert] = alert_rows(on_exchange)
    assert alert.state == "cancelled"
    assert alert.last_error == ("Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401): Benutzername/Kennwort in "
                                f"KGRZ_EWS_USERNAME/KGRZ_EWS_PASSWORD prüfen; SMTP-Relay: SMTP-Relay 127.0.0.1:{port} "
                                "nicht erreichbar (Verbindung abgelehnt). Läuft der Dienst, ist der Port frei "
                                "(Firewall), stimmt port?")
    journal = " ".join(caplog.text.split())
    assert ("Warnmail „[KGRZ Projektstatus] Handlungsbedarf: Das Postfach des Bots kann nicht geöffnet werden“ an "
            f"{ADMIN} nicht zustellbar – weder über das Postfach (exchange, {ews.address}: Anmeldung am "
            "Exchange-Server fehlgeschlagen (HTTP 401)") in journal
    assert f"noch über das SMTP-Relay: SMTP-Relay 127.0.0.1:{port} nicht erreichbar (Verbindung abgelehnt)" in journal
    assert "„kgrz-mailbot check --connect“ beide Wege" in journal

    caplog.clear()
    assert tick(on_exchange, "2018-08-29T08:05") == 1
    assert len(alert_rows(on_exchange)) == 1 and "SMTP-Relay" not in caplog.text  # once a day, tried or not

    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "geheim")  # renewed: the resolution goes through the mailbox
    assert tick(on_exchange, "2018-08-29T09:00") == 0
    [resolved] = [m for m in ews.store.sent if ADMIN in m.recipients]
    assert b"Erledigt: Das Postfach des Bots kann nicht" in resolved.raw
