"""One installation for fuzzing: requests are out, so a mutated reply can still be a genuinely valid one."""

from __future__ import annotations

import re
import shutil
import signal
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.tick import tick
from kgrz_mailbot.storage.tables import InboundMailRow, OutboundMailRow, ProjectRow, StatusRequestRow

REPO = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Europe/Berlin")
# kinds that answer one inbound mail
ANSWERS = {"confirmation", "rejection", "command", "unmatched", "approval", "approval-notice", "late", "unheard"}
MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*<[^>\r\n]*>")
HANG_SECONDS = 20.0  # one poll over a few mails; far beyond any honest parse, short enough for CI


class PollHang(BaseException):
    """Raised by the timer into a hanging poll; a BaseException so no ``except Exception`` in the app eats it."""


def _hang(signum: int, frame: object) -> None:
    raise PollHang


@dataclass(frozen=True)
class Case:
    """What became of one mutated mail."""

    kept_as: str  # e.g. ``processed/accepted``, ``failed``, ``duplicate``
    problems: list[str]
    seconds: float
    answered: int  # mails sent back (only to the authorised sender of a valid reply)


class FuzzWorld:
    """The real app on Maildir at 30.08.2018; the six requests of the 19.09.2018 session are out."""

    def __init__(self, root: Path, hang_seconds: float = HANG_SECONDS) -> None:
        self.hang_seconds = hang_seconds
        shutil.copytree(REPO / "config", root / "config", ignore=shutil.ignore_patterns("var"))
        # one sender's flood by design: lift the answer rate limit (inbox/limits.py has its own tests)
        settings = root / "config" / "settings.toml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            'address = "projektstatus@koblenz.example"',
            'address = "projektstatus@koblenz.example"\nanswers_per_hour = 1000000'),
            encoding="utf-8")
        self.clock = FixedClock(datetime(2018, 8, 29, 8, 0, tzinfo=ZONE))
        self.app: App = build_app(load_config(root / "config"), clock=self.clock)
        tick(self.app)
        self.clock.set(datetime(2018, 8, 30, 10, 0, tzinfo=ZONE))
        self.inbox = self.app.config.mail.maildir_path / "inbox"
        self.failed = self.app.config.mail.maildir_path / "failed"
        self.count = 0
        self.authorised = {p.address for project in self.app.config.projects for p in (project.lead, *project.deputies)}
        self.authorised |= {a for c in self.app.config.committees for a in c.draft_to}
        with self.app.store.read() as db:
            self.token = db.exec(select(StatusRequestRow.token).join(ProjectRow).where(
                ProjectRow.key == "ecollaboration")).one()

    def close(self) -> None:
        self.app.close()

    def adopt(self, raw: bytes) -> bytes:
        """A test mail as if written to this installation: Sabine Krämer answers with the live token.

        Each case gets its own Message-ID, or the dedupe would (rightly) settle most cases as duplicates.
        """
        self.count += 1
        raw = raw.replace(b"erika.muster@koblenz.example", b"sabine.kraemer@koblenz.example")
        raw = raw.replace(b"KGRZ-7K2QXA", self.token.encode())
        return MESSAGE_ID.sub(b"Message-ID: <fuzz-%d@koblenz.example>" % self.count, raw, count=1)

    def run(self, raws: list[bytes]) -> list[Case]:
        """Deliver the mails, poll once through the real app, and judge what became of each."""
        names = []
        for raw in raws:
            self.count += 1
            name = f"fuzz-{self.count:06d}"
            (self.inbox / "new" / name).write_bytes(raw)
            names.append(name)
        with self.app.store.read() as db:
            before = db.exec(select(OutboundMailRow.id).order_by(col(OutboundMailRow.id).desc())).first() or 0
        started = time.monotonic()
        previous = signal.signal(signal.SIGALRM, _hang)
        signal.setitimer(signal.ITIMER_REAL, self.hang_seconds)
        try:
            process_inbox(self.app)
        except PollHang:
            self._set_aside(names)
            limit = self.hang_seconds
            return [Case("hang", [f"poll hängt über {limit:.0f} s an {n}"], limit, 0) for n in names]
        except Exception as exc:  # noqa: BLE001 - a crash of poll is the finding, reported per case
            seconds = time.monotonic() - started
            return [Case("crash", [f"poll stürzt ab: {type(exc).__name__}: {exc}"], seconds, 0) for _ in raws]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        seconds = (time.monotonic() - started) / len(raws)
        return [self._judge(name, raw, before, seconds) for name, raw in zip(names, raws, strict=True)]

    def _set_aside(self, names: list[str]) -> None:
        """After a hang: mark the mails failed, so the next poll moves them away instead of hanging again."""
        keys = [f"maildir:{n}" for n in names]
        with self.app.store.write() as db:
            for row in db.exec(select(InboundMailRow).where(col(InboundMailRow.source_key).in_(keys))).all():
                if row.state == "stored":
                    row.state, row.outcome, row.error = "quarantine", "quarantine", "fuzz: poll hing"
        for name in names:
            stuck = self.inbox / "new" / name
            if stuck.exists():
                stuck.rename(self.failed / "new" / name)

    def _judge(self, name: str, raw: bytes, before: int, seconds: float) -> Case:
        with self.app.store.read() as db:
            row = db.exec(select(InboundMailRow).where(InboundMailRow.source_key == f"maildir:{name}")).first()
            if row is None:
                return Case("lost", [f"{name}: keine Zeile, die Mail ist verloren"], seconds, 0)
            mails = list(db.exec(select(OutboundMailRow).where(col(OutboundMailRow.id) > before)).all())
        problems = []
        if row.raw != raw:
            problems.append(f"{name}: Rohdaten nicht unverändert aufbewahrt ({len(row.raw)} statt {len(raw)} Bytes)")
        if row.state not in ("processed", "quarantine", "failed", "duplicate") or not (row.outcome or row.error):
            problems.append(f"{name}: ohne Ergebnis und Grund ({row.state}, {row.outcome}, {row.error})")
        if row.state in ("quarantine", "failed") and not row.error:
            problems.append(f"{name}: gescheitert ohne Grund")
        set_aside = row.state in ("quarantine", "failed")
        where = self.failed / "new" / name if set_aside else self.inbox / "cur" / f"{name}:2,S"
        if not where.exists() or (self.inbox / "new" / name).exists():
            problems.append(f"{name}: nicht nach {where.parent} verschoben")
        answers = [m for m in mails if m.inbound_mail_id == row.id]
        valid = row.state == "processed" and row.classification in ("reply", "command")
        for mail in answers:
            if not valid or mail.kind not in ANSWERS:
                problems.append(f"{name}: {mail.kind} versandt, obwohl {row.state}/{row.classification}")
            # a refused answer is told to a configured address (inbox/unheard.py), every other answer to its sender
            to_sender = mail.kind == "unheard" or mail.recipients == row.from_address
            if not to_sender or mail.recipients not in self.authorised:
                problems.append(f"{name}: {mail.kind} an {mail.recipients} (Absender {row.from_address})")
        problems += [f"{name}: {m.kind} bleibt '{m.state}'" for m in answers if m.state != "sent"]
        kept_as = row.state if row.state != "processed" else f"processed/{row.outcome}"
        return Case(kept_as, problems, seconds, len(answers))

    def unexplained_mails(self, before: int) -> list[str]:
        with self.app.store.read() as db:
            rows = db.exec(select(OutboundMailRow).where(col(OutboundMailRow.id) > before)).all()
        return [f"{r.kind} an {r.recipients} ohne auslösende Mail" for r in rows if r.inbound_mail_id is None]
