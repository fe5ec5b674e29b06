"""Transports by name; the composition root is the only caller of ``open_transport``."""

from __future__ import annotations

import os
from collections.abc import Mapping

from kgrz_mailbot.config.settings import MailSettings
from kgrz_mailbot.transports.base import Disposition, InboundMail, Mailbox

__all__ = ["Disposition", "InboundMail", "Mailbox", "open_transport"]


def open_transport(settings: MailSettings, environ: Mapping[str, str] | None = None) -> Mailbox:
    """The configured Mailbox; Exchange is imported lazily so Maildir users need no EWS stack loaded."""
    if settings.transport == "exchange":
        from kgrz_mailbot.transports.ews.transport import ExchangeMailbox  # noqa: PLC0415

        assert settings.exchange is not None
        return ExchangeMailbox(settings.exchange, settings.address, os.environ if environ is None else environ)
    from kgrz_mailbot.transports.maildir.transport import MaildirMailbox  # noqa: PLC0415

    return MaildirMailbox(settings.maildir_path, settings.maildir_authserv_id)
