"""A long poll has a forked helper understand the next chunk; whatever happens to the helper, every mail is
understood exactly as this process would understand it (issue 15, item 6)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal

import pytest

from kgrz_mailbot.inbox import ahead
from kgrz_mailbot.replies.pipeline import understand
from tests.support import MAILS

OWN = "projektstatus@koblenz.example"
RAWS = {n: path.read_bytes() for n, path in enumerate(sorted(MAILS.glob("*.eml")))}
CHUNKS = [list(RAWS)[start:start + 10] for start in range(0, len(RAWS), 10)]
SIZES = {i: len(raw) for i, raw in RAWS.items()}


def raws_of(ids: list[int]) -> dict[int, bytes]:
    return {i: RAWS[i] for i in ids}


def as_this_process_understands(chunk: list[int]) -> dict[int, object]:
    return {i: understand(RAWS[i], own_address=OWN) for i in chunk}


def helpers() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "kgrz-mailbot-understand"]


def test_every_chunk_comes_back_understood_as_this_process_would_understand_it() -> None:
    assert len(CHUNKS) >= ahead.MIN_CHUNKS and len(RAWS) >= 70  # the real mails of tests/data/mails
    seen = []
    for chunk, understood in ahead.understood_chunks(CHUNKS, SIZES, raws_of, OWN):
        assert len(helpers()) == 1
        assert understood == as_this_process_understands(chunk)
        seen.append(chunk)
    assert seen == CHUNKS
    assert helpers() == []  # stopped and reaped at the end


def test_a_short_poll_never_forks() -> None:
    for chunk, understood in ahead.understood_chunks(CHUNKS[:ahead.MIN_CHUNKS - 1], SIZES, raws_of, OWN):
        assert helpers() == []
        assert understood == as_this_process_understands(chunk)


def test_a_killed_helper_costs_nothing_but_its_chunk_which_this_process_understands(
        caplog: pytest.LogCaptureFixture) -> None:
    chunks = ahead.understood_chunks(CHUNKS, SIZES, raws_of, OWN)
    chunk, understood = next(chunks)
    [helper] = helpers()
    assert helper.pid is not None
    os.kill(helper.pid, signal.SIGKILL)  # dies holding the second chunk
    rest = list(chunks)
    assert [c for c, _ in rest] == CHUNKS[1:]
    for chunk, understood in rest:
        assert understood == as_this_process_understands(chunk)
    assert "Hilfsprozess zum Lesen der Mails aufgegeben" in caplog.text
    assert helpers() == []


def test_a_helper_that_stops_answering_is_given_up_after_the_wait(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    chunks = ahead.understood_chunks(CHUNKS, SIZES, raws_of, OWN, wait=0.5)
    next(chunks)
    [helper] = helpers()
    assert helper.pid is not None
    os.kill(helper.pid, signal.SIGSTOP)  # stuck, as on a pathological mail
    rest = list(chunks)
    assert [c for c, _ in rest] == CHUNKS[1:]
    for chunk, understood in rest:
        assert understood == as_this_process_understands(chunk)
    assert "keine Antwort nach 0.5 s" in caplog.text
    assert helpers() == []  # killed, not left behind stopped
