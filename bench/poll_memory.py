"""Memory benchmark of ``poll`` (not a test): N replies with a big attachment, peak RSS of the poll process.

Usage: python bench/poll_memory.py [--count 30] [--size-mb 20] [--budget-mb 64]

Each poll runs in a fresh child process; its peak RSS (and that of the parser children it waited for) comes
from ``os.wait4``. The baseline, measured in the same run, is a poll of the same number of small replies: the
ratio says what the big mails cost on top. Issue 13 found 826 MiB for 30 mails of 20 MiB before the byte budget.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.memory.bigmail import deliver, installation, poll_peak  # noqa: E402


def run(root: Path, count: int, size: int, budget_mb: int) -> tuple[float, float, float]:
    config = installation(root, batch_mb=budget_mb)
    written = deliver(config, count, size)
    started = time.perf_counter()
    peak, result = poll_peak(config)
    assert result["fetched"] == count, result
    return peak / 2**20, written / 2**20, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--size-mb", type=float, default=20)
    parser.add_argument("--budget-mb", type=int, default=64)
    args = parser.parse_args()
    size = int(args.size_mb * 2**20)
    with tempfile.TemporaryDirectory(prefix="kgrz-memory-") as tmp:
        base, base_raw, base_s = run(Path(tmp) / "klein", args.count, 1024, args.budget_mb)
        print(f"baseline: {args.count} small replies ({base_raw:.1f} MiB): peak RSS {base:.0f} MiB, {base_s:.1f} s")
        half, half_raw, half_s = run(Path(tmp) / "halb", max(1, args.count // 3), size, args.budget_mb)
        print(f"{max(1, args.count // 3)} replies with {args.size_mb:g} MiB attached ({half_raw:.0f} MiB): "
              f"peak RSS {half:.0f} MiB, {half_s:.1f} s")
        peak, raw, seconds = run(Path(tmp) / "gross", args.count, size, args.budget_mb)
        print(f"{args.count} replies with {args.size_mb:g} MiB attached ({raw:.0f} MiB): peak RSS {peak:.0f} MiB, "
              f"{seconds:.1f} s")
    print(f"budget {args.budget_mb} MiB: peak - baseline = {peak - base:.0f} MiB; ratio to baseline "
          f"{peak / base:.2f}; growth from {max(1, args.count // 3)} to {args.count} mails {peak - half:+.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
