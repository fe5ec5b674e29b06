"""``session add|move`` through the command line: the leads already asked hear the new deadline once."""

from __future__ import annotations

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
