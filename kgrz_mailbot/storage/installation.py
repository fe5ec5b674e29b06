"""The database is never silently replaced: a missing, empty or foreign one is refused when the installation
already has state; ``init`` creates or adopts one on purpose; marker files tie the database to its installation.

A new empty database would send every request again with new tokens and forget every accepted answer, so the
only database created without being asked is the very first one of an installation that has nothing yet.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.errors import MailbotError
from kgrz_mailbot.storage import dbfile
from kgrz_mailbot.storage.db import insert_ignore
from kgrz_mailbot.storage.dberrors import translate
from kgrz_mailbot.storage.dbfile import Kind
from kgrz_mailbot.storage.markers import MARKER, Places, masked, places_of, read_marker
from kgrz_mailbot.storage.store import Store
from kgrz_mailbot.storage.tables import InstallationRow

log = logging.getLogger("kgrz_mailbot.storage")
NEXT = "So geht es weiter:"
RESTORE = (NEXT + "\n"
           "  - die Datenbank aus der letzten Sicherung wiederherstellen (README, „Backup and restore“): Dienst "
           "anhalten, Sicherung an diese Stelle kopieren, Dienst starten;\n"
           "  - oder [storage] url in settings.toml prüfen, falls der Pfad falsch ist;\n"
           "  - nur wer wirklich neu beginnen will: {aside}„kgrz-mailbot init --config VERZEICHNIS“ legt bewusst "
           "eine neue Datenbank an (dann gehen alle fälligen Statusabfragen erneut hinaus, frühere Antworten fehlen).")
ASIDE = "die Datei beiseitelegen (umbenennen), dann "


class DatabaseRefused(MailbotError):
    """The configured database is missing, empty, foreign or belongs to another installation.

    ``reason`` names the case in one word (``dbfile.Kind``'s value, or ``other-installation``): ``run`` tells
    the admins of it at most once a day per reason (``alerts/unrecorded.py``).
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    @property
    def what(self) -> str:
        """What is wrong, without the advice how to go on (the admins' alarm mail gives its own)."""
        return str(self).partition(f"\n{NEXT}")[0]


def evidence(places: Places) -> list[str]:
    """What this installation already holds besides the database, in German, for the refusal."""
    found = [f"Markierungsdatei {m}" for m in places.markers() if m.exists()]
    if places.maildir is not None:
        for folder in ("sent/new", "sent/cur", "inbox/cur", "failed/new", "failed/cur"):
            if count := _files(places.maildir / folder):
                found.append(f"{count} Mails in {places.maildir / folder}")
    if places.reports.is_dir():
        drafts = sum(_files(d) for d in places.reports.iterdir() if d.is_dir() and not d.name.startswith("."))
        if drafts:
            found.append(f"{drafts} Entwurfsdateien in {places.reports}")
    return found


def open_store(config: Config, now: datetime) -> Store:
    """The store of this installation; the very first database is created, any other gap is refused."""
    places = places_of(config)
    found = _inspect(places, config)
    if found.kind is Kind.MISSING or (found.kind is Kind.EMPTY and dbfile.sqlite_file(places.url) is None):
        if state := evidence(places):
            listed = "".join(f"\n  - {item}" for item in state)
            raise DatabaseRefused(f"Die Datenbank {places.where} fehlt, aber diese Installation hat bereits "
                                  f"Daten:{listed}\nEine neue, leere Datenbank wird deshalb nicht angelegt: sie "
                                  f"würde jede Statusabfrage erneut versenden und alle angenommenen Antworten "
                                  f"vergessen.\n{RESTORE.format(aside='')}", "missing")
        _create(places, now)
    elif found.kind is not Kind.OURS:
        raise DatabaseRefused(_refusal(places, found), found.kind.value)
    store = Store(places.url, lock_timeout=config.storage_lock_timeout)
    _bind(store, places, now, adopt=False)
    return store


@dataclass(frozen=True)
class InitResult:
    created: bool
    token: str
    lost: list[str]  # state found beside the new database: requests will go out again


def init_store(config: Config, now: datetime) -> InitResult:
    """``init``: a new database where none is (or an empty one), or adopt an existing one of ours."""
    places = places_of(config)
    found = _inspect(places, config)
    if found.kind in (Kind.FOREIGN, Kind.BROKEN):
        raise DatabaseRefused(_refusal(places, found).split("\n")[0] + "\n„init“ überschreibt keine fremden oder "
                              "beschädigten Dateien: bitte die Datei beiseitelegen (umbenennen) oder [storage] url "
                              "in settings.toml ändern.", found.kind.value)
    lost = evidence(places) if found.kind is not Kind.OURS else []
    if found.kind is Kind.EMPTY and (path := dbfile.sqlite_file(places.url)) is not None:
        dbfile.set_aside(path, _stamp(now))
    if found.kind is not Kind.OURS:
        _create(places, now)
    store = Store(places.url, lock_timeout=config.storage_lock_timeout)
    try:
        token = _bind(store, places, now, adopt=True)
    finally:
        store.close()
    return InitResult(created=found.kind is not Kind.OURS, token=token, lost=[e for e in lost if MARKER not in e
                                                                              and ".installation" not in e])


def _inspect(places: Places, config: Config) -> dbfile.Found:
    """What the database is; locked, full or unreadable becomes the German DatabaseProblem."""
    try:
        return dbfile.inspect(places.url, config.storage_lock_timeout)
    except (sqlite3.OperationalError, sa.exc.DBAPIError) as exc:
        problem = translate(exc, dbfile.sqlite_file(places.url), config.storage_lock_timeout)
        if problem is None:
            raise
        raise problem from exc


def _create(places: Places, now: datetime) -> None:
    path = dbfile.sqlite_file(places.url)
    if path is None:
        return  # PostgreSQL: Store() migrates the empty database in one transaction
    with dbfile.creation_lock(path):
        dbfile.create_sqlite(path, _stamp(now))


def _bind(store: Store, places: Places, now: datetime, adopt: bool) -> str:
    """The database's token, taken from the markers on first open after an upgrade; markers written where
    missing. A marker naming another token means another installation's database, unless ``adopt``."""
    markers = {m: read_marker(m) for m in places.markers()}
    known = {t for t in markers.values() if t}
    with store.write() as db:
        token = db.exec(select(InstallationRow.token).order_by(InstallationRow.id)).first()
        if token is None:
            candidate = min(known) if len(known) == 1 else secrets.token_hex(16)
            insert_ignore(db, InstallationRow, {"id": 1, "token": candidate, "created_at": now})
            token = db.exec(select(InstallationRow.token).where(InstallationRow.id == 1)).one()
    foreign = {m: t for m, t in markers.items() if t and t != token}
    if foreign and not adopt:
        store.close()
        marker, other = next(iter(foreign.items()))
        raise DatabaseRefused(
            f"Die Datenbank {places.where} gehört zu einer anderen Installation (Kennung {token}); diese "
            f"Installation hat laut {marker} die Kennung {other}. Bitte [storage] url prüfen oder die richtige "
            "Sicherung zurückspielen. Soll genau diese Datenbank übernommen werden: „kgrz-mailbot init“.",
            "other-installation")
    for marker, seen in markers.items():
        if seen != token:
            try:
                _write_marker(marker, token, places, now)
            except OSError as exc:  # a folder not writable now (a share not mounted) fails where it is used
                log.warning("Markierungsdatei %s nicht geschrieben: %s", marker, exc)
    return token


@dataclass(frozen=True)
class Identity:
    """What ``run`` remembers of its database at start: the file (device, inode) and the token inside."""

    file: tuple[int, int] | None
    token: str | None


def identity(store: Store) -> Identity:
    path = dbfile.sqlite_file(store.url)
    try:
        st = path.stat() if path else None
    except FileNotFoundError:
        st = None
    return Identity((st.st_dev, st.st_ino) if st else None, _token_now(store))


@dataclass(frozen=True)
class Loss:
    """Why the database under ``run`` is no longer its own: ``reason`` in one word, ``text`` in German."""

    reason: str  # "missing" (deleted: at the next start it is missing), "replaced" or "changed"
    text: str


def lost(store: Store, before: Identity) -> Loss | None:
    """Why the database under a running service is no longer the one it started with, or None.

    SQLite keeps writing into a deleted file that is still open, and a file copied over the path is a
    different inode: both are seen here, before the tick writes anything.
    """
    path = dbfile.sqlite_file(store.url)
    if path is not None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return Loss("missing", f"Die Datenbankdatei {path} wurde gelöscht, während der Dienst lief.")
        if (st.st_dev, st.st_ino) != before.file:
            return Loss("replaced", f"Die Datenbankdatei {path} wurde durch eine andere Datei ersetzt, während der "
                        "Dienst lief.")
    try:
        now = _token_now(store)
    except sa.exc.DBAPIError:  # locked or unreachable right now: that is no proof of a lost database
        return None
    if now != before.token:
        return Loss("changed", f"Die Datenbank {masked(store.url) if path is None else path} ist nicht mehr die, "
                    "mit der der Dienst gestartet ist (ihre Tabellen fehlen oder sie gehört zu einer anderen "
                    "Installation).")
    return None


def _token_now(store: Store) -> str | None:
    """The token; None when the table is gone (a dropped and recreated database). Other errors raise."""
    try:
        with store.engine.connect() as connection:
            token = connection.execute(sa.text("SELECT token FROM installation ORDER BY id LIMIT 1")).scalar()
            connection.rollback()
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
        text = str(exc.orig).lower()
        if "no such table" in text or "does not exist" in text:
            return None
        raise
    return str(token) if token is not None else None


def _refusal(places: Places, found: dbfile.Found) -> str:
    if found.kind is Kind.EMPTY:
        return (f"Die Datenbank {places.where} ist leer ({found.detail}): ihr Inhalt ist verloren.\n"
                + RESTORE.format(aside=""))
    if found.kind is Kind.BROKEN:
        return (f"Die Datei {places.where} ist keine lesbare Datenbank ({found.detail}); sie ist beschädigt oder "
                f"etwas anderes.\n{RESTORE.format(aside=ASIDE)}")
    return (f"Die Datenbank {places.where} enthält fremde Tabellen ({found.detail}) und ist keine Datenbank von "
            f"kgrz-mailbot.\n{RESTORE.format(aside=ASIDE)}")


def _files(folder: Path) -> int:
    try:
        return sum(1 for e in os.scandir(folder) if e.is_file() and not e.name.startswith("."))
    except FileNotFoundError:
        return 0


def _write_marker(path: Path, token: str, places: Places, now: datetime) -> None:
    """Atomic and private to the service account: it names the database, nothing secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"installation": token, "database": places.where, "since": now.isoformat(),
                       "hinweis": "Nicht löschen: verbindet diese Installation mit ihrer Datenbank."},
                      ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(tmp, path)


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")
