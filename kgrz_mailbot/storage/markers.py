"""The marker files that tie an installation's folders (drafts, Maildir, database) to its database's token.

Kept free of SQLAlchemy: ``plan`` and ``status`` read on the stdlib driver and check the markers too
(``storage/quick.py``), so that they never show another installation's database as this one's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kgrz_mailbot.config.settings import Config

MARKER = ".kgrz-mailbot-installation"


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///…`` URL; None for an in-memory or a server database."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///"))
    return None


@dataclass(frozen=True)
class Places:
    """Where an installation keeps state: the database, the drafts and (on Maildir) its mail."""

    url: str
    reports: Path
    maildir: Path | None

    @property
    def where(self) -> str:
        path = sqlite_file(self.url)
        return str(path) if path else masked(self.url)

    def markers(self) -> list[Path]:
        found = [self.reports / MARKER]
        if self.maildir is not None:
            found.append(self.maildir / MARKER)
        if (path := sqlite_file(self.url)) is not None:
            found.append(path.with_name(path.name + ".installation"))
        return found


def places_of(config: Config) -> Places:
    maildir = config.mail.maildir_path if config.mail.transport == "maildir" else None
    return Places(config.storage_url, config.report.output, maildir)


def read_marker(path: Path) -> str | None:
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["installation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def masked(url: str) -> str:
    """A server URL without its password, for messages."""
    import sqlalchemy as sa  # noqa: PLC0415 - only for server databases, which the quick path never reads

    return sa.engine.make_url(url).render_as_string(hide_password=True)
