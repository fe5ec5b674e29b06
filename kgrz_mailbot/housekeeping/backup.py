"""Consistent SQLite backup while the service writes: the online backup API, then an integrity check."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kgrz_mailbot.errors import MailbotError

PAGES_PER_STEP = 256  # copy in steps so a writer is blocked only briefly; a write restarts the copy of changed pages


class BackupError(MailbotError):
    """The backup could not be written or did not verify."""


def sqlite_path(storage_url: str) -> Path:
    """The database file of a ``sqlite:///…`` URL; a German error for anything else."""
    if storage_url.startswith(("postgresql", "postgres")):
        raise BackupError("Die Datenbank ist PostgreSQL: bitte pg_dump verwenden (z. B. "
                          "„pg_dump -Fc -f sicherung.dump DATENBANK“); der Befehl backup sichert nur SQLite.")
    if not storage_url.startswith("sqlite:///") or storage_url == "sqlite:///:memory:":
        raise BackupError(f"settings.toml [storage] url = „{storage_url}“: backup sichert nur eine "
                          "SQLite-Datei (sqlite:///PFAD).")
    return Path(storage_url.removeprefix("sqlite:///"))


def backup_database(storage_url: str, target: Path, overwrite: bool = False) -> Path:
    """Write a consistent copy of the database to ``target`` (a file, or a folder for a dated name).

    An existing file is replaced only with ``overwrite``: a backup command that silently replaces last
    week's good copy with today's (perhaps already damaged) data destroys exactly what it should keep.

    Copying the file alone is wrong while ``run`` writes: committed data may still sit in ``-wal``
    (RELIABILITY.md §4.4). The copy is written beside the target and renamed into place only after
    ``PRAGMA integrity_check`` says ``ok``, so a failed backup never replaces a good one.
    """
    source = sqlite_path(storage_url)
    if not source.exists():
        raise BackupError(f"Die Datenbank {source} gibt es nicht; settings.toml [storage] url prüfen.")
    if target.is_dir():
        target = target / f"{source.stem}.backup{source.suffix or '.sqlite3'}"
    if target.exists() and not overwrite:
        raise BackupError(f"{target} gibt es schon und wird nicht überschrieben. Bitte einen neuen Dateinamen "
                          "angeben (z. B. mit Datum: kgrz-$(date +%F).sqlite3) oder --overwrite, um sie zu ersetzen.")
    if target.resolve() == source.resolve():
        raise BackupError(f"{target} ist die Datenbank selbst; bitte einen anderen Pfad für die Sicherung angeben.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600))  # a copy of all personal data: private
    except OSError as exc:
        raise BackupError(f"Sicherung nach {target} nicht möglich: {exc.strerror or exc}. Pfad und Rechte prüfen "
                          "(der Befehl läuft als Dienstkonto).") from exc
    src = sqlite3.connect(source, timeout=30)  # only read; busy_timeout rides out a writer's commit
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
        dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file, no -wal beside it
        verdict = dst.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        dst.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"Sicherung nach {target} fehlgeschlagen: {exc}") from exc
    finally:
        src.close()
    dst.close()
    if verdict != [("ok",)]:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Die Sicherung besteht die Integritätsprüfung nicht: {verdict[:5]}")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return target
