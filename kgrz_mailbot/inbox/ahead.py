"""Understanding the next chunk of a long poll in a forked helper while this process applies the current one.

A backlog (the bot was stopped over a weekend, a lead's auto-forward ran wild) is interpreted chunk by chunk.
Understanding a mail is pure work on its bytes (``replies/pipeline.py``); applying it is database and outbox
work in this process. With a helper, chunk k+1 is understood on the second core while chunk k is applied.

Nothing depends on the helper: the results are applied exactly as if this process had computed them, and a
helper that cannot start, dies or does not answer in time costs only the wait: this process understands that
chunk itself, as every short poll does, and goes on without a helper. Only small mails go to the helper; a big
one is understood here under its own time budget (``inbox/budget.py``), so the helper never forks.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from kgrz_mailbot.domain.model import Understanding
from kgrz_mailbot.inbox.budget import INLINE_LIMIT, understand_within_budget
from kgrz_mailbot.replies.pipeline import understand

log = logging.getLogger("kgrz_mailbot.inbox")

MIN_CHUNKS = 3  # a helper only for polls this long: the usual poll of a few mails never forks
WAIT_SECONDS = 120.0  # per chunk of at most 50 small mails, ~0.2 s of work: only a stuck helper takes this long

Understood = dict[int, Understanding]
RawsOf = Callable[[list[int]], dict[int, bytes]]


def _serve(connection: Connection, own_address: str) -> None:
    """The helper: understand every chunk it is given until told to stop (None) or the parent is gone."""
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if job is None:
            return
        connection.send({i: understand(raw, own_address=own_address) for i, raw in job})


class Helper:
    """One forked process that understands one chunk at a time; every failure turns it off for good."""

    def __init__(self, own_address: str, wait: float = WAIT_SECONDS) -> None:
        self._wait = wait
        # fork: the helper inherits the imported modules and starts in milliseconds; it runs pure code only
        context = multiprocessing.get_context("fork")
        self._connection, child_end = context.Pipe(duplex=True)
        self._process: BaseProcess | None = context.Process(
            target=_serve, args=(child_end, own_address), daemon=True, name="kgrz-mailbot-understand")
        self._process.start()
        child_end.close()
        self._given: list[int] = []

    @property
    def alive(self) -> bool:
        return self._process is not None

    def give(self, raws: dict[int, bytes]) -> None:
        """Hand over small mails (one chunk at a time: ``take`` it before the next)."""
        job = [(i, raw) for i, raw in raws.items() if len(raw) <= INLINE_LIMIT]
        if not job:
            return
        try:
            self._connection.send(job)
        except (OSError, ValueError) as exc:
            self._stop(f"Übergabe fehlgeschlagen: {exc}")
            return
        self._given = [i for i, _ in job]

    def take(self) -> Understood:
        """What the helper understood of the chunk given last; empty when it failed (then it is stopped)."""
        if not self._given or self._process is None:
            return {}
        try:
            if not self._connection.poll(self._wait):
                self._stop(f"keine Antwort nach {self._wait:g} s")
                return {}
            understood: Understood = self._connection.recv()
        except (EOFError, OSError) as exc:
            self._stop(f"Prozess beendet ({type(exc).__name__})")
            return {}
        self._given = []
        return understood

    def close(self) -> None:
        if self._process is None:
            return
        try:
            self._connection.send(None)
        except (OSError, ValueError):
            pass
        self._process.join(5)
        self._halt()

    def _stop(self, why: str) -> None:
        log.warning("Hilfsprozess zum Lesen der Mails aufgegeben (%s); diese Abfrage liest selbst weiter", why)
        self._halt()

    def _halt(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._process = None
        self._connection.close()
        self._given = []


def understood_chunks(chunks: list[list[int]], sizes: dict[int, int], raws_of: RawsOf, own_address: str,
                      wait: float = WAIT_SECONDS) -> Iterator[tuple[list[int], Understood]]:
    """Each chunk with its mails understood, the next one already under way in a helper while this one is
    applied. ``sizes``: bytes per mail (a big one is not even read for the helper); ``raws_of`` reads stored raw
    mails (in its own short transaction); ``wait``: seconds a chunk may take the helper before this process
    understands it itself."""
    helper = _start(own_address, wait) if len(chunks) >= MIN_CHUNKS else None
    try:
        for k, chunk in enumerate(chunks):
            understood = helper.take() if helper is not None and k > 0 else {}
            if helper is not None and helper.alive and k + 1 < len(chunks):
                helper.give(raws_of([i for i in chunks[k + 1] if sizes.get(i, 0) <= INLINE_LIMIT]))
            missing = [i for i in chunk if i not in understood]
            if missing:  # the first chunk, big mails, and all of a chunk the helper failed on
                raws = raws_of(missing)
                # popped one by one: each raw mail is freed once understood (the chunk is bounded by the byte budget)
                understood |= {i: understand_within_budget(raws.pop(i), own_address) for i in list(raws)}
            yield chunk, understood
    finally:
        if helper is not None:
            helper.close()


def _start(own_address: str, wait: float) -> Helper | None:
    try:
        return Helper(own_address, wait)
    except OSError as exc:  # no process to spare (ulimit, memory): the poll is only slower
        log.warning("Hilfsprozess zum Lesen der Mails nicht gestartet (%s); diese Abfrage liest selbst", exc)
        return None
