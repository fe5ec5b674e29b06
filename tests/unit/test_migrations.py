"""The Alembic migrations build exactly the schema the models describe, and upgrading twice is a no-op."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import kgrz_mailbot.storage.tables  # noqa: F401 - registers the tables
from kgrz_mailbot.storage.db import create_db_engine, upgrade_schema


def test_migrations_match_the_models_and_are_idempotent(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/schema.sqlite3")
    upgrade_schema(engine)
    upgrade_schema(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
