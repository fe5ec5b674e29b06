"""``check``: every mail template rendered the way the service will render it, in a throwaway rehearsal.

A template can be valid Jinja and still fail when a mail is due (a variable the bot does not pass, a filter
on the wrong type): StrictUndefined only notices when it renders. So ``check`` plays one session through the
real code with the configured templates, the configured committee and the first two projects with their real
leads: an unmatched mail, the requests, a reply with errors, HILFE/FORMULAR/STATUS, answers from the other
project's lead and from a stranger, a reminder, a valid reply,
a moved session, the deadline, the draft, a FREIGABE, a late answer, an unverifiable FREIGABE, the admin
alerts, the alarm of a lost database, a cancellation and the session set again. Everything happens in a
temporary folder on the embedded Maildir, so nothing is sent and the real database is not touched. Each
template that fails, or that the rehearsal never reached, is a problem.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kgrz_mailbot.alerts.api import report_problem, resolve_problem
from kgrz_mailbot.alerts.unrecorded import sound_alarm
from kgrz_mailbot.alerts.watch import review
from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.readiness import WARNING
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.council.notice import cancel_session
from kgrz_mailbot.council.reinstate import announce_reinstated
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.domain.model import ActionKind, Session
from kgrz_mailbot.jobs.tick import tick
from kgrz_mailbot.reports.render import Renderer
from kgrz_mailbot.storage import council

SESSION_DAY = date(2031, 3, 19)  # a Wednesday with no holiday near it; far from any real session
LOGGERS = ("kgrz_mailbot", "apscheduler")


class RecordingRenderer(Renderer):
    """The real renderer that also notes which template rendered and which failed, and why."""

    def __init__(self, templates_dir: Path | None) -> None:
        super().__init__(templates_dir)
        self.rendered: set[str] = set()
        self.failed: dict[str, str] = {}

    def render(self, name: str, /, **context: Any) -> str:
        try:
            text = super().render(name, **context)
        except Exception as exc:
            self.failed.setdefault(name, f"{type(exc).__name__}: {exc}")
            raise
        self.rendered.add(name)
        return text


def rehearse(config: Config, required: set[str]) -> list[str]:
    """German problems of the templates in ``required`` (names), found by rendering them for real."""
    with tempfile.TemporaryDirectory(prefix="kgrz-mailbot-check-") as scratch, _quiet():
        renderer = RecordingRenderer(config.templates_dir)
        steps = _Rehearsal(_scratch_config(config, Path(scratch)), renderer)
        stopped = steps.run()
    where = renderer.templates_dir
    problems = [f"{where}/{name}: lässt sich mit einem echten Beispiel nicht füllen ({reason}). Bitte die "
                "Vorlage korrigieren (Variablennamen wie in der mitgelieferten Vorlage)."
                for name, reason in sorted(renderer.failed.items()) if name in required]
    untested = sorted(required - renderer.rendered - set(renderer.failed))
    if untested:  # our gap, not the admin's: a warning (tests/config asserts the rehearsal reaches every template)
        why = f" (die Probe brach ab: {stopped})" if stopped else " (kein Ablauf der Probe erreicht sie; "
        why += "" if stopped else "für Entwickler: demo/rehearsal.py ergänzen)"
        problems.append(f"{WARNING}{where}: {', '.join(untested)} konnte(n) nicht mit einem echten Beispiel "
                        f"geprüft werden{why}.")
    return problems


@contextmanager
def _quiet() -> Iterator[None]:
    """The rehearsal's own journal lines (alerts, sends) are no news for the admin running ``check``."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _scratch_config(config: Config, scratch: Path) -> Config:
    """The configuration with its state in ``scratch``, the embedded Maildir, one session and two projects."""
    committee = config.committees[0]
    active = [p for p in config.projects if p.active][:2] or list(config.projects[:2])
    # A configured alert relay stays in the texts, but points nowhere: the rehearsal never sends a real mail.
    relay = config.mail.alert_relay and dataclasses.replace(config.mail.alert_relay, host="relay.invalid")
    mail = dataclasses.replace(config.mail, transport="maildir", maildir_path=scratch / "mail",
                               admin_to=config.mail.admin_to or ("it-betrieb@example.invalid",),
                               maildir_authserv_id=None, alert_relay=relay)
    return dataclasses.replace(
        config, storage_url=f"sqlite:///{scratch / 'probe.sqlite3'}", mail=mail, state_dir=scratch,
        report=dataclasses.replace(config.report, output=scratch / "reports"), committees=(committee,),
        sessions=(Session(committee=committee.key, date=SESSION_DAY),), projects=tuple(active),
    )


