"""Cross-process races against the EWS test server: one command's CreateItem is held by the server (Exchange
still working on it) while a second process runs; afterwards every Message-ID must be in Sent Items exactly
once. The hold ends when the second process has shown its hand, so no timing luck decides. Used by
tests/ews/test_races.py and bench/races.py."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .server import EwsTestServer

REPO = Path(__file__).resolve().parents[2]
ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}
SESSION = ("--session", "2018-09-19")
SECONDS = {  # the second process of a round, and how many mails the round must end with in Sent Items
    "poll": (("poll", "--now", "2018-08-29T08:05"), 6),
    "tick": (("tick", "--now", "2018-08-29T08:05"), 6),
    "compile --send": (("compile", *SESSION, "--send", "--now", "2018-09-11T08:00"), 7),
}
WAITS = "wartet, bis er fertig ist"  # what a command says when it waits for another one (cli/turns.py)
PATIENCE = 120.0  # seconds to wait for a process to show its hand; a bound, not a measurement

#: bypasses the command lock on purpose: only the outbox's claims and leases keep this one from sending twice
FLUSH_LOOP = """
import sys, time
from kgrz_mailbot.app import build_app
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.outbox import relay
app = build_app(load_config(__import__("pathlib").Path(sys.argv[1])))
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    relay.flush(app)
    print("flushed", flush=True)
    time.sleep(0.2)
app.close()
"""


def exchange_config(source: Path, target: Path, server: EwsTestServer, storage_url: str | None = None,
                    lease_seconds: int | None = None) -> Path:
    """A copy of the example config on the EWS test server (optionally another database, a short lease)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("var"))
    settings = target / "settings.toml"
    text = settings.read_text(encoding="utf-8").replace('transport = "maildir"', 'transport = "exchange"')
    if lease_seconds is not None:
        text = text.replace('[mail]\n', f'[mail]\nsend_lease_seconds = {lease_seconds}\n', 1)
    if storage_url is not None:
        text = text.replace('url = "sqlite:///var/kgrz-mailbot.sqlite3"', f'url = "{storage_url}"')
    text += (f'\n[mail.exchange]\nendpoint = "{server.url}"\nauth = "basic"\nversion = "2019"\n'
             'username_env = "KGRZ_EWS_USERNAME"\npassword_env = "KGRZ_EWS_PASSWORD"\nmax_wait_seconds = 2\n')
    settings.write_text(text.replace("projektstatus@koblenz.example", server.address), encoding="utf-8")
    return target


class Proc:
    """A child process whose output lines are collected as they come (a reader thread per stream)."""

    def __init__(self, command: list[str]) -> None:
        self.popen = subprocess.Popen(command, cwd=REPO, env={**os.environ, **ENV}, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.readers = [threading.Thread(target=self._read, args=(s,), daemon=True)
                        for s in (self.popen.stdout, self.popen.stderr)]
        for reader in self.readers:
            reader.start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.append(line)

    def said(self, needle: str) -> int:
        return sum(needle in line for line in list(self.lines))

    @property
    def ended(self) -> bool:
        return self.popen.poll() is not None

    def finish(self, timeout: float = 300) -> tuple[int, str]:
        code = self.popen.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=10)
        return code, "".join(self.lines)

    def kill(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.finish()


def command(config: Path, *args: str) -> Proc:
    return Proc([sys.executable, "-m", "kgrz_mailbot", args[0], "--config", str(config), *args[1:]])


def flush_loop(config: Path, seconds: float) -> Proc:
    return Proc([sys.executable, "-c", FLUSH_LOOP, str(config), str(seconds)])


def until(condition, what: str, timeout: float = PATIENCE) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"waited {timeout:.0f} s in vain for {what}")
        time.sleep(0.02)


def create_items(server: EwsTestServer) -> int:
    return sum(r.operation == "CreateItem" for r in server.requests)


def asked_sent_items(server: EwsTestServer, since: int) -> int:
    """How often Sent Items was searched (the outbox asking ``was_sent``) after request number ``since``."""
    return sum(r.operation == "FindItem" and r.folder == "sentitems" for r in server.requests[since:])


def held_send(server: EwsTestServer, config: Path) -> Proc:
    """``send-requests`` whose CreateItem has reached the server, which holds it unanswered."""
    before = create_items(server)
    server.hold("CreateItem")
    first = command(config, "send-requests", *SESSION, "--now", "2018-08-29T08:00")
    until(lambda: create_items(server) > before or first.ended, "the CreateItem of send-requests")
    return first


def sent_ids(server: EwsTestServer, since: int = 0) -> Counter[str]:
    """Message-IDs of everything that left the mailbox (CreateItem SendAndSaveCopy), with their count."""
    return Counter(str(m.message_id) for m in server.store.sent[since:])


def outbox_states(config: Path) -> Counter[str]:
    db = sqlite3.connect(config / "var" / "kgrz-mailbot.sqlite3", timeout=30)
    try:
        return Counter(state for (state,) in db.execute("SELECT state FROM outbound_mail"))
    finally:
        db.close()


@dataclass
class Tally:
    rounds: int = 0
    mails: int = 0
    duplicates: int = 0
    missing: int = 0
    waited: int = 0  # rounds in which the second command said it waits for the first
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"rounds={self.rounds} mails={self.mails} duplicates={self.duplicates} missing={self.missing} "
                f"waited={self.waited} failures={len(self.failures)} seconds={self.seconds:.1f}")


def race_round(server: EwsTestServer, config: Path, second: str, tally: Tally,
               rng: random.Random | None = None) -> None:
    """``send-requests`` held at its CreateItem; ``second`` runs beside it until it has asked Sent Items about
    all six requests (the old, unsafe recovery), said that it waits, or ended; only then Exchange finishes
    (after a random extra delay when ``rng`` is given)."""
    args, expected = SECONDS[second]
    already, requests = len(server.store.sent), len(server.requests)
    started = time.monotonic()
    first = held_send(server, config)
    other = command(config, *args)
    until(lambda: asked_sent_items(server, requests) >= 6 or other.said(WAITS) or other.ended, f"{second} to act")
    if rng is not None:
        time.sleep(rng.uniform(0, 1.5))
    server.release()
    results = [first.finish(), other.finish()]
    tally.seconds += time.monotonic() - started
    tally.rounds += 1
    tally.waited += bool(other.said(WAITS))
    ids = sent_ids(server, already)
    tally.mails += sum(ids.values())
    tally.duplicates += sum(n - 1 for n in ids.values())
    tally.missing += max(0, expected - len(ids))
    for code, out in results:
        if code != 0:
            tally.failures.append(f"{second}: exit {code}: {out.strip()[-400:]}")
