"""A send killed half-way leaves a partial file in ``sent/tmp``: it never counts as sent, and the next command
removes it (its writer is gone) and sends that mail once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support import REPO

SEND = ["send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00"]


def send_requests(config_dir: Path, crash_at: str | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "KGRZ_CRASH_AT"}
    if crash_at:
        env["KGRZ_CRASH_AT"] = crash_at
    return subprocess.run([sys.executable, "-m", "kgrz_mailbot", SEND[0], "--config", str(config_dir), *SEND[1:]],
                          cwd=REPO, env=env, capture_output=True, timeout=120).returncode


def test_a_partial_send_in_sent_tmp_is_cleaned_and_never_counted_as_sent(config_dir: Path) -> None:
    sent = config_dir / "var/mail/sent"
    # the six requests are written to tmp/ together; killed as the 2nd is about to be renamed into new/
    assert send_requests(config_dir, crash_at="mid-send:2") == -signal.SIGKILL
    leftovers = list((sent / "tmp").iterdir())
    assert len(leftovers) == 5 and len(list((sent / "new").iterdir())) == 1
    assert send_requests(config_dir) == 0
    assert list((sent / "tmp").iterdir()) == []
    names = [p.name for p in (sent / "new").iterdir()]
    assert len(names) == 6 and len(set(names)) == 6
    assert {p.name.split(".")[1] for p in leftovers} <= {n.split(".")[1] for n in names}  # those went out, once


def test_a_partial_file_of_a_running_writer_stays(config_dir: Path) -> None:
    assert send_requests(config_dir) == 0
    ours = config_dir / "var/mail/sent/tmp" / f"kgrz.{'0' * 32}.{os.getpid()}.{os.uname().nodename}"
    ours.write_bytes(b"From: halb")  # this test process is alive: its file is still being written
    assert send_requests(config_dir) == 0
    assert ours.exists()
