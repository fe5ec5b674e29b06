"""A lost database is never silently replaced: every command refuses a missing, emptied, foreign or mistyped
database of an installation that already has state, and says how to restore it or to start anew with ``init``."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from tests.support import REPO

SESSION = ("--session", "2018-09-19")


@pytest.fixture
def run(config_dir: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> tuple[int, str, str]:
        code = main([args[0], "--config", str(config_dir), *args[1:]])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def database(config_dir: Path) -> Path:
    return config_dir / "var" / "kgrz-mailbot.sqlite3"


@pytest.fixture
def in_use(config_dir: Path, database: Path) -> Path:
    """An installation whose six requests went out (by a process that has ended, as in real life)."""
    assert cli(config_dir, "send-requests", *SESSION, "--now", "2018-08-29T08:00").returncode == 0
    return database


def sent(config_dir: Path) -> int:
    return len(list((config_dir / "var/mail/sent/new").iterdir()))


def test_a_fresh_installation_gets_its_first_database_and_marker_files(run, config_dir: Path,
                                                                        database: Path) -> None:
    assert run("status", *SESSION)[0] == 0
    assert database.exists()
    assert (config_dir / "var/reports/.kgrz-mailbot-installation").exists()
    assert (database.parent / "kgrz-mailbot.sqlite3.installation").exists()


@pytest.mark.parametrize("command", [
    ("status", *SESSION), ("plan",), ("tick", "--now", "2018-09-05T08:00"), ("poll",),
    ("send-requests", *SESSION, "--now", "2018-08-29T09:00"), ("compile", *SESSION, "--send"),
])
def test_a_deleted_database_is_refused_by_every_command_and_nothing_goes_out_again(
    run, in_use: Path, config_dir: Path, command: tuple[str, ...]
) -> None:
    in_use.unlink()
    code, _, err = run(*command)
    assert code == 1
    assert f"Die Datenbank {in_use} fehlt, aber diese Installation hat bereits Daten" in err
    assert "6 Mails in" in err and "Sicherung" in err and "kgrz-mailbot init" in err
    assert "Traceback" not in err
    assert not in_use.exists()
    assert sent(config_dir) == 6


def test_an_emptied_database_is_refused_until_init_sets_it_aside(run, in_use: Path, config_dir: Path) -> None:
    in_use.write_bytes(b"")
    code, _, err = run("tick", "--now", "2018-09-05T08:00")
    assert code == 1 and "ist leer (0 Byte)" in err
    code, out, err = run("init")
    assert code == 0 and out.startswith("Neue Datenbank angelegt"), err
    assert "Achtung: diese Installation hatte schon Daten (6 Mails in" in err
    aside = [p for p in in_use.parent.glob("kgrz-mailbot.sqlite3.leer-*") if p.name[-1].isdigit()]
    assert [p.stat().st_size for p in aside] == [0]  # renamed, not deleted
    assert run("status", *SESSION)[0] == 0


def test_a_foreign_database_is_refused_and_init_does_not_touch_it(run, database: Path) -> None:
    database.parent.mkdir(parents=True)
    foreign = sqlite3.connect(database)
    foreign.execute("CREATE TABLE kunden (id INTEGER PRIMARY KEY, name TEXT)")
    foreign.execute("INSERT INTO kunden (name) VALUES ('Stadtwerke')")
    foreign.commit()
    foreign.close()
    before = database.read_bytes()
    code, _, err = run("plan")
    assert code == 1 and "enthält fremde Tabellen (kunden)" in err
    code, _, err = run("init")
    assert code == 1 and "„init“ überschreibt keine fremden" in err
    assert database.read_bytes() == before


def test_a_mistyped_database_path_is_refused(run, in_use: Path, config_dir: Path) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace("kgrz-mailbot.sqlite3", "kgrz-mailbot.sqlite"))
    code, _, err = run("tick", "--now", "2018-09-05T08:00")
    assert code == 1 and "kgrz-mailbot.sqlite fehlt" in err
    assert ".kgrz-mailbot-installation" in err
    assert not (in_use.parent / "kgrz-mailbot.sqlite").exists()
    assert sent(config_dir) == 6


def test_a_restored_backup_is_taken_back(run, in_use: Path, tmp_path: Path) -> None:
    assert run("backup", str(tmp_path / "sicherung.sqlite3"))[0] == 0
    in_use.unlink()
    assert run("status", *SESSION)[0] == 1
    (tmp_path / "sicherung.sqlite3").rename(in_use)
    code, out, _ = run("status", *SESSION, "--json")
    assert code == 0 and '"requested": true' in out


def test_the_database_of_another_installation_is_refused_unless_adopted(tmp_path: Path, config_dir: Path) -> None:
    here, there = config_dir, _copy_config(config_dir, tmp_path / "andere")
    assert cli(here, "send-requests", *SESSION, "--now", "2018-08-29T08:00").returncode == 0
    assert cli(there, "status", *SESSION).returncode == 0
    database = here / "var/kgrz-mailbot.sqlite3"
    database.unlink()  # as README's restore says: the service is stopped, the database and its -wal/-shm go
    assert cli(there, "backup", str(database)).returncode == 0  # the other installation's database
    refused = cli(here, "status", *SESSION)
    assert refused.returncode == 1 and "gehört zu einer anderen Installation" in refused.stderr
    adopted = cli(here, "init")
    assert adopted.returncode == 0 and "Nichts neu angelegt" in adopted.stdout
    assert cli(here, "status", *SESSION).returncode == 0


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """In a process of its own, like an admin's shell: nothing of an earlier command stays open."""
    return subprocess.run([sys.executable, "-m", "kgrz_mailbot", args[0], "--config", str(config), *args[1:]],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def _copy_config(source: Path, target: Path) -> Path:
    shutil.copytree(source, target / "config", ignore=shutil.ignore_patterns("var"))
    return target / "config"
