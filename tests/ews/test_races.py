"""Exactly once across processes on Exchange: while Exchange still works on one process's CreateItem, a second
process (`poll`, `tick`, `compile --send`, or a bare outbox flush that skips the command lock) never sends
those mails again, and a sender killed meanwhile is settled by Sent Items once its lease has run out."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .races import (
    REPO,
    SECONDS,
    Tally,
    command,
    exchange_config,
    flush_loop,
    held_send,
    outbox_states,
    race_round,
    sent_ids,
    until,
)
from .server import EwsTestServer


def seconds_to_lease_end(config: Path) -> float:
    """Real seconds until the last outbox lease runs out (leases are wall-clock instants, stored as naive UTC)."""
    db = sqlite3.connect(config / "var" / "kgrz-mailbot.sqlite3", timeout=30)
    try:
        (until_text,) = db.execute("SELECT MAX(lease_until) FROM outbound_mail").fetchone()
    finally:
        db.close()
    end = datetime.fromisoformat(until_text).replace(tzinfo=UTC)
    return max(0.0, (end - datetime.now(UTC)).total_seconds())


def exactly_once(server: EwsTestServer, count: int) -> None:
    ids = sent_ids(server)
    assert [mid for mid, n in ids.items() if n > 1] == []
    assert len(ids) == count, ids


@pytest.mark.parametrize("second", list(SECONDS))
def test_a_second_command_beside_a_slow_send_sends_nothing_twice(
    ews_server: EwsTestServer, tmp_path: Path, second: str
) -> None:
    config = exchange_config(REPO / "config", tmp_path / "config", ews_server)
    tally = Tally()
    race_round(ews_server, config, second, tally)
    assert tally.failures == []
    exactly_once(ews_server, SECONDS[second][1])
    assert tally.waited == 1  # it waited for the sender instead of recovering its mails
    assert outbox_states(config) == Counter({"sent": SECONDS[second][1]})


def test_a_flush_that_skips_the_command_lock_never_takes_a_live_senders_claims(
    ews_server: EwsTestServer, tmp_path: Path
) -> None:
    # A lease far shorter than the held CreateItem: the sender's heartbeat and its liveness keep its claims.
    config = exchange_config(REPO / "config", tmp_path / "config", ews_server, lease_seconds=2)
    first = held_send(ews_server, config)
    beside = flush_loop(config, 8)
    until(lambda: beside.said("flushed") >= 3 or beside.ended, "three flushes beside the held send")
    time.sleep(2.5)  # past the first lease: only a renewed lease keeps the claims now
    ews_server.release()
    assert first.finish()[0] == 0
    assert beside.finish()[0] == 0
    exactly_once(ews_server, 6)
    assert outbox_states(config) == Counter({"sent": 6})


def test_a_sender_killed_while_exchange_works_is_settled_by_sent_items_after_its_lease(
    ews_server: EwsTestServer, tmp_path: Path
) -> None:
    lease = 20  # longer than a process start on a busy machine, so the first poll below runs inside it
    config = exchange_config(REPO / "config", tmp_path / "config", ews_server, lease_seconds=lease)
    held_send(ews_server, config).kill()
    killed_at = time.monotonic()
    poll = command(config, "poll", "--now", "2018-08-29T08:05")
    until(lambda: poll.ended or time.monotonic() > killed_at + lease - 5, "the first poll or the lease's end")
    if poll.ended:  # it ran inside the dead sender's lease: it neither sent again nor decided anything
        assert poll.finish()[0] == 0
        assert outbox_states(config) == Counter({"sending": 6})
    ews_server.release()  # Exchange finishes the CreateItem whose client died
    until(lambda: len(ews_server.store.sent) >= 6, "Exchange to finish the held CreateItem")
    assert poll.finish()[0] == 0
    time.sleep(max(0.0, killed_at + lease + 1 - time.monotonic()))
    code, out = command(config, "poll", "--now", "2018-08-29T08:10").finish()
    assert code == 0, out
    exactly_once(ews_server, 6)  # found in Sent Items, not sent again
    assert outbox_states(config) == Counter({"sent": 6})


def test_a_create_item_whose_answer_never_came_is_settled_by_sent_items_not_sent_again(
    ews_server: EwsTestServer, tmp_path: Path
) -> None:
    lease = 8
    config = exchange_config(REPO / "config", tmp_path / "config", ews_server, lease_seconds=lease)
    settings = config / "settings.toml"
    settings.write_text(settings.read_text().replace("max_wait_seconds = 2\n", "max_wait_seconds = 2\n"
                                                     "timeout_seconds = 2\n"))
    ews_server.inject("CreateItem", "stall", times=1, back_off_ms=5000)  # Exchange answers after the client gave up
    code, out = command(config, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00").finish()
    assert code == 0 and "Read timed out" in out
    assert outbox_states(config) == Counter({"sending": 6})  # not asked at once: Exchange may still be at it
    code, out = command(config, "poll", "--now", "2018-08-29T08:05").finish()  # another process, right away
    assert code == 0, out
    until(lambda: len(ews_server.store.sent) >= 6, "Exchange to finish the CreateItem")
    time.sleep(seconds_to_lease_end(config) + 1)  # the lease set when the send failed, however slow the start was
    code, out = command(config, "poll", "--now", "2018-08-29T08:10").finish()
    assert code == 0, out
    exactly_once(ews_server, 6)
    assert outbox_states(config) == Counter({"sent": 6})
