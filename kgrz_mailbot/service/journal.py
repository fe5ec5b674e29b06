"""What ``run`` writes to its journal: German lines in the configured zone, one per tick that did something.

An idle tick says nothing at INFO (every five minutes that would be over a thousand lines a day); a heartbeat
says at most hourly that the service is alive and what comes next. APScheduler's own lines (job added, job
executed …) are DEBUG, seen with ``-v``; its few warnings are put in German. The start line names everything an
admin checks first: the configuration folder, the transport and mailbox, the database and the next due action.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.timeline import ACTION_LABELS, weekday_name
from kgrz_mailbot.domain.words import OUTCOMES, done_label

if TYPE_CHECKING:
    from kgrz_mailbot.app import App
    from kgrz_mailbot.jobs.tick import TickResult

HEARTBEAT = timedelta(hours=1)
LEVELS = {"WARNING": "WARNUNG", "ERROR": "FEHLER", "CRITICAL": "KRITISCH"}
SCHEDULER_WARNINGS = [  # APScheduler's warnings that can happen with our jobs, in German
    (re.compile(r"Execution of job .* skipped: maximum number of running instances reached"),
     "Durchgang ausgelassen: der vorige läuft noch (ein Durchgang dauert länger als poll_minutes)."),
    (re.compile(r"Run time of job .* was missed by (.*)"), "Durchgang verspätet um {0} (Rechner ausgelastet?)."),
]


class ZonedFormatter(logging.Formatter):
    """Times in the configured zone (set once the configuration is read), German level names."""

    zone: tzinfo | None = None

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, self.zone).astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        record.level_de = LEVELS.get(record.levelname, record.levelname)
        return super().format(record)


class SchedulerInGerman(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern, german in SCHEDULER_WARNINGS:
            if match := pattern.search(message):
                record.msg, record.args = german.format(*match.groups()), ()
                return True
        if record.levelno >= logging.WARNING:
            record.msg, record.args = f"Zeitplaner (APScheduler): {message}", ()
        return True


def configure_logging(verbose: bool, service: bool) -> None:
    """The service logs INFO, other commands WARNING, ``-v`` DEBUG; as ``logging.basicConfig``, nothing is
    replaced when the root logger has handlers already (a test's capture)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        layout = "%(asctime)s %(level_de)s %(message)s" + (" [%(name)s]" if verbose else "")
        handler.setFormatter(ZonedFormatter(layout))
        root.addHandler(handler)
        root.setLevel(logging.DEBUG if verbose else logging.INFO if service else logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)  # storage/db.py says it
    scheduler = logging.getLogger("apscheduler")
    scheduler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not any(isinstance(f, SchedulerInGerman) for f in scheduler.filters):
        scheduler.addFilter(SchedulerInGerman())


def use_zone(zone: tzinfo) -> None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, ZonedFormatter):
            handler.formatter.zone = zone


def _database(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)  # a password in a PostgreSQL URL stays private


def _mailbox(app: App) -> str:
    mail = app.config.mail
    if mail.transport == "exchange" and mail.exchange is not None:
        where = f"Exchange (EWS) {mail.exchange.endpoint}"
    elif mail.transport == "graph" and mail.graph is not None:
        where = f"Microsoft Graph {mail.graph.graph_url}"
    else:
        where = f"Maildir {mail.maildir_path}"
    return f"{mail.address} über {where}"


def next_action_text(app: App) -> str:
    from kgrz_mailbot.jobs.states import next_action  # noqa: PLC0415 - reads the database; imported when needed

    row = next_action(app)
    if row is None:
        return "keine (keine künftige Sitzung in schedule.toml)"
    action, session = row.action, row.action.session
    label = f"{action.seq}. {ACTION_LABELS[action.kind]}" if action.seq else ACTION_LABELS[action.kind]
    due = action.due.astimezone(app.zone)
    committee = app.config.committee(session.committee).name.split('"')[0].strip() or session.committee
    return (f"{label} für die Sitzung am {session.date:%d.%m.%Y} ({committee}), "
            f"{'fällig seit' if row.state == 'due' else 'am'} {weekday_name(due.date())[:2]} {due:%d.%m.%Y %H:%M}")


def start_line(app: App, directory: Path) -> str:
    return (f"kgrz-mailbot läuft. Konfiguration: {directory.resolve()}; Postfach: {_mailbox(app)}; Datenbank: "
            f"{_database(app.config.storage_url)}; Abruf alle {app.config.timeline.poll_minutes} Minuten; "
            f"nächste Aktion: {next_action_text(app)}")


def tick_line(result: TickResult) -> str | None:
    """What a tick did, in one line; None for a tick that did nothing."""
    poll = result.poll
    if not (poll.fetched or poll.outcomes or poll.failed or poll.sent or result.done):
        return None
    parts = []
    if poll.fetched or poll.outcomes:
        outcomes = ", ".join(f"{n} {OUTCOMES.get(k, k)}" for k, n in sorted(poll.outcomes.items()))
        parts.append(f"{poll.fetched} neue Mail(s)" + (f" ({outcomes})" if outcomes else ""))
    if result.done:
        parts.append("erledigt: " + ", ".join(done_label(key) for key in result.done))
    if poll.sent:
        parts.append(f"{poll.sent} Mail(s) versandt")
    if poll.failed:
        parts.append(f"{poll.failed} Mail(s) nicht verarbeitet (siehe „kgrz-mailbot quarantine“)")
    return "Durchgang: " + "; ".join(parts)


class Heartbeat:
    """At most hourly, while ticks are idle: the service is alive, and what comes next."""

    def __init__(self) -> None:
        self.last: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.last is None or now - self.last >= HEARTBEAT

    def beat(self, now: datetime) -> None:
        self.last = now
