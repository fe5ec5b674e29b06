"""Fixtures for the admins' alerts on Exchange: the EWS test server and the example config pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from exchangelib.protocol import close_connections

from tests.ews.server import EwsTestServer, running

EWS_ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}


@pytest.fixture
def ews() -> Iterator[EwsTestServer]:
    with running() as server:
        yield server
    close_connections()


@pytest.fixture
def on_exchange(config_dir: Path, ews: EwsTestServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example config with transport = "exchange" on the test server, its variables set."""
    settings = config_dir / "settings.toml"
    text = settings.read_text(encoding="utf-8").replace('transport = "maildir"', 'transport = "exchange"')
    text += (f'\n[mail.exchange]\nendpoint = "{ews.url}"\nauth = "basic"\nversion = "2019"\n'
             'username_env = "KGRZ_EWS_USERNAME"\npassword_env = "KGRZ_EWS_PASSWORD"\nmax_wait_seconds = 2\n')
    settings.write_text(text.replace("projektstatus@koblenz.example", ews.address), encoding="utf-8")
    for name, value in EWS_ENV.items():
        monkeypatch.setenv(name, value)
    return config_dir
