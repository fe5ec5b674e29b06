"""Fuzz benchmark: 10 000 damaged real mails through the real ``poll`` on Maildir, then the tally.

Usage: python bench/fuzz.py [--cases 10000] [--seed 1] [--hang 5] [--show 20]
A case is a real test mail with one to three kinds of damage (tests/fuzz/mutations.py). Exit status 1 when
a poll crashed or hung, a mail was lost or kept without a reason, or something was sent for a bad mail.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz.mutations import MUTATORS, mutate, seeds  # noqa: E402
from tests.fuzz.world import FuzzWorld  # noqa: E402

WORLD_CASES = 1000  # a fresh installation now and then keeps the database (megabyte mails) small


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hang", type=float, default=5.0, help="seconds after which a poll counts as hung")
    parser.add_argument("--show", type=int, default=20, help="how many findings to print")
    args = parser.parse_args()
    rng, originals, names = Random(args.seed), seeds(), sorted(MUTATORS)
    kept, damage, findings, answered = Counter(), Counter(), [], 0
    slowest: list[tuple[float, str]] = []
    root = Path(tempfile.mkdtemp(prefix="kgrz-fuzz-"))
    started, world = time.monotonic(), None
    try:
        for number in range(args.cases):
            if number % WORLD_CASES == 0:
                if world is not None:
                    world.close()
                    shutil.rmtree(world.app.config.directory.parent)
                world = FuzzWorld(root / f"w{number // WORLD_CASES:02d}", hang_seconds=args.hang)
            seed, ops = rng.choice(sorted(originals)), rng.choices(names, k=rng.randint(1, 3))
            case = world.run([mutate(world.adopt(originals[seed]), ops, rng)])[0]
            kept[case.kept_as] += 1
            damage.update(ops)
            answered += case.answered
            slowest = sorted([*slowest, (case.seconds, f"{seed} {'+'.join(ops)}")], reverse=True)[:5]
            findings += [f"#{number} {seed} {'+'.join(ops)}: {p}" for p in case.problems]
    finally:
        if world is not None:
            world.close()
        shutil.rmtree(root, ignore_errors=True)
    seconds = time.monotonic() - started
    print(f"cases={args.cases} crashes={kept['crash']} hangs={kept['hang']} lost={kept['lost']} "
          f"findings={len(findings)} answered={answered} seconds={seconds:.1f}")
    print("kept as: " + ", ".join(f"{k}: {v}" for k, v in kept.most_common()))
    print("damage:  " + ", ".join(f"{k}: {v}" for k, v in sorted(damage.items())))
    print("slowest: " + "; ".join(f"{s:.2f}s {what}" for s, what in slowest))
    for finding in findings[: args.show]:
        print("  BEFUND:", finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
