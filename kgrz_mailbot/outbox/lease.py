"""Who holds an outbox claim and until when: the owner (``host:pid:start``), its liveness, and the heartbeat
that keeps a lease fresh while a slow server is still taking the mails.

Leases are about processes, so they run on the real clock even when ``--now`` moves the timeline's clock.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from kgrz_mailbot.clock import SystemClock

log = logging.getLogger("kgrz_mailbot.outbox")
_WALL = SystemClock()
_HOST = socket.gethostname()
_ME: dict[int, str] = {}  # per pid: a forked child (crash harness, parser budget) is another owner
_IN_FLIGHT: set[int] = set()  # outbox ids this process is sending right now (any thread)
_IN_FLIGHT_LOCK = threading.Lock()


def wall() -> datetime:
    return _WALL.now()


def me() -> str:
    """This process as a claim owner: host, pid and the kernel's start time of the pid (no PID reuse)."""
    pid = os.getpid()
    if pid not in _ME:
        _ME[pid] = f"{_HOST}:{pid}:{_start_of(pid) or '?'}"
    return _ME[pid]


def alive(owner: str | None) -> bool | None:
    """True/False for an owner on this host (its pid runs with the same start time, or not); None when it is
    on another host or unknown, where only the lease can tell."""
    if not owner:
        return None
    host, _, rest = owner.partition(":")
    pid, _, start = rest.partition(":")
    if host != _HOST or not pid.isdigit():
        return None
    return _start_of(int(pid)) == start


def in_flight(outbound_id: int) -> bool:
    with _IN_FLIGHT_LOCK:
        return outbound_id in _IN_FLIGHT


@contextmanager
def held(ids: list[int], renew: Callable[[list[int], datetime], object], lease: timedelta) -> Iterator[None]:
    """While the body sends, renew the lease of ``ids`` every quarter lease in a thread, so no other process
    takes over mails a slow server is still accepting; the ids count as in flight for this process."""
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.update(ids)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(lease.total_seconds() / 4):
            try:
                renew(ids, wall() + lease)
            except Exception as exc:  # noqa: BLE001 - a missed beat only shortens the lease; the send goes on
                log.warning("outbox lease not renewed: %s", exc)

    thread = threading.Thread(target=beat, name="outbox-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.difference_update(ids)


def _start_of(pid: int) -> str | None:
    """Field 22 of ``/proc/PID/stat`` (start time in clock ticks since boot); None when the pid is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]
