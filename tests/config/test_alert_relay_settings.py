"""``[mail.alert_relay]`` in ``check``: every key that cannot work is named in German with file, key and the fix;
a good one passes, and the variables it names must be set before the service starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.errors import ConfigError

WHERE = "settings.toml, [mail.alert_relay]"


def with_relay(config_dir: Path, block: str) -> Path:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"\n[mail.alert_relay]\n{block}\n", encoding="utf-8")
    return config_dir


def problems(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    return caught.value.problems


def check(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--config", str(config_dir)])
    out, err = capsys.readouterr()
    return code, out + err


def test_an_exchange_receive_connector_with_its_defaults_passes(config_dir: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    with_relay(config_dir, 'host = "mail.koblenz.example"')
    relay = load_config(config_dir).mail.alert_relay
    assert relay is not None
    assert (relay.host, relay.port, relay.starttls, relay.sender, relay.timeout_seconds) == (
        "mail.koblenz.example", 25, True, None, 30)
    assert check(config_dir, capsys)[0] == 0


def test_every_value_that_cannot_work_is_named_with_the_fix(config_dir: Path) -> None:
    with_relay(config_dir, 'host = "smtp://mail.koblenz.example:25"\nport = 70000\nstarttls = false\n'
                           'username_env = "geheim passwort"\nfrom = "kein-absender"\ntimeout_seconds = 0\n'
                           'ca_bundle = "certs/stadt-ca.pem"')
    found = problems(config_dir)
    assert found == [
        f"{WHERE} host: „smtp://mail.koblenz.example:25“: bitte nur den Rechnernamen angeben, ohne „smtp://“ und "
        "ohne Port (der Port steht in port), z. B. host = \"mail.koblenz.example\".",
        f"{WHERE} port: 70000 ist kein TCP-Port. Üblich: 25 (Empfangsconnector, Postfix) oder 587.",
        f"{WHERE} username_env: „geheim passwort“ ist kein Name einer Umgebungsvariable. Hier steht nur der Name "
        "(z. B. KGRZ_RELAY_PASSWORD), der Wert kommt in /etc/kgrz-mailbot/secrets.env.",
        f"{WHERE}: username_env und password_env nur zusammen angeben (Anmeldung am Relay) oder beide weglassen "
        "(Relay nimmt Mails dieses Servers ohne Anmeldung an).",
        f"{WHERE} starttls: ist false, aber eine Anmeldung ist eingetragen: Benutzername und Kennwort gingen "
        "unverschlüsselt über das Netz. Bitte starttls = true setzen.",
        f"{WHERE} ca_bundle: ist nur mit starttls = true sinnvoll.",
        f"{WHERE} from: „kein-absender“ ist keine gültige E-Mail-Adresse. Ohne from gilt [mail] address.",
        f"{WHERE} timeout_seconds: muss zwischen 1 und 600 liegen (eingetragen: 0); Standard ist 30.",
    ]


@pytest.mark.parametrize(("block", "expected"), [
    ('port = 25', "settings.toml, [mail.alert_relay]: Pflichtschlüssel „host“ fehlt. Bitte ergänzen."),
    ('host = "mail.koblenz.example"\nport = "25"',
     "settings.toml, [mail.alert_relay]: „port“ hat den falschen Typ; erwartet: ganze Zahl."),
    ('host = "mail.koblenz.example"\nstarttls = "ja"',
     "settings.toml, [mail.alert_relay]: „starttls“ hat den falschen Typ; erwartet: true oder false."),
    ('host = "mail.koblenz.example"\nport = 465',
     f"{WHERE} port: 465 (SMTPS, TLS ab dem ersten Byte) wird nicht unterstützt. Bitte 25 oder 587 mit "
     "starttls = true verwenden."),
    ('host = "mail.koblenz.example"\nsender = "bot@koblenz.example"',
     "settings.toml, [mail.alert_relay]: unbekannter Schlüssel „sender“. Bitte entfernen. Erlaubt: ca_bundle, "
     "from, host, password_env, port, starttls, timeout_seconds, username_env."),
    ('host = "mail koblenz"',
     f"{WHERE} host: „mail koblenz“ ist kein Rechnername. Bitte den Exchange-Server mit dem Empfangsconnector "
     "(z. B. \"mail.koblenz.example\") oder \"localhost\" für das lokale Postfix angeben."),
])
def test_a_single_mistake_is_named(config_dir: Path, block: str, expected: str) -> None:
    with_relay(config_dir, block)
    assert problems(config_dir) == [expected]


def test_a_local_postfix_without_tls_and_login_passes(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_relay(config_dir, 'host = "localhost"\nstarttls = false\nfrom = "Bot-Alarm@Koblenz.example"')
    relay = load_config(config_dir).mail.alert_relay
    assert relay is not None and relay.sender == "bot-alarm@koblenz.example" and relay.where == "localhost:25"
    assert check(config_dir, capsys)[0] == 0


def test_check_wants_the_named_variables_set_and_a_readable_ca_file(
        config_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KGRZ_RELAY_USERNAME", raising=False)
    monkeypatch.delenv("KGRZ_RELAY_PASSWORD", raising=False)
    with_relay(config_dir, 'host = "mail.koblenz.example"\nport = 587\nusername_env = "KGRZ_RELAY_USERNAME"\n'
                           'password_env = "KGRZ_RELAY_PASSWORD"\nca_bundle = "certs/stadt-ca.pem"')
    code, said = check(config_dir, capsys)
    assert code == 1 and "Die Konfiguration hat Fehler:" in said
    assert (f"{WHERE} username_env: Umgebungsvariable KGRZ_RELAY_USERNAME ist nicht gesetzt (sie soll den "
            "Benutzernamen für das SMTP-Relay enthalten).") in said
    assert f"{WHERE} password_env: Umgebungsvariable KGRZ_RELAY_PASSWORD ist nicht gesetzt" in said
    assert f"{WHERE} ca_bundle: {config_dir / 'certs/stadt-ca.pem'} nicht lesbar (No such file or directory)" in said


def test_a_relay_without_anyone_to_tell_is_named(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace('admin_to = ["it-betrieb@koblenz.example"]', ""))
    with_relay(config_dir, 'host = "mail.koblenz.example"')
    code, said = check(config_dir, capsys)
    assert code == 1 and f"{WHERE}: ist eingetragen, aber [mail] admin_to nicht" in said
