"""German messages for what an admin must fix about the database itself: locked (and by which process), full,
corrupt, read-only. The driver's own text stays in the message's last line for the journal."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from kgrz_mailbot.errors import MailbotError

#: offset of the write lock byte in the ``-shm`` file of a WAL database (SQLite's WAL_WRITE_LOCK)
_WAL_WRITE_LOCK = 120
#: below this much free space an I/O error of SQLite is the disk being full (SQLite reports ENOSPC on its
#: shared-memory file as a mere "disk I/O error")
_NEARLY_FULL = 1 << 20


class DatabaseProblem(MailbotError):
    """The database cannot be used right now; ``str()`` says why and what to do, in German."""


def translate(exc: BaseException, path: Path | None, waited: int) -> DatabaseProblem | None:
    """The German problem behind a driver error, or None when it is not one of these (then it is a bug)."""
    if isinstance(exc, sa.exc.IntegrityError | sqlite3.IntegrityError) or not isinstance(
            exc, sa.exc.OperationalError | sa.exc.DatabaseError | sqlite3.DatabaseError):
        return None
    driver = getattr(exc, "orig", exc)
    text = str(driver).lower()
    where = str(path) if path else "die Datenbank"
    if path is not None and ("i/o error" in text or "full" in text) and _free(path) < _NEARLY_FULL:
        text = "database or disk is full"
    if "locked" in text or "busy" in text:
        holders = lock_holders(path) if path else []
        who = "; ".join(holders) or "ein anderer Prozess (nicht zu ermitteln)"
        return DatabaseProblem(
            f"Die Datenbank {where} ist gesperrt: nach {waited} s Warten schreibt noch immer {who}. Bitte kurz "
            "warten und den Befehl wiederholen; hängt dieser Prozess, ihn beenden (kill PID). Ein laufender "
            "Dienst gibt die Sperre nach seinem Durchgang frei. Wie lange gewartet wird: settings.toml [storage] "
            f"lock_timeout_seconds.\n({driver})")
    if "full" in text or "no space" in text:
        return DatabaseProblem(
            f"Der Datenträger von {where} ist voll: die Datenbank kann nichts mehr schreiben. Nichts ist verloren "
            "(die letzte Änderung wurde zurückgerollt). Bitte Platz schaffen (z. B. alte Sicherungen verschieben, "
            f"„kgrz-mailbot purge“) und den Befehl wiederholen.\n({driver})")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DatabaseProblem(
            f"Die Datenbank {where} ist beschädigt. Bitte den Dienst anhalten und die letzte Sicherung "
            "wiederherstellen (README, „Backup and restore“); die beschädigte Datei vorher zur Analyse beiseitelegen."
            f"\n({driver})")
    if "readonly" in text or "read-only" in text:
        return DatabaseProblem(
            f"In die Datenbank {where} darf dieser Prozess nicht schreiben (nur lesbar). Bitte als das Dienstkonto "
            f"ausführen oder die Rechte der Datei und ihres Ordners prüfen.\n({driver})")
    if "disk i/o error" in text or "unable to open" in text:
        return DatabaseProblem(
            f"Die Datenbank {where} kann nicht gelesen oder geschrieben werden (Datenträgerfehler oder fehlende "
            f"Rechte am Ordner). Bitte Datenträger und Rechte prüfen.\n({driver})")
    return None


def _free(path: Path) -> int:
    try:
        stat = os.statvfs(path.parent)
    except OSError:
        return _NEARLY_FULL
    return stat.f_bavail * stat.f_frsize


def lock_holders(path: Path) -> list[str]:
    """Processes holding SQLite's write lock on ``path`` (``PID (Befehlszeile)``), from ``/proc/locks``.

    In WAL mode the writer locks one byte of the ``-shm`` file; in rollback mode the database file itself.
    Other processes holding any lock on either follow when no writer is found (a reader blocking a checkpoint).
    """
    inodes = {}
    for name, role in ((path.name + "-shm", "shm"), (path.name, "db")):
        try:
            st = os.stat(path.with_name(name))
        except OSError:
            continue
        inodes[f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"] = role
    writers, others = [], []
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        parts = line.split()
        if len(parts) < 8 or parts[1] != "POSIX" or parts[5] not in inodes:
            continue
        pid = int(parts[4])
        if pid == os.getpid():
            continue
        writing = parts[3] == "WRITE" and (inodes[parts[5]] == "db" or parts[6] == str(_WAL_WRITE_LOCK))
        (writers if writing else others).append(pid)
    pids = list(dict.fromkeys(writers or others))
    return [f"Prozess {pid} ({_command(pid)})" for pid in pids]


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "Befehl unbekannt"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:200] or "Befehl unbekannt"
