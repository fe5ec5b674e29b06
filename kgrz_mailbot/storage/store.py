"""The Store: engine, short transactions, and mirroring the configuration into the database."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import select

from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.storage.db import create_db_engine, serialise, upgrade_schema
from kgrz_mailbot.storage.dberrors import translate
from kgrz_mailbot.storage.dbfile import sqlite_file
from kgrz_mailbot.storage.leader import Leadership, file_leadership, lock_file_of
from kgrz_mailbot.storage.mirror import mirror_config
from kgrz_mailbot.storage.readmodel import ReadModel
from kgrz_mailbot.storage.tables import (
    CommitteeRow,
    ProjectRow,
    SessionRow,
)

log = logging.getLogger("kgrz_mailbot.storage")


class Store:
    """Owns the engine. Every unit of work is one short transaction; no network IO inside one."""

    def __init__(self, url: str, lock_timeout: int = 30) -> None:
        self.url = url
        self.lock_timeout = lock_timeout
        self.engine = create_db_engine(url, lock_timeout)
        path = sqlite_file(url)
        self._leadership = file_leadership(lock_file_of(path)) if path else Leadership(self.engine, None)
        with self.german_errors():
            upgrade_schema(self.engine)

    @contextmanager
    def german_errors(self) -> Iterator[None]:
        """A locked, full or corrupt database becomes a German DatabaseProblem; anything else stays a bug."""
        try:
            yield
        except sa.exc.DBAPIError as exc:
            problem = translate(exc, sqlite_file(self.url), self.lock_timeout)
            if problem is None:
                raise
            raise problem from exc

    @contextmanager
    def write(self) -> Iterator[DbSession]:
        """A write transaction, committed on success (``BEGIN IMMEDIATE`` on SQLite)."""
        with self.german_errors(), DbSession(self.engine, expire_on_commit=False) as db, db.begin():
            yield db

    @contextmanager
    def trial(self) -> Iterator[DbSession]:
        """A write transaction that is always rolled back: what a change would do, for ``--dry-run``."""
        with DbSession(self.engine, expire_on_commit=False) as db:
            transaction = db.begin()
            try:
                yield db
            finally:
                transaction.rollback()

    read = write  # SQLite reads are cheap under WAL; one kind of transaction keeps the rules simple

    def tick_lock(self, wait: float = 0.0) -> AbstractContextManager[bool]:
        """Leadership for one tick, or one command that sends or polls: of several processes on this database
        only one at a time (see ``storage/leader.py``); ``wait`` seconds to wait for it, else False."""
        return self._leadership.hold(wait)

    def close(self) -> None:
        self.engine.dispose()

    def read_model(self) -> ReadModel:
        """The queries of ``plan`` and ``status`` on this engine (PostgreSQL, or SQLite just migrated)."""

        def rows(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
            with self.engine.connect() as connection:
                return connection.execute(sa.text(sql), params).all()

        return ReadModel(rows, sqlite=self.engine.dialect.name == "sqlite")

    def sync_config(self, config: Config, now: datetime) -> None:
        """Mirror committees, sessions, projects and people of the config (``storage/mirror.py``); a moved
        session is noted as its action ``moved-from-<old date>`` (``jobs/rescheduled.py`` tells the leads)."""
        with self.write() as db:
            serialise(db.connection())
            mirror_config(db, config, now)


def session_id(db: DbSession, session: Session) -> int:
    """Database id of a configured session (``sync_config`` has created it)."""
    row = db.exec(
        select(SessionRow)
        .join(CommitteeRow, CommitteeRow.id == SessionRow.committee_id)
        .where(CommitteeRow.key == session.committee, SessionRow.date == session.date)
    ).one()
    assert row.id is not None
    return row.id


def project_id(db: DbSession, key: str) -> int:
    row = db.exec(select(ProjectRow).where(ProjectRow.key == key)).one()
    assert row.id is not None
    return row.id
