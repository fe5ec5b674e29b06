"""``parse FILE.eml``: how one mail would be understood, with no side effects (C2)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kgrz_mailbot.config.load import config_dir, load_config
from kgrz_mailbot.domain.model import Understanding
from kgrz_mailbot.domain.words import CLASSIFICATIONS, word
from kgrz_mailbot.errors import ConfigError, MailbotError
from kgrz_mailbot.replies.pipeline import understand


def contract(u: Understanding) -> dict[str, object]:
    return {
        "classification": u.classification.value,
        "text": u.text,
        "fields": u.fields.as_contract(),
        "problems": list(u.problems),
        "token": u.token,
        # extensions beyond C2
        "command": u.command.value if u.command else None,
        "reason": u.reason,
        "from": u.facts.from_address,
        "subject": u.facts.subject,
        "message_id": u.facts.message_id,
    }


def _own_address(args: argparse.Namespace) -> str:
    """The bot's address recognises our own mails; without a config the rest still works."""
    try:
        return load_config(config_dir(args.config)).mail.address
    except ConfigError:
        if args.config:
            raise
        return ""


def parse_command(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MailbotError(f"{path}: Datei kann nicht gelesen werden ({exc.strerror}).") from None
    u = understand(raw, own_address=_own_address(args))
    data = contract(u)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"Art: {word(CLASSIFICATIONS, u.classification.value)} (Einzelheiten mit --json)")
    print(f"Kennzeichen: {u.token or '–'}")
    print("Felder:")
    for key, value in u.fields.as_contract().items():
        text = str(value).replace("\n", "\n      ")
        print(f"  {key}: {text}")
    for problem in u.problems:
        print(f"Problem: {problem}")
    print("Neuer Text der Mail:")
    print("  " + u.text.replace("\n", "\n  "))
    return 0