class _Rehearsal:
    def __init__(self, config: Config, renderer: RecordingRenderer) -> None:
        self.config, self.renderer = config, renderer
        self.clock = FixedClock(datetime(2031, 1, 6, 9, 0, tzinfo=ZoneInfo(config.organisation.timezone)))
        self.app: App | None = None
        self.counter = 0

    def run(self) -> str | None:
        """Every step in order; the reason the rehearsal stopped early, or None."""
        steps: list[Callable[[], None]] = [
            self.unmatched, self.requests, self.answers_with_errors, self.reminder, self.valid_answer,
            self.move, self.deadline_and_draft, self.approval, self.late_answer, self.refused_approval, self.alerts,
            self.alarm, self.cancel, self.reinstate,
        ]
        try:
            for step in steps:
                step()
        except Exception as exc:  # a template error stops its flow; which templates it kept from us is reported
            return f"{type(exc).__name__}: {exc}"
        finally:
            if self.app is not None:
                self.app.close()
        return None

    # -- helpers --------------------------------------------------------------------------------------------
    def open(self, config: Config | None = None) -> App:
        if self.app is not None:
            self.app.close()
        self.config = config or self.config
        self.app = build_app(self.config, clock=self.clock)
        self.app.renderer = self.renderer
        return self.app

    def at(self, kind: ActionKind, after: timedelta = timedelta(minutes=1)) -> None:
        assert self.app is not None
        due = next(a.due for a in self.app.plan(self.config.sessions[0]) if a.kind is kind)
        self.clock.set(due + after)

    def deliver(self, raw: bytes) -> None:
        self.counter += 1
        inbox = self.config.mail.maildir_path / "inbox" / "new"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / f"probe-{self.counter:03d}.eml").write_bytes(raw)

    def sent(self, words: str, to: str) -> bytes:
        folder = self.config.mail.maildir_path / "sent" / "new"
        found = [p.read_bytes() for p in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)]
        for raw in reversed(found):
            msg = message_from_bytes(raw, policy=policy.default)
            if words in str(msg["Subject"]) and to in str(msg["To"]):
                return raw
        raise LookupError(f"keine Mail „{words}“ an {to}")

    def reply(self, words: str, person: tuple[str, str], *answers: str, to: str | None = None) -> None:
        """The person answers the newest mail ``words`` names that went to them (or to ``to``), or writes a new
        one; then one tick reads it all."""
        name, address = person
        original = self.sent(words, to or address) if words else None
        if original is None:
            original = (f"From: {self.config.mail.address}\r\nTo: {address}\r\nSubject: Projektstatus\r\n"
                        f"Message-ID: <probe-{self.counter}@invalid>\r\n\r\n-\r\n").encode()
        for answer in answers:
            self.clock.set(self.clock.now() + timedelta(minutes=1))
            self.deliver(outlook_reply(original, address, name, answer, self.clock.now()))
        self.clock.set(self.clock.now() + timedelta(minutes=5))
        tick(self.app)  # type: ignore[arg-type]

    @property
    def lead(self) -> tuple[str, str]:
        project = self.config.projects[0]
        return project.lead.name, project.lead.address

    @property
    def werkleitung(self) -> tuple[str, str]:
        return "", self.config.committees[0].draft_to[0]

    # -- the steps ------------------------------------------------------------------------------------------
    def unmatched(self) -> None:
        self.open()
        self.reply("", self.lead, "Stand:\nDie Umstellung läuft nach Plan.")  # nothing asked yet: unmatched
        self.reply("", self.werkleitung, "FREIGABE")  # no draft yet: approval_unmatched

    def requests(self) -> None:
        self.at(ActionKind.REQUEST)
        tick(self.app)  # type: ignore[arg-type]

    def answers_with_errors(self) -> None:
        self.reply("Statusabfrage", self.lead, "Ampel: lila\nFortschritt: 140 %", "HILFE", "FORMULAR", "STATUS")
        other = self.config.projects[-1].lead
        if other.address != self.lead[1]:  # the other project's lead answers this one: told it cannot count
            self.reply("Statusabfrage", (other.name, other.address), "Stand:\nFalsches Projekt.", to=self.lead[1])
        # a colleague nobody configured answers the lead's request: the lead is told, never the colleague
        self.reply("Statusabfrage", ("Kollegin Probe", "kollegin.probe@example.invalid"), "Stand:\nVertretung.",
                   to=self.lead[1])

    def reminder(self) -> None:
        self.at(ActionKind.REMINDER)
        tick(self.app)  # type: ignore[arg-type]

    def valid_answer(self) -> None:
        self.reply("Statusabfrage", self.lead, "Ampel: grün\nFortschritt: 40 %\nStand:\nDie Umstellung läuft.\n"
                   "- 400 Postfächer sind umgestellt\nWeiteres Vorgehen: Rollout bis Dezember.")

    def move(self) -> None:
        session = self.config.sessions[0]
        moved = dataclasses.replace(session, date=session.date + timedelta(days=7))
        app = self.open(dataclasses.replace(self.config, sessions=(moved,)))
        tick(app)  # tells the leads already asked the new deadline

    def deadline_and_draft(self) -> None:
        self.at(ActionKind.DEADLINE)
        tick(self.app)  # type: ignore[arg-type]
        self.at(ActionKind.DRAFT)
        tick(self.app)  # type: ignore[arg-type]

    def approval(self) -> None:
        self.reply("Entwurf", self.werkleitung, "FREIGABE")

    def late_answer(self) -> None:
        self.reply("Statusabfrage", self.lead, "Ampel: gelb\nStand:\nNachtrag nach der Freigabe.")  # closed: late

    def refused_approval(self) -> None:
        # Our own mail server vouches for senders from now on; a FREIGABE it does not vouch for is refused.
        mail = dataclasses.replace(self.config.mail, maildir_authserv_id="probe.invalid")
        self.open(dataclasses.replace(self.config, mail=mail))
        self.reply("Entwurf", self.werkleitung, "FREIGABE")

    def alerts(self) -> None:
        app = self.app
        assert app is not None
        report_problem(app, "mailbox", "Anmeldung am Exchange-Server fehlgeschlagen (HTTP 401): Probe.",
                       transport=True)
        review(app)
        self.clock.set(self.clock.now() + timedelta(hours=1))
        resolve_problem(app, "mailbox")
        review(app)

    def alarm(self) -> None:
        # straight through the scratch Maildir; a template that fails is noted by the renderer, the rest goes on
        assert self.app is not None
        database = self.config.storage_url.removeprefix("sqlite:///")
        sound_alarm(self.app, "missing", f"Die Datenbankdatei {database} wurde gelöscht, während der Dienst lief.")

    def cancel(self) -> None:
        app = self.app
        assert app is not None
        with app.store.write() as db:
            cancel_session(app, db, self.config.sessions[0], deleted=False)
        review(app)  # the notices go out with the next relay; rendering is what counts here

    def reinstate(self) -> None:
        app = self.app
        assert app is not None
        session = self.config.sessions[0]
        with app.store.write() as db:
            council.reinstate(db, session.committee, session.date)
            announce_reinstated(app, db, session)
