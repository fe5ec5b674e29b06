"""The session cycle the crash harness replays: when the clock stands where, and which mails arrive before."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

from kgrz_mailbot.demo.replies import out_of_office, outlook_reply, thunderbird_reply
from kgrz_mailbot.demo.texts import SEPTEMBER

REPO = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Europe/Berlin")
SEPT = "19.09.2018"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@dataclass(frozen=True)
class Place:
    """Where a delivered mail is now: ``inbox`` (not yet taken), ``processed`` or ``failed``."""

    kind: str
    raw: bytes
    path: Path | None = None  # the file, on Maildir


@dataclass(frozen=True)
class World:
    """One throwaway installation on the embedded Maildir: config, Maildir and database under ``root``."""

    root: Path
    transport = "maildir"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def mail(self) -> Path:
        return self.config / "var" / "mail"

    @property
    def database(self) -> Path:
        return self.config / "var" / "kgrz-mailbot.sqlite3"

    @property
    def progress(self) -> Path:
        return self.root / "progress"

    def create(self) -> World:
        shutil.copytree(REPO / "config", self.config, ignore=shutil.ignore_patterns("var"))
        return self

    def next_step(self) -> int:
        return int(self.progress.read_text()) if self.progress.exists() else 0

    def step_done(self, index: int) -> None:
        tmp = self.progress.with_suffix(".tmp")
        tmp.write_text(str(index + 1))
        os.replace(tmp, self.progress)  # a kill leaves the old or the new number, never half a file

    def sent_files(self) -> list[Path]:
        folders = [self.mail / "sent" / sub for sub in ("new", "cur")]
        return [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir())]

    def sent_mails(self) -> list[tuple[str, bytes]]:
        """(where, raw) of every mail that left the bot."""
        return [(p.name, p.read_bytes()) for p in self.sent_files()]

    def delivered(self, name: str) -> bool:
        """Whether an MTA already dropped ``name``: it may have moved on to ``cur`` or ``failed`` since."""
        return bool(self.places_of(name))

    def places_of(self, name: str) -> list[Place]:
        """Every copy of the inbound mail ``name`` in ``inbox/new``, ``inbox/cur`` and ``failed/``."""
        found = []
        for folder, kind in ((self.mail / "inbox" / "new", "inbox"), (self.mail / "inbox" / "cur", "processed"),
                             (self.mail / "failed" / "new", "failed"), (self.mail / "failed" / "cur", "failed")):
            if folder.is_dir():
                found += [Place(kind, p.read_bytes(), p) for p in folder.iterdir() if p.name.split(":2,")[0] == name]
        return found

    def deliver(self, name: str, raw: bytes) -> None:
        """Like an MTA: write into ``inbox/tmp``, then rename into ``inbox/new`` (atomic)."""
        tmp = self.mail / "inbox" / "tmp" / name
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(raw)
        (self.mail / "inbox" / "new").mkdir(parents=True, exist_ok=True)
        os.replace(tmp, self.mail / "inbox" / "new" / name)

    def key_of(self, name: str) -> str | None:
        """The transport identity (``inbound_mail.source_key``) the bot stored ``name`` under."""
        return f"maildir:{name}"

    def name_of(self, key: str) -> str:
        return key.removeprefix("maildir:")


def request_to(world: World, address: str) -> bytes:
    """The newest status request or reminder this lead got, as the lead's mail client shows it."""
    found = []
    for _, raw in world.sent_mails():
        msg = message_from_bytes(raw, policy=policy.default)
        subject = str(msg["Subject"])
        if address in str(msg["To"]) and SEPT in subject and subject.startswith(("Statusabfrage", "Erinnerung")):
            found.append((msg["Date"].datetime, raw))
    return max(found)[1]


Maker = Callable[[World], bytes]


def reply(style: Callable[..., bytes], lead: str, sender: str, name: str, text: str, when: str) -> Maker:
    return lambda world: style(request_to(world, lead), sender, name, text, at(when))


def absence(lead: str, name: str, when: str) -> Maker:
    return lambda world: out_of_office(request_to(world, lead), lead, name, "10.09.2018", "Claudia Neumann", at(when))


