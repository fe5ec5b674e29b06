"""`check` names wrong values of the guard settings: lock wait, send lease, poll batch budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main


def test_check_names_each_wrong_guard_setting(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = config_dir / "settings.toml"
    text = settings.read_text().replace("[storage]\n", "[storage]\nlock_timeout_seconds = 0\n")
    text = text.replace('address = "projektstatus@koblenz.example"\n',
                        'address = "projektstatus@koblenz.example"\nsend_lease_seconds = 0\npoll_batch_mb = 0\n', 1)
    settings.write_text(text)
    assert main(["check", "--config", str(config_dir)]) == 1
    err = capsys.readouterr().err
    assert "[storage] lock_timeout_seconds: muss mindestens 1 Sekunde sein." in err
    assert "[mail] send_lease_seconds: muss mindestens 1 Sekunde sein (eingetragen: 0)" in err
    assert "[mail] poll_batch_mb: muss zwischen 1 und 4096 (MiB) liegen (eingetragen: 0); Standard ist 64." in err


def test_the_guard_settings_are_taken(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = config_dir / "settings.toml"
    text = settings.read_text().replace("[storage]\n", "[storage]\nlock_timeout_seconds = 5\n")
    settings.write_text(text.replace('address = "projektstatus@koblenz.example"\n',
                                     'address = "projektstatus@koblenz.example"\npoll_batch_mb = 16\n', 1))
    assert main(["check", "--config", str(config_dir)]) == 0
    assert "Konfiguration in Ordnung" in capsys.readouterr().out
