"""The Store: engine, short transactions, and mirroring the configuration into the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import select

from kgrz_mailbot.domain.model import Committee, Project, Session
from kgrz_mailbot.settings import Config
from kgrz_mailbot.storage.db import create_db_engine, upgrade_schema
from kgrz_mailbot.storage.tables import CommitteeRow, PersonRow, ProjectRow, SessionRow


class Store:
    """Owns the engine. Every unit of work is one short transaction; no network IO inside one."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        upgrade_schema(self.engine)

    @contextmanager
    def write(self) -> Iterator[DbSession]:
        """A write transaction, committed on success (``BEGIN IMMEDIATE`` on SQLite)."""
        with DbSession(self.engine, expire_on_commit=False) as db:
            with db.begin():
                yield db

    read = write  # SQLite reads are cheap under WAL; one kind of transaction keeps the rules simple

    def close(self) -> None:
        self.engine.dispose()

    def sync_config(self, config: Config) -> None:
        """Mirror committees, sessions, projects and people of the config (config is the truth)."""
        with self.write() as db:
            committees = {c.key: _upsert_committee(db, c) for c in config.committees}
            wanted = {(committees[s.committee], s.date) for s in config.sessions}
            for row in db.exec(select(SessionRow)).all():
                row.configured = (row.committee_id, row.date) in wanted
                wanted.discard((row.committee_id, row.date))
            for committee_id, day in sorted(wanted):
                db.add(SessionRow(committee_id=committee_id, date=day))
            for position, project in enumerate(config.projects):
                _upsert_project(db, project, position)


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


def session_of(db: DbSession, sid: int) -> tuple[str, date]:
    """(committee key, date) of a session id."""
    row = db.exec(
        select(CommitteeRow.key, SessionRow.date)
        .join(SessionRow, SessionRow.committee_id == CommitteeRow.id)
        .where(SessionRow.id == sid)
    ).one()
    return row[0], row[1]
