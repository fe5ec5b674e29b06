"""What the alert tests do and read: a tick through the command line, the alert rows of the outbox."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from kgrz_mailbot.app import build_app
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.storage.tables import OutboundMailRow
from tests.support import at

ADMIN = "it-betrieb@koblenz.example"


def tick(config_dir: Path, when: str) -> int:
    return main(["tick", "--config", str(config_dir), "--now", when])


def alert_rows(config_dir: Path) -> list[OutboundMailRow]:
    """The outbox rows of alerts and resolutions, oldest first."""
    app = build_app(load_config(config_dir), clock=FixedClock(at("2018-08-29T08:00")))
    with app.store.read() as db:
        rows = list(db.exec(sa.select(OutboundMailRow).where(OutboundMailRow.kind.startswith("alert"))  # type: ignore[attr-defined]
                            .order_by(OutboundMailRow.id)).scalars().all())
    app.close()
    return rows
