"""Database engine with the SQLite settings of RELIABILITY.md §4 and Alembic upgrades on start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

MIGRATIONS = Path(__file__).with_name("migrations")


def create_db_engine(url: str, lock_timeout: int = 30) -> sa.Engine:
    """An engine; on SQLite every transaction is ``BEGIN IMMEDIATE`` (one writer, no upgrade deadlock) and a
    writer waits ``lock_timeout`` seconds for another one before it gives up."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": lock_timeout})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Python 3.11's sqlite3 opens transactions itself; switch that off so BEGIN IMMEDIATE is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={lock_timeout * 1000}", "synchronous=FULL",
                       "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def insert_ignore(db: Session, table: type[SQLModel], values: dict[str, Any]) -> int | None:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id``: the unique constraints are the last guard when two
    instances race past a check-then-insert; the id of the new row, or None if it already existed."""
    connection = db.connection()
    statement = _insert_ignore_statement(connection.dialect.name, table)
    return connection.execute(statement, values).scalar_one_or_none()


@lru_cache(maxsize=32)
def _insert_ignore_statement(dialect: str, table: type[SQLModel]) -> sa.Insert:
    """Built once per table: constructing the statement per row cost more than running it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.id)  # type: ignore[attr-defined,no-any-return]


def upgrade_schema(engine: sa.Engine) -> None:
    """Bring the schema to the newest Alembic revision; a no-op when it is current."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        serialise(connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


SETUP_LOCK = 0x4B47525B


def serialise(connection: sa.Connection) -> None:
    """Two instances starting at once on PostgreSQL take turns (until commit) at migrating and at mirroring
    the config; SQLite's BEGIN IMMEDIATE already does the same."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})
