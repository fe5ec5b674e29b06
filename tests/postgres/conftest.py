"""A real PostgreSQL server for the storage tests: started from Debian's binaries in a temporary directory.

``KGRZ_TEST_POSTGRES_URL`` points the tests at an existing server instead. Without one, and without the
binaries, the tests are skipped on a developer machine but fail under CI (``.ci/run`` installs the packages).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    """The server refuses to run as root; CI and the dev machines are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL prefix of a running server (without database name)."""
    if url := os.environ.get("KGRZ_TEST_POSTGRES_URL"):
        yield url.rsplit("/", 1)[0]
        return
    binaries = _binaries()
    if binaries is None:
        message = "PostgreSQL server binaries not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Not pytest's tmp_path: its parents are private to root, and the server runs as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="kgrz-postgres-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "kgrz",
                                 "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    port = _free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses='' -c fsync=off -c max_connections=50"
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                                 str(root / "server.log"), "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://kgrz@/?host={sockets}&port={port}&dbname="
    finally:
        subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database for one test."""
    name = f"kgrz_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    yield postgres_server + name
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def pg_config_dir(config_dir: Path, postgres_url: str) -> Path:
    """The example config with ``[storage] url`` on the PostgreSQL test database."""
    settings = config_dir / "settings.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('url = "sqlite:///var/kgrz-mailbot.sqlite3"', f'url = "{postgres_url}"'))
    return config_dir
