"""Replies with a big attachment (a scanned report as PDF), the way Outlook sends them, and a ``poll`` in a
child process whose peak RSS is its own (``os.wait4``). Used by tests/memory and bench/poll_memory.py."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from tests.support import REPO, at

POLL = r"""
import json, sys
from pathlib import Path
from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.inbox.poll import process_inbox
from tests.support import at
app = build_app(load_config(Path(sys.argv[1])), clock=FixedClock(at("2018-09-03T12:00")))
result = process_inbox(app)
print(json.dumps({"fetched": result.fetched, "outcomes": result.outcomes}))
app.close()
"""


def installation(root: Path, batch_mb: int | None = None) -> Path:
    """The example config; ``[mail] poll_batch_mb`` when given; the rate limit lifted (one sender floods)."""
    config = root / "config"
    shutil.copytree(REPO / "config", config, ignore=shutil.ignore_patterns("var"))
    settings = config / "settings.toml"
    extra = "answers_per_hour = 1000000\n" + (f"poll_batch_mb = {batch_mb}\n" if batch_mb else "")
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'address = "projektstatus@koblenz.example"\n', 'address = "projektstatus@koblenz.example"\n' + extra, 1),
        encoding="utf-8")
    return config


def reply_with_attachment(n: int, size: int, rng: random.Random) -> bytes:
    """Sabine Krämer answers with the scanned project report attached (incompressible bytes, like a scan)."""
    msg = EmailMessage()
    msg["From"] = "Sabine Krämer <sabine.kraemer@koblenz.example>"
    msg["To"] = "KGRZ Projektstatus <projektstatus@koblenz.example>"
    msg["Subject"] = "AW: Statusabfrage eCollaboration – Werkausschuss 19.09.2018"
    msg["Date"] = format_datetime(at("2018-09-03T09:00"))
    msg["Message-ID"] = make_msgid(f"bericht{n}", "koblenz.example")
    msg.set_content("Ampel: grün\nFortschritt: 60 %\nStand:\nDer Bericht liegt als PDF bei.\n\n"
                    "Mit freundlichen Grüßen\nSabine Krämer\n")
    msg.add_attachment(rng.randbytes(size), maintype="application", subtype="pdf",
                       filename=f"Projektbericht-{n}.pdf")
    return msg.as_bytes()


def deliver(config: Path, count: int, size: int, seed: int = 1) -> int:
    """``count`` replies of about ``size`` bytes of attachment into inbox/new; the total bytes written."""
    inbox = config / "var" / "mail" / "inbox" / "new"
    inbox.mkdir(parents=True, exist_ok=True)
    rng, total = random.Random(seed), 0
    for n in range(count):
        raw = reply_with_attachment(n, size, rng)
        (inbox / f"{n:04d}.gross").write_bytes(raw)
        total += len(raw)
    return total


def poll_peak(config: Path) -> tuple[int, dict[str, object]]:
    """Peak RSS in bytes of one ``poll`` process (and of the parser children it waited for), and its result."""
    child = subprocess.Popen([sys.executable, "-c", POLL, str(config)], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    out, err = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise AssertionError(f"poll failed ({child.returncode}): {err.decode(errors='replace')[-2000:]}")
    return usage.ru_maxrss * 1024, json.loads(out)
