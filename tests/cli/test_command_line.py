"""The command line's own shape (C2): global options before or after the command, German framing, help
for every option, ``--version``, a description and an example for every command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kgrz_mailbot import __version__
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.cli.parser import build_parser
from tests.support import REPO

ENGLISH = ("usage:", "positional arguments", "options:", "show this help", "error:", "the following arguments",
           "invalid choice", "unrecognized arguments", "expected one argument", "invalid ")


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse ends --help, --version and wrong usage itself
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("order", ["before", "after", "mixed"])
def test_config_now_and_verbose_stand_before_or_after_the_command(
        order: str, config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    options = {"before": (["--config", str(config_dir), "--now", "2018-09-05T09:00", "-v"], []),
               "after": ([], ["--config", str(config_dir), "--now", "2018-09-05T09:00", "-v"]),
               "mixed": (["-v", "--now", "2018-09-05T09:00"], ["--config", str(config_dir)])}[order]
    code, out, _ = call(capsys, *options[0], "plan", "--json", *options[1])
    assert code == 0
    states = {(r["session"], r["action"], r.get("seq")): r["state"] for r in json.loads(out)}
    assert states[("2018-09-19", "reminder", 1)] == "due" and states[("2018-09-19", "reminder", 2)] == "upcoming"


def test_the_documented_form_with_config_first_works_for_nested_commands_too(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "--config", str(config_dir), "--now", "2018-08-01T08:00",
                        "session", "add", "2019-03-20")
    assert code == 0 and "Sitzung am 20.03.2019 eingetragen" in out
    code, _, err = call(capsys, "--config", str(config_dir), "quarantine", "retry", "7")
    assert code == 1 and "Mail #7 ist nicht in Quarantäne" in err


def test_an_unknown_command_is_refused_in_german_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "--config", "config", "plnn")
    assert code == 2 and out == ""
    assert err.startswith("Aufruf: kgrz-mailbot ")
    assert "kgrz-mailbot: Fehler: BEFEHL: „plnn“ gibt es nicht; möglich sind: check, plan, tick" in err
    assert "„kgrz-mailbot --help“ zeigt alle Möglichkeiten." in err
    assert not any(word in err for word in ENGLISH)


@pytest.mark.parametrize(("argv", "message"), [
    ([], "nötig, aber nicht angegeben: BEFEHL"),
    (["status"], "nötig, aber nicht angegeben: --session"),
    (["status", "--session"], "--session: hier fehlt der Wert"),
    (["status", "--session", "19.09.2018"], "--session: „19.09.2018“ ist kein Datum; bitte im Format 2018-09-19"),
    (["plan", "--bogus"], "unbekannte Angabe(n): --bogus"),
    (["quarantine", "retry"], "quarantine retry braucht die Nummer der Mail (ID)"),
    (["quarantine", "again"], "list|retry: „again“ gibt es nicht; möglich sind: list, retry"),
    (["quarantine", "retry", "x"], "ID: ungültiger Wert „x“"),
    (["--now", "2018-09-05T08:00", "run"], "„run“ richtet sich nicht nach einer Uhrzeit; --now gilt hier nicht"),
    (["session", "shift"], "AKTION: „shift“ gibt es nicht; möglich sind: add, move, remove"),
])
def test_wrong_usage_is_explained_in_german_with_exit_status_2(
        argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, *argv)
    assert code == 2
    assert message in err and "Aufruf: kgrz-mailbot" in err and ": Fehler: " in err
    assert not any(word in err for word in ENGLISH), err


def test_help_is_german_and_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "--help")
    assert code == 0
    assert out.startswith("Aufruf: kgrz-mailbot ")
    assert "Optionen:" in out and "Befehle:" in out and "diese Hilfe zeigen und beenden" in out
    assert not any(word in out for word in ENGLISH)
    for name in _commands(build_parser()):
        assert f"    {name.split()[0]}" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert call(capsys, "--version") == (0, f"kgrz-mailbot {__version__}\n", "")


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command, nested ones as "session add", with its parser."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[f"{prefix}{name}"] = sub
                found.update(_commands(sub, f"{prefix}{name} "))
    return found


def test_every_option_and_argument_has_german_help_and_every_command_an_example(
        capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = _commands(parser)
    assert {"check", "plan", "tick", "poll", "status", "compile", "session move", "demo", "backup"} <= set(commands)
    for name, sub in [("", parser), *commands.items()]:
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, f"{name} {action.option_strings or action.dest}"
        if name:
            code, out, _ = call(capsys, *name.split(), "--help")
            assert code == 0 and f"Aufruf: kgrz-mailbot {name}" in out
            assert "\nBeispiel" in out and f"kgrz-mailbot {name.split()[0]}" in out.split("\nBeispiel")[1]
            assert not any(word in out for word in ENGLISH), name


HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "holidays", "jinja2", "exchangelib", "docx", "apscheduler",
         "pydantic", "selectolax", "tomlkit", "kgrz_mailbot.app")


def test_help_and_usage_errors_import_no_heavy_module() -> None:
    """What ``--help`` costs is Python's own start: the handlers' modules load only when their command runs."""
    probe = ("import sys\nfrom kgrz_mailbot.cli.main import main\n"
             "for argv in (['--help'], ['plan', '--help'], ['plnn']):\n"
             "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
             f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_output_piped_into_a_reader_that_stops_ends_quietly(config_dir: Path) -> None:
    """``kgrz-mailbot plan --json | head -1``: the reader is gone before the first line; no traceback."""
    import os

    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "kgrz_mailbot", "--config", str(config_dir), "plan", "--json"],
                              cwd=REPO, stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")
