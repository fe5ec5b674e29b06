"""Named points where the crash tests kill the process (``KGRZ_CRASH_AT=name[:n]``); a no-op otherwise.

Random SIGKILLs rarely land in the narrow windows that matter most (between sending and marking sent,
between committing and acknowledging). The tests name the window instead. The variable is read here, once,
rather than in config/load.py: it is a test hook of the process, not something an admin configures.
"""

from __future__ import annotations

import os
import signal

_TARGET, _, _NTH = os.environ.get("KGRZ_CRASH_AT", "").partition(":")
_PASSES: dict[str, int] = {}


def crashpoint(name: str) -> None:
    """Die here, without any cleanup, on the n-th pass (default the first) when the test asks for it."""
    if not _TARGET or name != _TARGET:
        return
    _PASSES[name] = _PASSES.get(name, 0) + 1
    if _PASSES[name] == int(_NTH or 1):
        os.kill(os.getpid(), signal.SIGKILL)
