"""Run one command as its own process and read the kernel's accounting of exactly that child.

Shared by the benchmarks that time whole commands (``compile.py``, ``poll.py``): wall time from start to exit,
CPU time (user + system, including any helper process the command waits for) and peak RSS (``os.wait4``).

The commands are started by a small spawner process, itself a fresh ``python -c``: Linux hands a new process the
resident memory of the process it was forked from as its peak (the high-water mark survives fork and exec), so a
command started by the benchmark itself reported the benchmark's own memory (81 MB after preparing 10 000 mails)
as its peak. Started by the spawner, the floor is the spawner's ~12 MB (checked: a parent holding 300 MB, then
``python -c pass`` reports 312 MB started directly and 13 MB started by the spawner).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SPAWNER = r"""
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    job = json.loads(line)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(job["argv"], cwd=job["cwd"], stdout=out, stderr=err, env=job["env"])
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        result = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                  "returncode": os.waitstatus_to_exitcode(status), "out": out.read().decode(),
                  "err": err.read().decode()}
    print(json.dumps(result), flush=True)
"""

_spawners: list[subprocess.Popen[str]] = []


def _spawner() -> subprocess.Popen[str]:
    if not _spawners:  # at first use: a script importing this module for its helpers starts no spawner
        _spawners.append(subprocess.Popen([sys.executable, "-c", SPAWNER], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True))
    return _spawners[0]


def measured(argv: list[str], code: Path) -> dict:  # type: ignore[type-arg]
    """``argv`` run in the checkout ``code`` (its package first on the path); its stdout comes back as ``out``."""
    spawner = _spawner()
    assert spawner.stdin is not None and spawner.stdout is not None
    job = {"argv": argv, "cwd": str(code), "env": {**os.environ, "PYTHONPATH": str(code)}}
    spawner.stdin.write(json.dumps(job) + "\n")
    spawner.stdin.flush()
    result: dict = json.loads(spawner.stdout.readline())  # type: ignore[type-arg]
    if result["returncode"]:
        raise RuntimeError(f"{argv}: exit {result['returncode']}\n{result['err']}")
    return result
