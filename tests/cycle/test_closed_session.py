"""A session's record is closed after its date and after an approved draft (issue 13, item 4).

Erika Muster answers the June 2018 request on 3 September, when the June session is long over and the
September request is open. Her text goes into neither session; she is told so, and the notice shows her
form, threaded to the open September request: replying to it with the form makes it count for September.
(The approved-draft case is in test_draft_versions.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.views.status import session_status, status_text
from tests.cycle.seeded import ERIKA, JUNE, REQUESTED, SEPTEMBER, seeded_app, stand_in_force
from tests.support import MAILS, at, body, deliver, sent_messages

LATE = (MAILS / "late_reply_to_june_request.eml").read_bytes()


def notices(app: App) -> list:  # type: ignore[type-arg]
    return [m for m in sent_messages(app) if str(m["Subject"]).startswith("Nicht übernommen")]


@pytest.fixture
def both_requested(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    return seeded_app(config_dir, clock, monkeypatch, requested=((JUNE, "2018-05-30T08:00"), (SEPTEMBER, REQUESTED)))


def test_a_reply_to_a_past_sessions_request_goes_into_no_session(both_requested: App) -> None:
    app = both_requested
    deliver(app, LATE)
    assert process_inbox(app).outcomes == {"late": 1}
    assert stand_in_force(app, session=JUNE) is None
    assert stand_in_force(app, session=SEPTEMBER) is None
    [notice] = notices(app)
    text = body(notice)
    assert str(notice["To"]) == ERIKA
    assert "Sitzung am 20.06.2018" in text and "hat bereits stattgefunden" in text and "nicht mehr übernommen" in text
    assert "Für die Sitzung am 19.09.2018 ist Ihre Statusabfrage [KGRZ-OTHER" in text
    assert "ebenfalls nicht übernommen" in text
    assert "Ampel: gelb" in text and "Budget: im Plan" in text  # the form as understood, ready to send back
    assert "19.09.2018 [KGRZ-OTHER" in str(notice["Subject"])


def test_replying_to_the_notice_with_the_form_makes_it_count_for_the_open_session(
        both_requested: App, clock: FixedClock) -> None:
    app = both_requested
    deliver(app, LATE)
    process_inbox(app)
    [notice] = notices(app)
    form = body(notice).split("So haben wir es aus Ihrer Mail verstanden:")[1].split("Mit freundlichen")[0].strip()
    clock.set(at("2018-09-03T11:30"))
    deliver(app, outlook_reply(notice.as_bytes(), ERIKA, "Erika Muster", form, at("2018-09-03T11:25")))
    assert process_inbox(app).outcomes == {"accepted": 1}
    assert stand_in_force(app, session=SEPTEMBER).startswith("Die Umstellung der Postfächer auf Outlook verzögert")
    assert stand_in_force(app, session=JUNE) is None


def test_without_an_open_request_the_notice_only_says_the_session_is_over(
        config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    app = seeded_app(config_dir, clock, monkeypatch, requested=((JUNE, "2018-05-30T08:00"),))
    deliver(app, LATE)
    assert process_inbox(app).outcomes == {"late": 1}
    [notice] = notices(app)
    assert "hat bereits stattgefunden" in body(notice) and "noch offen" not in body(notice)


def test_status_lists_the_late_mail_under_its_session(
        both_requested: App, config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deliver(both_requested, LATE)
    process_inbox(both_requested)
    rows, versions = session_status(both_requested, JUNE)
    text = status_text(both_requested, JUNE, rows, versions)
    assert "1 verspätete Antwort(en), nicht übernommen" in text
    assert f"eCollaboration: von {ERIKA} am 03.09.2018 10:00" in text
    both_requested.close()
    assert main(["status", "--config", str(config_dir), "--session", "2018-06-20", "--json",
                 "--now", "2018-09-03T12:00"]) == 0
    [late] = json.loads(capsys.readouterr().out)["late_mails"]
    assert (late["project"], late["from"]) == ("ecollaboration", ERIKA)
