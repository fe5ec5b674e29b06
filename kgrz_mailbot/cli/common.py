"""What every command handler needs: the configuration, the app with ``--now``, JSON output."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import Clock, FixedClock
from kgrz_mailbot.config.load import config_dir, load_config
from kgrz_mailbot.config.settings import Config


def parse_now(value: str | None, zone: ZoneInfo) -> Clock | None:
    """``--now`` is local time of the configured zone unless it carries an offset (C2)."""
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    return FixedClock(instant if instant.tzinfo else instant.replace(tzinfo=zone))


def load(args: argparse.Namespace) -> Config:
    return load_config(config_dir(args.config))


def open_app(args: argparse.Namespace) -> App:
    config = load(args)
    return build_app(config, clock=parse_now(getattr(args, "now", None), ZoneInfo(config.organisation.timezone)))


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
