"""Small truths through the command line (issue 15, item 9): ``missed`` in ``plan``, the .docx properties,
``session add|move`` warnings and a schedule.toml kept in date order."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest

from kgrz_mailbot.cli.main import main


def cli(capsys: pytest.CaptureFixture[str], config_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_actions_of_past_sessions_that_never_happened_are_missed_in_json_and_text(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, config_dir, "tick", "--now", "2018-08-29T08:00")[0] == 0  # September's requests go out
    code, out, _ = cli(capsys, config_dir, "plan", "--json", "--now", "2018-09-20T09:00")
    assert code == 0
    states = {(r["session"], r["action"], r.get("seq", 0)): r["state"] for r in json.loads(out)}
    assert {s for (day, _, _), s in states.items() if day == "2018-06-20"} == {"missed"}
    assert states[("2018-09-19", "request", 0)] == "done"
    assert states[("2018-09-19", "reminder", 1)] == states[("2018-09-19", "draft", 0)] == "missed"
    assert {s for (day, _, _), s in states.items() if day == "2018-12-12"} == {"upcoming"}
    assert "due" not in states.values()
    _, text, _ = cli(capsys, config_dir, "plan", "--now", "2018-09-20T09:00")
    september = text.split("Sitzung am Mittwoch, 19.09.2018")[1].split("\n\n")[0]
    assert re.search(r"Statusabfrage an alle Projektleitungen\s+erledigt am 29\.08\. 08:00", september)
    assert re.search(r"Entwurf der Vorlage an die Werkleitung\s+nicht erfolgt", september)
    assert "fällig" not in text  # nothing of a session that is over is "due"


def test_the_word_file_names_the_organisation_and_its_real_creation_time_in_utc_without_a_stock_thumbnail(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, config_dir, "compile", "--session", "2018-09-19", "--now", "2018-09-11T09:30")
    assert code == 0
    path = Path(next(line for line in out.splitlines() if line.endswith(".docx")))
    props = docx.Document(str(path)).core_properties
    # 09:30 in Koblenz is 07:30 UTC (python-docx hands one back naive, the other with its zone)
    assert {t.replace(tzinfo=None) for t in (props.created, props.modified)} == {datetime(2018, 9, 11, 7, 30)}
    assert "Kommunales Gebietsrechenzentrum Koblenz" in props.author
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        app = package.read("docProps/app.xml").decode()
        core = package.read("docProps/core.xml").decode()
    assert not [n for n in names if "thumbnail" in n]
    assert "<Company>Kommunales Gebietsrechenzentrum Koblenz</Company>" in app and "Macintosh" not in app
    assert "2018-09-11T07:30:00Z" in core and "python-docx" not in core


def sessions_in_file(config_dir: Path) -> list[str]:
    return re.findall(r"^date = (\S+)", (config_dir / "schedule.toml").read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.parametrize(("day", "warnings"), [
    ("2019-03-20", []),
    ("2018-10-03", ["Der 03.10.2018 ist ein Feiertag bzw. Schließtag (Tag der Deutschen Einheit)",
                    "überschneidet sich mit dem der Sitzung am 19.09.2018"]),
    ("2019-03-23", ["Der 23.03.2019 ist ein Samstag"]),
    ("2018-05-02", ["Die Sitzung am Mittwoch, 02.05.2018 liegt nicht in der Zukunft"]),
    ("2018-08-15", ["Die Statusabfrage wäre am 25.07.2018 fällig gewesen"]),
])
def test_session_add_warns_and_keeps_the_file_in_date_order(
        day: str, warnings: list[str], config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, config_dir, "session", "add", day, "--now", "2018-08-01T09:00")
    assert code == 0 and f"Sitzung am {day[8:]}.{day[5:7]}.{day[:4]} eingetragen" in out
    said = [line.removeprefix("Warnung: ") for line in err.splitlines()]
    assert len(said) == len(warnings) and all(any(w in line for line in said) for w in warnings), err
    dates = sessions_in_file(config_dir)
    assert day in dates and dates == sorted(dates)


def test_session_move_warns_keeps_the_order_and_the_comment_above_the_next_session(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schedule = config_dir / "schedule.toml"
    marker = '[[session]]\ncommittee = "werkausschuss"\ndate = 2018-12-12'
    schedule.write_text(schedule.read_text(encoding="utf-8").replace(marker, "# Haushaltssitzung\n" + marker),
                        encoding="utf-8")
    code, out, err = cli(capsys, config_dir, "session", "move", "2018-06-20", "2018-11-01", "--now", "2018-08-01T09:00")
    assert code == 0 and "vom 20.06.2018 verschoben" in out
    assert "Allerheiligen" in err  # a holiday in Rhineland-Palatinate
    assert sessions_in_file(config_dir) == sorted(sessions_in_file(config_dir))
    text = schedule.read_text(encoding="utf-8")
    assert "# Haushaltssitzung\n[[session]]\ncommittee = \"werkausschuss\"\ndate = 2018-12-12" in text
