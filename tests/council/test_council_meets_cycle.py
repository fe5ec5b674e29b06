"""Where the council sync meets the rest of the cycle: the admins, a lead's answer to a cancelled session, and a
meeting cancelled and set again — through the command line, on the Maildir and SQLite of a real installation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.demo.replies import outlook_reply
from tests.council.conftest import Sync
from tests.council.ris import World
from tests.support import at, body, parse

ADMIN = "it-betrieb@koblenz.example"  # [mail] admin_to of the example settings.toml


def cli(capsys: pytest.CaptureFixture[str], config_dir: Path, *argv: str) -> tuple[int, str]:
    code = main(["--config", str(config_dir), *argv])
    out, err = capsys.readouterr()
    return code, out + err


def sent(config_dir: Path, word: str = "", to: str = "") -> list:  # type: ignore[type-arg]
    """The mails in the Maildir's sent folder, in the order they were sent."""
    folder = config_dir / "var/mail/sent"
    files = sorted((p for sub in ("new", "cur") if (folder / sub).exists() for p in (folder / sub).iterdir()),
                   key=lambda p: p.stat().st_mtime_ns)
    mails = [parse(p.read_bytes()) for p in files]
    return [m for m in mails if str(m["Subject"]).startswith(word) and to in str(m["To"])]


def answer(config_dir: Path, request: object, text: str, when: str, name: str) -> None:
    """The lead answers the request in Outlook; the mail lands in the bot's inbox."""
    inbox = config_dir / "var/mail/inbox/new"
    inbox.mkdir(parents=True, exist_ok=True)
    lead = str(request["To"])  # type: ignore[index]
    address = lead[lead.index("<") + 1:-1] if "<" in lead else lead
    raw = outlook_reply(request.as_bytes(), address, lead.split("<")[0].strip(), text, at(when))  # type: ignore[attr-defined]
    (inbox / name).write_bytes(raw)


