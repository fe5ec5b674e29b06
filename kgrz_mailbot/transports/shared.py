"""What every server transport shares: batch sizes, folder names, bounded back-off, the internal-sender header."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from kgrz_mailbot.transports.base import Disposition

T = TypeVar("T")

#: items per server round trip: EWS FindItem page / GetItem / MoveItem / CreateItem (exchangelib's own default)
#: and Graph's list page size ($top); Graph's JSON $batch takes at most 20 requests (GRAPH_BATCH).
BATCH = 100
GRAPH_BATCH = 20

#: Exchange stamps this header on mail submitted by an authenticated user of the organisation and strips every
#: X-MS-Exchange-Organization-* header arriving from outside (its header firewall): an outsider cannot set it.
AUTH_AS_HEADER = "x-ms-exchange-organization-authas"


def chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def by_size(items: Iterable[tuple[T, int]], count: int, budget: int) -> Iterator[list[T]]:
    """Consecutive groups of at most ``count`` items whose sizes add up to at most ``budget`` bytes; a single
    item over the budget forms a group of its own (handled alone, never skipped). Bounds what one server
    round trip and one poll batch hold in memory (``[mail] poll_batch_mb``)."""
    group: list[T] = []
    used = 0
    for item, size in items:
        if group and (len(group) >= count or used + size > budget):
            yield group
            group, used = [], 0
        group.append(item)
        used += size
    if group:
        yield group


def folder_name(disposition: Disposition, processed: str, failed: str) -> str:
    """The server folder (below the inbox) that receives mail of this disposition."""
    return processed if disposition is Disposition.PROCESSED else failed


def is_internal(headers: Sequence[tuple[str, str]]) -> bool:
    """True when Exchange marked the mail as submitted by an authenticated internal user."""
    return any(name.lower() == AUTH_AS_HEADER and (value or "").strip().lower() == "internal"
               for name, value in headers)


@dataclass
class Backoff:
    """Capped exponential back-off with jitter inside a total budget, honouring a server's ``Retry-After``.

    ``next_wait`` returns the seconds to sleep before the next attempt, or None once the budget (or the
    number of attempts) is spent: then the caller gives up for this tick and the next tick continues.
    """

    budget_seconds: float = 60.0
    base_seconds: float = 1.0
    cap_seconds: float = 30.0
    max_attempts: int = 6
    spent: float = field(default=0.0, init=False)
    attempts: int = field(default=0, init=False)

    def next_wait(self, retry_after: float | None = None) -> float | None:
        self.attempts += 1
        if self.attempts > self.max_attempts:
            return None
        if retry_after is not None:
            wait = max(0.0, retry_after)
        else:
            wait = min(self.cap_seconds, self.base_seconds * 2 ** (self.attempts - 1)) * random.uniform(0.5, 1.0)
        if self.spent + wait > self.budget_seconds:
            return None
        self.spent += wait
        return wait
