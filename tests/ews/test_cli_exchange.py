"""The command line works unchanged with ``transport = "exchange"``; ``check`` knows the Exchange section."""

from __future__ import annotations

from pathlib import Path

import pytest
from exchangelib.protocol import close_connections

from kgrz_mailbot.cli.main import main

from .server import EwsTestServer

ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}


@pytest.fixture
def exchange_config(config_dir: Path, ews_server: EwsTestServer, monkeypatch: pytest.MonkeyPatch) -> Path:
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


def test_send_requests_tick_compile_and_status_run_on_exchange(
    exchange_config: Path, ews_server: EwsTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(exchange_config, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00") == 0
    assert len(ews_server.store.sent) == 6
    assert run(exchange_config, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T09:00") == 0
    assert len(ews_server.store.sent) == 6  # nothing twice
    assert run(exchange_config, "poll", "--now", "2018-08-30T09:00") == 0
    assert run(exchange_config, "tick", "--now", "2018-09-05T08:00") == 0
    assert len(ews_server.store.sent) == 12  # the first reminder to all six
    assert run(exchange_config, "compile", "--session", "2018-09-19", "--send", "--now", "2018-09-11T08:00") == 0
    assert len(ews_server.store.sent) == 13
    capsys.readouterr()
    assert run(exchange_config, "status", "--session", "2018-09-19", "--json") == 0
    assert '"reminders": 1' in capsys.readouterr().out


def test_check_connect_reports_what_works(exchange_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(exchange_config, "check", "--connect") == 0
    out = capsys.readouterr().out
    assert "[ok] Anmeldung am Exchange-Server: in Ordnung" in out


def test_check_names_a_missing_password_variable(
    exchange_config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KGRZ_EWS_PASSWORD")
    assert run(exchange_config, "check") == 1
    assert "KGRZ_EWS_PASSWORD" in capsys.readouterr().err


def test_a_wrong_password_is_a_clear_german_error_not_endless_retry(
    exchange_config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KGRZ_EWS_PASSWORD", "falsch")
    assert run(exchange_config, "poll", "--now", "2018-08-30T09:00") == 1
    assert "Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401)" in capsys.readouterr().err
