"""The Store: engine, short transactions, and mirroring the configuration into the database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.domain.model import Committee, Project, Session
from kgrz_mailbot.storage.council import CANCELLED
from kgrz_mailbot.storage.db import create_db_engine, serialise, upgrade_schema
from kgrz_mailbot.storage.dberrors import translate
from kgrz_mailbot.storage.dbfile import sqlite_file
from kgrz_mailbot.storage.leader import Leadership
from kgrz_mailbot.storage.requests import note_move
from kgrz_mailbot.storage.tables import (
    CommitteeRow,
    PersonRow,
    ProjectRow,
    SessionActionRow,
    SessionRow,
    StatusRequestRow,
)

log = logging.getLogger("kgrz_mailbot.storage")


class Store:
    """Owns the engine. Every unit of work is one short transaction; no network IO inside one."""

    def __init__(self, url: str, lock_timeout: int = 30) -> None:
        self.url = url
        self.lock_timeout = lock_timeout
        self.engine = create_db_engine(url, lock_timeout)
        path = sqlite_file(url)
        self._leadership = Leadership(self.engine, path.with_name(path.name + ".tick.lock") if path else None)
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

    def sync_config(self, config: Config, now: datetime) -> None:
        """Mirror committees, sessions, projects and people of the config (config is the truth); a moved
        session is noted as its action ``moved-from-<old date>`` (``jobs/rescheduled.py`` tells the leads)."""
        with self.write() as db:
            serialise(db.connection())
            committees = {c.key: _upsert_committee(db, c) for c in config.committees}
            wanted = {(committees[s.committee], s.date) for s in config.sessions}
            rows = db.exec(select(SessionRow)).all()
            for row in rows:
                row.configured = (row.committee_id, row.date) in wanted
                wanted.discard((row.committee_id, row.date))
            for committee_id, day in sorted(wanted):
                moved = _moved_from(db, [r for r in rows if r.committee_id == committee_id and not r.configured], day)
                if moved is not None:
                    log.info("Sitzung verschoben: %s → %s", moved.date, day)
                    assert moved.id is not None
                    note_move(db, moved.id, moved.date, day, now)
                    moved.date, moved.configured = day, True
                else:
                    db.add(SessionRow(committee_id=committee_id, date=day))
            for position, project in enumerate(config.projects):
                _upsert_project(db, project, position)


MOVE_WINDOW = timedelta(days=90)


def _moved_from(db: DbSession, vanished: list[SessionRow], new_date: date) -> SessionRow | None:
    """The session a new date replaces: one that left the config in the middle of its cycle.

    An admin who moves a session edits its date in schedule.toml; to the database that looks like a removed
    and an added session. If the removed one had requests out and no draft yet, it is the same session
    moved, so requests already sent are not sent again (the nearest such session within 90 days wins).
    """
    candidates = []
    for row in vanished:
        in_cycle = db.exec(select(StatusRequestRow.id).where(StatusRequestRow.session_id == row.id)).first()
        # a drafted session's cycle is over; a cancelled one told its leads so (sessions sync): neither moved
        drafted = db.exec(select(SessionActionRow.id).where(
            SessionActionRow.session_id == row.id, col(SessionActionRow.action).in_(("draft", CANCELLED)))).first()
        if in_cycle is not None and drafted is None and abs(row.date - new_date) <= MOVE_WINDOW:
            candidates.append(row)
    return min(candidates, key=lambda r: abs(r.date - new_date), default=None)


def _upsert_committee(db: DbSession, committee: Committee) -> int:
    row = db.exec(select(CommitteeRow).where(CommitteeRow.key == committee.key)).first()
    if row is None:
        row = CommitteeRow(key=committee.key, name=committee.name)
        db.add(row)
    row.name = committee.name
    db.flush()
    assert row.id is not None
    return row.id


def _upsert_project(db: DbSession, project: Project, position: int) -> None:
    row = db.exec(select(ProjectRow).where(ProjectRow.key == project.key)).first()
    if row is None:
        row = ProjectRow(key=project.key, title=project.title)
        db.add(row)
    row.title, row.active, row.position = project.title, project.active, position
    db.flush()
    people = [("lead", project.lead), *(("deputy", d) for d in project.deputies)]
    db.execute(sa.delete(PersonRow).where(PersonRow.project_id == row.id))
    seen = set()
    for role, person in people:
        if person.address in seen:
            continue
        seen.add(person.address)
        db.add(PersonRow(project_id=row.id, role=role, name=person.name, address=person.address))


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
