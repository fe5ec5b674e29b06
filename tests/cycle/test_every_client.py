"""A lead replying from any common client gets the confirmation they expect on the first try.

The mails in tests/data/mails answer the eCollaboration request with the token KGRZ-7K2QXA, from
Erika Muster (lead) or Max Beispiel (deputy), as in DESIGN.md's example.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs import requests as request_job
from tests.support import MAILS, at, body, deliver, sent_messages

CONFIRMED = [
    "apple_mail_reply", "bullet_lists_outlook", "deputy_reply", "exchange_disclaimer", "form_pasted_into_table",
    "forwarded_request_answered_by_deputy", "gmail_reply_de", "gmx_reply", "html_only_token_in_subject",
    "human_reply_with_suppress_header", "iso8859_15_base64", "near_miss_content_kept", "new_outlook_reply",
    "outlook2010_html_reply_b5c4df", "outlook2016_html_reply_de", "outlook_android_reply", "outlook_ios_reply",
    "outlook_plain_urspruengliche_nachricht", "owa_reply", "stand_unveraendert", "thunderbird_bottom_post",
    "thunderbird_reply", "windows1252_quoted_printable", "winmail_dat",
]
EXPLAINED = ["ampel_invalid", "duplicate_label", "stand_missing", "unknown_label_risiken"]
SILENT = ["abwesenheitsnotiz_de", "automatic_reply_en", "ndr_unzustellbar_de", "ndr_undeliverable_en",
          "mailing_list_newsletter", "own_request_looped"]


@pytest.fixture
def requested(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    projects = config_dir / "projects.toml"
    text = projects.read_text(encoding="utf-8")
    text = text.replace("Sabine Krämer <sabine.kraemer@", "Erika Muster <erika.muster@")
    text = text.replace("Jonas Weber <jonas.weber@", "Max Beispiel <max.beispiel@")
    projects.write_text(text, encoding="utf-8")
    app = build_app(load_config(config_dir), clock=clock)
    tokens = iter(["KGRZ-7K2QXA", *(f"KGRZ-OTHER{n}" for n in range(9))])
    monkeypatch.setattr(request_job, "new_token", lambda: next(tokens))
    request_job.send_requests(app, app.session(at("2018-09-19T00:00").date()))
    clock.set(at("2018-09-03T10:00"))
    return app


def replies_to(app: App, address: str) -> list[str]:
    return [str(m["Subject"]) for m in sent_messages(app) if address in str(m["To"])]


@pytest.mark.parametrize("case", CONFIRMED)
def test_a_valid_reply_is_confirmed_with_a_preview(requested: App, case: str) -> None:
    deliver(requested, (MAILS / f"{case}.eml").read_bytes())
    assert process_inbox(requested).outcomes == {"accepted": 1}
    [confirmation] = [m for m in sent_messages(requested) if str(m["Subject"]).startswith("Bestätigung")]
    assert "So erscheint der Abschnitt in der Vorlage" in body(confirmation)
    assert "Ampel:" not in body(confirmation).split("So erscheint")[1].split("In der Projektliste")[0]


@pytest.mark.parametrize("case", EXPLAINED)
def test_an_invalid_reply_is_explained_and_changes_nothing(requested: App, case: str) -> None:
    deliver(requested, (MAILS / f"{case}.eml").read_bytes())
    assert process_inbox(requested).outcomes == {"rejected": 1}
    [explanation] = [m for m in sent_messages(requested) if str(m["Subject"]).startswith("Rückfrage")]
    assert "Es wurde nichts geändert" in body(explanation)


@pytest.mark.parametrize("case", SILENT)
def test_machines_and_our_own_mail_are_stored_and_never_answered(requested: App, case: str) -> None:
    count = len(sent_messages(requested))
    deliver(requested, (MAILS / f"{case}.eml").read_bytes())
    assert sum(process_inbox(requested).outcomes.values()) == 1
    assert len(sent_messages(requested)) == count
