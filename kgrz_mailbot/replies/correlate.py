"""The request token `[KGRZ-XXXXXX]` in subjects and quoted bodies, and subject reply/forward prefixes."""

from __future__ import annotations

import re

TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I/O/0/1: leads may read it aloud or retype it
TOKEN_LENGTH = 6
_CHARS = f"[{TOKEN_ALPHABET}{TOKEN_ALPHABET.lower()}]"
# In brackets as our subjects carry it; clients and people add spaces or lower-case it.
TOKEN_RE = re.compile(rf"\[\s*(KGRZ\s*-\s*{_CHARS}{{{TOKEN_LENGTH}}})\s*\]", re.IGNORECASE)
# Bare form for bodies whose HTML-to-text conversion lost the brackets.
_BARE_TOKEN_RE = re.compile(rf"(?<![\w-])(KGRZ-{_CHARS}{{{TOKEN_LENGTH}}})(?![\w-])", re.IGNORECASE)
_PREFIX_RE = re.compile(r"^\s*(?:(?:AW|RE|Re|WG|WL|FW|Fw|Fwd|Antw|Antwort|SV|VS|TR)\s*(?:\[\d+\])?\s*:\s*)+",
                        re.IGNORECASE)


def _canonical(found: str) -> str:
    return re.sub(r"\s+", "", found).upper()


def find_token(subject: str, body_text: str = "") -> str | None:
    """`KGRZ-7K2QXA` from the subject, else from the body (the quoted request carries it), else None."""
    match = TOKEN_RE.search(subject or "")
    if match:
        return _canonical(match.group(1))
    match = TOKEN_RE.search(body_text or "") or _BARE_TOKEN_RE.search(body_text or "")
    return _canonical(match.group(1)) if match else None


def strip_subject_prefixes(subject: str) -> str:
    """`AW: WG: Re: Statusabfrage …` -> `Statusabfrage …`."""
    return _PREFIX_RE.sub("", subject or "").strip()
