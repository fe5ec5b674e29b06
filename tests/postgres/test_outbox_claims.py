"""Outbox claims on PostgreSQL and SQLite alike: a flush in another process never takes a live sender's claims
(here on Exchange, whose CreateItem the test server holds), and a stale claim is taken over by exactly one."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.jobs.requests import send_requests
from kgrz_mailbot.storage import claims
from kgrz_mailbot.storage.store import Store
from kgrz_mailbot.storage.tables import OutboundMailRow
from tests.ews.races import REPO, exchange_config, flush_loop, held_send, sent_ids, until
from tests.ews.server import running
from tests.support import at


def test_a_flush_beside_a_live_sender_on_postgresql_sends_nothing_twice(tmp_path: Path, postgres_url: str) -> None:
    with running() as server:
        config = exchange_config(REPO / "config", tmp_path / "config", server, storage_url=postgres_url,
                                 lease_seconds=2)
        first = held_send(server, config)
        beside = [flush_loop(config, 8) for _ in range(2)]  # two more processes, neither takes the command lock
        until(lambda: all(p.said("flushed") >= 3 or p.ended for p in beside), "three flushes in each process")
        server.release()
        assert first.finish()[0] == 0
        assert [p.finish()[0] for p in beside] == [0, 0]
        ids = sent_ids(server)
        assert len(ids) == 6 and set(ids.values()) == {1}
        engine = sa.create_engine(postgres_url)
        with engine.connect() as connection:
            states = Counter(connection.execute(sa.select(OutboundMailRow.state)).scalars())
        engine.dispose()
        assert states == Counter({"sent": 6})


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/claims.sqlite3"
    return request.getfixturevalue("postgres_url")


def test_a_stale_claim_is_taken_over_by_exactly_one_process_and_settled_only_by_it(
    store_url: str, config_dir: Path
) -> None:
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace('"sqlite:///var/kgrz-mailbot.sqlite3"', f'"{store_url}"'))
    app = build_app(load_config(config_dir), clock=FixedClock(at("2018-08-29T08:00")))
    send_requests(app, app.session(at("2018-09-19T00:00").date()))
    now = datetime.now(UTC)
    with app.store.write() as db:  # a sender on another host claimed row 1 and was never heard of again
        db.execute(sa.update(OutboundMailRow).where(OutboundMailRow.id == 1).values(
            state="sending", claimed_by="anderer-host:4711:99", lease_until=now - timedelta(seconds=1)))
    one, two = Store(store_url), Store(store_url)  # two processes' connections
    try:
        with one.read() as db:
            seen_by_one = next(c for c in claims.sending_claims(db) if c.id == 1)
        with two.read() as db:
            seen_by_two = next(c for c in claims.sending_claims(db) if c.id == 1)
        with one.write() as db:
            assert claims.take_over(db, seen_by_one, "host-1:1:1", now + timedelta(minutes=2))
        with two.write() as db:
            assert not claims.take_over(db, seen_by_two, "host-2:2:2", now + timedelta(minutes=2))
        with two.write() as db:  # what the loser knew is stale: it may not change the row
            assert not claims.settle(db, 1, "host-2:2:2", "pending", now=now, error=None)
        with one.write() as db:
            assert claims.settle(db, 1, "host-1:1:1", "pending", now=now, error=None)
        with one.read() as db:
            row = db.execute(sa.select(OutboundMailRow.state, OutboundMailRow.claimed_by)
                             .where(OutboundMailRow.id == 1)).one()
        assert tuple(row) == ("pending", None)
    finally:
        one.close()
        two.close()
        app.close()
