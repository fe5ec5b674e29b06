"""``session add|move|remove`` through the command line: the leads already asked hear the new deadline once, or that
the session is off."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.demo.replies import outlook_reply
from tests.support import at, body, parse


def cli(capsys: pytest.CaptureFixture[str], config_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def sent(config_dir: Path, word: str) -> list:  # type: ignore[type-arg]
    folder = config_dir / "var/mail/sent/new"
    mails = [parse(p.read_bytes()) for p in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)]
    return [m for m in mails if str(m["Subject"]).startswith(word)]


def test_after_a_move_every_lead_already_asked_is_told_the_new_deadline_once(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, config_dir, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00")[0] == 0
    request = next(m for m in sent(config_dir, "Statusabfrage") if "julia.richter" in str(m["To"]))
    (config_dir / "var/mail/inbox/new/reply.eml").write_bytes(outlook_reply(
        request.as_bytes(), "julia.richter@koblenz.example", "Julia Richter", "Ampel: grün\nStand: Testbetrieb läuft.",
        at("2018-08-30T09:00")))
    assert cli(capsys, config_dir, "poll", "--now", "2018-08-30T09:05")[0] == 0

    code, out, _ = cli(capsys, config_dir, "session", "move", "2018-09-19", "2018-09-26", "--now", "2018-08-31T10:00")
    assert code == 0
    assert "Die neue Frist ging an die bereits angefragten Projektleitungen (6)" in out
    told = sent(config_dir, "Neue Frist")
    assert len(told) == 6
    assert all(str(m["Subject"]).startswith("Neue Frist: Statusabfrage ") and "26.09.2018 [KGRZ-" in str(m["Subject"])
               for m in told)
    text = {str(m["To"]): body(m) for m in told}
    julia = next(t for to, t in text.items() if "julia.richter" in to)
    other = next(t for to, t in text.items() if "julia.richter" not in to)
    assert "am 19.09.2018 wurde auf den 26.09.2018 verschoben" in julia
    assert "neue Frist: Montag, 17.09.2018, 08:00 Uhr" in julia
    assert "Ihre Meldung vom Donnerstag, 30.08.2018" in julia and "liegt uns vor und gilt weiter" in julia
    assert "Ampel:" in other and "liegt uns vor" not in other  # who has not answered gets the form again
    to_julia = next(m for m in told if "julia.richter" in str(m["To"]))
    assert to_julia["In-Reply-To"] == request["Message-ID"]  # threaded: the lead's client shows it with the request

    assert cli(capsys, config_dir, "tick", "--now", "2018-08-31T10:05")[0] == 0
    assert cli(capsys, config_dir, "tick", "--now", "2018-09-01T08:00")[0] == 0
    assert len(sent(config_dir, "Neue Frist")) == 6  # once, not on every tick


def test_a_date_changed_by_hand_while_the_service_runs_is_told_at_the_next_tick(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, config_dir, "tick", "--now", "2018-08-29T08:00")[0] == 0
    schedule = config_dir / "schedule.toml"
    schedule.write_text(schedule.read_text(encoding="utf-8").replace("2018-09-19", "2018-10-10"), encoding="utf-8")
    code, out, _ = cli(capsys, config_dir, "tick", "--now", "2018-08-29T08:05")
    assert code == 0 and "Erledigt: neue Frist mitgeteilt" in out
    told = sent(config_dir, "Neue Frist")
    assert len(told) == 6 and all("neue Frist: Montag, 01.10.2018, 08:00 Uhr" in body(m) for m in told)


def test_no_lead_hears_of_a_move_before_they_were_asked(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, config_dir, "session", "move", "2018-09-19", "2018-09-26", "--now", "2018-08-01T10:00")
    assert code == 0 and "neue Frist" not in out
    assert not (config_dir / "var/mail/sent/new").exists() or sent(config_dir, "Neue Frist") == []


def everything_sent(config_dir: Path) -> int:
    folder = config_dir / "var/mail/sent"
    return sum(len(list((folder / sub).iterdir())) for sub in ("new", "cur") if (folder / sub).exists())


@pytest.mark.parametrize("new_date", ["2018-10-10", "2019-01-16"])  # three weeks later; more than 90 days later
def test_a_session_moved_after_its_draft_asks_nobody_again(
        config_dir: Path, capsys: pytest.CaptureFixture[str], new_date: str) -> None:
    """Requests, both reminders, the deadline mail and the draft of 19.09.2018 went out; then the committee
    office moves the session. Nothing of the cycle goes out again: no request with a new token, no reminder;
    the leads already asked hear the new deadline once, and the Werkleitung's next draft comes with news only."""
    for day in ("2018-08-29", "2018-09-05", "2018-09-07", "2018-09-10", "2018-09-11"):
        assert cli(capsys, config_dir, "tick", "--now", f"{day}T08:00")[0] == 0
    requests = [str(m["Message-ID"]) for m in sent(config_dir, "Statusabfrage")]
    assert len(requests) == 6 and len(sent(config_dir, "Erinnerung")) == 12
    assert len([m for m in sent(config_dir, "") if "Entwurf" in str(m["Subject"])]) == 1
    before = everything_sent(config_dir)

    code, out, _ = cli(capsys, config_dir, "session", "move", "2018-09-19", new_date, "--now", "2018-09-12T10:00")
    assert code == 0, out
    assert "Die neue Frist ging an die bereits angefragten Projektleitungen (6)" in out
    assert everything_sent(config_dir) == before + 6
    new = at(f"{new_date}T00:00").date()
    days = [f"{new - timedelta(days=d):%Y-%m-%d}" for d in (21, 14, 10, 9, 8, 1)]
    for day in ["2018-09-12", "2018-09-13", *days]:
        assert cli(capsys, config_dir, "tick", "--now", f"{day}T08:00")[0] == 0
    # never again, never with a new token
    assert [str(m["Message-ID"]) for m in sent(config_dir, "Statusabfrage")] == requests
    assert len(sent(config_dir, "Neue Frist")) == 6
    assert everything_sent(config_dir) == before + 6


