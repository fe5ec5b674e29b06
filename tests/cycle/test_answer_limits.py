"""Commands only for verified senders; at most ``answers_per_hour`` answers of any kind per sender (issue 13, 8).

The excess is rendered and stored (outbox state ``held``), never sent, and ``status`` lists it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.views.status import session_status, status_json, status_text
from tests.cycle.seeded import ERIKA, OWN_MTA, SEPTEMBER, edit, seeded_app, stand_in_force
from tests.support import MAILS, at, deliver, sent_messages

GENUINE_REPLY = (MAILS / "authres_our_server_says_pass.eml").read_bytes()
SPOOFED_HILFE = (MAILS / "hilfe_spoofed_lead_dmarc_fail.eml").read_bytes()


def copy(raw: bytes, n: int, minute: int | None = None) -> bytes:
    """The same mail sent again: a new Message-ID, and optionally a later Date: (``09:MM``)."""
    raw = re.sub(rb"Message-ID: <([^@>]+)@", lambda m: b"Message-ID: <" + m[1] + f".{n}@".encode(), raw, count=1)
    if minute is not None:
        raw = re.sub(rb"^Date: .*$", f"Date: Mon, 03 Sep 2018 09:{minute:02d}:00 +0200".encode(), raw, count=1,
                     flags=re.M)
    return raw


def answers_to(app: App, address: str) -> int:
    return sum(1 for m in sent_messages(app) if str(m["To"]) == address and not
               str(m["Subject"]).startswith("Statusabfrage"))


@pytest.fixture
def with_own_mta(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    return seeded_app(config_dir, clock, monkeypatch, authserv_id=OWN_MTA)


def test_thirty_spoofed_commands_get_no_answer(with_own_mta: App) -> None:
    for n in range(30):
        deliver(with_own_mta, copy(SPOOFED_HILFE, n))
    assert process_inbox(with_own_mta).outcomes == {"unauthorised": 30}
    assert answers_to(with_own_mta, ERIKA) == 0


def test_a_verified_command_is_answered(with_own_mta: App) -> None:
    raw = GENUINE_REPLY.split(b"\n\n", 1)[0] + b"\n\nHILFE\n"
    raw = raw.replace(b"Subject: Re: Statusabfrage", b"Subject: Statusabfrage")
    deliver(with_own_mta, raw)
    assert process_inbox(with_own_mta).outcomes == {"command": 1}
    assert answers_to(with_own_mta, ERIKA) == 1


def test_a_flood_of_valid_replies_is_taken_but_only_ten_get_a_confirmation(with_own_mta: App) -> None:
    app = with_own_mta
    for minute in range(25):
        deliver(app, copy(GENUINE_REPLY, minute, minute))
    assert process_inbox(app).outcomes == {"accepted": 25}
    assert stand_in_force(app) == "Die Schulungen der Key-User sind abgeschlossen."  # every answer is kept
    assert answers_to(app, ERIKA) == 10
    rows, versions = session_status(app, SEPTEMBER)
    held = status_json(app, SEPTEMBER, rows, versions)["held_answers"]
    assert len(held) == 15 and {h["to"] for h in held} == {ERIKA} and {h["kind"] for h in held} == {"confirmation"}
    assert "15 Antwort(en) zurückgehalten" in status_text(app, SEPTEMBER, rows, versions)
    assert f"{ERIKA}: 15" in status_text(app, SEPTEMBER, rows, versions)


def test_an_hour_later_the_sender_gets_answers_again(with_own_mta: App, clock: FixedClock) -> None:
    for minute in range(11):
        deliver(with_own_mta, copy(GENUINE_REPLY, minute, minute))
    process_inbox(with_own_mta)
    assert answers_to(with_own_mta, ERIKA) == 10
    clock.set(at("2018-09-03T11:00:01"))
    deliver(with_own_mta, copy(GENUINE_REPLY, 99, 30))
    process_inbox(with_own_mta)
    assert answers_to(with_own_mta, ERIKA) == 11


def test_the_limit_counts_every_kind_of_answer_and_is_configurable(
        config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(config_dir / "settings.toml", 'address = "projektstatus@koblenz.example"',
         'address = "projektstatus@koblenz.example"\nanswers_per_hour = 2')
    app = seeded_app(config_dir, clock, monkeypatch, authserv_id=OWN_MTA)
    deliver(app, copy(GENUINE_REPLY, 1, 1))  # confirmation
    invalid = GENUINE_REPLY.replace(b"Ampel: gr=C3=BCn", b"Ampel: blau")
    deliver(app, copy(invalid, 2, 2))  # explanation
    command = GENUINE_REPLY.split(b"\n\n", 1)[0] + b"\n\nSTATUS\n"
    deliver(app, copy(command, 3, 3))  # command answer
    assert process_inbox(app).outcomes == {"accepted": 1, "rejected": 1, "command": 1}
    assert answers_to(app, ERIKA) == 2
    assert main(["status", "--config", str(config_dir), "--session", "2018-09-19", "--json",
                 "--now", "2018-09-03T10:05"]) == 0
    [held] = json.loads(capsys.readouterr().out)["held_answers"]
    assert held["kind"] == "command" and held["to"] == ERIKA


def test_check_rejects_a_limit_below_one(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(config_dir / "settings.toml", 'address = "projektstatus@koblenz.example"',
         'address = "projektstatus@koblenz.example"\nanswers_per_hour = 0')
    assert main(["check", "--config", str(config_dir)]) == 1
    assert "settings.toml, [mail] answers_per_hour: muss mindestens 1 sein" in capsys.readouterr().err
