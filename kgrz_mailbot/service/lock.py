"""One ``run`` per database: an exclusive lock held for the life of the service."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from kgrz_mailbot.errors import MailbotError


class AlreadyRunning(MailbotError):
    pass


class ServiceLock:
    """``flock`` on ``<database>.run.lock`` beside a SQLite file (the lock dies with the process, so a
    crashed service never blocks its restart); other databases lock a file in the state folder."""

    def __init__(self, storage_url: str, state_dir: Path) -> None:
        if storage_url.startswith("sqlite:///") and storage_url != "sqlite:///:memory:":
            self.path = Path(storage_url.removeprefix("sqlite:///") + ".run.lock")
        else:
            self.path = state_dir / "kgrz-mailbot.run.lock"
        self._fd: int | None = None

    def __enter__(self) -> ServiceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unbekannt"
            os.close(fd)
            raise AlreadyRunning(
                f"kgrz-mailbot läuft bereits für diese Datenbank (Prozess {holder}, Sperrdatei {self.path}). "
                "Einen zweiten Dienst nicht starten; den laufenden mit „systemctl stop kgrz-mailbot“ beenden."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def running_service(storage_url: str, state_dir: Path) -> int | None:
    """The pid of a ``run`` on this database, read without touching its lock (a probe could make a starting
    service believe another one runs): the pid in the lock file, if it is alive and is kgrz-mailbot."""
    try:
        text = ServiceLock(storage_url, state_dir).path.read_text(errors="replace").strip()
        command = Path(f"/proc/{int(text)}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return int(text) if b"kgrz" in command and b"run" in command else None