def test_a_session_removed_by_hand_after_its_requests_tells_the_leads_and_takes_no_later_answer(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, config_dir, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00")[0] == 0
    request = next(m for m in sent(config_dir, "Statusabfrage") if "julia.richter" in str(m["To"]))

    code, out, _ = cli(capsys, config_dir, "session", "remove", "2018-09-19", "--now", "2018-08-31T10:00")
    assert code == 0
    assert "Absage an 6 bereits angefragte Projektleitungen und die Werkleitung versandt." in out
    notices = sent(config_dir, "Sitzung abgesagt")
    assert len(notices) == 7 and any("werkleitung@" in str(m["To"]) for m in notices)
    to_julia = next(m for m in notices if "julia.richter" in str(m["To"]))
    assert "ist abgesagt" in body(to_julia) and "Sie müssen auf die Statusabfrage nicht antworten" in body(to_julia)
    assert to_julia["In-Reply-To"] == request["Message-ID"]
    werkleitung = next(m for m in notices if "werkleitung@" in str(m["To"]))
    assert "ist aus dem Zeitplan genommen worden" in body(werkleitung)

    # Julia had not read it yet and answers the request: stored, not taken, and she hears why.
    (config_dir / "var/mail/inbox/new/reply.eml").write_bytes(outlook_reply(
        request.as_bytes(), "julia.richter@koblenz.example", "Julia Richter", "Ampel: grün\nStand: Testbetrieb läuft.",
        at("2018-08-31T11:00")))
    code, out, _ = cli(capsys, config_dir, "poll", "--now", "2018-08-31T11:05")
    assert code == 0
    assert sent(config_dir, "Bestätigung") == []
    [told] = sent(config_dir, "Nicht übernommen")
    assert "abgesagt" in body(told)
    assert cli(capsys, config_dir, "tick", "--now", "2018-09-05T08:00")[0] == 0
    assert sent(config_dir, "Erinnerung") == []  # nothing more for the removed session


def test_removing_a_session_nobody_was_asked_for_mails_nobody(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, config_dir, "session", "remove", "2018-09-19", "--now", "2018-08-20T10:00")
    assert code == 0 and "Absage" not in out
    folder = config_dir / "var/mail/sent/new"
    assert not folder.exists() or not any(folder.iterdir())
