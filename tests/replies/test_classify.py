"""Classification order of RELIABILITY.md §1.3."""

from __future__ import annotations

import pytest

from kgrz_mailbot.domain.model import Classification, Command
from kgrz_mailbot.replies.classify import classify, find_command
from kgrz_mailbot.replies.mime import parse_mail

OWN = "projektstatus@koblenz.example"


def verdict(headers: str, text: str = "Stand: x", labels: tuple[str, ...] = ("stand",), token: str | None = None):
    raw = (headers.strip() + "\r\nContent-Type: text/plain\r\n\r\n" + text).encode()
    return classify(parse_mail(raw), own_address=OWN, text=text, token=token, labels_found=labels)


FROM = "From: erika.muster@koblenz.example\r\nSubject: AW: Statusabfrage\r\n"


@pytest.mark.parametrize(("headers", "expected"), [
    (FROM + "X-KGRZ-Mailbot: prod", Classification.UNKNOWN),
    ("From: erika@koblenz.example\r\nMessage-ID: <kgrz.1.request.0.ab@mailbot.koblenz.example>",
     Classification.UNKNOWN),
    ("From: KGRZ <Projektstatus@Koblenz.example>", Classification.UNKNOWN),
    (FROM + "Return-Path: <>", Classification.BOUNCE),
    ("From: MAILER-DAEMON@koblenz.example\r\nSubject: x", Classification.BOUNCE),
    ("From: MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@koblenz.example", Classification.BOUNCE),
    ("From: a@koblenz.example\r\nSubject: Unzustellbar: Statusabfrage", Classification.BOUNCE),
    (FROM + "Auto-Submitted: auto-replied", Classification.AUTO_REPLY),
    (FROM + "X-Autoreply: yes", Classification.AUTO_REPLY),
    (FROM + "X-Auto-Response-Suppress: All\r\nX-MS-Exchange-Inbox-Rules-Loop: erika@koblenz.example",
     Classification.AUTO_REPLY),
    ("From: a@koblenz.example\r\nSubject: AW: Automatische Antwort: Statusabfrage", Classification.AUTO_REPLY),
    ("From: a@koblenz.example\r\nSubject: Abwesend bis 14.09.", Classification.AUTO_REPLY),
    ("From: a@koblenz.example\r\nSubject: Out of Office: x", Classification.AUTO_REPLY),
    (FROM + "Precedence: bulk", Classification.UNKNOWN),
    (FROM + "List-Id: <x.koblenz.example>", Classification.UNKNOWN),
    ("From: no-reply@koblenz.example\r\nSubject: x", Classification.UNKNOWN),
    (FROM + "Auto-Submitted: no", Classification.REPLY),
    (FROM + "X-Auto-Response-Suppress: All", Classification.REPLY),
])
def test_header_rules(headers: str, expected: Classification) -> None:
    assert verdict(headers).classification is expected


def test_bounce_wins_over_auto_reply_and_own_loop_wins_over_all() -> None:
    assert verdict(FROM + "Return-Path: <>\r\nAuto-Submitted: auto-replied").classification is Classification.BOUNCE
    assert verdict(FROM + "X-KGRZ-Mailbot: p\r\nReturn-Path: <>").classification is Classification.UNKNOWN


def test_every_verdict_has_a_reason() -> None:
    assert verdict(FROM + "Precedence: junk").reason == "Precedence: junk"


@pytest.mark.parametrize(("text", "command"), [
    ("HILFE", Command.HILFE), ("hilfe!", Command.HILFE), ("Formular bitte", Command.FORMULAR),
    ("STATUS?", Command.STATUS), ("Freigabe.\n\nGruß", Command.FREIGABE), ("  status", Command.STATUS),
    ("Statusbericht folgt", None), ("Bitte HILFE", None), ("Stand: x", None),
])
def test_command_is_the_first_word(text: str, command: Command | None) -> None:
    assert find_command(text) is command


def test_empty_text_takes_the_command_from_the_subject() -> None:
    assert find_command("", "AW: Hilfe") is Command.HILFE


def test_human_without_token_labels_or_thread_is_unknown() -> None:
    result = verdict("From: a@koblenz.example\r\nSubject: Kantine", "Hunger?", labels=())
    assert result.classification is Classification.UNKNOWN


def test_thread_headers_alone_make_a_reply() -> None:
    result = verdict("From: a@koblenz.example\r\nIn-Reply-To: <x@y>", "Danke!", labels=())
    assert result.classification is Classification.REPLY



@pytest.mark.parametrize("headers", [
    "Subject: Erika Muster ist außer Haus.",  # HCL Notes' out-of-office agent (de)
    "Subject: Erika Muster/KGRZ/Koblenz is out of the office.",  # the same in English
    "Subject: Abwesenheitsmeldung: Statusabfrage",  # a GroupWise vacation rule's subject
    "Subject: Statusabfrage\r\nX-Notes-Item: 1; name=$AssistMail",  # Domino's out-of-office item
])
def test_notes_and_groupwise_absences_are_auto_replies(headers: str) -> None:
    assert verdict("From: erika.muster@koblenz.example\r\n" + headers, "Ich bin nicht im Büro.", ()).classification \
        is Classification.AUTO_REPLY


def test_a_lead_who_writes_that_a_colleague_is_away_is_no_auto_reply() -> None:
    result = verdict(FROM, "Herr Weber ist außer Haus.\nStand: läuft", ("stand",), "KGRZ-7K2QXA")
    assert result.classification is Classification.REPLY
