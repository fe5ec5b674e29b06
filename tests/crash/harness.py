"""Kill the scenario with SIGKILL at random instants, restart it, and check the invariants after every kill.

Lanes run side by side, each with its own pre-imported zygote process and its own worlds; every world is a
fresh installation that runs the whole cycle, crash after crash, until a run completes without being killed.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.crash import invariants
from tests.crash.ewsworld import ADDRESS, EwsWorld
from tests.crash.scenario import REPO, World
from tests.ews.server import EwsTestServer

# CRASH_TRACE=FILE logs every line between harness and zygote, for debugging the harness itself.
TRACE = open(os.environ["CRASH_TRACE"], "a") if os.environ.get("CRASH_TRACE") else None  # noqa: SIM115


@dataclass
class Tally:
    kills: int = 0
    restarts: int = 0
    worlds: int = 0
    violations: list[str] = field(default_factory=list)
    mails_sent: int = 0
    replies_processed: int = 0
    killed_at: dict[str, int] = field(default_factory=dict)  # last line the child printed → kills there
    windows: dict[str, int] = field(default_factory=dict)  # crash windows left open by a kill → how often
    seconds: float = 0.0

    def summary(self) -> str:
        where = ", ".join(f"{k}: {v}" for k, v in sorted(self.killed_at.items()))
        windows = ", ".join(f"{k}: {v}" for k, v in sorted(self.windows.items()))
        return (f"kills={self.kills} restarts={self.restarts} worlds={self.worlds} "
                f"violations={len(self.violations)} mails_sent={self.mails_sent} "
                f"replies_processed={self.replies_processed} seconds={self.seconds:.1f}\n"
                f"killed during: {where}\nwindows hit: {windows}")


class Zygote:
    """One pre-imported interpreter that forks drivers on request."""

    def __init__(self, log: Path) -> None:
        self.stderr = open(log, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash.zygote"], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, text=True, bufsize=1,
        )

    def run(self, world: World, delay: float) -> tuple[bool, int, str]:
        """(killed, exit code, the last progress line the child printed before it ended)."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"run {world.root} {delay:.4f}\n")
        self.proc.stdin.flush()
        last = "start"
        for line in self.proc.stdout:
            if TRACE:
                TRACE.write(f"{time.monotonic():.3f} {world.root.name} {delay:.3f} {line!r}\n")
                TRACE.flush()
            line = line.strip()
            if "done " in line:  # a line of the killed child may still lack its end; the verdict comes last
                line = line[line.index("done "):]
                killed = line == "done killed"
                return killed, 0 if killed else int(line.split()[-1]), last
            last = line
        raise RuntimeError("zygote ended unexpectedly")

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.stderr.close()


class Worlds:
    """New worlds on the embedded Maildir, or each on an EWS test server of its own that this process runs."""

    def __init__(self, transport: str) -> None:
        self.transport = transport
        self.servers: dict[Path, EwsTestServer] = {}
        self.lock = threading.Lock()

    def new(self, root: Path) -> World:
        if self.transport == "maildir":
            return World(root).create()
        server = EwsTestServer(address=ADDRESS).start()
        with self.lock:
            self.servers[root] = server
        return EwsWorld(root).create_on(server.url)

    def done(self, world: World) -> None:
        with self.lock:
            server = self.servers.pop(world.root, None)
        if server is not None:
            server.stop()


def reference(workdir: Path, worlds: Worlds) -> tuple[invariants.Outcome, float]:
    """The cycle run once without a kill: what every crashed world must end up with, and how long it takes."""
    world = worlds.new(workdir / "reference")
    zygote = Zygote(workdir / "reference.stderr")
    try:
        zygote.run(world, 0.0)  # warms the zygote: the first fork pays for lazy imports
        worlds.done(world)
        world = worlds.new(workdir / "reference2")
        started = time.monotonic()
        killed, code, _ = zygote.run(world, 600.0)
        duration = time.monotonic() - started
    finally:
        zygote.close()
    problems = invariants.final(world)
    outcome = invariants.outcome(world)
    worlds.done(world)
    if killed or code != 0 or problems:
        raise AssertionError(f"the undisturbed run fails: exit {code}; {problems}; see {workdir}/reference.stderr")
    return outcome, duration


def campaign(kills: int, seed: int, workdir: Path, lanes: int = 2, transport: str = "maildir") -> Tally:
    """Run worlds until ``kills`` kills happened; each world is finished with an unkilled run and checked."""
    started = time.monotonic()
    worlds = Worlds(transport)
    want, window = reference(workdir, worlds)
    tally, lock = Tally(), threading.Lock()

    def lane(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        zygote = Zygote(workdir / f"lane{number}.stderr")
        try:
            while True:
                with lock:
                    if tally.kills >= kills:
                        return
                    tally.worlds += 1
                    name = f"w{tally.worlds:04d}"
                world = worlds.new(workdir / name)
                try:
                    _world_until_done(world, zygote, rng, window, want, tally, lock)
                finally:
                    worlds.done(world)
        except Exception as exc:  # a broken harness must fail the run, not hang or pass it
            with lock:
                tally.violations.append(f"Spur {number}: {type(exc).__name__}: {exc}")
                tally.kills = max(tally.kills, kills)  # stops the other lanes
        finally:
            zygote.close()

    threads = [threading.Thread(target=lane, args=(n,)) for n in range(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.monotonic() - started
    return tally


def _world_until_done(world: World, zygote: Zygote, rng: random.Random, window: float,
                      want: invariants.Outcome, tally: Tally, lock: threading.Lock) -> None:
    runs = 0
    while True:
        runs += 1
        # Uniform over one undisturbed run: kills land in start-up, in writes, between send and mark …
        # From the 8th run on the delay grows, so every world finishes in bounded time.
        delay = rng.uniform(0.0, window * (1.0 if runs < 8 else runs / 4))
        killed, code, last = zygote.run(world, delay)
        if killed:
            problems = [f"{world.root.name} nach Abbruch {runs}: {p}" for p in invariants.always(world)]
            open_windows = invariants.windows(world)
            with lock:
                for window_name in open_windows:
                    tally.windows[window_name] = tally.windows.get(window_name, 0) + 1
                tally.kills += 1
                tally.restarts += 1
                tally.killed_at[last] = tally.killed_at.get(last, 0) + 1
                tally.violations += problems
            continue
        problems = invariants.final(world) if code == 0 else [f"Treiber endete mit {code} (siehe lane*.stderr)"]
        problems += invariants.differences(invariants.outcome(world), want) if code == 0 else []
        with lock:
            tally.violations += [f"{world.root.name} am Ende: {p}" for p in problems]
            tally.mails_sent += len(world.sent_mails())
            tally.replies_processed += sum(1 for v in invariants.outcome(world).inbound.values() if v[0] != "stored")
        return
