"""EWS round trips and wall time of the Exchange transport against the local EWS test server (prints a table).

Usage: python bench/ews.py

Transport alone: polls of 10/250/1000 mails (fetch + acknowledge), 100 sends one by one and in bulk. Whole app:
``poll`` of N replies from leads on Exchange, each answered by a confirmation, counting every EWS call of the
poll and, separately, the calls that send the confirmations (``CreateItem`` with SendAndSaveCopy), so a poll
whose answers go out one call per mail shows at once. Target: at most 10 + 5 calls per started 100 mails.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exchangelib.protocol import close_connections  # noqa: E402

from kgrz_mailbot.config.settings import ExchangeSettings  # noqa: E402
from kgrz_mailbot.transports.base import Disposition  # noqa: E402
from kgrz_mailbot.transports.ews.transport import ExchangeMailbox  # noqa: E402
from tests.ews.server import EwsTestServer  # noqa: E402

ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}


def _mail(n: int) -> bytes:
    return (f"From: lead{n}@kgrz-koblenz.de\r\nTo: statusbot@kgrz-koblenz.de\r\nSubject: AW: Status {n}\r\n"
            f"Message-ID: <reply-{n}@kgrz-koblenz.de>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + "Alles im Plan – grün.\r\n" * 40).encode()


def _request(n: int) -> tuple[bytes, str, list[str]]:
    mid = f"<kgrz.P-{n:04d}.request.1.bench@mailbot.kgrz-koblenz.de>"
    raw = (f"From: statusbot@kgrz-koblenz.de\r\nTo: lead{n}@kgrz-koblenz.de\r\nSubject: Statusabfrage {n}\r\n"
           f"Message-ID: {mid}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBitte Status.\r\n").encode()
    return raw, mid, [f"lead{n}@kgrz-koblenz.de"]


def _measure(label: str, n: int, setup: Callable[[EwsTestServer], None],
             run: Callable[[ExchangeMailbox], None]) -> tuple[str, int, int, float, str]:
    server = EwsTestServer().start()
    try:
        setup(server)
        box = ExchangeMailbox(ExchangeSettings(endpoint=server.url, auth="basic", version="2019"),
                              server.address, ENV)
        started = time.perf_counter()
        run(box)
        elapsed = time.perf_counter() - started
        box.close()
        calls = server.count()
        ops = ", ".join(f"{op}×{server.count(op)}" for op in dict.fromkeys(op for op, _ in server.calls))
        return label, n, calls, elapsed, ops
    finally:
        close_connections()
        server.stop()


def _poll(box: ExchangeMailbox) -> None:
    box.acknowledge_many([(m.key, Disposition.PROCESSED) for m in box.fetch_new()])


def _whole_app(n: int) -> tuple[str, int, int, float, str]:
    """N lead replies polled by the whole app on Exchange; every one gets a confirmation."""
    import shutil
    import tempfile

    from kgrz_mailbot.app import build_app
    from kgrz_mailbot.clock import FixedClock
    from kgrz_mailbot.config.load import load_config
    from kgrz_mailbot.demo.replies import outlook_reply
    from kgrz_mailbot.demo.texts import SEPTEMBER
    from kgrz_mailbot.inbox.poll import process_inbox
    from kgrz_mailbot.jobs.requests import send_requests
    from tests.support import REPO, at, parse

    root = Path(tempfile.mkdtemp(prefix="kgrz-bench-ews-"))
    shutil.copytree(REPO / "config", root / "config", ignore=shutil.ignore_patterns("var"))
    settings = root / "config" / "settings.toml"  # one lead answers many times: no answer limit in a bench
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'address = "projektstatus@koblenz.example"', 'address = "projektstatus@koblenz.example"\n'
        'answers_per_hour = 1000000'), encoding="utf-8")
    config = load_config(root / "config")
    server = EwsTestServer(address=config.mail.address).start()
    try:
        clock = FixedClock(at("2018-08-29T08:00"))
        box = ExchangeMailbox(ExchangeSettings(endpoint=server.url, auth="basic", version="2019"),
                              config.mail.address, ENV)
        app = build_app(config, clock=clock, transport=box)
        send_requests(app, app.session(at("2018-09-19T00:00").date()))
        requests = {str(parse(m.raw)["To"]): m.raw for m in server.store.sent}
        projects = [p for p in config.active_projects if p.key in SEPTEMBER]
        for i in range(n):
            project = projects[i % len(projects)]
            request = next(raw for to, raw in requests.items() if project.lead.address in to)
            answer = SEPTEMBER[project.key] + f"\nHinweis an das KGRZ: Fassung {i}"
            server.deliver(outlook_reply(request, project.lead.address, project.lead.name, answer,
                                         at("2018-08-30T08:00")), internal_sender=project.lead.address)
        clock.set(at("2018-09-03T12:00"))
        sent_before = len(server.store.sent)
        server.reset_log()
        started = time.perf_counter()
        result = process_inbox(app)
        elapsed = time.perf_counter() - started
        assert result.outcomes == {"accepted": n}, result.outcomes
        confirmations = len(server.store.sent) - sent_before
        assert confirmations == n, confirmations
        sending = server.count("CreateItem")
        ops = ", ".join(f"{op}×{server.count(op)}" for op in dict.fromkeys(op for op, _ in server.calls))
        app.close()
        return (f"poll + {n} confirmations", n, server.count(), elapsed,
                f"{ops}; sending the confirmations: {sending} call(s)")
    finally:
        close_connections()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    rows = []
    for n in (10, 250, 1000):
        rows.append(_measure("poll (fetch + acknowledge)", n,
                             lambda s, n=n: [s.deliver(_mail(i)) for i in range(n)], _poll))
    reqs = [_request(i) for i in range(100)]
    rows.append(_measure("send, one by one", 100, lambda s: None,
                         lambda b: [b.send(r, message_id=m, recipients=to) for r, m, to in reqs]))
    rows.append(_measure("send_many (bulk)", 100, lambda s: None, lambda b: b.send_many(reqs)))
    rows += [_whole_app(n) for n in (10, 250)]

    print(f"{'scenario':<28} {'mails':>6} {'EWS calls':>10} {'calls/100':>10} {'target':>7} {'wall s':>8}  operations")
    for label, n, calls, elapsed, ops in rows:
        target = 10 + 5 * math.ceil(n / 100)
        per_100 = calls * 100 / n
        flag = "" if calls <= target else "  (over target)"
        print(f"{label:<28} {n:>6} {calls:>10} {per_100:>10.1f} {target:>7} {elapsed:>8.2f}  {ops}{flag}")


if __name__ == "__main__":
    main()
