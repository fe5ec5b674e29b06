"""A person hears about it: one German mail to ``[mail] admin_to`` per problem and day, one when it is resolved,
and ``status`` shows what is open (issue 15, item 5). Here on the embedded Maildir, where sending still works."""

from __future__ import annotations

import json
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from kgrz_mailbot.alerts.watch import watched_tick
from kgrz_mailbot.app import build_app
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.storage.tables import OutboundMailRow
from kgrz_mailbot.transports.errors import TransportError
from tests.support import at, parse
from tests.support import body as text_part

ADMIN = "it-betrieb@koblenz.example"


def body(msg: EmailMessage) -> str:
    return text_part(msg).replace("\r\n", "\n")


def subject(msg: EmailMessage) -> str:
    """The subject as a reader sees it (Python's folder leaves a double space where it broke a long line)."""
    return " ".join(str(msg["Subject"]).split())


def admin_mails(config_dir: Path) -> list[EmailMessage]:
    sent = config_dir / "var/mail/sent/new"
    mails = [parse(p.read_bytes()) for p in sorted(sent.iterdir(), key=lambda p: p.stat().st_mtime_ns)]
    return [m for m in mails if ADMIN in str(m["To"])]


def tick(config_dir: Path, when: str) -> int:
    return main(["tick", "--config", str(config_dir), "--now", when])


def status(config_dir: Path, capsys: pytest.CaptureFixture[str], when: str) -> tuple[str, dict]:
    capsys.readouterr()
    args = ["status", "--config", str(config_dir), "--session", "2018-09-19", "--now", when]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    return text, json.loads(capsys.readouterr().out)


def test_ticks_failing_again_and_again_bring_one_mail_a_day_and_one_when_resolved(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert tick(config_dir, "2018-08-29T08:00") == 0  # requests out
    # The share holding the drafts is gone after the start: the draft cannot be written.
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace('output = "var/reports"', 'output = "var/freigabe/reports"'))
    (config_dir / "var/freigabe").write_text("Netzlaufwerk nicht eingehängt\n")
    for minute in ("00", "05"):
        with pytest.raises(NotADirectoryError):
            tick(config_dir, f"2018-09-11T08:{minute}")
    assert admin_mails(config_dir) == []  # two failed ticks are no news yet
    with pytest.raises(NotADirectoryError):
        tick(config_dir, "2018-09-11T08:10")
    [alert] = admin_mails(config_dir)
    assert subject(alert) == "[KGRZ Projektstatus] Handlungsbedarf: Der Durchgang des Bots schlägt wiederholt fehl"
    text = body(alert)
    assert "Unerwarteter Fehler (NotADirectoryError" in text and "Seit: Dienstag, 11.09.2018, 08:00 Uhr" in text
    assert "(zuletzt festgestellt Dienstag, 11.09.2018, 08:10 Uhr, 3-mal)" in text
    assert "journalctl -u kgrz-mailbot -e" in text and "höchstens einmal am Tag" in text

    for when in ("2018-09-11T12:00", "2018-09-12T07:00"):
        with pytest.raises(NotADirectoryError):
            tick(config_dir, when)
    assert len(admin_mails(config_dir)) == 1  # within a day: nothing more
    shown, data = status(config_dir, capsys, "2018-09-12T07:30")
    assert "Offene Probleme (1):" in shown
    assert "Der Durchgang des Bots schlägt wiederholt fehl – seit 11.09.2018 08:00" in shown
    assert "Administratoren benachrichtigt am 11.09.2018 08:10" in shown
    [problem] = data["problems"]
    assert (problem["kind"], problem["occurrences"], problem["since"]) == ("tick", 5, "2018-09-11T08:00:00+02:00")
    with pytest.raises(NotADirectoryError):
        tick(config_dir, "2018-09-12T08:15")
    assert [subject(m) for m in admin_mails(config_dir)][1:] == [subject(alert)]  # the next day: a reminder

    (config_dir / "var/freigabe").unlink()  # the share is back
    assert tick(config_dir, "2018-09-12T08:20") == 0
    resolved = admin_mails(config_dir)[-1]
    assert subject(resolved) == "[KGRZ Projektstatus] Erledigt: Der Durchgang des Bots schlägt wiederholt fehl"
    assert resolved["In-Reply-To"].strip() == alert["Message-ID"].strip()  # one conversation in Outlook
    assert "bestand seit Dienstag, 11.09.2018, 08:00 Uhr und ist seit Mittwoch, 12.09.2018, 08:20 Uhr behoben" in body(
        resolved).replace("\n", " ")
    assert tick(config_dir, "2018-09-12T08:25") == 0
    assert len(admin_mails(config_dir)) == 3
    assert status(config_dir, capsys, "2018-09-12T08:30")[1]["problems"] == []


