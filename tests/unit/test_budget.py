"""A mail that takes too long to understand becomes a failed understanding with its reason; poll goes on."""

from __future__ import annotations

import time

import pytest

from kgrz_mailbot.domain.model import Classification
from kgrz_mailbot.inbox import budget
from tests.support import MAILS


def test_small_mails_are_understood_in_process() -> None:
    raw = (MAILS / "thunderbird_reply.eml").read_bytes()
    assert budget.understand_within_budget(raw, "projektstatus@koblenz.example").classification \
        is Classification.REPLY


def test_a_big_mail_is_understood_in_a_child_with_the_same_result() -> None:
    raw = (MAILS / "thunderbird_reply.eml").read_bytes()
    padded = raw + b"> " + b"weitergeleitete Anlage " * 12_000 + b"\r\n"
    assert len(padded) > budget.INLINE_LIMIT
    inline = budget.understand(padded, own_address="projektstatus@koblenz.example")
    assert budget.understand_within_budget(padded, "projektstatus@koblenz.example") == inline


def test_a_mail_over_the_time_budget_is_failed_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(raw: bytes, own_address: str) -> None:
        time.sleep(60)

    monkeypatch.setattr(budget, "understand", hang)
    started = time.monotonic()
    result = budget.understand_within_budget(b"x" * (budget.INLINE_LIMIT + 1), "a@b.example",
                                                   budget=0.5)
    assert time.monotonic() - started < 10
    assert result.failed and "time budget" in result.reason
