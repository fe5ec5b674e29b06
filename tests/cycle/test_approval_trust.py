"""FREIGABE counts only from a verified sender listed in ``draft_to`` (issue 13, item 3).

The draft goes out, then FREIGABE mails arrive the way Outlook writes them and our Postfix delivers them; the
test puts the real Message-ID of the draft mail into In-Reply-To/References (the only bytes it changes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.drafts import compile_draft
from kgrz_mailbot.views.status import session_status
from tests.cycle.seeded import OWN_MTA, SEPTEMBER, seeded_app
from tests.support import MAILS, at, body, deliver, sent_messages

WERKLEITUNG = "werkleitung@koblenz.example"
PLACEHOLDER = b"<kgrz.werkausschuss-2018-09-19-draft-1.5f0c3e2a9b7d1c44@mailbot.koblenz.example>"


def drafted(app: App, clock: FixedClock) -> App:
    compile_draft(app, SEPTEMBER, send=True)
    clock.set(at("2018-09-03T10:45"))
    return app


@pytest.fixture
def with_own_mta(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    return drafted(seeded_app(config_dir, clock, monkeypatch, authserv_id=OWN_MTA), clock)


@pytest.fixture
def file_drop(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    return drafted(seeded_app(config_dir, clock, monkeypatch), clock)


def freigabe(app: App, case: str) -> dict[str, int]:
    [draft] = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Entwurf")]
    raw = (MAILS / f"{case}.eml").read_bytes()
    assert PLACEHOLDER in raw
    deliver(app, raw.replace(PLACEHOLDER, str(draft["Message-ID"]).encode()))
    return process_inbox(app).outcomes


def approved_by(app: App) -> str | None:
    _, versions = session_status(app, SEPTEMBER)
    return versions[0].approved_by


def answers_to(app: App, address: str) -> list[str]:
    return [body(m) for m in sent_messages(app) if str(m["To"]) == address and str(m["Subject"]).startswith("AW:")]


def test_a_verified_freigabe_from_the_werkleitung_approves(with_own_mta: App) -> None:
    assert freigabe(with_own_mta, "freigabe_werkleitung_verified") == {"approved": 1}
    assert approved_by(with_own_mta) == WERKLEITUNG
    [answer] = answers_to(with_own_mta, WERKLEITUNG)
    assert "ist freigegeben" in answer


def test_a_freigabe_our_server_could_not_verify_approves_nothing_and_the_werkleitung_is_told(
        with_own_mta: App) -> None:
    assert freigabe(with_own_mta, "freigabe_spoofed_werkleitung_dmarc_fail") == {"unauthorised": 1}
    assert approved_by(with_own_mta) is None
    [answer] = answers_to(with_own_mta, WERKLEITUNG)  # to the configured address, never to the mail's sender
    assert "nicht freigegeben" in answer and "nicht bestätigen" in answer


@pytest.mark.parametrize("fixture", ["with_own_mta", "file_drop"])
def test_an_encoded_display_name_never_stands_in_for_the_address(request: pytest.FixtureRequest,
                                                                  fixture: str) -> None:
    app: App = request.getfixturevalue(fixture)
    count = len(sent_messages(app))
    assert freigabe(app, "freigabe_encoded_display_name_spells_werkleitung") == {"unauthorised": 1}
    assert approved_by(app) is None
    assert len(sent_messages(app)) == count  # no answer to the stranger, none to the Werkleitung either


def test_a_verified_sender_not_listed_in_draft_to_approves_nothing(with_own_mta: App) -> None:
    raw = (MAILS / "freigabe_werkleitung_verified.eml").read_bytes()
    raw = raw.replace(b"From: Werkleitung <werkleitung@", b"From: Erika Muster <erika.muster@")
    [draft] = [m for m in sent_messages(with_own_mta) if str(m["Subject"]).startswith("Entwurf")]
    deliver(with_own_mta, raw.replace(PLACEHOLDER, str(draft["Message-ID"]).encode()))
    count = len(sent_messages(with_own_mta))
    assert process_inbox(with_own_mta).outcomes == {"unauthorised": 1}
    assert approved_by(with_own_mta) is None and len(sent_messages(with_own_mta)) == count


def test_a_freigabe_that_answers_no_draft_is_explained_to_the_werkleitung(with_own_mta: App) -> None:
    raw = (MAILS / "freigabe_werkleitung_verified.eml").read_bytes()
    raw = raw.replace(PLACEHOLDER, b"<unbekannt@koblenz.example>")
    deliver(with_own_mta, raw)
    assert process_inbox(with_own_mta).outcomes == {"unmatched": 1}
    assert approved_by(with_own_mta) is None
    [answer] = answers_to(with_own_mta, WERKLEITUNG)
    assert "keinem Entwurf zuordnen" in answer and "direkt auf die Mail mit dem Entwurf" in answer
