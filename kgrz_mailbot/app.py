"""Composition root: the one place that picks implementations and wires config, store, transport, clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from kgrz_mailbot.clock import Clock, SystemClock
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.domain.timeline import PlannedAction, plan_session
from kgrz_mailbot.errors import UnknownSessionError
from kgrz_mailbot.reports.render import Renderer
from kgrz_mailbot.storage.installation import open_store
from kgrz_mailbot.storage.store import Store
from kgrz_mailbot.transports import Mailbox, open_transport

log = logging.getLogger("kgrz_mailbot")


@dataclass
class App:
    config: Config
    clock: Clock
    store: Store
    transport: Mailbox
    renderer: Renderer
    zone: ZoneInfo = field(init=False)
    _plans: dict[Session, list[PlannedAction]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.config.organisation.timezone)

    @cached_property
    def is_closed(self) -> Callable[[date], bool]:
        """Public holidays of the configured region plus local closing days."""
        country, _, subdiv = self.config.organisation.holidays.partition("-")
        calendar = holidays.country_holidays(country, subdiv=subdiv or None, language="de")
        closed = set(self.config.timeline.closed)
        return lambda day: day in closed or day in calendar

    def plan(self, session: Session) -> list[PlannedAction]:
        """The session's timeline; a pure function of the config, so computed once per App."""
        if session not in self._plans:
            policy = self.config.timeline
            self._plans[session] = plan_session(
                session, request=policy.request, reminders=policy.reminders, deadline=policy.deadline,
                draft=policy.draft, clock=policy.time_of_day, zone=self.zone, is_closed=self.is_closed,
            )
        return self._plans[session]

    def session(self, day: date, committee: str | None = None) -> Session:
        """The configured session of that date; a German error naming schedule.toml otherwise."""
        matches = [s for s in self.config.sessions if s.date == day and committee in (None, s.committee)]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(s.date.isoformat() for s in self.config.sessions) or "keine"
        if not matches:
            raise UnknownSessionError(
                f"schedule.toml: keine Sitzung am {day.isoformat()} eingetragen. Eingetragene Sitzungen: {known}."
            )
        raise UnknownSessionError(f"Am {day.isoformat()} tagen mehrere Gremien; bitte --committee angeben.")

    def close(self) -> None:
        self.transport.close()
        self.store.close()


def build_app(config: Config, clock: Clock | None = None, transport: Mailbox | None = None) -> App:
    clock = clock or SystemClock()
    store = open_store(config, clock.now())  # refuses a lost database instead of starting a new one
    store.sync_config(config, clock.now())
    return App(
        config=config,
        clock=clock,
        store=store,
        transport=transport or open_transport(config.mail),
        renderer=Renderer(config.templates_dir),
    )
