"""``check --connect`` and the Exchange checks of ``check``: German answers an admin can act on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.config.settings import Config, ExchangeSettings
from kgrz_mailbot.transports.check import WARNING, check_connection, exchange_problems
from kgrz_mailbot.transports.maildir.transport import MaildirMailbox

from .conftest import ENV
from .server import EwsTestServer

PROCESSED = "Ordner „Verarbeitet“ im Posteingang"
FAILED = "Ordner „Fehlgeschlagen“ im Posteingang"
DRAFT = "Schreibrecht zum Senden (Probe-Entwurf in „Entwürfe“ angelegt und gelöscht, nichts versendet)"


@pytest.fixture
def base_config(config_dir: Path) -> Config:
    return load_config(config_dir)


def on_exchange(config: Config, settings: ExchangeSettings, address: str) -> Config:
    return replace(config, mail=replace(config.mail, transport="exchange", address=address, exchange=settings))


@pytest.fixture
def config(base_config: Config, settings: ExchangeSettings, ews_server: EwsTestServer) -> Config:
    return on_exchange(base_config, replace(settings, client_id=None, client_secret_env=None), ews_server.address)


def test_good_credentials_every_step_in_order(config: Config, ews_server: EwsTestServer) -> None:
    results = check_connection(config, ENV)
    assert [ok for ok, _ in results] == [True] * 5
    assert [text.split(":")[0] for _, text in results] == [
        "Anmeldung am Exchange-Server", "Posteingang lesbar", PROCESSED, FAILED, DRAFT]
    assert results[0][1].startswith("Anmeldung am Exchange-Server: in Ordnung (http://127.0.0.1:")
    assert results[2][1] == f"{PROCESSED}: in Ordnung (neu angelegt)"
    # the probe sends nothing and leaves no draft behind
    assert ews_server.store.sent == [] and ews_server.folder_items("drafts") == []
    assert ews_server.count("CreateItem") == 1 and ews_server.count("DeleteItem") == 1


def test_second_run_finds_the_folders(config: Config, ews_server: EwsTestServer) -> None:
    ews_server.deliver(b"From: a@b.de\r\nMessage-ID: <1@b.de>\r\n\r\nx\r\n")
    check_connection(config, ENV)
    results = dict((text.split(":")[0], text) for _, text in check_connection(config, ENV))
    assert results[PROCESSED] == f"{PROCESSED}: in Ordnung (vorhanden)"
    assert results["Posteingang lesbar"] == "Posteingang lesbar: in Ordnung (1 Nachrichten im Posteingang)"


def test_wrong_password_is_one_german_401_answer(config: Config, ews_server: EwsTestServer) -> None:
    results = check_connection(config, {**ENV, "KGRZ_EWS_PASSWORD": "falsch"})
    assert results == [(False, "Anmeldung am Exchange-Server fehlgeschlagen: Der Server lehnt die Anmeldung ab "
                               "(HTTP 401). Benutzername/Kennwort in KGRZ_EWS_USERNAME/KGRZ_EWS_PASSWORD prüfen; "
                               "bei NTLM den Benutzernamen als DOMÄNE\\konto angeben und prüfen, ob das Konto "
                               "gesperrt oder das Kennwort abgelaufen ist.")]


def test_a_mailbox_the_account_may_not_open(base_config: Config, settings: ExchangeSettings,
                                            ews_server: EwsTestServer) -> None:
    config = on_exchange(base_config, settings, "fremdes.postfach@kgrz-koblenz.de")
    results = check_connection(config, ENV)
    assert results[0] == (True, "Anmeldung am Exchange-Server: in Ordnung")
    ok, text = results[1]
    assert not ok and text.startswith("Zugriff auf das Postfach fremdes.postfach@kgrz-koblenz.de fehlgeschlagen")
    assert "FullAccess" in text and len(results) == 2


def test_missing_environment_variable(config: Config, ews_server: EwsTestServer) -> None:
    env = {"KGRZ_EWS_USERNAME": ENV["KGRZ_EWS_USERNAME"]}
    ((ok, text),) = check_connection(config, env)
    assert not ok and "Umgebungsvariable KGRZ_EWS_PASSWORD ist nicht gesetzt" in text
    assert ews_server.count() == 0  # nothing was tried with half the credentials
    assert exchange_problems(config, env) == [
        "settings.toml, [mail.exchange] password_env: Umgebungsvariable KGRZ_EWS_PASSWORD ist nicht gesetzt "
        "(sie soll das Kennwort enthalten). Bitte vor dem Start setzen, z. B. über EnvironmentFile= in der "
        "systemd-Unit."]


def test_missing_ca_file(config: Config, tmp_path: Path) -> None:
    missing = tmp_path / "certs" / "stadt-ca.pem"
    config = replace(config, mail=replace(config.mail, exchange=replace(config.mail.exchange, ca_bundle=missing)))
    ((ok, text),) = check_connection(config, ENV)
    assert not ok and "CA-Zertifikatsdatei für Exchange nicht gefunden" in text and str(missing) in text
    assert exchange_problems(config, ENV) == [
        f"settings.toml, [mail.exchange] ca_bundle: Datei {missing} nicht gefunden. Bitte die Zertifikatskette "
        "der internen CA als PEM-Datei dort ablegen."]


def test_ca_file_that_is_not_pem(config: Config, tmp_path: Path) -> None:
    der = tmp_path / "stadt-ca.cer"
    der.write_bytes(b"\x30\x82\x03\x00binary")
    config = replace(config, mail=replace(config.mail, exchange=replace(config.mail.exchange, ca_bundle=der)))
    (problem,) = exchange_problems(config, ENV)
    assert "kein Zertifikat im PEM-Format" in problem and "openssl x509 -inform der" in problem


def test_unreachable_server_says_so(config: Config, ews_server: EwsTestServer) -> None:
    ews_server.stop()
    ((ok, text),) = check_connection(config, ENV)
    assert not ok and text.startswith("Anmeldung am Exchange-Server fehlgeschlagen: Exchange vorübergehend nicht")


def test_exchange_problems_ok_and_plain_http_warnings(config: Config) -> None:
    assert exchange_problems(config, ENV) == []  # http://127.0.0.1 is fine for a test server
    remote = replace(config.mail.exchange, endpoint="http://mail.koblenz.example/EWS/Exchange.asmx")
    (warning,) = exchange_problems(replace(config, mail=replace(config.mail, exchange=remote)), ENV)
    assert warning.startswith(WARNING + "settings.toml, [mail.exchange] endpoint:") and "https://" in warning
    tls = replace(remote, endpoint="https://mail.koblenz.example/EWS/Exchange.asmx")
    assert exchange_problems(replace(config, mail=replace(config.mail, exchange=tls)), ENV) == []


def test_exchange_problems_oauth2_needs_the_secret_variable(config: Config) -> None:
    oauth = replace(config.mail.exchange, auth="oauth2", client_id="app", tenant_id="t",
                    client_secret_env="KGRZ_EWS_SECRET")
    config = replace(config, mail=replace(config.mail, exchange=oauth))
    assert exchange_problems(config, {"KGRZ_EWS_SECRET": "x"}) == []
    (problem,) = exchange_problems(config, ENV | {"KGRZ_EWS_SECRET": ""})
    assert "client_secret_env: Umgebungsvariable KGRZ_EWS_SECRET ist nicht gesetzt" in problem


def test_exchange_problems_only_when_exchange_is_the_transport(config: Config) -> None:
    # a prepared [mail.exchange] block must not fail `check` while the bot still runs on Maildir
    assert exchange_problems(replace(config, mail=replace(config.mail, transport="maildir")), {}) == []


def test_maildir_folders_exist_and_are_writable(base_config: Config) -> None:
    root = base_config.mail.maildir_path
    fresh = check_connection(base_config, {})
    assert [ok for ok, _ in fresh] == [True] * 3 and all("wird beim ersten Start angelegt" in t for _, t in fresh)
    MaildirMailbox(root)
    assert check_connection(base_config, {}) == [
        (True, f"Maildir Posteingang ({root / 'inbox'}): in Ordnung"),
        (True, f"Maildir Gesendet ({root / 'sent'}): in Ordnung"),
        (True, f"Maildir Fehlgeschlagen ({root / 'failed'}): in Ordnung")]
    (root / "sent" / "cur").rmdir()
    ok, text = check_connection(base_config, {})[1]
    assert not ok and "Unterverzeichnis cur fehlt" in text
