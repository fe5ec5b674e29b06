"""The service account's password expired: the mailbox cannot be opened, so it cannot send the admins' alert
either. With ``[mail.alert_relay]`` (an Exchange receive connector for the bot's server) the very alert goes out
over SMTP instead: one German mail, one reminder the next day, and "Erledigt" when the password is renewed."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.ews.server import EwsTestServer

from .smtpd import Received, SmtpRelay, running_relay, use_relay
from .steps import ADMIN, alert_rows, tick

RELAY_LOGIN = ("svc-mailbot-relay", "relay-geheim")
MAILBOX = "Das Postfach des Bots kann nicht geöffnet werden"
OVERDUE = "Statusabfragen überfällig und nicht versandt"
SUBJECT = f"[KGRZ Projektstatus] Handlungsbedarf: {MAILBOX}"


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[SmtpRelay]:
    """The receive connector: STARTTLS with the KGRZ's internal CA, and a login for the bot's relay account."""
    with running_relay(tmp_path / "tls", login=RELAY_LOGIN) as server:
        yield server


def about(relay: SmtpRelay, title: str) -> list[Received]:
    """The mails the relay took about one problem, in order."""
    return [m for m in relay.received if " ".join(str(m.message["Subject"]).split()).endswith(title)]


def test_the_admins_hear_of_an_expired_password_through_the_relay_once_a_day_and_when_it_is_renewed(
        on_exchange: Path, ews: EwsTestServer, relay: SmtpRelay, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    config_dir = on_exchange
    use_relay(config_dir, relay, login=RELAY_LOGIN)
    monkeypatch.setenv("KGRZ_RELAY_USERNAME", RELAY_LOGIN[0])
    monkeypatch.setenv("KGRZ_RELAY_PASSWORD", RELAY_LOGIN[1])
    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "abgelaufen")  # the service account's password expired overnight

    assert tick(config_dir, "2018-08-29T08:00") == 1
    assert "Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401)" in capsys.readouterr().err
    [mail] = relay.received
    assert mail.sender == ews.address and mail.recipients == (ADMIN,)
    msg = mail.message
    assert " ".join(str(msg["Subject"]).split()) == SUBJECT
    assert (str(msg["From"]), str(msg["To"])) == (f"KGRZ Projektstatus <{ews.address}>", ADMIN)
    text = mail.text
    assert "der Projektstatus-Bot des KGRZ braucht Hilfe: Das Postfach des Bots kann nicht geöffnet werden." in text
    assert "Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401)" in text
    assert "Seit: Mittwoch, 29.08.2018, 08:00 Uhr" in text
    assert f"geht sie über das SMTP-Relay 127.0.0.1:{relay.port} ([mail.alert_relay])" in " ".join(text.split())
    [row] = alert_rows(config_dir)  # the outbox row's very mail: same Message-ID, marked sent with a note
    assert (row.state, row.message_id) == ("sent", str(msg["Message-ID"]))
    assert row.last_error and row.last_error.startswith(f"über SMTP-Relay 127.0.0.1:{relay.port} gesendet; Postfach:")
    journal = " ".join(caplog.text.split())
    assert f"Warnmails an die Administratoren gehen deshalb über das SMTP-Relay 127.0.0.1:{relay.port}" in journal
    assert (f"Warnmail „{SUBJECT}“ an {ADMIN} über das SMTP-Relay 127.0.0.1:{relay.port} gesendet, weil das "
            "Postfach sie nicht annahm (exchange:") in journal
    heads = "\n".join(f"{name}: {' '.join(str(msg[name]).split())}" for name in ("Subject", "From", "To", "Date"))
    print(f"\n--- the admin mail the relay received ---\n{heads}\n\n{text}")  # pytest -s: for the record

    for when in ("2018-08-29T08:05", "2018-08-29T17:00", "2018-08-30T07:55"):
        assert tick(config_dir, when) == 1
    assert len(about(relay, MAILBOX)) == 1  # at most once a day
    # meanwhile the requests due at 08:00 are overdue, a problem of its own: it too reaches the admins
    [overdue] = about(relay, OVERDUE)
    assert "die Statusabfragen sind seit Mittwoch, 29.08.2018, 08:00 Uhr fällig und noch nicht erstellt" in (
        " ".join(overdue.text.split()))
    assert tick(config_dir, "2018-08-30T08:05") == 1
    assert tick(config_dir, "2018-08-30T08:10") == 1
    first, reminder = about(relay, MAILBOX)  # the next day: one reminder
    assert reminder.message["Message-ID"] != first.message["Message-ID"]
    assert "Seit: Mittwoch, 29.08.2018, 08:00 Uhr (zuletzt festgestellt Donnerstag, 30.08.2018, 08:05 Uhr" in (
        reminder.text)
    assert len(about(relay, OVERDUE)) == 1  # told at 17:00 yesterday: not yet a day ago
    assert ews.store.sent == []  # nothing went through the mailbox meanwhile: the login is refused

    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "geheim")  # renewed in /etc/kgrz-mailbot/secrets.env
    assert tick(config_dir, "2018-08-30T09:00") == 0
    assert len(relay.received) == 3  # the mailbox works again: the resolutions go through it
    resolved = {" ".join(str(m["Subject"]).split()): m for m in (message_from_bytes(s.raw, policy=policy.default)
                                                                  for s in ews.store.sent if ADMIN in s.recipients)}
    assert sorted(resolved) == ["[KGRZ Projektstatus] Erledigt: Das Postfach des Bots kann nicht geöffnet werden",
                                "[KGRZ Projektstatus] Erledigt: Statusabfragen überfällig und nicht versandt"]
    done = resolved["[KGRZ Projektstatus] Erledigt: Das Postfach des Bots kann nicht geöffnet werden"]
    assert str(done["In-Reply-To"]).strip() == str(first.message["Message-ID"])  # it answers the first alert
    body = done.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "bestand seit Mittwoch, 29.08.2018, 08:00 Uhr und ist seit Donnerstag, 30.08.2018, 09:00 Uhr behoben" in (
        " ".join(body.split()))
    assert sum(1 for m in ews.store.sent if ADMIN not in m.recipients) == 6  # and the requests went out
