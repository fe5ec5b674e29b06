"""The command line contract (C2): commands, JSON shapes, exit codes, ``--now`` as the only clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.demo.replies import outlook_reply
from tests.support import MAILS, at

Run = "tuple[int, str, str]"


@pytest.fixture
def run(config_dir: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> tuple[int, str, str]:
        code = main([args[0], "--config", str(config_dir), *args[1:]])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_plan_json_lists_every_action_with_due_time_and_state(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("plan", "--json", "--now", "2018-09-05T09:00")
    assert code == 0
    rows = [r for r in json.loads(out) if r["session"] == "2018-09-19"]
    assert [(r["action"], r["due"], r["state"]) for r in rows] == [
        ("request", "2018-08-29T08:00:00+02:00", "due"),
        ("reminder", "2018-09-05T08:00:00+02:00", "due"),
        ("reminder", "2018-09-07T08:00:00+02:00", "upcoming"),
        ("deadline", "2018-09-10T08:00:00+02:00", "upcoming"),
        ("draft", "2018-09-11T08:00:00+02:00", "upcoming"),
    ]
    assert all(r["committee"] == "werkausschuss" for r in rows)


def test_plan_text_reads_like_a_calendar(run) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = run("plan", "--now", "2018-08-20T09:00")
    assert "Sitzung am Mittwoch, 19.09.2018" in out
    assert "Mi 29.08.2018 08:00  Statusabfrage an alle Projektleitungen" in out


def test_send_requests_twice_sends_nothing_twice_and_tick_marks_it_done(run, config_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00")
    assert code == 0 and out.startswith("6 Statusabfragen neu erstellt, 6 versandt")
    code, out, _ = run("send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:01")
    assert code == 0 and out.startswith("0 Statusabfragen neu erstellt")
    assert len(list((config_dir / "var/mail/sent/new").iterdir())) == 6
    _, out, _ = run("plan", "--json", "--now", "2018-08-29T09:00")
    request = next(r for r in json.loads(out) if r["session"] == "2018-09-19" and r["action"] == "request")
    assert request["state"] == "done"


def test_status_json_shows_requests_reminders_and_answers(run, config_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("tick", "--now", "2018-08-29T08:00")
    sent = sorted((config_dir / "var/mail/sent/new").iterdir())
    request = next(p.read_bytes() for p in sent if b"julia.richter" in p.read_bytes())
    inbox = config_dir / "var/mail/inbox/new"
    (inbox / "reply.eml").write_bytes(outlook_reply(request, "frank.klein@koblenz.example", "Frank Klein",
                                                    "Ampel: grün\nStand: Testbetrieb läuft.", at("2018-08-30T09:00")))
    run("tick", "--now", "2018-09-05T08:00")
    code, out, _ = run("status", "--session", "2018-09-19", "--json")
    data = json.loads(out)
    assert code == 0 and data["session"] == "2018-09-19"
    time = next(p for p in data["projects"] if p["key"] == "time")
    assert time == {**time, "requested": True, "reminders": 0, "answered": True,
                    "answered_by": "frank.klein@koblenz.example"}
    umbau = next(p for p in data["projects"] if p["key"] == "umbau")
    assert (umbau["answered"], umbau["reminders"], umbau["answered_by"]) == (False, 1, None)


def test_compile_prints_the_paths_and_writes_c5_json(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("compile", "--session", "2018-09-19", "--now", "2018-09-11T08:00")
    assert code == 0
    paths = [Path(line) for line in out.splitlines()[1:4]]
    assert [p.suffix for p in paths] == [".docx", ".html", ".json"] and all(p.exists() for p in paths)
    data = json.loads(paths[2].read_text(encoding="utf-8"))
    assert set(data) >= {"committee", "session_date", "draft_date", "version", "projects", "missing"}
    assert data["draft_date"] == "2018-09-11" and data["version"] == 1 and len(data["missing"]) == 6


def test_parse_json_shows_how_a_mail_is_understood_without_side_effects(run, config_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("parse", str(MAILS / "thunderbird_reply.eml"), "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= {"classification", "text", "fields", "problems", "token"}
    assert data["classification"] == "reply" and data["fields"]["stand"]
    assert not (config_dir / "var/mail/inbox/cur").exists() or not any((config_dir / "var/mail/inbox/cur").iterdir())


def test_an_unknown_session_is_a_german_error_with_exit_1(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("compile", "--session", "2018-09-20")
    assert code == 1
    assert "schedule.toml: keine Sitzung am 2018-09-20 eingetragen" in err


def test_wrong_usage_exits_2(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exited:
        run("compile", "--session", "19.09.2018")
    assert exited.value.code == 2


def test_purge_export_erase_and_backup_run_from_the_command_line(run, config_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("tick", "--now", "2018-08-29T08:00")
    code, out, _ = run("purge", "--now", "2019-06-01T10:00")
    assert code == 0 and out.startswith("Löschfristen angewandt")
    code, out, _ = run("export", "--person", "julia.richter@koblenz.example")
    assert code == 0 and json.loads(out)["adresse"] == "julia.richter@koblenz.example"
    code, out, _ = run("backup", str(config_dir / "sicherung.sqlite3"))
    assert code == 0 and (config_dir / "sicherung.sqlite3").stat().st_size > 0
    code, out, _ = run("erase", "--person", "julia.richter@koblenz.example", "--now", "2019-06-01T10:00", "--yes")
    assert code == 0 and "pseudonymisiert" in out


def test_retention_periods_are_checked(config_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text().replace("raw_mail_days = 90", "raw_mail_days = 0"))
    code, _, err = run("check")
    assert code == 1 and "[retention] raw_mail_days: muss mindestens 1 Tag sein." in err
