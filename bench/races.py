"""Race benchmark: a slow send in one process, poll/tick/compile --send in another, many rounds on EWS and Graph.

Usage: python bench/races.py [--rounds 10] [--transport ews|graph|both] [--seed 1]

Each round gets a fresh test server and a fresh copy of the example config. ``send-requests`` is held at the
server (EWS CreateItem, Graph /send: Exchange still working on it) while ``poll``, ``tick`` or ``compile --send``
runs beside it; once the second process has shown its hand (said that it waits, asked Sent Items about the
mails, or ended) the server finishes after a random delay. Then every Message-ID must be in Sent Items exactly
once. The rounds are those of tests/ews/races.py and tests/graph/races.py, which the CI tests run once each.
Baseline, measured in the same run and interleaved with the races: ``send-requests`` alone, unheld, on a fresh
server and config, per round. Exit status 1 when any mail went out twice or not at all, or a command failed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ews import races as ews  # noqa: E402
from tests.ews.server import running as ews_running  # noqa: E402
from tests.graph import races as graph  # noqa: E402
from tests.graph.server import running as graph_running  # noqa: E402

REQUESTS = 6  # the example config's six seed projects: what send-requests alone must leave in Sent Items
Round = Callable[[Path, str, ews.Tally, random.Random | None], None]


def ews_round(workdir: Path, second: str, tally: ews.Tally, rng: random.Random | None) -> None:
    """One round on a fresh EWS test server; ``second=""`` is the baseline (send-requests alone, unheld)."""
    with ews_running() as server:
        config = ews.exchange_config(ews.REPO / "config", workdir / "config", server)
        if second:
            ews.race_round(server, config, second, tally, rng)
        else:
            alone(lambda: ews.sent_ids(server), config, tally)


def graph_round(workdir: Path, second: str, tally: ews.Tally, rng: random.Random | None) -> None:
    """One round on a fresh Graph test server; ``second=""`` is the baseline (send-requests alone, unheld)."""
    with graph_running(address="projektstatus@koblenz.example") as server:
        os.environ[graph.SECRET_ENV] = server.secret  # the CLI processes inherit it
        shutil.copytree(ews.REPO / "config", workdir / "config", ignore=shutil.ignore_patterns("var"))
        config = graph.point_at_graph(workdir / "config", server)
        if second:
            graph.race_round(server, config, second, tally, rng)
        else:
            alone(lambda: graph.sent_ids(server), config, tally)


def alone(sent: Callable[[], dict[str, int]], config: Path, tally: ews.Tally) -> None:
    started = time.monotonic()
    code, out = ews.command(config, "send-requests", *ews.SESSION, "--now", "2018-08-29T08:00").finish()
    tally.seconds += time.monotonic() - started
    tally.rounds += 1
    ids = sent()
    tally.mails += sum(ids.values())
    tally.duplicates += sum(n - 1 for n in ids.values())
    tally.missing += max(0, REQUESTS - len(ids))
    if code != 0:
        tally.failures.append(f"send-requests alone: exit {code}: {out.strip()[-400:]}")


def guarded(play: Round, second: str, tally: ews.Tally, rng: random.Random | None) -> None:
    """A round in a temporary directory; a round that hangs past the helpers' patience counts as a failure."""
    with tempfile.TemporaryDirectory(prefix="kgrz-races-") as workdir:
        try:
            play(Path(workdir), second, tally, rng)
        except AssertionError as error:  # ``until`` gave up: stopping the server released the held send
            tally.rounds += 1
            tally.failures.append(f"{second or 'send-requests alone'}: {error}")


def row(label: str, race: ews.Tally, base: ews.Tally) -> str:
    per_round = race.seconds / max(race.rounds, 1)
    base_round = base.seconds / max(base.rounds, 1)
    return (f"{label:<22} {race.rounds:>6} {race.mails:>6} {race.duplicates:>10} {race.missing:>8} {race.waited:>7} "
            f"{len(race.failures):>9} {per_round:>8.2f} {base.mails:>10} {base_round:>10.2f} "
            f"{per_round / base_round if base_round else 0:>6.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="rounds per second command and transport")
    parser.add_argument("--transport", choices=("ews", "graph", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    plays = {"ews": ews_round, "graph": graph_round}
    chosen = list(plays) if args.transport == "both" else [args.transport]
    print(f"{'transport / second':<22} {'rounds':>6} {'mails':>6} {'duplicates':>10} {'missing':>8} {'waited':>7} "
          f"{'failures':>9} {'s/round':>8} {'base mails':>10} {'base s/rnd':>10} {'ratio':>6}")
    problems: list[str] = []
    for transport in chosen:
        total, total_base = ews.Tally(), ews.Tally()
        for second in ews.SECONDS:
            race, base = ews.Tally(), ews.Tally()
            for _ in range(args.rounds):
                guarded(plays[transport], "", base, None)
                guarded(plays[transport], second, race, rng)
            print(row(f"{transport} {second}", race, base), flush=True)
            for part, whole in ((race, total), (base, total_base)):
                for name in ("rounds", "mails", "duplicates", "missing", "waited", "seconds"):
                    setattr(whole, name, getattr(whole, name) + getattr(part, name))
                whole.failures += part.failures
        print(row(f"{transport} all", total, total_base))
        problems += [f"{transport}: {f}" for f in total.failures + total_base.failures]
        problems += [f"{transport}: {t.duplicates} duplicate(s), {t.missing} missing ({what})"
                     for t, what in ((total, "races"), (total_base, "baseline")) if t.duplicates or t.missing]
    print("mails/duplicates/missing: Message-IDs in Sent Items; waited: rounds in which the second command waited for"
          " the first; base: send-requests alone, unheld, per round; ratio: s/round of the race to the baseline's."
          f" Seed {args.seed}, measured at", time.strftime("%Y-%m-%d %H:%M"))
    for problem in problems[:50]:
        print("  FEHLER:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
