"""Typed configuration values (C1) with every default in one place; loading lives in ``config/load.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from kgrz_mailbot.domain.model import Committee, Project, Session


@dataclass(frozen=True)
class ExchangeSettings:
    """``[mail.exchange]``: explicit EWS endpoint, no autodiscover; secrets only by env var name."""

    endpoint: str
    auth: str = "ntlm"  # "ntlm" | "basic" | "oauth2"
    username_env: str = "KGRZ_EWS_USERNAME"
    password_env: str = "KGRZ_EWS_PASSWORD"
    version: str | None = None  # "2013" | "2016" | "2019" | "o365"
    ca_bundle: Path | None = None
    processed_folder: str = "Verarbeitet"
    failed_folder: str = "Fehlgeschlagen"
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    token_url: str | None = None  # OAuth2 token endpoint other than Microsoft Entra (AD FS)
    timeout_seconds: int = 60
    max_wait_seconds: int = 120


@dataclass(frozen=True)
class GraphSettings:
    """``[mail.graph]``: Exchange Online through Microsoft Graph, app-only (client credentials).

    The mailbox is ``[mail] address``; the app proves itself with a secret (named by its environment variable)
    or a certificate (PEM file with key and certificate). Defaults reach the Microsoft global cloud.
    """

    tenant_id: str
    client_id: str
    client_secret_env: str | None = None
    certificate: Path | None = None  # PEM: private key and certificate
    certificate_password_env: str | None = None
    authority: str = "https://login.microsoftonline.com"  # token endpoint: <authority>/<tenant_id>/oauth2/v2.0/token
    graph_url: str = "https://graph.microsoft.com/v1.0"
    ca_bundle: Path | None = None
    processed_folder: str = "Verarbeitet"
    failed_folder: str = "Fehlgeschlagen"
    timeout_seconds: int = 60
    max_wait_seconds: int = 120  # total wait for throttling (Retry-After) within one tick


@dataclass(frozen=True)
class AlertRelaySettings:
    """``[mail.alert_relay]``: an SMTP relay for the admins' alerts only, used when the mailbox itself cannot send
    them (an expired password, a revoked permission). ``sender`` is the TOML key ``from``: the envelope sender."""

    host: str
    port: int = 25
    starttls: bool = True  # STARTTLS required and the certificate verified; false only for a relay on this host
    username_env: str | None = None  # AUTH after STARTTLS, when the relay wants it; secrets only by env var name
    password_env: str | None = None
    sender: str | None = None  # MAIL FROM; default [mail] address
    ca_bundle: Path | None = None  # the internal CA of the relay's certificate (PEM), else the system's CAs
    timeout_seconds: int = 30

    @property
    def where(self) -> str:
        """``host:port`` as journal lines and mails name the relay."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class MailSettings:
    transport: str
    address: str
    maildir_path: Path
    exchange: ExchangeSettings | None = None
    graph: GraphSettings | None = None
    maildir_authserv_id: str | None = None  # trust Authentication-Results of this server only
    send_lease_seconds: int = 120  # a send claim another process may take over once this long unrenewed
    poll_batch_mb: int = 64  # raw mail (MiB) held in memory at once while polling: fetched, stored, interpreted
    answers_per_hour: int = 10  # answers of any kind to one sender per hour; the excess is held (inbox/limits.py)
    admin_to: tuple[str, ...] = ()  # who hears by mail when something needs a person (alerts/)
    alert_relay: AlertRelaySettings | None = None  # their second way when the transport itself is broken

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[-1]


@dataclass(frozen=True)
class OrganisationSettings:
    name: str
    short: str
    unit: str
    timezone: str = "Europe/Berlin"
    holidays: str = "DE-RP"
    az: str = ""


@dataclass(frozen=True)
class ReportSettings:
    output: Path
    vorlage_number: str | None = None
    unterrichtung: str | None = None


@dataclass(frozen=True)
class RetentionSettings:
    """``[retention]``: DSGVO storage limitation; raw mail bodies go, the report texts and metadata stay."""

    raw_mail_days: int = 90
    outbox_body_days: int = 30
    purge_time: time = time(3, 0)


@dataclass(frozen=True)
class TimelinePolicy:
    """Lead times in calendar days before the session (``[timeline]``)."""

    request: int = 21
    reminders: tuple[int, ...] = (14, 10)
    deadline: int = 9
    draft: int = 8
    time_of_day: time = time(8, 0)
    poll_minutes: int = 5
    closed: tuple[date, ...] = ()
    sync_time: time = time(6, 0)  # the daily council calendar sync in ``run``, before the day's actions


@dataclass(frozen=True)
class CouncilSource:
    """``[committee.source]``: where a committee's dates come from, an OParl system or an iCal feed."""

    committee: str
    oparl: str | None = None  # the OParl System URL
    organization: str | None = None  # the OParl Organization: its name or its id URL
    ical: str | None = None  # an http(s) URL or a file path (resolved against DIR)
    match: str | None = None  # an iCal SUMMARY must contain this (case-insensitive)

    @property
    def label(self) -> str:
        """What the source is called in messages and in the sync state (changing it forces a full read)."""
        return f"OParl {self.oparl} / {self.organization}" if self.oparl else f"iCal {self.ical} / {self.match}"


@dataclass(frozen=True)
class Config:
    """Everything the bot knows from ``DIR/*.toml``; relative paths already resolved against DIR."""

    directory: Path
    organisation: OrganisationSettings
    mail: MailSettings
    storage_url: str
    report: ReportSettings
    timeline: TimelinePolicy
    committees: tuple[Committee, ...]
    sessions: tuple[Session, ...]
    projects: tuple[Project, ...]
    templates_dir: Path | None = None
    instance: str = field(default="kgrz-mailbot")
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    state_dir: Path = Path("var")  # [paths] state: default home of the database, the Maildirs, the drafts
    sources: tuple[CouncilSource, ...] = ()  # committees whose dates ``sessions sync`` keeps in step
    storage_lock_timeout: int = 30  # seconds a writer waits for a locked database ([storage] lock_timeout_seconds)

    def committee(self, key: str) -> Committee:
        return next(c for c in self.committees if c.key == key)

    def project(self, key: str) -> Project | None:
        return next((p for p in self.projects if p.key == key), None)

    @property
    def active_projects(self) -> tuple[Project, ...]:
        return tuple(p for p in self.projects if p.active)
