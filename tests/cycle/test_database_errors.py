"""Database errors are German messages an admin can act on, never SQLAlchemy tracebacks: locked (and by which
process), disk full (a real full file system), damaged (restore the backup)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO

SEND = ("send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00")
HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("gesperrt", flush=True)
time.sleep(120)
"""
#: runs a command with the installation's var/ on a 2 MiB file system that has only 80 KiB left
FULL_DISK = """
set -e
VAR="$1/var"; KEEP="$1/../keep"
cp -a "$VAR" "$KEEP"
mount -t tmpfs -o size=2m tmpfs "$VAR"
cp -a "$KEEP"/. "$VAR"/
dd if=/dev/zero of="$VAR/.fuellung" bs=1k count=$(( $(df -k --output=avail "$VAR" | tail -1) - 80 )) 2>/dev/null
shift
exec "$@"
"""


def cli(config_dir: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "kgrz_mailbot", args[0], "--config", str(config_dir),
                           *args[1:]], cwd=REPO, capture_output=True, text=True, timeout=180)


def test_a_locked_database_names_the_process_that_holds_it(config_dir: Path) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace("[storage]\n", "[storage]\nlock_timeout_seconds = 1\n"))
    assert cli(config_dir, "status", "--session", "2018-09-19").returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(config_dir / "var/kgrz-mailbot.sqlite3")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "gesperrt"
        done = cli(config_dir, *SEND)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert "ist gesperrt: nach 1 s Warten schreibt noch immer Prozess" in done.stderr
    assert f"Prozess {holder.pid} ({sys.executable} -c" in done.stderr
    assert "Traceback" not in done.stderr and "sqlalchemy" not in done.stderr.split("(database")[0]



def test_compile_on_the_stdlib_driver_names_the_process_that_holds_the_database_too(config_dir: Path) -> None:
    """``compile`` without ``--send`` writes its version through stdlib sqlite3 (jobs/drafts.py): the same
    German message with the configured wait, no traceback."""
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace("[storage]\n", "[storage]\nlock_timeout_seconds = 1\n"))
    assert cli(config_dir, *SEND).returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(config_dir / "var/kgrz-mailbot.sqlite3")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "gesperrt"
        done = cli(config_dir, "compile", "--session", "2018-09-19", "--now", "2018-09-11T09:00")
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert "ist gesperrt: nach 1 s Warten schreibt noch immer Prozess" in done.stderr
    assert f"Prozess {holder.pid} ({sys.executable} -c" in done.stderr and "Traceback" not in done.stderr


def test_a_damaged_database_says_restore_the_backup(config_dir: Path) -> None:
    assert cli(config_dir, *SEND).returncode == 0
    database = config_dir / "var/kgrz-mailbot.sqlite3"
    db = sqlite3.connect(database)
    root, size = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'outbound_mail'").fetchone()[0], \
        db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with open(database, "r+b") as handle:  # a bad sector in the middle of the outbox
        handle.seek((root - 1) * size)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))
    done = cli(config_dir, "status", "--session", "2018-09-19")
    assert done.returncode == 1
    assert f"Die Datenbank {database} ist beschädigt" in done.stderr
    assert "die letzte Sicherung wiederherstellen" in done.stderr and "Traceback" not in done.stderr


def _can_mount() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs unshare and a mount namespace for a small file system")
def test_a_full_disk_is_said_plainly_and_nothing_is_half_done(config_dir: Path) -> None:
    assert cli(config_dir, "status", "--session", "2018-09-19").returncode == 0
    script = config_dir.parent / "volle-platte.sh"
    script.write_text(FULL_DISK)
    done = cli(config_dir, *SEND, prefix=("unshare", "-rm", "sh", str(script), str(config_dir)))
    assert done.returncode == 1, done.stderr
    assert "ist voll: die Datenbank kann nichts mehr schreiben. Nichts ist verloren" in done.stderr
    assert "Traceback" not in done.stderr
    sent = config_dir / "var/mail/sent/new"
    assert not sent.exists() or not any(sent.iterdir())  # the real disk: nothing was sent
    assert os.path.exists(config_dir / "var/kgrz-mailbot.sqlite3")
