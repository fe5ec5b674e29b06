"""Test helpers: time, mailboxes on disk, and replies written the way real clients write them."""

from __future__ import annotations

import uuid
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from kgrz_mailbot.app import App

REPO = Path(__file__).resolve().parents[1]
MAILS = REPO / "tests" / "data" / "mails"
ZONE = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    """A local Koblenz time."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def sent_messages(app: App) -> list[EmailMessage]:
    """Every mail the bot sent, oldest first (the Maildir ``sent/``)."""
    folder = app.config.mail.maildir_path / "sent"
    files = sorted([*(folder / "new").iterdir(), *(folder / "cur").iterdir()], key=lambda p: p.stat().st_mtime_ns)
    return [parse(p.read_bytes()) for p in files]


def parse(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def sent_to(app: App, address: str, kind: str = "Statusabfrage") -> list[EmailMessage]:
    return [m for m in sent_messages(app) if address in str(m["To"]) and kind in str(m["Subject"])]


def raw_of(msg: EmailMessage) -> bytes:
    return msg.as_bytes()


def deliver(app: App, raw: bytes, name: str | None = None) -> Path:
    """Drop a mail into ``inbox/new`` as an MTA would."""
    folder = app.config.mail.maildir_path / "inbox" / "new"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{uuid.uuid4().hex}.test")
    path.write_bytes(raw)
    return path
