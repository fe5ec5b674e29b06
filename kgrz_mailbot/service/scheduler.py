"""``run``: APScheduler 3.11 with one idempotent reconcile job (the tick); all state lives in the database.

RELIABILITY.md §3: an in-memory job store and a single interval job that derives what is due from config and
database state, instead of one persisted job per mail (APScheduler is at-most-once per fire time, and a shared
job store duplicates runs). coalesce + max_instances=1 + misfire_grace_time=None: a late or doubled tick
only re-checks.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler

from kgrz_mailbot.alerts.unrecorded import all_clear, sound_alarm
from kgrz_mailbot.alerts.watch import watched_tick
from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import SystemClock
from kgrz_mailbot.config.load import FILES, load_config
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.council.sync import sync_sessions
from kgrz_mailbot.errors import ConfigError, MailbotError
from kgrz_mailbot.housekeeping.retention import purge
from kgrz_mailbot.jobs.tick import TickResult
from kgrz_mailbot.service.journal import Heartbeat, next_action_text, start_line, tick_line, use_zone
from kgrz_mailbot.service.lock import ServiceLock
from kgrz_mailbot.storage.installation import DatabaseRefused, Loss, identity, lost
from kgrz_mailbot.transports.errors import TransportError

log = logging.getLogger("kgrz_mailbot.service.scheduler")
JOB_ID = "reconcile"


def run_service(config: Config, directory: Path) -> int:
    """Tick at start and every ``poll_minutes`` until SIGTERM/SIGINT, which stop after the current tick."""
    with ServiceLock(config.storage_url, config.state_dir):
        try:
            service = Service(config, directory)
        except DatabaseRefused as exc:  # the CLI prints the refusal; the admins hear of it by mail as well
            refused(config, exc)
            raise
        service.serve()
    return service.exit_code


def refused(config: Config, exc: DatabaseRefused) -> None:
    """The service is refused its database at start (again, when systemd restarts it): tell the admins, at
    most once a day per reason, through an App that never opens the store."""
    app = build_app(config, clock=SystemClock(), open_store=False)
    try:
        sound_alarm(app, exc.reason, exc.what)
    finally:
        app.close()


class Service:
    def __init__(self, config: Config, directory: Path) -> None:
        self.directory = directory
        use_zone(ZoneInfo(config.organisation.timezone))  # before the database is opened: it may say something
        self.app: App = build_app(config, clock=SystemClock())
        self.database = identity(self.app.store)
        all_clear(config.state_dir)  # its database is back: a later loss is news again
        self.heartbeat = Heartbeat()
        self.stamp = self._stamp()
        self.scheduler = BlockingScheduler(timezone=self.app.zone)
        # the jobs run in the scheduler's thread pool; the tick and the sync both change sessions
        self.busy = threading.Lock()
        self.exit_code = 0
        self.stopping = False

    def _stamp(self) -> tuple[int, ...]:
        return tuple((self.directory / name).stat().st_mtime_ns if (self.directory / name).exists() else 0
                     for name in FILES)

    def reload_if_changed(self) -> None:
        """A changed config takes effect at this tick. An invalid one is rejected once (the old one stays until
        the next edit); one that cannot be applied now (database locked, mail server down) is tried again at
        every tick until it is applied or found invalid, so a new session's requests are never forgotten."""
        stamp = self._stamp()
        if stamp == self.stamp:
            return
        try:
            fresh = load_config(self.directory)
        except ConfigError as exc:
            self.stamp = stamp
            log.error("Neue Konfiguration ungültig, die letzte gültige bleibt in Kraft: %s", "; ".join(exc.problems))
            return
        try:
            app = build_app(fresh, clock=SystemClock())
        except DatabaseRefused:
            raise  # the database of the new configuration is not there: stop, as for a lost one
        except Exception as exc:  # noqa: BLE001 - whatever it is, the old configuration keeps working
            log.warning("Neue Konfiguration kann noch nicht übernommen werden (%s); nächster Versuch beim "
                        "nächsten Durchgang, bis dahin gilt die bisherige.", _reason(exc))
            return
        self.stamp = stamp
        minutes = fresh.timeline.poll_minutes
        if minutes != self.app.config.timeline.poll_minutes:
            self.scheduler.reschedule_job(JOB_ID, trigger="interval", minutes=minutes)
        old, self.app = self.app, app
        old.close()
        self.database = identity(app.store)
        use_zone(app.zone)
        log.info("Konfiguration neu geladen: %s Sitzungen, %s Projekte", len(fresh.sessions), len(fresh.projects))

    def intact(self) -> bool:
        """Before anything is written: is the database still the one the service started with, and can the
        configuration be applied? Otherwise stop (``halt``)."""
        if self.stopping:
            return False
        if loss := lost(self.app.store, self.database):
            self.halt(loss)
            return False
        try:
            self.reload_if_changed()
        except DatabaseRefused as exc:
            self.halt(Loss(exc.reason, exc.what))
            return False
        return True

    def recheck(self) -> None:
        """After a job: a database lost while it ran stops the service now, not a tick later."""
        try:
            loss = None if self.stopping else lost(self.app.store, self.database)
        except Exception:  # noqa: BLE001 - the check before the next job tries again
            log.exception("Prüfung der Datenbank nach dem Durchgang fehlgeschlagen")
            return
        if loss:
            self.halt(loss)

    def reconcile(self) -> None:
        with self.busy:
            if not self.intact():
                return
            try:
                result = watched_tick(self.app)  # a failure is recorded as a problem and the admins hear of it
            except TransportError as exc:  # the mail server's German reason says it all; no traceback
                mail = self.app.config.mail
                log.error("Mailpostfach gestört (%s, %s): %s", mail.transport, mail.address, exc)
                return
            except MailbotError as exc:  # a German problem (database locked, full …): said plainly
                log.error("tick fehlgeschlagen: %s", exc)
                return
            except Exception:  # the next tick carries on: nothing is lost, state lives in the database
                log.exception("tick fehlgeschlagen")
                return
            finally:
                self.recheck()
        self.journal(result)

    def journal(self, result: TickResult) -> None:
        """One line for a tick that did something; an idle one is DEBUG, with an hourly heartbeat at INFO."""
        now = self.app.clock.now()
        line = tick_line(result)
        if line is not None:
            log.info(line)
            self.heartbeat.beat(now)
        elif self.heartbeat.due(now):
            log.info("Läuft, nichts zu tun. Nächste Aktion: %s", next_action_text(self.app))
            self.heartbeat.beat(now)
        else:
            log.debug("Durchgang: nichts zu tun")

    def sync(self) -> None:
        """The daily ``sessions sync``: schedule.toml follows the council calendar; the change is live at once."""
        with self.busy:
            if not self.intact():
                return
            try:
                results = sync_sessions(self.app, dry_run=False)
            except Exception:  # tomorrow's run tries again; the sessions as they stand stay valid
                log.exception("Abgleich mit dem Ratsinformationssystem fehlgeschlagen")
                return
            finally:
                self.recheck()
            if self.stopping:
                return
            for result in results:
                changes = "; ".join(c.text() for c in result.plan.changes) if result.plan else ""
                log.info("Abgleich %s: %s", result.source.committee, result.error or changes or "unverändert")
            self.reload_if_changed()

    def halt(self, loss: Loss) -> None:
        """The database under the service is gone or another one: writing on would lose data, so stop loudly
        (exit status 1, so systemd's ``Restart=on-failure`` meets the refusal of ``open_store`` next).

        The admins' mail cannot be an alert of the outbox (that is the very database that is lost): it goes
        straight through the transport, at most once a day per reason (``alerts/unrecorded.py``).
        """
        log.critical("%s Der Dienst hält an, damit nichts in eine verlorene oder falsche Datenbank geschrieben "
                     "wird. Datenbank wiederherstellen (README, „Backup and restore“), dann den Dienst starten.",
                     loss.text)
        sound_alarm(self.app, loss.reason, loss.text)
        self.exit_code = 1
        self.stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def purge(self) -> None:
        """The daily DSGVO purge: raw mail bodies and outbox bodies past their period (RELIABILITY.md §5.6)."""
        policy = self.app.config.retention
        maildir = self.app.config.mail.maildir_path if self.app.config.mail.transport == "maildir" else None
        try:
            result = purge(self.app.store, self.app.clock.now(), policy.raw_mail_days, policy.outbox_body_days,
                           maildir=maildir)
        except Exception:  # tomorrow's run catches up; nothing else depends on it
            log.exception("Löschlauf fehlgeschlagen")
            return
        log.info("Löschlauf: %s", result.summary())

    def stop(self, signum: int, _frame: FrameType | None) -> None:
        """First signal: finish the running tick, then end. A second one while waiting changes nothing."""
        if self.stopping:
            log.info("Signal %s: wird bereits beendet, der laufende Durchgang wird noch abgeschlossen",
                     signal.Signals(signum).name)
            return
        self.stopping = True
        log.info("Signal %s erhalten: beende nach dem laufenden Durchgang", signal.Signals(signum).name)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

    def schedule_jobs(self) -> None:
        self.scheduler.add_job(self.reconcile, "interval", minutes=self.app.config.timeline.poll_minutes,
                               id=JOB_ID, replace_existing=True, coalesce=True, max_instances=1,
                               misfire_grace_time=None, next_run_time=SystemClock().now())
        purge_at = self.app.config.retention.purge_time
        self.scheduler.add_job(self.purge, "cron", hour=purge_at.hour, minute=purge_at.minute, id="purge",
                               replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None)
        # daily, and at start too: a restart after sync_time must not skip a day (no source: nothing to do)
        sync_at = self.app.config.timeline.sync_time
        self.scheduler.add_job(self.sync, "cron", hour=sync_at.hour, minute=sync_at.minute, id="sessions-sync",
                               replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
                               next_run_time=SystemClock().now())

    def serve(self) -> None:
        self.schedule_jobs()
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.info(start_line(self.app, self.directory))
        self.scheduler.start()
        self.app.close()
        log.info("kgrz-mailbot beendet")


def _reason(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, MailbotError) else f"{type(exc).__name__}: {exc}"
    return text.split("\n")[0][:300]
