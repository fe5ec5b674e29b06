"""Tokens and Message-IDs of the bot's mails (RELIABILITY.md §2.3); random parts from ``secrets``."""

from __future__ import annotations

import secrets

TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: leads may type it by hand


def new_token() -> str:
    """``KGRZ-7K2QXA``: correlation only, never authentication."""
    return "KGRZ-" + "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(6))


def bot_domain(address: str) -> str:
    """Our Message-IDs end in ``@mailbot.<domain>`` so our own mail is recognised when it loops back."""
    return "mailbot." + address.rsplit("@", 1)[-1]


def new_message_id(ref: str, address: str) -> str:
    """``<kgrz.werkausschuss-2018-09-19-umbau-request-0.<random>@mailbot.…>``: readable in logs, unguessable."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in ref)
    return f"<kgrz.{safe}.{secrets.token_hex(8)}@{bot_domain(address)}>"


def thread_reference(token: str, address: str) -> str:
    """A stable pseudo Message-ID in ``References`` of every mail of one request's thread (RT trick)."""
    return f"<kgrz-req-{token.lower()}@{bot_domain(address)}>"
