"""Benchmark of command start-up (not a test): wall time of whole commands beside ``python -c pass``.

Usage: python bench/startup.py [ROUNDS]        (default 15)

Every command runs as its own process, as an admin types it, through the installed ``kgrz-mailbot`` script
(``python -m kgrz_mailbot`` where it is not installed), on a copy of the example config whose September
requests went out (so ``status`` has something to show). The rounds are interleaved (one run of each command,
then the next round), so a busy moment of the shared machine hits all commands alike; the table shows the
minimum and the median, and the ratio of the medians to ``python -c pass`` measured in the same rounds.
``import whole app`` is what every command cost before the handlers were imported lazily: all of the
application's modules, SQLAlchemy, Alembic, Jinja2 and exchangelib among them.

Targets (issue 15, item 6): ``--help`` within 3× of ``python -c pass``; ``plan`` and ``status`` of the example
config within 0.5 s.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("kgrz-mailbot")
CLI = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "kgrz_mailbot"]


def commands(config: Path) -> dict[str, list[str]]:
    c = ["--config", str(config)]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "kgrz-mailbot --help": [*CLI, "--help"],
        "kgrz-mailbot --version": [*CLI, "--version"],
        "plan": [*CLI, *c, "plan", "--now", "2018-09-05T09:00"],
        "plan --json": [*CLI, *c, "plan", "--json", "--now", "2018-09-05T09:00"],
        "status": [*CLI, *c, "status", "--session", "2018-09-19"],
        "status --json": [*CLI, *c, "status", "--session", "2018-09-19", "--json"],
        "check": [*CLI, *c, "check"],
        "import whole app": [sys.executable, "-c", "import kgrz_mailbot.jobs.tick, kgrz_mailbot.service.scheduler, "
                             "kgrz_mailbot.transports.ews.transport"],
    }


def prepare(root: Path) -> Path:
    config = root / "config"
    shutil.copytree(REPO / "config", config, ignore=shutil.ignore_patterns("var"))
    subprocess.run([*CLI, "--config", str(config), "tick", "--now", "2018-08-29T08:00"], check=True,
                   capture_output=True)
    return config


def measure(rounds: int) -> dict[str, list[float]]:
    root = Path(tempfile.mkdtemp(prefix="kgrz-bench-startup-"))
    try:
        todo = commands(prepare(root))
        times: dict[str, list[float]] = {name: [] for name in todo}
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
        for argv in todo.values():  # warm-up: byte code written, files in the page cache
            subprocess.run(argv, check=True, capture_output=True, env=env)
        for _ in range(rounds):
            for name, argv in todo.items():
                start = time.perf_counter()
                subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
                times[name].append(time.perf_counter() - start)
        return times
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    times = measure(rounds)
    base = statistics.median(times["python -c pass"])
    print(f"{rounds} rounds, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'command':<24} {'min s':>7} {'median s':>9} {'× pass':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<24} {min(values):>7.3f} {median:>9.3f} {median / base:>7.1f}")
    help_ratio = statistics.median(times["kgrz-mailbot --help"]) / base
    slowest = max(statistics.median(times[n]) for n in ("plan", "plan --json", "status", "status --json"))
    print(f"targets: --help {help_ratio:.1f}× python -c pass (goal < 3×); plan/status median at most "
          f"{slowest:.3f} s (goal < 0.5 s)")


if __name__ == "__main__":
    main()
