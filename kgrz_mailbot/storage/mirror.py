"""Mirror the configuration into the database (config is the truth): committees, sessions, projects, people.

Set-based: each table is read once and only what changed is written, so a run over an unchanged configuration is
four SELECTs whatever its size (two queries per project made ``compile`` of 500 projects spend most of its time
here before any work, issue 15). A session that left schedule.toml in the middle of its cycle while a new date
appeared is the same session moved (``moved_from``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.domain.model import Committee, Project
from kgrz_mailbot.storage.council import CANCELLED
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
MOVE_WINDOW = timedelta(days=90)


def mirror_config(db: DbSession, config: Config, now: datetime) -> None:
    committees = _committees(db, config.committees)
    _sessions(db, {(committees[s.committee], s.date) for s in config.sessions}, now)
    _projects(db, config.projects)


def _committees(db: DbSession, committees: tuple[Committee, ...] | list[Committee]) -> dict[str, int]:
    rows = {r.key: r for r in db.exec(select(CommitteeRow)).all()}
    for committee in committees:
        row = rows.get(committee.key)
        if row is None:
            rows[committee.key] = row = CommitteeRow(key=committee.key, name=committee.name)
            db.add(row)
        elif row.name != committee.name:
            row.name = committee.name
    db.flush()
    return {key: row.id for key, row in rows.items() if row.id is not None}


def _sessions(db: DbSession, wanted: set[tuple[int, date]], now: datetime) -> None:
    rows = db.exec(select(SessionRow)).all()
    for row in rows:
        configured = (row.committee_id, row.date) in wanted
        if row.configured != configured:
            row.configured = configured
        wanted.discard((row.committee_id, row.date))
    for committee_id, day in sorted(wanted):
        moved = moved_from(db, [r for r in rows if r.committee_id == committee_id and not r.configured], day)
        if moved is not None:
            log.info("Sitzung verschoben: %s → %s", moved.date, day)
            assert moved.id is not None
            note_move(db, moved.id, moved.date, day, now)
            moved.date, moved.configured = day, True
        else:
            db.add(SessionRow(committee_id=committee_id, date=day))


def moved_from(db: DbSession, vanished: list[SessionRow], new_date: date) -> SessionRow | None:
    """The session a new date replaces: one that left the config in the middle of its cycle.

    An admin who moves a session edits its date in schedule.toml; to the database that looks like a removed
    and an added session. If the removed one had requests out and no draft yet, it is the same session
    moved, so requests already sent are not sent again (the nearest such session within 90 days wins).
    """
    candidates = []
    for row in vanished:
        if abs(row.date - new_date) > MOVE_WINDOW:
            continue
        in_cycle = db.exec(select(StatusRequestRow.id).where(StatusRequestRow.session_id == row.id)).first()
        # a drafted session's cycle is over; a cancelled one told its leads so (sessions sync): neither moved
        drafted = db.exec(select(SessionActionRow.id).where(
            SessionActionRow.session_id == row.id, col(SessionActionRow.action).in_(("draft", CANCELLED)))).first()
        if in_cycle is not None and drafted is None:
            candidates.append(row)
    return min(candidates, key=lambda r: abs(r.date - new_date), default=None)


def _projects(db: DbSession, projects: tuple[Project, ...] | list[Project]) -> None:
    """Projects by key (title, active, order) and their people as configured now (lead first, no duplicates)."""
    rows = {r.key: r for r in db.exec(select(ProjectRow)).all()}
    for position, project in enumerate(projects):
        row = rows.get(project.key)
        if row is None:
            rows[project.key] = row = ProjectRow(key=project.key, title=project.title)
            db.add(row)
        if (row.title, row.active, row.position) != (project.title, project.active, position):
            row.title, row.active, row.position = project.title, project.active, position
    db.flush()
    wanted: dict[tuple[int, str], tuple[str, str]] = {}  # (project id, address) → (role, name)
    for project in projects:
        pid = rows[project.key].id
        assert pid is not None
        for role, person in [("lead", project.lead), *(("deputy", d) for d in project.deputies)]:
            wanted.setdefault((pid, person.address), (role, person.name))
    configured = {rows[p.key].id for p in projects}
    stale = []
    for person in db.exec(select(PersonRow)).all():
        if person.project_id not in configured:
            continue
        want = wanted.pop((person.project_id, person.address), None)
        if want is None:
            stale.append(person.id)
        elif (person.role, person.name) != want:
            person.role, person.name = want
    if stale:
        db.execute(sa.delete(PersonRow).where(col(PersonRow.id).in_(stale)))
    if wanted:
        db.execute(sa.insert(PersonRow), [{"project_id": pid, "address": address, "role": role, "name": name}
                                          for (pid, address), (role, name) in wanted.items()])
