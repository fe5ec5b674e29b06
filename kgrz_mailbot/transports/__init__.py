"""Transports by name; the composition root is the only caller of ``open_transport``."""

from __future__ import annotations

import os
from collections.abc import Mapping

from kgrz_mailbot.config.settings import MailSettings
from kgrz_mailbot.transports.base import Disposition, InboundMail, Mailbox

__all__ = ["Disposition", "InboundMail", "Mailbox", "open_transport"]


def open_transport(settings: MailSettings, environ: Mapping[str, str] | None = None) -> Mailbox:
    """The configured Mailbox; server transports are imported lazily so Maildir users load no EWS or Graph stack."""
    if settings.transport == "graph":
        from kgrz_mailbot.transports.graph.transport import GraphMailbox  # noqa: PLC0415

        assert settings.graph is not None
        return GraphMailbox(settings.graph, settings.address, os.environ if environ is None else environ)
    if settings.transport == "exchange":
        from kgrz_mailbot.transports.ews.transport import ExchangeMailbox  # noqa: PLC0415

        assert settings.exchange is not None
        return ExchangeMailbox(settings.exchange, settings.address, os.environ if environ is None else environ,
                               batch_bytes=settings.poll_batch_mb << 20)
    from kgrz_mailbot.transports.maildir.transport import MaildirMailbox  # noqa: PLC0415

    return MaildirMailbox(settings.maildir_path, settings.maildir_authserv_id)