def test_a_mailbox_that_vanishes_under_the_running_service_is_reported_at_once(config_dir: Path) -> None:
    clock = FixedClock(at("2018-08-29T08:00"))
    app = build_app(load_config(config_dir), clock=clock)
    watched_tick(app)
    shutil.rmtree(config_dir / "var/mail/inbox")  # e.g. the mail share was unmounted
    clock.set(at("2018-08-29T08:05"))
    with pytest.raises(TransportError, match=r"Maildir .*inbox/new kann nicht gelesen werden"):
        watched_tick(app)
    app.close()
    [alert] = admin_mails(config_dir)  # sending still works: the admins have it at the first failure
    assert subject(alert) == "[KGRZ Projektstatus] Handlungsbedarf: Das Postfach des Bots kann nicht geöffnet werden"
    text = body(alert)
    assert "kann nicht gelesen werden (No such file or directory)" in text
    assert "Das Problem betrifft den Mailversand des Bots selbst (Postfach projektstatus@koblenz.example" in text
    assert "check --connect" in text


def test_a_mail_in_quarantine_is_news_once_not_every_day(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert tick(config_dir, "2018-08-29T08:00") == 0
    huge = (b"From: Julia Richter <julia.richter@koblenz.example>\r\nTo: projektstatus@koblenz.example\r\n"
            b"Subject: Scan Projektplan\r\nMessage-ID: <scan-1@koblenz.example>\r\n\r\n" + b"x" * (26 * 1024 * 1024))
    (config_dir / "var/mail/inbox/new/scan.eml").write_bytes(huge)
    assert tick(config_dir, "2018-08-30T09:00") == 0
    [alert] = admin_mails(config_dir)
    assert subject(alert) == "[KGRZ Projektstatus] Handlungsbedarf: Mails in Quarantäne"
    assert ("1 Mail(s) in Quarantäne:\n- #1 vom 30.08.2018 09:00 von Julia Richter <julia.richter@koblenz.example> "
            "„Scan Projektplan“ – Grund: ") in body(alert)
    assert "kgrz-mailbot quarantine retry ID" in body(alert)
    assert tick(config_dir, "2018-08-31T09:30") == 0  # a day later, nothing new: no second mail
    assert len(admin_mails(config_dir)) == 1
    assert status(config_dir, capsys, "2018-08-31T10:00")[1]["problems"][0]["kind"] == "quarantine"


def test_a_send_that_cannot_be_verified_reaches_the_admins(config_dir: Path) -> None:
    assert tick(config_dir, "2018-08-29T08:00") == 0
    app = build_app(load_config(config_dir), clock=FixedClock(at("2018-08-29T08:01")))
    with app.store.write() as db:  # what a crash leaves when the transport cannot tell whether the mail left
        db.execute(sa.update(OutboundMailRow).where(OutboundMailRow.id == 2).values(state="unknown"))
    app.close()
    assert tick(config_dir, "2018-08-29T08:05") == 0
    [alert] = admin_mails(config_dir)
    assert subject(alert) == "[KGRZ Projektstatus] Handlungsbedarf: Versand nach einem Absturz nicht nachprüfbar"
    assert "1 Mail(s) mit ungeklärtem Versand:\n- „Statusabfrage" in body(alert)
    assert "Gesendete Elemente" in body(alert)


def test_without_admin_to_the_journal_says_nobody_was_told(config_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text("\n".join(line for line in settings.read_text().splitlines() if "admin_to" not in line) + "\n")
    assert tick(config_dir, "2018-08-29T08:00") == 0
    app = build_app(load_config(config_dir), clock=FixedClock(at("2018-08-29T08:01")))
    with app.store.write() as db:
        db.execute(sa.update(OutboundMailRow).where(OutboundMailRow.id == 2).values(state="unknown"))
    app.close()
    assert tick(config_dir, "2018-08-29T08:05") == 0
    assert admin_mails(config_dir) == []
    assert "Keine Warnmail zu „Versand nach einem Absturz nicht nachprüfbar“: in settings.toml ist [mail] admin_to " \
           "nicht gesetzt." in caplog.text
