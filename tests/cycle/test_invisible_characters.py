"""Bidi controls and other invisible formatting characters a reply carries never reach the Vorlage: a reversed
"‮0001 Euro" must not print as "1000 Euro" in the Werkausschuss's paper while the stored text says otherwise."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

import pytest

from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.drafts import compile_draft
from tests.cycle.seeded import SEPTEMBER, seeded_app, stand_in_force
from tests.support import MAILS, at, body, deliver, sent_messages

MAIL = MAILS / "thunderbird_stand_with_bidi_override.eml"


def invisible(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cf"})


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_the_mail_really_carries_them() -> None:
    assert invisible(MAIL.read_bytes().decode("utf-8")) == [
        "U+00AD", "U+200B", "U+202B", "U+202C", "U+202E", "U+2066", "U+2069", "U+FEFF"]


def test_no_bidi_control_reaches_the_vorlage_or_the_confirmation(
    config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = seeded_app(config_dir, clock, monkeypatch)
    deliver(app, MAIL.read_bytes())
    assert process_inbox(app).outcomes == {"accepted": 1}
    assert "\u202e" in (stand_in_force(app) or "")  # stored as received: the raw record stays true
    confirmation = body(sent_messages(app)[-1])
    assert invisible(confirmation) == []
    assert "Mehrkosten: 0001 Euro" in confirmation  # the characters as typed, none reordered by an override
    clock.set(at("2018-09-11T08:00"))
    files = compile_draft(app, SEPTEMBER).files
    draft = json.loads(files.json.read_text(encoding="utf-8"))
    section = next(p for p in draft["projects"] if p["key"] == "ecollaboration")
    assert "Postfächer ist zu 60 % abgeschlossen. Mehrkosten: 0001 Euro." in section["stand"]
    assert "- Rollout bis 12/2018" in section["stand"] and section["budget"] == "im Plan"
    assert [s for s in strings(draft) if invisible(s)] == []
    assert invisible(files.html.read_text(encoding="utf-8")) == []
    with zipfile.ZipFile(files.docx) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert invisible(document) == [] and "Mehrkosten: 0001 Euro" in document
    app.close()
