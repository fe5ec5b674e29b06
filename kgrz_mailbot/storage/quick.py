"""Open the read model of ``plan`` and ``status`` without importing SQLAlchemy, when the SQLite file allows it.

The stdlib driver is used only when its answers are the Store's: the file is a SQLite database at the newest
migration, and the sessions mirrored in it are exactly the configured ones (otherwise the Store migrates or
mirrors first, which may move a session's history to its new date). A database that does not exist is never
read as empty: the Store creates the very first one of an installation, or refuses a lost one
(``storage/installation.py``), so ``status`` cannot report "nothing sent" over a deleted database.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.storage.markers import places_of, read_marker
from kgrz_mailbot.storage.readmodel import ReadModel

VERSIONS = Path(__file__).with_name("migrations") / "versions"
_ASSIGNMENT = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*['\"]?(\w+)", re.MULTILINE)


def head_revision(folder: Path = VERSIONS) -> str | None:
    """The newest Alembic revision, read from the migration files' ``revision``/``down_revision`` lines (importing
    Alembic to ask it costs more than ``plan`` may take); None unless the chain has exactly one head."""
    revisions, parents = set(), set()
    for path in folder.glob("*.py"):
        for name, value in _ASSIGNMENT.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else parents).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///") or url in ("sqlite:///", "sqlite:///:memory:") or "?" in url:
        return None
    return Path(url.removeprefix("sqlite:///"))


def open_quick(config: Config, *, write: bool = False) -> tuple[ReadModel, sqlite3.Connection] | None:
    """The read model on the stdlib driver and its connection, or None when the Store must be opened.

    ``write``: the connection runs ``quick_transaction`` with the Store's SQLite settings (RELIABILITY.md §4).
    """
    path = sqlite_path(config.storage_url)
    if path is None:
        return None
    if not path.exists():
        return None
    timeout = config.storage_lock_timeout
    try:
        # mode=rw: never creates a file (a lost database is the Store's to refuse)
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=timeout)
        if write:  # as storage/db.py: our own BEGIN IMMEDIATE, durable commits, checked foreign keys
            connection.isolation_level = None
            for pragma in (f"busy_timeout={timeout * 1000}", "synchronous=FULL", "foreign_keys=ON"):
                connection.execute(f"PRAGMA {pragma}")
    except sqlite3.Error:
        return None
    try:
        current = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        if [row[0] for row in current] != [head_revision()]:
            raise LookupError("schema not current")
        model = ReadModel(lambda sql, params: _rows(connection, path, timeout, sql, params), sqlite=True)
        if set(model.sessions()) != {(s.committee, s.date) for s in config.sessions}:
            raise LookupError("sessions not mirrored")
        token = connection.execute("SELECT token FROM installation ORDER BY id LIMIT 1").fetchone()
        if token is None or any(read_marker(m) != token[0] for m in places_of(config).markers()):
            raise LookupError("not bound to this installation")  # the Store binds it, or refuses it
    except (sqlite3.Error, LookupError):
        connection.close()
        return None
    return model, connection


@contextmanager
def quick_transaction(connection: sqlite3.Connection, path: Path, timeout: int) -> Iterator[None]:
    """One write transaction as the Store's: ``BEGIN IMMEDIATE`` (one writer, waiting ``timeout`` seconds for
    another), committed on success."""
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        _raise_german(exc, path, timeout)
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    try:
        connection.commit()
    except sqlite3.DatabaseError as exc:
        _raise_german(exc, path, timeout)


def _rows(connection: sqlite3.Connection, path: Path, timeout: int, sql: str,
          params: dict[str, Any]) -> Sequence[Sequence[Any]]:  # fmt: skip
    """A query; a damaged page or a lock met only now becomes the same German message the Store gives."""
    try:
        return connection.execute(sql, params).fetchall()
    except sqlite3.DatabaseError as exc:
        _raise_german(exc, path, timeout)


def _raise_german(exc: sqlite3.DatabaseError, path: Path, timeout: int) -> NoReturn:
    from kgrz_mailbot.storage.dberrors import translate  # noqa: PLC0415 - SQLAlchemy only on this error path

    problem = translate(exc, path, timeout)
    if problem is None:
        raise exc
    raise problem from exc
