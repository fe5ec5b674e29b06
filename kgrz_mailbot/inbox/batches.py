"""Batches of a poll bounded by bytes as well as by count: a poll's memory follows ``[mail] poll_batch_mb``, not
the number or the size of the mails waiting (30 replies with 20 MiB attachments must not need 30 × 20 MiB)."""

from __future__ import annotations

from kgrz_mailbot.transports.shared import by_size as by_budget

__all__ = ["budget_bytes", "by_budget"]


def budget_bytes(poll_batch_mb: int) -> int:
    return poll_batch_mb << 20
