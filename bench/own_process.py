"""Run one command as its own process and read the kernel's accounting of exactly that child.

Shared by the benchmarks that time whole commands (``compile.py``, ``poll.py``): wall time from start to exit,
CPU time (user + system) and peak RSS of the child alone (``os.wait4``), so the preparing parent's memory and
imports never count.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path


def measured(argv: list[str], code: Path) -> dict:  # type: ignore[type-arg]
    """``argv`` run in the checkout ``code`` (its package first on the path); its stdout comes back as ``out``."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, cwd=code, stdout=out, stderr=err, env={**os.environ, "PYTHONPATH": str(code)})
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if returncode:
        raise RuntimeError(f"{argv}: exit {returncode}\n{stderr}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "out": stdout}
