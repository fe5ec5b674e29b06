"""`check` names every problem at once, in German, with file, line or key, and the fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.errors import ConfigError


def edit(config_dir: Path, name: str, old: str, new: str) -> None:
    path = config_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    return caught.value.problems


def test_the_example_config_is_valid(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(config_dir)]) == 0
    assert "6 Projekte" in capsys.readouterr().out


def test_a_toml_syntax_error_names_file_and_line(config_dir: Path) -> None:
    edit(config_dir, "schedule.toml", "deadline = 9", "deadline 9")
    [problem] = problems(config_dir)
    assert problem.startswith("schedule.toml, Zeile ")
    line = int(re.search(r"Zeile (\d+)", problem)[1])
    assert (config_dir / "schedule.toml").read_text().splitlines()[line - 1].startswith("deadline 9")
    assert "TOML-Syntaxfehler" in problem


def test_an_unknown_key_is_named_with_a_suggestion(config_dir: Path) -> None:
    edit(config_dir, "schedule.toml", "reminders = [14, 10]", "reminder = [14, 10]")
    [problem] = problems(config_dir)
    assert problem.startswith("schedule.toml, [timeline]: unbekannter Schlüssel „reminder“")
    assert "Meinten Sie „reminders“?" in problem


def test_a_missing_required_key_is_named(config_dir: Path) -> None:
    edit(config_dir, "projects.toml", 'title = "eCollaboration"\n', "")
    [problem] = problems(config_dir)
    assert problem == "projects.toml, [[project]] Nr. 1: Pflichtschlüssel „title“ fehlt. Bitte ergänzen."


def test_a_duplicate_project_key_is_named(config_dir: Path) -> None:
    edit(config_dir, "projects.toml", 'key = "time"', 'key = "umbau"')
    [problem] = problems(config_dir)
    assert "[[project]] Nr. 6 (umbau)" in problem and "doppelt" in problem


def test_a_malformed_address_is_named_with_the_expected_form(config_dir: Path) -> None:
    edit(config_dir, "projects.toml", "<sabine.kraemer@koblenz.example>", "<sabine.kraemer@koblenz>")
    [problem] = problems(config_dir)
    assert problem.startswith("projects.toml, [[project]] Nr. 1 (ecollaboration) lead:")
    assert "keine gültige Adresse" in problem and "vorname.nachname@koblenz.example" in problem


def test_a_session_naming_an_unknown_committee_is_named(config_dir: Path) -> None:
    edit(config_dir, "schedule.toml", 'committee = "werkausschuss"\ndate = 2018-09-19',
         'committee = "werksausschuss"\ndate = 2018-09-19')
    [problem] = problems(config_dir)
    assert "[[session]] Nr. 2 (2018-09-19)" in problem
    assert "unbekannte Gremium „werksausschuss“" in problem and "Bekannt: werkausschuss" in problem


def test_offsets_out_of_order_are_named(config_dir: Path) -> None:
    edit(config_dir, "schedule.toml", "reminders = [14, 10]", "reminders = [10, 14]")
    [problem] = problems(config_dir)
    assert problem.startswith("schedule.toml, [timeline]: Vorlaufzeiten in falscher Reihenfolge")
    assert "reminders=[10, 14]" in problem


def test_an_unknown_holiday_region_is_named(config_dir: Path) -> None:
    edit(config_dir, "settings.toml", 'holidays = "DE-RP"', 'holidays = "DE-XX"')
    [problem] = problems(config_dir)
    assert problem.startswith("settings.toml, [organisation] holidays: unbekannte Feiertagsregion „DE-XX“")


def test_an_unknown_time_zone_is_named(config_dir: Path) -> None:
    edit(config_dir, "settings.toml", 'timezone = "Europe/Berlin"', 'timezone = "Europe/Koblenz"')
    [problem] = problems(config_dir)
    assert problem.startswith("settings.toml, [organisation] timezone: unbekannte Zeitzone „Europe/Koblenz“")


def test_every_problem_is_reported_at_once_and_check_exits_1(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(config_dir, "settings.toml", 'timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"')
    edit(config_dir, "projects.toml", 'key = "time"', 'key = "umbau"')
    edit(config_dir, "schedule.toml", "poll_minutes = 5", "poll_minutes = 5\npoll_intervall = 3")
    assert main(["check", "--config", str(config_dir)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Die Konfiguration hat Fehler:")
    assert err.count("\n  - ") == 3
    assert "Mars/Olympus" in err and "„poll_intervall“" in err and "doppelt" in err


def test_a_missing_config_directory_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(tmp_path / "fehlt")]) == 1
    assert "Konfigurationsverzeichnis nicht gefunden" in capsys.readouterr().err


def test_a_wrong_type_is_named(config_dir: Path) -> None:
    edit(config_dir, "schedule.toml", "request = 21", 'request = "21"')
    [problem] = problems(config_dir)
    assert problem == "schedule.toml, [timeline]: „request“ hat den falschen Typ; erwartet: ganze Zahl."