def plain(sender: str, subject: str, text: str) -> Maker:
    head = f"From: {sender}\r\nTo: projektstatus@koblenz.example\r\nSubject: {subject}\r\n"
    head += "Date: Wed, 05 Sep 2018 10:00:00 +0200\r\nMessage-ID: <{mid}@crash.example>\r\n"
    return lambda world: (head.replace("{mid}", subject.replace(" ", "-")) + "\r\n" + text + "\r\n").encode()


def copy_of(name: str) -> Maker:
    """The same bytes again under another file name: a mail that reached us twice (CC plus forward)."""
    return lambda world: world.places_of(name)[0].raw


KRAEMER, BECKER = "sabine.kraemer@koblenz.example", "thomas.becker@koblenz.example"
HOFFMANN, WAGNER = "michael.hoffmann@koblenz.example", "petra.wagner@koblenz.example"
SCHULZ, ZIMMERMANN = "andreas.schulz@koblenz.example", "stefan.zimmermann@koblenz.example"
RICHTER = "julia.richter@koblenz.example"


@dataclass(frozen=True)
class Step:
    """Deliver these mails (each once, by name), then ``tick`` at ``when``."""

    when: str
    mails: tuple[tuple[str, Maker], ...] = ()


STEPS: tuple[Step, ...] = (
    Step("2018-08-29T08:00"),  # T-21: six requests
    Step("2018-08-31T12:00", (
        ("r01-ecollab", reply(outlook_reply, KRAEMER, KRAEMER, "Sabine Krämer", SEPTEMBER["ecollaboration"],
                              "2018-08-30T09:12")),
        ("r02-egov", reply(thunderbird_reply, BECKER, BECKER, "Thomas Becker", SEPTEMBER["egovernment"],
                           "2018-08-30T16:40")),
        ("r03-telefonie", reply(outlook_reply, HOFFMANN, WAGNER, "Petra Wagner", SEPTEMBER["telefonie"],
                                "2018-08-31T11:00")),
        ("r04-oof", absence(SCHULZ, "Andreas Schulz", "2018-08-29T08:01")),
        ("r05-outsider", reply(outlook_reply, RICHTER, "evil@example.net", "Julia Richter", "Ampel: rot\nStand: Weg.",
                               "2018-08-31T10:00")),
        ("r06-garbage", lambda world: b"\x00\xff\xfe kein Kopf, keine Mail \x00" * 50),
    )),
    Step("2018-09-05T08:00"),  # T-14: first reminder to the three still silent
    Step("2018-09-06T08:00", (
        ("r07-umbau", reply(outlook_reply, ZIMMERMANN, ZIMMERMANN, "Stefan Zimmermann", SEPTEMBER["umbau"],
                            "2018-09-06T07:45")),
        ("r08-interkommunal", reply(thunderbird_reply, SCHULZ, SCHULZ, "Andreas Schulz", SEPTEMBER["interkommunal"],
                                    "2018-09-06T07:50")),
        ("r09-hilfe", plain(RICHTER, "HILFE", "HILFE")),
        ("r10-ecollab-again", copy_of("r01-ecollab")),
    )),
    Step("2018-09-07T08:00"),  # T-12: second reminder, only TIME is still silent
    Step("2018-09-10T08:00"),  # deadline: the Werkleitung hears about TIME
    Step("2018-09-11T08:00"),  # draft version 1
    Step("2018-09-11T09:30", (
        ("r11-time", reply(outlook_reply, RICHTER, RICHTER, "Julia Richter",
                           "Ampel: gelb\nFortschritt: 30 %\nStand:\nDie Schulung hat stattgefunden.",
                           "2018-09-11T09:10")),
    )),  # a late answer: version 2 of the draft
)

MAIL_NAMES = tuple(name for step in STEPS for name, _ in step.mails)
ANSWERED_BY = {
    "ecollaboration": KRAEMER, "egovernment": BECKER, "telefonie": WAGNER, "interkommunal": SCHULZ,
    "umbau": ZIMMERMANN, "time": RICHTER,
}
MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]*>)", re.I | re.M)  # may be folded
