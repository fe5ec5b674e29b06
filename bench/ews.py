"""EWS round trips and wall time of the Exchange transport against the local EWS test server (prints a table)."""

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


def main() -> None:
    rows = []
    for n in (10, 250, 1000):
        rows.append(_measure("poll (fetch + acknowledge)", n,
                             lambda s, n=n: [s.deliver(_mail(i)) for i in range(n)], _poll))
    reqs = [_request(i) for i in range(100)]
    rows.append(_measure("send, one by one", 100, lambda s: None,
                         lambda b: [b.send(r, message_id=m, recipients=to) for r, m, to in reqs]))
    rows.append(_measure("send_many (bulk)", 100, lambda s: None, lambda b: b.send_many(reqs)))

    print(f"{'scenario':<28} {'mails':>6} {'EWS calls':>10} {'calls/100':>10} {'target':>7} {'wall s':>8}  operations")
    for label, n, calls, elapsed, ops in rows:
        target = 10 + 5 * math.ceil(n / 100)
        per_100 = calls * 100 / n
        flag = "" if calls <= target else "  (over target)"
        print(f"{label:<28} {n:>6} {calls:>10} {per_100:>10.1f} {target:>7} {elapsed:>8.2f}  {ops}{flag}")


if __name__ == "__main__":
    main()
