"""Benchmark of ``poll`` (not a test): N replies from leads in the Maildir inbox, each answered by a confirmation.

Usage: python bench/poll.py [N ...]          (default: 1000 10000)
       python bench/poll.py --sql N         (SQL statements per mail, counted in-process)
       python bench/poll.py --profile N     (cProfile of the poll in-process, top 30 functions)
       KGRZ_BENCH_CODE=/path/to/checkout python bench/poll.py 10000   (time another revision's code)

The mix is the realistic expensive one: every mail is a lead's reply to their request (Outlook HTML with a plain
alternative, and Thunderbird plain text), so every mail is stored raw, parsed, matched, stored as an answer and
answered with a confirmation that shows the section as it will stand in the Vorlage. The timed command is
``python -m kgrz_mailbot poll`` as its own process, from its start to its exit: wall time, CPU time (user +
system, including the helper that understands the next chunk, ``inbox/ahead.py``) and peak RSS (``os.wait4``:
of the poll process or its helper, whichever is higher; the helper is a fork and shares the poll's pages; the
preparing parent's memory is not in it, see ``bench/own_process.py``). The
baseline, in the same run and also as its own process from start to exit, is Python's ``email`` parser alone
reading the same files; "× parser" says how many parser-times the poll costs. ``KGRZ_BENCH_CODE`` times
another checkout's code (e.g. an older commit), so before and after come from one run on the same machine.

Targets (issue 15, item 6): >= 200 messages/s at 10 000, peak RSS < 200 MB.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE = Path(os.environ.get("KGRZ_BENCH_CODE") or REPO).resolve()
sys.path.insert(0, str(REPO))
from bench.own_process import measured as _measured  # noqa: E402 - this repository's, before CODE's path

# the code measured also prepares (and, for --sql/--profile, runs in this process): first on the path
sys.path.insert(0, str(CODE))


def measured(argv: list[str]) -> dict:  # type: ignore[type-arg]
    return _measured(argv, CODE)

PARSER_ONLY = r"""
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path
parser = BytesParser(policy=policy.default)
for path in sorted(Path(sys.argv[1]).iterdir()):
    msg = parser.parsebytes(path.read_bytes())
    for part in msg.walk():
        if not part.is_multipart():
            part.get_content()
"""


def prepare(root: Path, n: int) -> Path:
    """Example config, the six requests sent, then N replies from the leads in two client styles."""
    from kgrz_mailbot.app import build_app
    from kgrz_mailbot.clock import FixedClock
    from kgrz_mailbot.config.load import load_config
    from kgrz_mailbot.demo.replies import outlook_reply, thunderbird_reply
    from kgrz_mailbot.demo.texts import SEPTEMBER
    from kgrz_mailbot.jobs.requests import send_requests
    from tests.support import at, sent_messages

    config = root / "config"
    shutil.copytree(REPO / "config", config, ignore=shutil.ignore_patterns("var"))
    # one sender's flood by design: lift the answer rate limit (inbox/limits.py has its own tests)
    settings = config / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'address = "projektstatus@koblenz.example"',
        'address = "projektstatus@koblenz.example"\nanswers_per_hour = 1000000'),
        encoding="utf-8")
    app = build_app(load_config(config), clock=FixedClock(at("2018-08-29T08:00")))
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    requests = {str(m["To"]): m.as_bytes() for m in sent_messages(app)}
    projects = [p for p in app.config.active_projects if p.key in SEPTEMBER]
    inbox = app.config.mail.maildir_path / "inbox" / "new"
    for i in range(n):
        project = projects[i % len(projects)]
        request = next(raw for to, raw in requests.items() if project.lead.address in to)
        style = outlook_reply if i % 3 else thunderbird_reply
        answer = SEPTEMBER[project.key] + f"\nHinweis an das KGRZ: Fassung {i}"
        raw = style(request, project.lead.address, project.lead.name, answer, at("2018-08-30T08:00"))
        (inbox / f"{i:06d}.bench").write_bytes(raw)
    app.close()
    return config


def run(n: int) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix="kgrz-bench-poll-"))
    try:
        config = prepare(root, n)
        inbox = config / "var/mail/inbox/new"
        parser = measured([sys.executable, "-c", PARSER_ONLY, str(inbox)])
        poll = measured([sys.executable, "-m", "kgrz_mailbot", "poll", "--now", "2018-09-03T12:00",
                         "--config", str(config)])
        fetched = re.match(r"(\d+) neue Mails", poll["out"])
        assert fetched and int(fetched[1]) == n, poll["out"]
        confirmations = len(list((config / "var/mail/sent/new").iterdir())) - 6
        assert confirmations == n, f"{confirmations} confirmations for {n} replies: {poll['out']}"
        return {"n": n, "wall": poll["wall"], "cpu": poll["cpu"], "rss_mb": poll["rss_mb"],
                "per_second": n / poll["wall"], "parser_wall": parser["wall"], "parser_rss": parser["rss_mb"],
                "ratio": poll["wall"] / parser["wall"]}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def in_process(n: int, mode: str) -> None:
    """``--sql``: statements per mail; ``--profile``: where the time goes (both inside this process)."""
    root = Path(tempfile.mkdtemp(prefix="kgrz-bench-poll-"))
    try:
        config = prepare(root, n)
        from kgrz_mailbot.app import build_app
        from kgrz_mailbot.clock import FixedClock
        from kgrz_mailbot.config.load import load_config
        from kgrz_mailbot.inbox.poll import process_inbox
        from tests.support import at

        app = build_app(load_config(config), clock=FixedClock(at("2018-09-03T12:00")))
        if mode == "--sql":
            import sqlalchemy as sa

            # counted by SQLite itself: the poll's hot statements run on the driver's cursor, past SQLAlchemy
            statements: list[str] = []
            app.store.engine.dispose()
            sa.event.listen(app.store.engine, "connect", lambda dbapi_connection, _record: dbapi_connection
                            .set_trace_callback(lambda sql: statements.append(sql.split(None, 1)[0].upper())))
            result = process_inbox(app)
            kinds = {k: statements.count(k) for k in sorted(set(statements))}
            print(f"{n} mails ({result.outcomes}): {len(statements)} statements, {len(statements) / n:.2f} per mail "
                  f"({', '.join(f'{k} {v / n:.2f}' for k, v in kinds.items())})")
        else:
            import cProfile
            import pstats

            with cProfile.Profile() as prof:
                process_inbox(app)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        app.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] in (["--sql"], ["--profile"]):
        in_process(int(args[1]) if len(args) > 1 else 1000, args[0])
        return
    sizes = [int(a) for a in args] or [1000, 10000]
    print(f"poll as its own process, from start to exit (code: {CODE})")
    print(f"{'N':>7} {'wall s':>7} {'cpu s':>6} {'msgs/s':>7} {'peak RSS MB':>12} {'parser s':>9} "
          f"{'parser MB':>10} {'× parser':>9}")
    for n in sizes:
        r = run(n)
        print(f"{r['n']:>7} {r['wall']:>7.2f} {r['cpu']:>6.2f} {r['per_second']:>7.0f} {r['rss_mb']:>12.1f} "
              f"{r['parser_wall']:>9.2f} {r['parser_rss']:>10.1f} {r['ratio']:>9.1f}")
    print("targets: >= 200 msgs/s at 10 000; peak RSS < 200 MB")


if __name__ == "__main__":
    main()
