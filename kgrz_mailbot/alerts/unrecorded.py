"""The one alarm that cannot be recorded: ``run`` lost its database or is refused one, so the admins get a mail
straight through the transport (or, when that fails, ``[mail.alert_relay]``), at most once a day per reason,
remembered in a small file in the state folder.

Every other alert is an outbox row of the database (``alerts/notify.py``); this one is about that very database,
so nothing of it may touch the store. What was sent today is remembered in ``kgrz-mailbot.alarm.json`` beside
the database (``[paths] state``), so that systemd restarting a refused service again and again
(``Restart=on-failure``) does not send a mail each time. The file is written only after the send: if the
service dies in between, the alarm comes twice, which is better than never.
"""

from __future__ import annotations

import json
import logging
import socket
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgrz_mailbot.alerts.smtp_relay import HINT, by_relay
from kgrz_mailbot.outbox.letters import base_context, build, local_text
from kgrz_mailbot.reports.files import atomic_write

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.alerts")
FILE = "kgrz-mailbot.alarm.json"
TEMPLATE = "database_lost.txt.j2"

#: the subject's words per reason (``storage.installation``: ``Loss.reason``, ``DatabaseRefused.reason``)
TITLES = {
    "missing": "Datenbank gelöscht oder nicht vorhanden",
    "replaced": "Datenbankdatei ersetzt",
    "changed": "Datenbank ausgetauscht",
    "empty": "Datenbank leer",
    "broken": "Datenbank beschädigt",
    "foreign": "fremde Datenbank",
    "other-installation": "Datenbank einer anderen Installation",
}

#: reason → {"since": first noticed (ISO instant), "sent": local day of the last mail (ISO date)}
Record = dict[str, dict[str, str]]


# -- the decisions: pure ---------------------------------------------------------------------------------------
def noticed(record: Record, reason: str, now: datetime) -> Record:
    """The record with ``reason`` noticed now, unless it was noticed before (then since then)."""
    entry = record.get(reason, {})
    return record | {reason: {"since": now.isoformat()} | entry}


def due(record: Record, reason: str, today: date) -> bool:
    """Not yet mailed today for this reason."""
    return record.get(reason, {}).get("sent") != today.isoformat()


def mailed(record: Record, reason: str, today: date) -> Record:
    return record | {reason: record.get(reason, {}) | {"sent": today.isoformat()}}


def since(record: Record, reason: str, fallback: datetime) -> datetime:
    try:
        return datetime.fromisoformat(record[reason]["since"])
    except (KeyError, ValueError):
        return fallback


# -- the shell ------------------------------------------------------------------------------------------------
def sound_alarm(app: App, reason: str, detail: str) -> bool:
    """Tell the admins that ``run`` stops for its database (``detail``: what, in German), unless they were told
    today for this reason; True when a mail went out. Never raises: the service stops either way.

    ``app`` must not need its store: the running service's own App, or one built with ``open_store=False``.
    """
    now = app.clock.now()
    today = now.astimezone(app.zone).date()
    path = app.config.state_dir / FILE
    before = _read(path)
    record = noticed(before, reason, now)
    admins, sent = app.config.mail.admin_to, False
    if not admins:
        log.error("Keine Alarmmail an die Administratoren: in settings.toml ist [mail] admin_to nicht gesetzt.")
    elif not due(record, reason, today):
        log.warning("Die Alarmmail „%s“ ging heute schon an %s (vermerkt in %s); keine weitere.",
                    TITLES.get(reason, reason), ", ".join(admins), path)
    elif sent := _send(app, reason, detail, since(record, reason, now)):
        record = mailed(record, reason, today)
    if record != before:
        _write(path, record)
    return sent


def all_clear(state_dir: Path) -> None:
    """The service has its database again: the next loss is news, with its own "since"."""
    try:
        (state_dir / FILE).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("%s nicht gelöscht: %s", state_dir / FILE, exc)


def _send(app: App, reason: str, detail: str, first: datetime) -> bool:
    """Straight through the transport; when that fails, through ``[mail.alert_relay]`` if there is one."""
    mail = app.config.mail
    letter = None
    try:
        context = base_context(app) | {
            "title": TITLES.get(reason, reason), "detail": detail, "since": local_text(app, first),
            "database": _where(app.config.storage_url), "host": socket.gethostname(),
            "config_dir": str(app.config.directory), "mailbox": mail.address, "transport_name": mail.transport,
            "relay": mail.alert_relay.where if mail.alert_relay else None,
        }
        org = app.config.organisation.short or app.config.organisation.name
        letter = build(app, business_key=f"alarm/{reason}", kind="alarm",
                       to=[("", a) for a in mail.admin_to],
                       subject=f"[{org} Projektstatus] Dienst angehalten: {context['title']}",
                       text=app.renderer.render(TEMPLATE, **context))
        (error,) = app.transport.send_many([(letter.raw, letter.message_id, letter.recipients)])
        if error is not None:
            raise error
    except Exception as exc:  # noqa: BLE001 - the service stops all the same; the journal line is the alarm
        if letter is not None and mail.alert_relay is not None:
            what = f"Alarmmail „{TITLES.get(reason, reason)}“"
            return by_relay(app, letter.raw, list(letter.recipients), what, _reason(exc)) is None
        log.error("Alarmmail an %s nicht gesendet – der Mailversand ist gestört (%s, %s): %s. Der Dienst hält "
                  "trotzdem an; bitte direkt handeln (Journal: journalctl -u kgrz-mailbot -e).%s",
                  ", ".join(mail.admin_to), mail.transport, mail.address, _reason(exc),
                  "" if letter is None else f" {HINT}")
        return False
    log.warning("Alarmmail „%s“ an %s gesendet (direkt, nicht über die Datenbank).", context["title"],
                ", ".join(mail.admin_to))
    return True


def _where(url: str) -> str:
    from kgrz_mailbot.storage.markers import masked, sqlite_file  # noqa: PLC0415 - SQLAlchemy only for servers

    path = sqlite_file(url)
    return str(path) if path else masked(url)


def _read(path: Path) -> Record:
    """What was sent; an unreadable file counts as nothing sent (an alarm twice rather than never)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s unlesbar (%s); wird neu geschrieben.", path, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.items() if isinstance(v, dict)}


def _write(path: Path, record: Record) -> None:
    """Atomic and private (0600, from mkstemp): a half-written file would read as nothing sent."""
    text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as exc:
        log.error("%s nicht geschrieben (%s): nach einem Neustart kann die Alarmmail heute noch einmal kommen.",
                  path, exc)


def _reason(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).split("\n")[0][:300]
