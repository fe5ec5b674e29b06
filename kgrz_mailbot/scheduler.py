"""``run``: APScheduler 3.11 with one idempotent reconcile job (the tick); state lives in the DB."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler

from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import SystemClock
from kgrz_mailbot.config import load_config
from kgrz_mailbot.errors import ConfigError
from kgrz_mailbot.jobs.tick import tick
from kgrz_mailbot.settings import Config

log = logging.getLogger("kgrz_mailbot.scheduler")


def run_service(config: Config, directory: Path) -> int:
    """Tick at start and every ``poll_minutes``; SIGTERM/SIGINT stop after the current tick."""
    app = build_app(config, clock=SystemClock())
    scheduler = BlockingScheduler(timezone=app.zone)

    def reconcile() -> None:
        nonlocal app
        try:
            fresh = load_config(directory)
        except ConfigError as exc:
            log.error("neue Konfiguration ungültig, die letzte gültige bleibt in Kraft: %s", "; ".join(exc.problems))
        else:
            if fresh != app.config:
                app.close()
                app = build_app(fresh, clock=SystemClock())
                log.info("Konfiguration neu geladen")
        try:
            result = tick(app)
            log.info("tick: %s; erledigt: %s", result.poll.summary(), ", ".join(result.done) or "-")
        except Exception:  # the next tick carries on; nothing is lost, state lives in the database
            log.exception("tick fehlgeschlagen")

    scheduler.add_job(reconcile, "interval", minutes=config.timeline.poll_minutes, id="reconcile",
                      replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
                      next_run_time=SystemClock().now())

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("Signal %s: beende nach dem laufenden Durchgang", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("kgrz-mailbot läuft: Abruf alle %s Minuten", config.timeline.poll_minutes)
    scheduler.start()
    app.close()
    return 0
