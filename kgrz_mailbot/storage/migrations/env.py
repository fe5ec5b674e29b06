"""Alembic environment: runs on the connection handed over by ``db.upgrade_schema``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import kgrz_mailbot.storage.tables  # noqa: F401 - registers the tables on SQLModel.metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run only through kgrz_mailbot.storage.db.upgrade_schema")
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
