"""Every lead is heard (issue 12), on Maildir: each test mail of tests/cycle/heard.py through poll, what is stored,
and the one mail that goes back, to the one address it may go to; then status and the deadline mail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.requests import escalate
from kgrz_mailbot.storage import mailrows
from kgrz_mailbot.views.status import session_status, status_json
from tests.cycle.heard import CASES, OWN_MTA, heard_app, in_force
from tests.cycle.seeded import SEPTEMBER
from tests.support import MAILS, at, body, deliver, sent_messages


def mail(name: str) -> bytes:
    return (MAILS / f"{name}.eml").read_bytes()


def recipients(app: App, since: int) -> list[str]:
    return [str(m["To"]).rsplit("<", 1)[-1].rstrip(">") for m in sent_messages(app)[since:]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_mail_is_stored_and_answered_as_its_case_says(
        name: str, config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    # on Maildir, a mail sent from outside is told apart only where our own MTA stamps Authentication-Results
    app = heard_app(config_dir, clock, monkeypatch, lead=case.lead, authserv_id=None if case.internal else OWN_MTA)
    before = len(sent_messages(app))
    deliver(app, mail(name))
    assert process_inbox(app).outcomes == {case.outcome: 1}
    assert in_force(app) == case.stored
    answers = sent_messages(app)[before:]
    if case.answer_to is None:
        assert answers == []
        return
    [answer] = answers
    assert recipients(app, before) == [case.answer_to] and answer["Cc"] is None
    assert str(answer["Subject"]).startswith(case.answer)
    for text in case.says:
        assert text in body(answer)
    for address in case.never_to:
        assert address not in str(answer["To"])
    if case.stored:  # the preview in the confirmation holds no client noise
        preview = body(answer).split("So erscheint der Abschnitt in der Vorlage:")[1]
        for noise in ("herunterladen", "gesendet", "Gesendet", "aka.ms", "[Muster, Erika]", "Ampel:"):
            assert noise not in preview.split("In der Projektliste")[0]
    app.close()


def test_a_request_asks_exchange_for_no_receipts_but_still_for_out_of_office_notices(
        config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    app = heard_app(config_dir, clock, monkeypatch)
    request = sent_messages(app)[0]
    assert request["X-Auto-Response-Suppress"] == "DR, RN, NRN, AutoReply"
    assert request["Auto-Submitted"] == "auto-generated"
    app.close()


def test_absences_of_notes_and_groupwise_show_the_date_of_the_notice(
        config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    app = heard_app(config_dir, clock, monkeypatch)
    deliver(app, mail("notes_ausser_haus"))  # written 29.08.2018, fetched by the poll on 03.09.2018
    assert process_inbox(app).outcomes == {"absence": 1}
    rows, _ = session_status(app, SEPTEMBER)
    assert next(r for r in rows if r.key == "ecollaboration").absences == ("erika.muster@koblenz.example (29.08.2018)",)
    clock.set(at("2018-09-05T12:00"))
    deliver(app, mail("groupwise_abwesenheitsmeldung"))  # written 03.09.2018, fetched on 05.09.2018
    assert process_inbox(app).outcomes == {"absence": 1}
    rows, _ = session_status(app, SEPTEMBER)
    assert next(r for r in rows if r.key == "ecollaboration").absences == ("erika.muster@koblenz.example (03.09.2018)",)
    app.close()


def test_a_question_under_a_quoted_rejection_does_not_confirm_the_values_quoted_there(
        config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    app = heard_app(config_dir, clock, monkeypatch)
    deliver(app, mail("unknown_label_risiken"))
    assert process_inbox(app).outcomes == {"rejected": 1}
    [rejection] = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Rückfrage")]
    clock.set(at("2018-09-03T12:30"))  # after the hour between two explanations
    question = mail("outlook_question_to_quoted_rejection").replace(
        b"<kgrz.inbound-1-rejection.5f0c2e9a7b3d4e11@mailbot.koblenz.example>", str(rejection["Message-ID"]).encode())
    deliver(app, question)
    assert process_inbox(app).outcomes == {"rejected": 1}
    assert in_force(app) is None  # "Ampel: gelb … Budget: im Plan" quoted from our rejection is not an answer
    explanation = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Rückfrage")][-1]
    assert "kein ausgefülltes Formular gefunden" in body(explanation)
    app.close()


def test_refused_answers_are_told_once_an_hour_and_listed_in_status_and_the_deadline_mail(
        config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    app = heard_app(config_dir, clock, monkeypatch)
    colleague = mail("colleague_answers_forwarded_request")
    deliver(app, colleague)
    deliver(app, colleague.replace(b"<A0C4E1F2B3D54A6B8C7D9E0F1A2B3C4D@", b"<A0C4E1F2B3D54A6B8C7D9E0F1A2B3C4E@"))
    deliver(app, mail("lead_of_other_project_answers"))
    before = len(sent_messages(app))
    assert process_inbox(app).outcomes == {"unauthorised": 3}
    # one notice to Erika for her project within the hour, one to Thomas Becker; none to Karl Schmitz
    assert sorted(recipients(app, before)) == ["erika.muster@koblenz.example", "thomas.becker@koblenz.example"]
    rows, versions = session_status(app, SEPTEMBER)
    refused = next(r for r in rows if r.key == "ecollaboration").not_taken
    assert [(n.sender, n.written.astimezone(app.zone).strftime("%d.%m.%Y %H:%M")) for n in refused] == [
        ("karl.schmitz@koblenz.example", "03.09.2018 09:05"), ("karl.schmitz@koblenz.example", "03.09.2018 09:05"),
        ("thomas.becker@koblenz.example", "03.09.2018 09:20")]
    as_json = status_json(app, SEPTEMBER, rows, versions)
    ecollaboration = next(p for p in as_json["projects"] if p["key"] == "ecollaboration")
    assert {"key", "requested", "reminders", "answered", "answered_by"} <= set(ecollaboration)  # C2 stays
    assert ecollaboration["not_taken"][2] == {
        "from": "thomas.becker@koblenz.example", "date": "2018-09-03T09:20:40+02:00",
        "reason": "thomas.becker@koblenz.example ist für „eCollaboration“ nicht als Projektleitung oder Vertretung "
                  "eingetragen."}
    assert main(["status", "--config", str(config_dir), "--session", "2018-09-19", "--now", "2018-09-03T10:05"]) == 0
    assert "Nicht übernommen: Mail von karl.schmitz@koblenz.example vom 03.09.2018 09:05" in capsys.readouterr().out
    assert main(["status", "--config", str(config_dir), "--session", "2018-09-19", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["projects"][0]["not_taken"][0]["from"] == "karl.schmitz@koblenz.example"

    clock.set(at("2018-09-03T11:10"))  # an hour later the lead hears again
    deliver(app, colleague.replace(b"<A0C4E1F2B3D54A6B8C7D9E0F1A2B3C4D@", b"<A0C4E1F2B3D54A6B8C7D9E0F1A2B3C4F@"))
    before = len(sent_messages(app))
    assert process_inbox(app).outcomes == {"unauthorised": 1}
    assert recipients(app, before) == ["erika.muster@koblenz.example"]

    clock.set(at("2018-09-10T08:00"))
    escalate(app, SEPTEMBER)
    [deadline] = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Fehlende Statusmeldungen")]
    text = body(deadline)
    assert "Nicht übernommene Antworten" in text
    assert ("- eCollaboration: Mail von karl.schmitz@koblenz.example vom Montag, 03.09.2018, 09:05 Uhr – "
            "karl.schmitz@koblenz.example ist für „eCollaboration“ weder als Projektleitung noch als Vertretung "
            "eingetragen.") in text
    with app.store.read() as db:
        assert all(r.kind != "unheard" or r.recipients in ("erika.muster@koblenz.example",
                                                           "thomas.becker@koblenz.example")
                   for r in mailrows.outbox_rows(db, "sent"))
    app.close()
