"""Microsoft Graph round trips of the Exchange Online transport against the Graph test server, each from a cold process.

For a poll of N new mails (fetch the raw MIME, then acknowledge by moving) and for 100 outgoing mails, a fresh
Python process imports the transport, gets its token (OpenID discovery + token request), lists, fetches and moves;
the server counts every HTTP round trip (a $batch counts once). Printed against the target 10 + 15·⌈N/100⌉, with the
ratio to it, the operations, and the child's wall time including its imports.

    .venv/bin/python bench/graph.py [N …]
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.graph.server import GraphTestServer  # noqa: E402


def _mail(n: int) -> bytes:
    return (f"From: lead{n}@kgrz-koblenz.de\r\nTo: statusbot@kgrz-koblenz.de\r\nSubject: AW: Status {n}\r\n"
            f"Message-ID: <reply-{n}@kgrz-koblenz.de>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + "Alles im Plan – grün.\r\n" * 40).encode()


CHILD = r'''
import json, sys, time
started = time.perf_counter()
from kgrz_mailbot.config.settings import GraphSettings
from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.graph.transport import GraphMailbox
imported = time.perf_counter()
args = json.loads(sys.argv[1])
box = GraphMailbox(GraphSettings(**args["settings"]), args["address"], {"KGRZ_GRAPH_SECRET": args["secret"]})
if args["scenario"] == "poll":
    mails = list(box.fetch_new())
    box.acknowledge_many([(m.key, Disposition.PROCESSED) for m in mails])
    done = len(mails)
else:
    mails = []
    for n in range(args["n"]):
        mid = f"<kgrz.P-{n:04d}.request.1.bench@mailbot.kgrz-koblenz.de>"
        raw = (f"From: statusbot@kgrz-koblenz.de\r\nTo: lead{n}@kgrz-koblenz.de\r\nSubject: Statusabfrage {n}\r\n"
               f"Message-ID: {mid}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBitte Status.\r\n").encode()
        mails.append((raw, mid, [f"lead{n}@kgrz-koblenz.de"]))
    recorded = []
    if args["scenario"] == "send_many":
        results = box.send_many(mails, record=recorded.extend)
    else:
        results = [box.send_many([m], record=recorded.extend)[0] for m in mails]
    done = sum(r is None for r in results)
box.close()
print(json.dumps({"done": done, "import": imported - started, "total": time.perf_counter() - started}))
'''


def measure(scenario: str, n: int) -> dict[str, object]:
    server = GraphTestServer().start()
    try:
        if scenario == "poll":
            for i in range(n):
                server.deliver(_mail(i))
        settings = {"tenant_id": server.tenant, "client_id": server.client_id, "client_secret_env": "KGRZ_GRAPH_SECRET",
                    "authority": server.authority, "graph_url": server.graph_url, "ca_bundle": str(server.ca_file)}
        args = {"scenario": scenario, "n": n, "address": server.address, "secret": server.secret, "settings": settings}
        child = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], cwd=ROOT, capture_output=True,
                               text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600, check=True)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        assert figures["done"] == n, (scenario, n, figures)
        assert len(server.sent) == (n if scenario != "poll" else 0)
        return {**figures, "calls": server.count(), "ops": Counter(server.calls), "sub": len(server.subcalls)}
    finally:
        server.stop()


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 250, 1000]
    rows = [("poll (fetch + move)", n, measure("poll", n)) for n in sizes]
    rows.append(("send_many (100 outgoing)", 100, measure("send_many", 100)))
    rows.append(("send, one by one", 100, measure("send_one", 100)))
    print(f"{'scenario':<26} {'mails':>6} {'round trips':>12} {'target':>7} {'ratio':>6} {'requests':>9} "
          f"{'wall s':>7} {'import s':>9}  operations")
    for label, n, f in rows:
        target = 10 + 15 * math.ceil(n / 100)
        calls = int(f["calls"])  # type: ignore[call-overload]
        ops = ", ".join(f"{op}×{count}" for op, count in f["ops"].items())  # type: ignore[attr-defined]
        flag = "" if calls <= target or not label.startswith("poll") else "  (over target)"
        print(f"{label:<26} {n:>6} {calls:>12} {target:>7} {calls / target:>6.2f} {f['sub']:>9} "
              f"{f['total']:>7.2f} {f['import']:>9.2f}  {ops}{flag}")
    print("round trips: HTTP requests the server saw (a $batch once); requests: the single requests inside $batch;"
          " target applies to polls. Measured at", time.strftime("%Y-%m-%d %H:%M"))


if __name__ == "__main__":
    main()
