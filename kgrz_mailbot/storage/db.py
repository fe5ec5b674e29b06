"""Database engine with the SQLite settings of RELIABILITY.md §4 and Alembic upgrades on start."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, SQLModel

from kgrz_mailbot.storage.quick import head_revision
from kgrz_mailbot.storage.readmodel import ReadModel

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger("kgrz_mailbot.storage")


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
    # each dialect's own insert, imported at first use: the PostgreSQL dialect alone costs SQLite commands 40 ms
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert  # noqa: PLC0415
    else:
        from sqlalchemy.dialects.sqlite import insert  # noqa: PLC0415
    return insert(table).on_conflict_do_nothing().returning(table.id)  # type: ignore[attr-defined,no-any-return]


def reader_of(db: Session) -> ReadModel:
    """The plain-SQL statements (``storage/readmodel.py``, ``draftdata.py``, ``pollsql.py``) inside this
    transaction, run on the driver's own cursor: for the poll's few short statements per mail, SQLAlchemy's
    execution machinery cost more than SQLite itself (issue 15, item 6)."""
    # Asked every time: SQLAlchemy emits the SAVEPOINT of a nested transaction (``db.begin_nested()``, one per mail
    # in a poll) only when its connection is asked for; statements past it would not be rolled back with the mail.
    connection = db.connection()
    kept: tuple[sa.Connection, ReadModel] | None = db.info.get("reader")
    if kept is None or kept[0] is not connection:
        kept = db.info["reader"] = (connection, ReadModel(_driver_rows(connection),
                                                          sqlite=connection.dialect.name == "sqlite"))
    return kept[1]


_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")  # ``:name``, as sa.text reads it


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """``:name`` → ``%(name)s`` for psycopg (a literal ``%`` doubled); SQLite's driver reads ``:name`` itself."""
    return _BIND.sub(r"%(\1)s", sql.replace("%", "%%"))


def _driver_rows(connection: sa.Connection) -> Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]]:
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    error = dialect.loaded_dbapi.Error
    sqlite = dialect.name == "sqlite"

    def rows(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        statement = sql if sqlite else _pyformat(sql)
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description is not None else []
        except error as exc:  # as SQLAlchemy wraps it: the Store turns a locked or full database into German
            raise sa.exc.DBAPIError.instance(statement, params, exc, error, dialect=dialect) from exc
        finally:
            cursor.close()

    return rows


def upgrade_schema(engine: sa.Engine) -> None:
    """Bring the schema to the newest Alembic revision. A current schema is recognised by one query, without
    loading Alembic and its migration scripts (that alone took longer than most commands may, issue 15)."""
    head = head_revision()
    with engine.begin() as connection:
        serialise(connection)
        current = _current_revision(connection)
        if head is not None and current == head:
            return
        from alembic import command  # noqa: PLC0415
        from alembic.config import Config as AlembicConfig  # noqa: PLC0415

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    log.info("Datenbankschema aktualisiert: %s → %s", current or "leer", head or "neueste Fassung")


def _current_revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions[0] if len(versions) == 1 else None


SETUP_LOCK = 0x4B47525B


def serialise(connection: sa.Connection) -> None:
    """Two instances starting at once on PostgreSQL take turns (until commit) at migrating and at mirroring
    the config; SQLite's BEGIN IMMEDIATE already does the same."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})
