"""Every answer to an inbound mail passes the one rate limit (issue 13, item 8): inside ``inbox/`` only
``limits.py`` writes to the outbox, so a new kind of answer cannot bypass it by accident."""

from __future__ import annotations

import ast
from pathlib import Path

INBOX = Path(__file__).resolve().parents[2] / "kgrz_mailbot" / "inbox"


def test_only_the_rate_limit_records_answers_in_the_outbox() -> None:
    offenders = []
    for path in sorted(INBOX.glob("*.py")):
        if path.name == "limits.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "record_outgoing":
                offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and any(a.name == "record_outgoing" for a in node.names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == [], "answers must be queued with inbox.limits.queue_answer: " + ", ".join(offenders)
