"""Crash benchmark: 1 000 SIGKILLs at random instants through whole session cycles, then the tally.

Usage: python bench/crash.py [--kills 1000] [--seed 1] [--lanes 2] [--transport maildir|exchange] [--keep]

``--transport exchange`` runs every world on an EWS test server of its own (sends leased for three seconds).
Exit status 1 when any invariant was violated.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash.harness import campaign  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lanes", type=int, default=2)
    parser.add_argument("--transport", choices=("maildir", "exchange"), default="maildir")
    parser.add_argument("--keep", action="store_true", help="keep the worlds for inspection")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kgrz-crash-"))
    tally = campaign(args.kills, args.seed, workdir, lanes=args.lanes, transport=args.transport)
    print(tally.summary())
    for violation in tally.violations[:50]:
        print("  VERLETZT:", violation)
    if args.keep or tally.violations:
        print(f"worlds kept in {workdir}")
    else:
        shutil.rmtree(workdir)
    return 1 if tally.violations else 0


if __name__ == "__main__":
    sys.exit(main())
