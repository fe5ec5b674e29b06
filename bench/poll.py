"""Benchmark of ``poll`` (not a test): N generated replies in the Maildir inbox, messages/s and peak RSS.

Usage: python bench/poll.py [N ...]   (default: 1000 10000)

Each N runs in a fresh child process so its peak RSS is its own. The baseline is Python's ``email`` parser
alone on the same messages, measured in the same run; the ratio says how many parser-times a full poll
(store raw, classify, match, parse the form, store the answer, write and send the confirmation, move the
file) costs. Targets (issue 2): >= 200 messages/s, peak RSS < 200 MB at 10 000.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD = r"""
import json, sys, time
from pathlib import Path
from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.inbox.poll import process_inbox
from tests.support import at
app = build_app(load_config(Path(sys.argv[1])), clock=FixedClock(at("2018-09-03T12:00")))
start = time.perf_counter()
result = process_inbox(app)
print(json.dumps({"seconds": time.perf_counter() - start, "outcomes": result.outcomes}))
"""


def prepare(root: Path, n: int) -> list[bytes]:
    """Example config, the six requests sent, then N replies from the leads in three client styles."""
    from kgrz_mailbot.app import build_app
    from kgrz_mailbot.clock import FixedClock
    from kgrz_mailbot.config.load import load_config
    from kgrz_mailbot.demo.replies import outlook_reply, thunderbird_reply
    from kgrz_mailbot.demo.texts import SEPTEMBER
    from kgrz_mailbot.jobs.requests import send_requests
    from tests.support import at, sent_messages

    shutil.copytree(REPO / "config", root / "config", ignore=shutil.ignore_patterns("var"))
    # one sender's flood by design: lift the answer rate limit (inbox/limits.py has its own tests)
    settings = root / "config" / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'address = "projektstatus@koblenz.example"',
        'address = "projektstatus@koblenz.example"\nanswers_per_hour = 1000000'),
        encoding="utf-8")
    app = build_app(load_config(root / "config"), clock=FixedClock(at("2018-08-29T08:00")))
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    requests = {str(m["To"]): m.as_bytes() for m in sent_messages(app)}
    projects = [p for p in app.config.active_projects if p.key in SEPTEMBER]
    inbox = app.config.mail.maildir_path / "inbox" / "new"
    mails = []
    for i in range(n):
        project = projects[i % len(projects)]
        request = next(raw for to, raw in requests.items() if project.lead.address in to)
        style = outlook_reply if i % 3 else thunderbird_reply
        answer = SEPTEMBER[project.key] + f"\nHinweis an das KGRZ: Fassung {i}"
        raw = style(request, project.lead.address, project.lead.name, answer, at("2018-08-30T08:00"))
        (inbox / f"{i:06d}.bench").write_bytes(raw)
        mails.append(raw)
    app.close()
    return mails


def parser_baseline(mails: list[bytes]) -> float:
    parser = BytesParser(policy=policy.default)
    start = time.perf_counter()
    for raw in mails:
        msg = parser.parsebytes(raw)
        for part in msg.walk():
            if not part.is_multipart():
                part.get_content()
    return time.perf_counter() - start


def run(n: int) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix="kgrz-bench-poll-"))
    try:
        mails = prepare(root, n)
        baseline = parser_baseline(mails)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        out = subprocess.run([sys.executable, "-c", CHILD, str(root / "config")], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout
        rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result = json.loads(out)
        assert result["outcomes"] == {"accepted": n}, result["outcomes"]
        return {"n": n, "seconds": result["seconds"], "per_second": n / result["seconds"],
                "rss_mb": max(rss_kb, before) / 1024, "baseline_s": baseline, "ratio": result["seconds"] / baseline}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    print(f"{'N':>7} {'poll s':>8} {'msgs/s':>8} {'peak RSS MB':>12} {'email parser s':>15} {'ratio':>6}")
    for n in sizes:
        r = run(n)
        print(f"{r['n']:>7} {r['seconds']:>8.2f} {r['per_second']:>8.0f} {r['rss_mb']:>12.1f} "
              f"{r['baseline_s']:>15.2f} {r['ratio']:>6.1f}")
    print("targets: >= 200 msgs/s; peak RSS < 200 MB at 10 000")


if __name__ == "__main__":
    main()
