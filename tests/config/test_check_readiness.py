"""``check`` checks what the service will need, not only valid TOML: templates that exist and render with a
real example, someone to send the draft to, folders the running user can write, and every problem at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.reports.render import DEFAULT_TEMPLATES
from tests.config.test_check import edit


def check(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--config", str(config_dir)])
    out, err = capsys.readouterr()
    return code, out + err


def own_templates(config_dir: Path) -> Path:
    folder = config_dir / "vorlagen"
    shutil.copytree(DEFAULT_TEMPLATES, folder)
    edit(config_dir, "settings.toml", 'output = "var/reports"', 'output = "var/reports"\ntemplates = "vorlagen"')
    return folder


def test_a_template_folder_that_does_not_exist_fails_check(config_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    edit(config_dir, "settings.toml", 'output = "var/reports"', 'output = "var/reports"\ntemplates = "vorlagen"')
    code, text = check(config_dir, capsys)
    assert code == 1 and f"{config_dir / 'vorlagen'}: Vorlagenordner nicht gefunden" in text
    assert "Konfiguration in Ordnung" not in text


def test_a_missing_template_is_named(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (own_templates(config_dir) / "reminder.txt.j2").unlink()
    code, text = check(config_dir, capsys)
    assert code == 1 and "es fehlen Vorlagen, die der Bot braucht: reminder.txt.j2" in text


def test_a_template_that_only_fails_when_filled_is_found_by_the_rehearsal(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = own_templates(config_dir)
    confirmation = folder / "confirmation.txt.j2"
    # valid Jinja, but the bot passes project_title, not projekt_titel: it would fail on the first valid answer
    confirmation.write_text(confirmation.read_text().replace("{{ project_title }}", "{{ projekt_titel }}", 1))
    assert "projekt_titel" in confirmation.read_text()
    code, text = check(config_dir, capsys)
    assert code == 1
    assert (f"{folder}/confirmation.txt.j2: lässt sich mit einem echten Beispiel nicht füllen (UndefinedError: "
            "'projekt_titel' is undefined)") in text


def test_the_shipped_templates_all_render_in_the_rehearsal(config_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    own_templates(config_dir)  # the same files, read from the admin's folder
    code, text = check(config_dir, capsys)
    # A template the rehearsal never reaches is only a warning for the admin; for us it is a gap to close.
    assert code == 0 and "konnte(n) nicht mit einem echten Beispiel geprüft werden" not in text, text
    assert not (config_dir / "var").exists()  # the rehearsal ran in a temporary folder, nothing was written here


def test_an_empty_draft_to_is_an_error(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(config_dir, "schedule.toml", 'draft_to = ["werkleitung@koblenz.example"]', "draft_to = []")
    code, text = check(config_dir, capsys)
    assert code == 1
    assert "schedule.toml, [[committee]] Nr. 1 draft_to: ist leer: dann erhält niemand den Entwurf" in text


@pytest.mark.parametrize(("setting", "label"), [
    ('output = "var/reports"', "[report] output"),
    ('path = "var/mail"', "[mail.maildir] path"),
])
def test_a_folder_the_service_cannot_write_is_named(config_dir: Path, capsys: pytest.CaptureFixture[str],
                                                     setting: str, label: str) -> None:
    (config_dir / "freigabe").write_text("hier ist kein Netzlaufwerk eingehängt\n")
    key = setting.split(" = ")[0]
    edit(config_dir, "settings.toml", setting, f'{key} = "freigabe/ablage"')
    code, text = check(config_dir, capsys)
    assert code == 1
    assert (f"settings.toml {label}: {config_dir / 'freigabe/ablage'} kann nicht angelegt werden: "
            f"{config_dir / 'freigabe'} ist eine Datei, kein Ordner.") in text


def test_a_state_folder_elsewhere_warns_about_paths_left_outside(config_dir: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text() + f'\n[paths]\nstate = "{tmp_path / "zustand"}"\n')
    code, text = check(config_dir, capsys)
    assert code == 0
    assert f"Warnung: {config_dir / 'var/mail'} liegt nicht unter [paths] state ({tmp_path / 'zustand'})" in text


def test_without_admin_to_check_warns_that_nobody_would_hear(config_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    edit(config_dir, "settings.toml", 'admin_to = ["it-betrieb@koblenz.example"]', "")
    code, text = check(config_dir, capsys)
    assert code == 0 and "Warnung: settings.toml [mail] admin_to fehlt" in text


def test_a_toml_error_in_one_file_still_shows_the_problems_of_the_others(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(config_dir, "schedule.toml", "date = 2018-09-19", "date = 19.09.2018")
    edit(config_dir, "settings.toml", 'timezone = "Europe/Berlin"', 'timezone = "Europe/Koblenz"')
    edit(config_dir, "projects.toml", "<sabine.kraemer@koblenz.example>", "<sabine.kraemer(at)koblenz.example>")
    code, text = check(config_dir, capsys)
    assert code == 1
    assert "schedule.toml, Zeile 23, Spalte 13: TOML-Syntaxfehler" in text
    assert "Ein Datum wie 19.09.2018 bitte als 2018-09-19 schreiben (Jahr-Monat-Tag, ohne Anführungszeichen)" in text
    assert "settings.toml, [organisation] timezone: unbekannte Zeitzone „Europe/Koblenz“" in text
    assert "projects.toml, [[project]] Nr. 1 (ecollaboration) lead: „Sabine Krämer <sabine.kraemer(at)" in text


def test_a_quoted_german_date_gets_the_same_hint(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(config_dir, "schedule.toml", "date = 2018-09-19", 'date = "19.09.2018"')
    code, text = check(config_dir, capsys)
    assert code == 1 and "„date“ hat den falschen Typ; erwartet: Datum wie 2018-09-19. Ein Datum wie 19.09.2018 " \
                         "bitte als 2018-09-19 schreiben" in text
