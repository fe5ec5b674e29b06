"""A pre-imported parent that forks one driver per request and SIGKILLs it after a given delay.

Importing the app costs seconds; forking an already imported interpreter costs milliseconds, so the harness
can afford hundreds of kills. The killed child is a real process dying mid-write: nothing in it runs after
SIGKILL, no ``finally``, no atexit. Protocol on stdin/stdout, one line each:
``run WORLD DELAY`` → the child's own ``ready``/``step N`` lines, then ``done killed`` or ``done exit RC``.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import traceback
from pathlib import Path

import kgrz_mailbot.transports.ews.transport  # noqa: F401 - imported once here, not in every forked driver
from tests.crash import driver
from tests.crash.ewsworld import world_at


def _child(world: Path) -> None:
    try:
        driver.run(world_at(world))
    except BaseException:  # noqa: BLE001 - the harness counts a child that dies of an exception as a violation
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


def serve() -> None:
    for line in sys.stdin:
        _, world, delay = line.split()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _child(Path(world))
        pidfd = os.pidfd_open(pid)
        # Wait for the child's end, but no longer than the delay: a bounded wait, not a sleep.
        finished, _, _ = select.select([pidfd], [], [], float(delay))
        killed = not finished
        if killed:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(pidfd)
        if killed and os.WIFSIGNALED(status):
            print("done killed", flush=True)
        else:
            print(f"done exit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    serve()
