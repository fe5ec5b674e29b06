"""``backup PATH``: a consistent SQLite copy while another thread writes, and a restore the app accepts."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlmodel import select

from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.housekeeping.backup import BackupError, backup_database, sqlite_path
from kgrz_mailbot.storage.tables import InboundMailRow
from tests.retention.conftest import KRAEMER
from tests.support import at


def test_backup_while_a_writer_commits_is_consistent_and_restores(cycled, config_dir: Path, tmp_path: Path) -> None:
    url = cycled.config.storage_url
    database = sqlite_path(url)
    stop, written = threading.Event(), [0]

    def writer() -> None:
        db = sqlite3.connect(database, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS lastlauf (n INTEGER, nutzlast BLOB)")
        db.commit()
        while not stop.is_set():
            db.execute("INSERT INTO lastlauf VALUES (?, ?)", (written[0], b"x" * 4096))
            db.commit()
            written[0] += 1
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 50:  # the writer is in full swing before the backup starts
            stop.wait(0.01)
        copies = [backup_database(url, tmp_path / f"sicherung-{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    for copy in copies:
        db = sqlite3.connect(copy)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = db.execute("SELECT count(*), max(n) FROM lastlauf").fetchone()
        assert rows[0] == rows[1] + 1  # a prefix of the writer's commits, none half
        db.close()
    assert not Path(f"{copies[-1]}-wal").exists()
    with cycled.store.read() as db:
        expected = db.exec(select(InboundMailRow.from_address)).all()
    cycled.close()

    # Restore: the service is stopped, the copy replaces the database (and its WAL files go).
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(copies[-1], database)
    restored = build_app(load_config(config_dir), clock=FixedClock(at("2018-09-12T10:00")))
    with restored.store.read() as db:
        assert db.exec(select(InboundMailRow.from_address)).all() == expected
    assert KRAEMER in expected
    restored.close()


def test_backup_into_a_folder_names_the_file(app, tmp_path: Path) -> None:
    target = backup_database(app.config.storage_url, tmp_path)
    assert target.parent == tmp_path and target.name.endswith(".sqlite3") and target.stat().st_size > 0


def test_postgresql_is_told_to_use_pg_dump(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump verwenden"):
        backup_database("postgresql+psycopg://bot@db/kgrz", tmp_path / "x")


def test_a_missing_database_is_a_german_error(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="gibt es nicht"):
        backup_database(f"sqlite:///{tmp_path}/fehlt.sqlite3", tmp_path / "x")


def test_backup_never_overwrites_unless_told(app, config_dir: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from kgrz_mailbot.cli.main import main  # noqa: PLC0415

    target = tmp_path / "kgrz-2018-09-12.sqlite3"
    assert main(["backup", "--config", str(config_dir), str(target)]) == 0
    first = target.read_bytes()
    target.write_bytes(b"letzte gute Sicherung")
    assert main(["backup", "--config", str(config_dir), str(target)]) == 1
    err = capsys.readouterr().err
    assert f"{target} gibt es schon und wird nicht überschrieben" in err and "--overwrite" in err
    assert target.read_bytes() == b"letzte gute Sicherung"
    assert main(["backup", "--config", str(config_dir), str(target), "--overwrite"]) == 0
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert len(target.read_bytes()) == len(first)
    assert main(["backup", "--config", str(config_dir), str(tmp_path)]) == 0  # a folder: the dated name
    assert main(["backup", "--config", str(config_dir), str(tmp_path)]) == 1  # ... not twice
