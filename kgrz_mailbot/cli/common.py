"""What every command handler needs: the configuration, the app with ``--now``, JSON output."""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import Clock, FixedClock
from kgrz_mailbot.config.load import config_dir, load_config
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.errors import MailbotError


def parse_now(value: str | None, zone: ZoneInfo) -> Clock | None:
    """``--now`` is local time of the configured zone unless it carries an offset (C2)."""
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    return FixedClock(instant if instant.tzinfo else instant.replace(tzinfo=zone))


def load(args: argparse.Namespace, *, check_holidays: bool = True) -> Config:
    return load_config(config_dir(args.config), check_holidays=check_holidays)


def open_app(args: argparse.Namespace, *, open_store: bool = True, check_holidays: bool | None = None) -> App:
    """The app with ``--now``; ``open_store=False`` for commands that only read (``plan``, ``status``);
    ``check_holidays=False`` for commands that never ask for a working day (``compile``): importing the
    holiday calendars is a tenth of such a command; ``check`` and the first timeline use still check the region."""
    config = load(args, check_holidays=open_store if check_holidays is None else check_holidays)
    refuse_foreign_state(config)
    return build_app(config, clock=parse_now(getattr(args, "now", None), ZoneInfo(config.organisation.timezone)),
                     open_store=open_store)


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def refuse_foreign_state(config: Config) -> None:
    """Root must not write into the service account's state: the service could not read what root creates
    there (the database's journal, a Maildir file, a draft, all private to their owner)."""
    if os.geteuid() != 0 or not config.state_dir.is_dir():
        return
    owner = config.state_dir.stat().st_uid
    if owner == 0:
        return
    try:
        import pwd  # noqa: PLC0415 - POSIX; only for the name in the message

        name = pwd.getpwuid(owner).pw_name
    except (ImportError, KeyError):
        name = str(owner)
    raise MailbotError(
        f"{config.state_dir} gehört dem Dienstkonto {name}; was root dort anlegt, könnte der Dienst nicht lesen. "
        f"Bitte als Dienstkonto ausführen: „kgrz-mailbot …“ über /usr/local/bin (wechselt selbst zum Dienstkonto) "
        f"oder „sudo -u {name} kgrz-mailbot …“.")
