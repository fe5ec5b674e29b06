"""``check --connect`` also tries the admins' second way: EHLO, STARTTLS with the certificate checked, the login
and a NOOP at the SMTP relay, step by step in German, and sends no mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main

from .smtpd import free_port, running_relay, use_relay

LOGIN = ("svc-mailbot-relay", "relay-geheim")


def check_connect(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["check", "--connect", "--config", str(config_dir)])
    return code, [line.strip() for line in capsys.readouterr().out.splitlines() if "SMTP" in line or "TLS" in line]


@pytest.fixture
def relay_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGRZ_RELAY_USERNAME", LOGIN[0])
    monkeypatch.setenv("KGRZ_RELAY_PASSWORD", LOGIN[1])


def test_a_working_relay_is_shown_step_by_step_and_nothing_is_sent(
        config_dir: Path, tmp_path: Path, relay_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with running_relay(tmp_path / "tls", login=LOGIN) as relay:
        use_relay(config_dir, relay, login=LOGIN)
        code, lines = check_connect(config_dir, capsys)
        assert relay.received == []
    assert code == 0
    where = f"127.0.0.1:{relay.port}"
    assert lines[0] == f"[ok] SMTP-Relay {where} erreichbar (250 relay.koblenz.example)"
    assert lines[1].startswith("[ok] STARTTLS ausgehandelt (TLSv1.") and lines[1].endswith("Zertifikat geprüft")
    assert lines[2:] == [f"[ok] Anmeldung am SMTP-Relay als {LOGIN[0]} erfolgreich",
                         f"[ok] SMTP-Relay {where} bereit für Warnmails an die Administratoren (keine Mail gesendet)"]


def test_a_refused_login_is_named_with_what_the_relay_said(
        config_dir: Path, tmp_path: Path, relay_env: None, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGRZ_RELAY_PASSWORD", "abgelaufen")
    with running_relay(tmp_path / "tls", login=LOGIN) as relay:
        use_relay(config_dir, relay, login=LOGIN)
        code, lines = check_connect(config_dir, capsys)
    assert code == 1
    assert lines[-1] == (f"[FEHLER] Warnmails über das SMTP-Relay nicht möglich: SMTP-Relay 127.0.0.1:{relay.port} "
                         "lehnt die Anmeldung ab (535 5.7.8 Authentication credentials invalid). Benutzername und "
                         "Kennwort in KGRZ_RELAY_USERNAME/KGRZ_RELAY_PASSWORD prüfen.")


def test_a_certificate_of_an_unknown_ca_is_refused_with_the_hint_to_name_it(
        config_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with running_relay(tmp_path / "tls") as relay:
        settings = config_dir / "settings.toml"
        settings.write_text(settings.read_text() + f'\n[mail.alert_relay]\nhost = "127.0.0.1"\nport = {relay.port}\n')
        code, lines = check_connect(config_dir, capsys)
    assert code == 1
    assert lines[-1].startswith(f"[FEHLER] Warnmails über das SMTP-Relay nicht möglich: SMTP-Relay "
                                f"127.0.0.1:{relay.port}: Zertifikat nicht vertrauenswürdig (")
    assert lines[-1].endswith("Die ausstellende interne CA als ca_bundle (PEM) in [mail.alert_relay] angeben; der "
                              "Name im Zertifikat muss host entsprechen.")


def test_a_relay_without_starttls_is_refused_unless_told_it_is_local(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with running_relay() as relay:
        settings = config_dir / "settings.toml"
        settings.write_text(settings.read_text() + f'\n[mail.alert_relay]\nhost = "127.0.0.1"\nport = {relay.port}\n')
        code, lines = check_connect(config_dir, capsys)
        assert code == 1 and lines[-1] == (
            f"[FEHLER] Warnmails über das SMTP-Relay nicht möglich: SMTP-Relay 127.0.0.1:{relay.port} bietet kein "
            "STARTTLS an. Am Relay TLS einschalten; starttls = false nur für ein Relay auf diesem Rechner (localhost).")
        settings.write_text(settings.read_text() + "starttls = false\n")  # the local Postfix
        code, lines = check_connect(config_dir, capsys)
        assert code == 0 and lines[-1].endswith("bereit für Warnmails an die Administratoren (keine Mail gesendet)")


def test_a_relay_that_does_not_answer_is_named(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    use_relay(config_dir, None, port=port)
    code, lines = check_connect(config_dir, capsys)
    assert code == 1 and lines == [
        f"[FEHLER] Warnmails über das SMTP-Relay nicht möglich: SMTP-Relay 127.0.0.1:{port} nicht erreichbar "
        "(Verbindung abgelehnt). Läuft der Dienst, ist der Port frei (Firewall), stimmt port?"]
