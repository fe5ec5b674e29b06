"""Private by default: whatever umask the admin's shell has, every file and folder the service and the commands
create (database, WAL, lock, Maildir files, drafts, backups, exports) is for the account that runs them only."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.demo.replies import outlook_reply
from tests.support import at, parse

KRAEMER = "sabine.kraemer@koblenz.example"


def loose_umask() -> None:
    os.umask(0o022)  # what a login shell usually has: files would come out world-readable


def kgrz(config_dir: Path, *args: str) -> None:
    """A command as from the admin's shell: the umask it finds is a loose one, the command sets its own."""
    loose = os.umask(0o022)
    try:
        assert main([args[0], "--config", str(config_dir), *args[1:]]) == 0
    finally:
        os.umask(loose)


def modes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): oct(stat.S_IMODE(p.stat().st_mode)) for p in [folder, *folder.rglob("*")]}


def test_every_file_the_service_and_the_commands_create_is_private(config_dir: Path, tmp_path: Path) -> None:
    kgrz(config_dir, "tick", "--now", "2018-08-29T08:00")
    sent = config_dir / "var/mail/sent/new"
    request = next(p.read_bytes() for p in sent.iterdir() if KRAEMER in str(parse(p.read_bytes())["To"]))
    reply = outlook_reply(request, KRAEMER, "Sabine Krämer", "Ampel: grün\nStand: Läuft.", at("2018-08-30T09:00"))
    # the mail server delivers into a private Maildir; the bot then moves the file, it does not create it
    fd = os.open(config_dir / "var/mail/inbox/new/antwort.eml", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, reply)
    os.close(fd)
    kgrz(config_dir, "tick", "--now", "2018-08-30T10:00")
    kgrz(config_dir, "compile", "--session", "2018-09-19", "--now", "2018-09-11T08:00")
    kgrz(config_dir, "backup", str(tmp_path / "sicherung.sqlite3"))
    kgrz(config_dir, "export", "--person", KRAEMER, "--output", str(tmp_path / "auskunft.json"))

    service = subprocess.Popen([sys.executable, "-m", "kgrz_mailbot", "run", "--config", str(config_dir)],
                               preexec_fn=loose_umask, stderr=subprocess.DEVNULL)
    try:
        wal = config_dir / "var/kgrz-mailbot.sqlite3-wal"
        lock = config_dir / "var/kgrz-mailbot.sqlite3.run.lock"
        end = time.monotonic() + 60
        while not (wal.exists() and lock.exists()) and time.monotonic() < end:
            time.sleep(0.2)
        found = modes(config_dir / "var")  # while the service holds the database open: WAL and SHM are there
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=60)

    expected = {"kgrz-mailbot.sqlite3", "kgrz-mailbot.sqlite3-wal", "kgrz-mailbot.sqlite3-shm",
                "kgrz-mailbot.sqlite3.run.lock", "mail/sent/new", "mail/inbox/cur", "reports/2018-09-19"}
    assert expected <= set(found)
    assert any(name.endswith(".docx") for name in found) and any(name.startswith("mail/sent/new/") for name in found)
    loose = {name: mode for name, mode in found.items()
             if mode != (oct(0o700) if (config_dir / "var" / name).is_dir() else oct(0o600))}
    assert loose == {}
    assert modes(tmp_path / "sicherung.sqlite3") == {".": "0o600"}
    assert modes(tmp_path / "auskunft.json") == {".": "0o600"}
