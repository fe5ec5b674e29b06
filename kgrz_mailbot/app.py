"""Composition root: the one place that picks implementations and wires config, store, transport, clock.

The store, the transport and the renderer are opened on first use, and their libraries imported then: ``plan``
and ``status`` read through ``reader`` and never load SQLAlchemy, exchangelib or Jinja2 (issue 15: commands
that only read must answer within half a second).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kgrz_mailbot.clock import Clock, SystemClock
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.domain.timeline import PlannedAction, plan_session
from kgrz_mailbot.errors import ConfigError, UnknownSessionError

if TYPE_CHECKING:
    import sqlite3

    from kgrz_mailbot.reports.render import Renderer
    from kgrz_mailbot.storage.readmodel import ReadModel
    from kgrz_mailbot.storage.store import Store
    from kgrz_mailbot.transports import Mailbox

log = logging.getLogger("kgrz_mailbot")


class App:
    def __init__(self, config: Config, clock: Clock, transport: Mailbox | None = None) -> None:
        self.config = config
        self.clock = clock
        self.zone = ZoneInfo(config.organisation.timezone)
        self._given_transport = transport
        self._plans: dict[Session, list[PlannedAction]] = {}
        self._quick: sqlite3.Connection | None = None

    @cached_property
    def store(self) -> Store:
        """The database, migrated to the newest schema and mirroring the configuration; a lost one is refused,
        never started anew (``storage/installation.py``)."""
        from kgrz_mailbot.storage.installation import open_store  # noqa: PLC0415

        store = open_store(self.config, self.clock.now())
        store.sync_config(self.config, self.clock.now())
        return store

    @cached_property
    def transport(self) -> Mailbox:
        from kgrz_mailbot.transports import open_transport  # noqa: PLC0415

        return self._given_transport or open_transport(self.config.mail)

    @cached_property
    def renderer(self) -> Renderer:
        from kgrz_mailbot.reports.render import Renderer  # noqa: PLC0415

        return Renderer(self.config.templates_dir)

    @cached_property
    def reader(self) -> ReadModel:
        """What ``plan`` and ``status`` read: on the stdlib SQLite driver when the file is current and no store is
        open yet, on the store's engine otherwise (``storage/quick.py``)."""
        if "store" not in self.__dict__:
            quick = self._open_quick()
            if quick is not None:
                model, self._quick = quick
                return model
        return self.store.read_model()

    @contextmanager
    def quick_write(self) -> Iterator[ReadModel | None]:
        """A write transaction on the stdlib SQLite driver (``storage/draftdata.py`` runs on it) when the file is
        current and no store is open yet, for ``compile`` without sending; None: the Store must do the work."""
        quick = None if "store" in self.__dict__ else self._open_quick(write=True)
        if quick is None:
            yield None
            return
        from kgrz_mailbot.storage.quick import quick_transaction, sqlite_path  # noqa: PLC0415

        model, connection = quick
        try:
            path = sqlite_path(self.config.storage_url)
            assert path is not None
            with quick_transaction(connection, path, self.config.storage_lock_timeout):
                yield model
        finally:
            connection.close()

    def tick_lock(self, wait: float = 0.0) -> AbstractContextManager[bool]:
        """The Store's leadership (``storage/leader.py``); on SQLite without opening the Store, for the quick path."""
        if "store" not in self.__dict__:
            from kgrz_mailbot.storage.leader import file_leadership, lock_file_of  # noqa: PLC0415
            from kgrz_mailbot.storage.quick import sqlite_path  # noqa: PLC0415

            path = sqlite_path(self.config.storage_url)
            if path is not None:
                return file_leadership(lock_file_of(path)).hold(wait)
        return self.store.tick_lock(wait)

    def _open_quick(self, write: bool = False) -> tuple[ReadModel, sqlite3.Connection] | None:
        from kgrz_mailbot.storage.quick import open_quick  # noqa: PLC0415

        return open_quick(self.config, write=write)

    @cached_property
    def is_closed(self) -> Callable[[date], bool]:
        """Public holidays of the configured region plus local closing days."""
        from kgrz_mailbot.config.build import holiday_region_problem  # noqa: PLC0415
        from kgrz_mailbot.config.public_holidays import calendar as holiday_calendar  # noqa: PLC0415

        region = self.config.organisation.holidays
        try:
            calendar = holiday_calendar(region)
        except (NotImplementedError, KeyError, ValueError):  # a config loaded without checking the region
            raise ConfigError([f"settings.toml, [organisation] holidays: {holiday_region_problem(region)}"]) from None
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
        """Close what was opened (nothing is opened just to be closed)."""
        if "transport" in self.__dict__:
            self.transport.close()
        if "store" in self.__dict__:
            self.store.close()
        if self._quick is not None:
            self._quick.close()


def build_app(config: Config, clock: Clock | None = None, transport: Mailbox | None = None,
              *, open_store: bool = True) -> App:
    """The app; by default its database is opened (migrated, config mirrored) right away, so a broken database
    fails at start; commands that only read pass ``open_store=False``."""
    app = App(config, clock or SystemClock(), transport)
    if open_store:
        _ = app.store
    return app
