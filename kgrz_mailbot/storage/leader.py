"""One process at a time ticks, or runs a command that sends or polls: ``run``'s tick and the one-shot commands
take turns on one database (PostgreSQL: a session-level advisory lock, across hosts; SQLite: ``flock`` on a file
beside the database, SQLite being one host anyway). The lock dies with its process, so a crash never blocks."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

TICK_LOCK = 0x4B47525A  # "KGRZ": the advisory lock key of the tick
POLL_SECONDS = 0.2  # how often a waiting process tries again


class Leadership:
    """Re-entrant within one process: a command that holds it may call ``tick``, which asks again."""

    def __init__(self, engine: sa.Engine | None, lock_file: Path | None) -> None:
        self.engine = engine
        self.lock_file = lock_file
        self.depth = 0

    @contextmanager
    def hold(self, wait: float = 0.0) -> Iterator[bool]:
        """True when this process leads (for the body); False when another kept it for ``wait`` seconds."""
        if self.depth:
            self.depth += 1
            try:
                yield True
            finally:
                self.depth -= 1
            return
        with self._acquire(wait) as got:
            self.depth = 1 if got else 0
            try:
                yield got
            finally:
                self.depth = 0

    def _acquire(self, wait: float):  # type: ignore[no-untyped-def]
        return self._advisory(wait) if self.lock_file is None else self._flock(wait)

    @contextmanager
    def _flock(self, wait: float) -> Iterator[bool]:
        assert self.lock_file is not None
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            got = _until(wait, lambda: _try_flock(fd))
            yield got
        finally:
            os.close(fd)  # closing releases the lock

    @contextmanager
    def _advisory(self, wait: float) -> Iterator[bool]:
        import sqlalchemy as sa  # noqa: PLC0415 - SQLite's flock needs none of it (``compile`` stays quick)

        assert self.engine is not None
        with self.engine.connect() as connection:
            query = sa.text("SELECT pg_try_advisory_lock(:key)")
            got = _until(wait, lambda: bool(connection.execute(query, {"key": TICK_LOCK}).scalar()))
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": TICK_LOCK})
                connection.commit()


_FILES: dict[Path, Leadership] = {}


def file_leadership(lock_file: Path) -> Leadership:
    """The one leadership of this process over a SQLite database's lock file: the Store and ``compile``'s quick
    path share it, so holding it in one and asking in the other is the re-entrant yes, not a wait for oneself."""
    return _FILES.setdefault(lock_file.resolve(), Leadership(None, lock_file))


def lock_file_of(database: Path) -> Path:
    return database.with_name(database.name + ".tick.lock")


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _until(wait: float, attempt) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + wait
    while not attempt():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True
