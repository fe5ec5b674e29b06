"""A poll handles each mail in a savepoint: a mail whose handling fails leaves nothing behind, although its
statements run on the driver's cursor past SQLAlchemy (``storage/db.reader_of``), and the mails before and after
it are kept. On SQLite here, on PostgreSQL in ``tests/postgres/test_postgres.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session as DbSession

from kgrz_mailbot.storage import mailrows
from kgrz_mailbot.storage.db import reader_of
from kgrz_mailbot.storage.store import Store
from tests.support import at


class HandlingFailed(RuntimeError):
    pass


def arrived(db: DbSession, key: str) -> int:
    stored = mailrows.store_inbound(db, source_key=f"maildir:{key}", raw=b"From: a@b.example\r\n\r\nStand: x\r\n",
                                    sha256=key, message_id=f"<{key}@b.example>", received_at=at("2018-09-03T10:00"))
    assert stored is not None
    return stored


def a_mail_that_fails_midway_is_rolled_back_alone(url: str) -> None:
    store = Store(url)
    try:
        with store.write() as db:
            arrived(db, "vorher")
            with pytest.raises(HandlingFailed), db.begin_nested():
                broken = arrived(db, "kaputt")
                mailrows.update_inbound(db, broken, {"state": "processed", "outcome": "accepted"})
                raise HandlingFailed("Fehler mitten in der Verarbeitung")
            arrived(db, "nachher")
        with store.read() as db:
            rows = reader_of(db).rows("SELECT source_key, state FROM inbound_mail ORDER BY id")
        assert [tuple(row) for row in rows] == [("maildir:vorher", "stored"), ("maildir:nachher", "stored")]
    finally:
        store.close()


def test_a_mail_that_fails_midway_is_rolled_back_alone_on_sqlite(tmp_path: Path) -> None:
    a_mail_that_fails_midway_is_rolled_back_alone(f"sqlite:///{tmp_path / 'kgrz-mailbot.sqlite3'}")
