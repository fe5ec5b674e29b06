"""Domain vocabulary of the status cycle: plain frozen values, no IO, no ORM."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class Ampel(enum.StrEnum):
    """Traffic light of a project as stored (C4: ``gruen``, ``gelb``, ``rot``)."""

    GRUEN = "gruen"
    GELB = "gelb"
    ROT = "rot"

    @property
    def label(self) -> str:
        """The German word as printed in mails and the Vorlage."""
        return {"gruen": "grün", "gelb": "gelb", "rot": "rot"}[self.value]


class ActionKind(enum.StrEnum):
    """Steps of the timeline of one committee session (C2 ``plan --json``)."""

    REQUEST = "request"
    REMINDER = "reminder"
    DEADLINE = "deadline"
    DRAFT = "draft"


class Classification(enum.StrEnum):
    """What an inbound mail is (C2 ``parse --json``)."""

    REPLY = "reply"
    AUTO_REPLY = "auto-reply"
    BOUNCE = "bounce"
    COMMAND = "command"
    UNKNOWN = "unknown"


class Command(enum.StrEnum):
    """Mail commands of C6."""

    HILFE = "HILFE"
    FORMULAR = "FORMULAR"
    STATUS = "STATUS"
    FREIGABE = "FREIGABE"


@dataclass(frozen=True)
class Person:
    """A lead or deputy; ``address`` is always lower case."""

    name: str
    address: str

    def formatted(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(frozen=True)
class Project:
    key: str
    title: str
    lead: Person
    deputies: tuple[Person, ...] = ()
    active: bool = True

    def may_update(self, address: str) -> bool:
        """Only the lead or a configured deputy may change the project's report."""
        wanted = address.strip().lower()
        return wanted == self.lead.address or any(d.address == wanted for d in self.deputies)


@dataclass(frozen=True)
class Committee:
    """A Gremium such as the Werkausschuss, with the recipients of its drafts."""

    key: str
    name: str
    draft_to: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    """One Sitzung of a committee. Optional per-session date overrides per action.

    ``source_id`` names the meeting in the council information system a sync keeps it in step with (OParl
    Meeting id or iCal UID); it is not part of the session's identity, which is committee and date.
    """

    committee: str
    date: date
    overrides: tuple[tuple[str, date], ...] = ()
    source_id: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StatusFields:
    """The values of a reply form (C4). ``unchanged`` means ``Stand: unverändert``."""

    stand: str | None = None
    ampel: Ampel | None = None
    fortschritt: int | None = None
    weiteres_vorgehen: str | None = None
    meilenstein: str | None = None
    budget: str | None = None
    hinweis: str | None = None
    unchanged: bool = False

    def as_contract(self) -> dict[str, object]:
        """C4 keys with the values present in the mail (``parse --json``)."""
        values: dict[str, object] = {
            "ampel": self.ampel.value if self.ampel else None,
            "fortschritt": self.fortschritt,
            "stand": "unverändert" if self.unchanged else self.stand,
            "weiteres_vorgehen": self.weiteres_vorgehen,
            "meilenstein": self.meilenstein,
            "budget": self.budget,
            "hinweis": self.hinweis,
        }
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class MailFacts:
    """The header facts of one inbound mail that the core needs."""

    message_id: str | None
    subject: str
    from_name: str
    from_address: str | None
    date: datetime | None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class Understanding:
    """How one mail is understood, without any database context (C2 ``parse``)."""

    facts: MailFacts
    classification: Classification
    reason: str
    text: str
    fields: StatusFields
    problems: tuple[str, ...] = ()
    token: str | None = None
    command: Command | None = None
    labels_found: tuple[str, ...] = field(default=())
    failed: bool = False  # the mail could not be parsed at all; ``reason`` says why
    answered_in_quote: bool = False  # the fields were typed into the quoted copy of our form (replies/quotedform)

    @property
    def has_form(self) -> bool:
        return bool(self.labels_found)
