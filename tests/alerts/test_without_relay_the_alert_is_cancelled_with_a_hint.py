"""Without ``[mail.alert_relay]`` nothing changes: an alert the broken mailbox cannot send is cancelled at once,
and the journal line says that a relay would have let the admins hear of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ews.server import EwsTestServer

from .steps import ADMIN, alert_rows, tick


def test_the_alert_is_cancelled_and_the_journal_names_the_relay_that_would_have_helped(
        on_exchange: Path, ews: EwsTestServer, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "abgelaufen")
    assert tick(on_exchange, "2018-08-29T08:00") == 1
    [alert] = alert_rows(on_exchange)
    assert alert.state == "cancelled" and alert.last_error is not None
    assert alert.last_error.startswith("Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401)")
    journal = " ".join(caplog.text.split())
    assert ("Ein SMTP-Relay für Warnmails ([mail.alert_relay]) ist nicht eingetragen. Bitte direkt handeln:"
            in journal)
    assert (f"an {ADMIN} nicht zustellbar – der Mailversand selbst ist gestört (exchange): Anmeldung am "
            "Exchange-Server fehlgeschlagen (HTTP 401)") in journal
    assert ("Mit einem SMTP-Relay für Warnmails ([mail.alert_relay] in settings.toml, siehe README) hätten die "
            "Administratoren trotzdem davon erfahren.") in journal
    assert ews.store.sent == []
