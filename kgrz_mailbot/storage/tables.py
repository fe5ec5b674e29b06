"""SQLModel tables (suffix ``Row``); nothing outside ``storage/`` imports them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints, so Alembic batch mode on SQLite can drop and recreate them later.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Instants are stored as naive UTC and come back timezone-aware (SQLite keeps no zone)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _instant(nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(UTCDateTime(), nullable=nullable)


class CommitteeRow(SQLModel, table=True):
    __tablename__ = "committee"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    name: str


class SessionRow(SQLModel, table=True):
    __tablename__ = "session"
    __table_args__ = (sa.UniqueConstraint("committee_id", "date", name="uq_session_committee_date"),)
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id")
    date: date
    configured: bool = True  # False once the session was removed from schedule.toml


class ProjectRow(SQLModel, table=True):
    __tablename__ = "project"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    title: str
    active: bool = True
    position: int = 0


class PersonRow(SQLModel, table=True):
    """Lead and deputies of a project as configured now; requests snapshot nothing of it."""

    __tablename__ = "person"
    __table_args__ = (sa.UniqueConstraint("project_id", "address", name="uq_person_project_address"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    role: str  # "lead" | "deputy"
    name: str
    address: str = Field(index=True)


class StatusRequestRow(SQLModel, table=True):
    """One per session × project; the Message-IDs of its mails are in ``outbound_mail``."""

    __tablename__ = "status_request"
    __table_args__ = (sa.UniqueConstraint("session_id", "project_id", name="uq_status_request_session_project"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="session.id")
    project_id: int = Field(foreign_key="project.id")
    token: str = Field(unique=True)
    created_at: datetime = Field(sa_column=_instant())


class SessionActionRow(SQLModel, table=True):
    """A timeline action that has been carried out (``request``, ``reminder-1``, ``deadline`` …)."""

    __tablename__ = "session_action"
    __table_args__ = (sa.UniqueConstraint("session_id", "action", name="uq_session_action_session_action"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="session.id")
    action: str
    done_at: datetime = Field(sa_column=_instant())
    note: str = ""


class InboundMailRow(SQLModel, table=True):
    """Every mail that ever arrived, raw, stored before it is interpreted."""

    __tablename__ = "inbound_mail"
    id: int | None = Field(default=None, primary_key=True)
    source_key: str = Field(unique=True)
    message_id: str | None = Field(default=None, index=True)
    sha256: str = Field(index=True)
    raw: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    size: int
    received_at: datetime = Field(sa_column=_instant())
    date_header: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    from_address: str | None = Field(default=None, index=True)
    verified_sender: str | None = None  # what the server vouches for (EWS-resolved internal sender)
    sender_check: str | None = None  # "verified" | "unverified"; None: the transport does not check senders
    subject: str = ""
    state: str = Field(default="stored", index=True)  # stored | processed | quarantine | duplicate
    classification: str | None = None
    outcome: str | None = None
    error: str | None = None
    attempts: int = 0
    acked: bool = False
    status_request_id: int | None = Field(default=None, foreign_key="status_request.id")


class StatusUpdateRow(SQLModel, table=True):
    """A valid answer to a status request; history is kept, the latest by ``Date:`` wins."""

    __tablename__ = "status_update"
    __table_args__ = (sa.Index("ix_status_update_in_force", "status_request_id", "sent_at", "inbound_mail_id"),)
    id: int | None = Field(default=None, primary_key=True)
    status_request_id: int = Field(foreign_key="status_request.id", index=True)
    inbound_mail_id: int = Field(foreign_key="inbound_mail.id", unique=True)
    sender: str
    sent_at: datetime = Field(sa_column=_instant())
    received_at: datetime = Field(sa_column=_instant())
    ampel: str | None = None
    fortschritt: int | None = None
    stand: str | None = None
    weiteres_vorgehen: str | None = None
    meilenstein: str | None = None
    budget: str | None = None
    hinweis: str | None = None
    unchanged: bool = False


class OutboundMailRow(SQLModel, table=True):
    """The outbox: a row with a fixed Message-ID exists before the mail is sent."""

    __tablename__ = "outbound_mail"
    # the answer rate limit counts recent answers per recipient (answers go to one address) from the index alone
    __table_args__ = (sa.Index("ix_outbound_mail_answers", "recipients", "created_at", "inbound_mail_id", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    business_key: str = Field(unique=True)
    message_id: str = Field(unique=True)
    kind: str
    session_id: int | None = Field(default=None, foreign_key="session.id")
    status_request_id: int | None = Field(default=None, foreign_key="status_request.id", index=True)
    inbound_mail_id: int | None = Field(default=None, foreign_key="inbound_mail.id")
    recipients: str  # comma-separated addr-specs (To and Cc)
    subject: str
    raw: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    state: str = Field(default="pending", index=True)  # pending | sending | sent | unknown | held | cancelled
    created_at: datetime = Field(sa_column=_instant())
    sent_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    attempts: int = 0
    last_error: str | None = None
    # Graph: the draft's immutable id, recorded before the send and dropped once the sent copy was read back
    transport_ref: str | None = None
    # the Message-ID the server gave the mail where it is not ours (Graph); replies may quote either
    server_message_id: str | None = Field(default=None, index=True)
    claimed_by: str | None = None  # "host:pid:start" of the process sending it (state sending)
    lease_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))  # real time


class DraftRow(SQLModel, table=True):
    __tablename__ = "draft"
    __table_args__ = (sa.UniqueConstraint("session_id", "version", name="uq_draft_session_version"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="session.id")
    version: int
    created_at: datetime = Field(sa_column=_instant())
    content_hash: str
    content_json: str
    json_path: str
    html_path: str
    docx_path: str
    sent_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    approved_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    approved_by: str | None = None


class CouncilSyncRow(SQLModel, table=True):
    """When a committee's dates were last read from its council information system (``sessions sync``)."""

    __tablename__ = "council_sync"
    id: int | None = Field(default=None, primary_key=True)
    committee: str = Field(unique=True)
    source: str  # the source's label; a changed source starts again with a full read
    read_at: datetime = Field(sa_column=_instant())
    full_read_at: datetime = Field(sa_column=_instant())


class ProblemRow(SQLModel, table=True):
    """Something that needs a person (``alerts/``): open until resolved; the admins hear of it at most daily."""

    __tablename__ = "problem"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True)  # "mailbox", "tick", "overdue:werkausschuss/2018-09-19" …
    open_key: str | None = Field(default=None, unique=True)  # the key while open, NULL once resolved: one open per key
    kind: str
    detail: str
    mark: str = ""  # changes when there is news worth a mail (a further mail in quarantine)
    transport: bool = False  # the mail transport itself is the problem: the alert may not get through
    occurrences: int = 1
    opened_at: datetime = Field(sa_column=_instant())
    last_seen_at: datetime = Field(sa_column=_instant())
    resolved_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    notified_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    notified_mark: str | None = None
    resolution_notified: bool = False


class InstallationRow(SQLModel, table=True):
    """The one row naming this database's installation; the marker files beside it carry the same token."""

    __tablename__ = "installation"
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True)
    created_at: datetime = Field(sa_column=_instant())


__all__ = [
    "CommitteeRow", "CouncilSyncRow", "DraftRow", "InboundMailRow", "InstallationRow", "OutboundMailRow", "PersonRow",
    "ProblemRow", "ProjectRow", "SessionActionRow", "SessionRow", "StatusRequestRow", "StatusUpdateRow",
]  # fmt: skip