def test_a_meeting_the_source_lost_reaches_the_admins_and_the_all_clear_follows(
    sync: Sync, synced_config: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    sync("2027-02-01T06:00")
    lost = world.meetings.pop(103)  # gone from the RIS without being marked deleted
    sync("2027-02-09T06:00")  # a week on: the full read notices
    assert cli(capsys, synced_config, "tick", "--now", "2027-02-09T08:00")[0] == 0
    [alert] = sent(synced_config, "[KGRZ Projektstatus] Handlungsbedarf", ADMIN)
    text = body(alert)
    assert "22.09.2027" in text and "Werkausschuss" in text and "nicht mehr zu finden" in text
    assert "session remove" in text and "Sitzungsdienst" in text  # what to do
    assert cli(capsys, synced_config, "tick", "--now", "2027-02-09T08:05")[0] == 0
    assert len(sent(synced_config, "[KGRZ Projektstatus] Handlungsbedarf", ADMIN)) == 1  # once a day at most

    world.meetings[103] = lost  # the RIS restored its record
    lost.modified = at("2027-02-10T09:00")
    sync("2027-02-11T06:00")
    assert cli(capsys, synced_config, "tick", "--now", "2027-02-11T08:00")[0] == 0
    [clear] = sent(synced_config, "[KGRZ Projektstatus] Erledigt", ADMIN)
    assert "22.09.2027" in body(clear)


def test_a_source_that_cannot_be_read_day_after_day_reaches_the_admins(
    sync: Sync, synced_config: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    sync("2027-02-01T06:00")
    world.down, world.retry_after = True, "3600"  # back in an hour: beyond a sync's budget, so no minutes of back-off
    assert sync("2027-02-02T06:00")[0] == 1
    assert cli(capsys, synced_config, "tick", "--now", "2027-02-02T08:00")[0] == 0
    assert sent(synced_config, "[KGRZ Projektstatus] Handlungsbedarf", ADMIN) == []  # one bad day is no news
    assert sync("2027-02-03T06:00")[0] == 1
    assert cli(capsys, synced_config, "tick", "--now", "2027-02-03T08:00")[0] == 0
    [alert] = sent(synced_config, "[KGRZ Projektstatus] Handlungsbedarf", ADMIN)
    assert "Ratsinformationssystem" in str(alert["Subject"]) and "Werkausschuss" in body(alert)
    world.down = False
    assert sync("2027-02-04T06:00")[0] == 0
    assert cli(capsys, synced_config, "tick", "--now", "2027-02-04T08:00")[0] == 0
    assert len(sent(synced_config, "[KGRZ Projektstatus] Erledigt", ADMIN)) == 1


def test_an_answer_to_a_cancelled_session_is_stored_not_taken_and_the_lead_is_told_why(
    sync: Sync, synced_config: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    sync("2027-02-01T06:00")
    assert cli(capsys, synced_config, "tick", "--now", "2027-05-26T08:00")[0] == 0  # requests for 16 June
    world.meetings[102].cancelled = True
    world.meetings[102].modified = at("2027-05-27T09:00")
    sync("2027-05-28T06:00")
    request = next(m for m in sent(synced_config, "Statusabfrage eCollaboration – Werkausschuss 16.06.2027"))
    answer(synced_config, request, "Ampel: gelb\nStand: Pilot verschoben.", "2027-05-28T10:00",
           "answer-after-cancellation.eml")
    code, out = cli(capsys, synced_config, "tick", "--now", "2027-05-28T10:05")
    assert code == 0
    assert "angenommen" not in out
    lead = request["To"].addresses[0].addr_spec
    assert sent(synced_config, "Bestätigung", lead) == []  # not taken into anything
    [told] = sent(synced_config, "Nicht übernommen", lead)
    assert "abgesagt" in body(told) and "nicht übernommen" in body(told) and "stattgefunden" not in body(told)
    code, out = cli(capsys, synced_config, "status", "--session", "2027-06-16")
    assert code == 0, out
    assert "abgesagt" in out
    assert "1 verspätete Antwort(en), nicht übernommen" in out and "eCollaboration: von" in out


def test_a_meeting_set_again_is_announced_to_the_leads_told_it_was_off_before_any_reminder(
    sync: Sync, synced_config: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    sync("2027-02-01T06:00")
    assert cli(capsys, synced_config, "tick", "--now", "2027-05-26T08:00")[0] == 0
    world.meetings[102].cancelled = True
    world.meetings[102].modified = at("2027-05-27T09:00")
    sync("2027-05-28T06:00")
    world.meetings[102].cancelled = False
    world.meetings[102].modified = at("2027-06-02T07:00")
    code, out = sync("2027-06-03T06:00")  # after the first reminder's day (T-14 = 2 June)
    assert "wieder angesetzt" in out
    sync("2027-06-04T06:00")
    for day in ("2027-06-03", "2027-06-04", "2027-06-07", "2027-06-08"):
        assert cli(capsys, synced_config, "tick", "--now", f"{day}T08:00")[0] == 0
    june = [m for m in sent(synced_config) if "16.06.2027" in str(m["Subject"])]
    kinds = [str(m["Subject"]).split(" ")[0] for m in june]
    assert kinds.count("Statusabfrage") == 6  # asked once, in May, never with a new token
    back = [m for m in june if str(m["Subject"]).startswith("Sitzung wieder angesetzt")]
    assert len(back) == 7 and len({str(m["To"]) for m in back}) == 7  # each lead once, and the Werkleitung
    lead = next(m for m in back if "Statusabfrage eCollaboration – " in str(m["Subject"]))
    assert "findet nun doch statt" in body(lead) and "Montag, 07.06.2027, 08:00 Uhr" in body(lead)
    assert "Ampel:" in body(lead)  # the form to answer with
    cancelled = next(m for m in june if str(m["Subject"]).startswith("Sitzung abgesagt")
                     and "(eCollaboration)" in str(m["Subject"]))
    assert lead["In-Reply-To"] == cancelled["Message-ID"]
    first_back = june.index(back[0])
    reminders = [i for i, m in enumerate(june) if str(m["Subject"]).startswith("Erinnerung")]
    assert reminders and min(reminders) > first_back  # nothing chases a lead before they hear it is back on
    assert len(reminders) == 6  # one round (4 June); the one missed while it was off is not made up
