"""Helpers shared by the replies tests: the .eml corpus by case name and the shared corpora by path."""

from __future__ import annotations

import re
from pathlib import Path

from kgrz_mailbot.domain.model import Understanding
from kgrz_mailbot.replies.pipeline import understand

OWN_ADDRESS = "projektstatus@koblenz.example"
MAILS_DIR = Path(__file__).resolve().parents[1] / "data" / "mails"
# The shared corpora live beside the repository (../shared/corpora) and are used by path, never copied.
CORPORA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def mail_bytes(name: str) -> bytes:
    return (MAILS_DIR / f"{name}.eml").read_bytes()


def understood(name: str) -> Understanding:
    return understand(mail_bytes(name), own_address=OWN_ADDRESS)


def collapse(text: str) -> str:
    """Whitespace-collapsed comparison form used by the corpora."""
    return re.sub(r"\s+", " ", text).strip()
