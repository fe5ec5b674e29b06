"""What the configured database is before anything touches it (missing, empty, ours, foreign) and creating a
new SQLite file atomically, so that no command ever leaves half a database behind."""

from __future__ import annotations

import enum
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from kgrz_mailbot.storage.db import create_db_engine, upgrade_schema
from kgrz_mailbot.storage.markers import sqlite_file

__all__ = ["Found", "Kind", "create_sqlite", "creation_lock", "inspect", "set_aside", "sqlite_file"]

#: tables every kgrz-mailbot database has since its first revision; a database without them is not ours
OUR_TABLES = frozenset({"alembic_version", "outbound_mail", "inbound_mail", "status_request", "session"})


class Kind(enum.Enum):
    MISSING = "missing"  # no file (SQLite)
    EMPTY = "empty"  # a file of 0 bytes or without tables; on PostgreSQL a database without tables
    OURS = "ours"
    FOREIGN = "foreign"  # tables, but not kgrz-mailbot's
    BROKEN = "broken"  # not readable as a database at all


@dataclass(frozen=True)
class Found:
    kind: Kind
    detail: str = ""  # foreign table names or the driver's error, for the German message


def inspect(url: str, lock_timeout: int = 30) -> Found:
    """Look without changing anything: a SQLite file is read with plain sqlite3 (our engine would switch a
    foreign file to WAL on connect)."""
    path = sqlite_file(url)
    if path is None:
        engine = sa.create_engine(url)
        try:
            return _judge(set(sa.inspect(engine).get_table_names()))
        finally:
            engine.dispose()
    if not path.exists():
        return Found(Kind.MISSING)
    if path.stat().st_size == 0:
        return Found(Kind.EMPTY, "0 Byte")
    try:
        connection = sqlite3.connect(path, timeout=lock_timeout)
        try:
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.OperationalError:
        raise  # locked, disk full, no rights: not the file's fault; the caller says it in German
    except sqlite3.DatabaseError as exc:
        return Found(Kind.BROKEN, str(exc))
    return _judge(names)


def _judge(names: set[str]) -> Found:
    if not names:
        return Found(Kind.EMPTY, "keine Tabellen")
    if OUR_TABLES <= names:
        return Found(Kind.OURS)
    return Found(Kind.FOREIGN, ", ".join(sorted(names)[:8]))


@contextmanager
def creation_lock(path: Path) -> Iterator[None]:
    """Two processes creating the same fresh installation take turns (tests start several at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".init.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def create_sqlite(path: Path, stamp: str) -> bool:
    """Build the schema in a private file and link it into place only when complete; False if another
    process was first. Call under ``creation_lock``.

    ``os.link`` fails when the target exists, so a database another process created in the meantime is never
    replaced. A ``-wal``/``-shm`` left from a deleted database would be replayed into the new file by SQLite
    (corrupting it), so they are moved aside under ``stamp``, not deleted.
    """
    if path.exists():
        return False
    for suffix in ("-wal", "-shm", "-journal"):
        stale = path.with_name(path.name + suffix)
        if stale.exists():
            os.replace(stale, path.with_name(f"{path.name}{suffix}.verwaist-{stamp}"))
    for leftover in path.parent.glob(f".{path.name}.init-*"):  # a creation killed half-way: never linked
        if not leftover.name.endswith(("-wal", "-shm", "-journal")):
            _remove_with_journals(leftover)
    tmp = path.with_name(f".{path.name}.init-{os.getpid()}")
    engine = create_db_engine(f"sqlite:///{tmp}")
    try:
        upgrade_schema(engine)
    finally:
        engine.dispose()
    plain = sqlite3.connect(tmp)  # outside any transaction: move everything from the WAL into the file
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        plain.close()
    for suffix in ("-wal", "-shm"):  # checkpointed and closed: the main file holds everything
        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
    os.chmod(tmp, 0o600)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return True


def set_aside(path: Path, stamp: str) -> Path:
    """An empty database file moves out of the way for ``init`` (renamed, never deleted)."""
    target = path.with_name(f"{path.name}.leer-{stamp}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, target.with_name(target.name + suffix))
    return target


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
