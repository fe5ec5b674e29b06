"""``[committee.source]`` in schedule.toml: ``check`` validates it, ``check --connect`` reads the RIS once; ``run``
syncs daily."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.errors import ConfigError
from kgrz_mailbot.service.scheduler import Service
from tests.council.ris import RisServer, World
from tests.support import at

COMMITTEE = """[[committee]]
key = "werkausschuss"
name = 'Werkausschuss "Kommunales Gebietsrechenzentrum Koblenz"'
draft_to = ["werkleitung@koblenz.example"]
"""


def with_source(config_dir: Path, source: str, sessions: str = "") -> Path:
    text = (config_dir / "schedule.toml").read_text()
    head = text[:text.index("[[committee]]")]
    (config_dir / "schedule.toml").write_text(f"{head}{COMMITTEE}\n[committee.source]\n{source}\n{sessions}")
    return config_dir


def problems(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as failure:
        load_config(config_dir)
    return failure.value.problems


def test_an_oparl_source_and_source_ids_are_read(config_dir: Path) -> None:
    with_source(config_dir, 'oparl = "https://ris.koblenz.example/bi/oparl/1.0/system.asp"\n'
                            'organization = " Werkausschuss KGRZ "',
                '[[session]]\ncommittee = "werkausschuss"\ndate = 2027-03-17\n'
                'source_id = "https://ris.koblenz.example/bi/oparl/1.0/meetings.asp?id=4711"\n')
    config = load_config(config_dir)
    assert config.sources[0].organization == "Werkausschuss KGRZ"
    assert config.sessions[0].source_id == "https://ris.koblenz.example/bi/oparl/1.0/meetings.asp?id=4711"


def test_a_relative_ical_path_resolves_against_the_config_directory(config_dir: Path) -> None:
    with_source(config_dir, 'ical = "termine.ics"\nmatch = "Werkausschuss"')
    assert load_config(config_dir).sources[0].ical == str(config_dir.resolve() / "termine.ics")


@pytest.mark.parametrize(("source", "expected"), [
    ('oparl = "https://ris.example/system"\nical = "https://ris.example/t.ics"',
     "schedule.toml, [[committee]] Nr. 1 [committee.source]: nennt „oparl“ und „ical“; bitte nur eine"),
    ('oparl = "https://ris.example/system"', "„organization“ fehlt: der Name des Gremiums"),
    ('oparl = "ris.koblenz.example/oparl"\norganization = "Werkausschuss KGRZ"',
     "[committee.source] oparl: „ris.koblenz.example/oparl“ ist keine vollständige http(s)-URL"),
    ('ical = "https://ris.example/t.ics"', "„match“ fehlt: ein Text, den der Titel (SUMMARY)"),
    ('organization = "Werkausschuss KGRZ"', "nennt keine Quelle. Bitte oparl = "),
    ('oparl = "https://ris.example/system"\norganisation = "Werkausschuss KGRZ"',
     "unbekannter Schlüssel „organisation“. Meinten Sie „organization“?"),
])
def test_check_names_each_problem_of_a_source(config_dir: Path, source: str, expected: str) -> None:
    with_source(config_dir, source)
    assert any(expected in p for p in problems(config_dir)), problems(config_dir)


def test_a_source_id_given_twice_is_a_problem(config_dir: Path) -> None:
    session = '[[session]]\ncommittee = "werkausschuss"\ndate = {}\nsource_id = "https://ris.example/m/1"\n\n'
    with_source(config_dir, 'ical = "t.ics"\nmatch = "Werkausschuss"',
                session.format("2027-03-17") + session.format("2027-03-24"))
    assert any("source_id: „https://ris.example/m/1“ steht schon bei einer anderen Sitzung" in p
               for p in problems(config_dir))


def test_check_connect_shows_the_organization_and_its_upcoming_meetings(
    config_dir: Path, ris: RisServer, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # check reads the real clock (it has no --now): these meetings lie far enough ahead
    world.add(1, "1. Sitzung", "2099-03-17T17:00:00+01:00", at("2027-01-10T12:00"))
    world.add(2, "2. Sitzung", "2099-06-16T17:00:00+02:00", at("2027-01-10T12:00"), cancelled=True)
    world.add(3, "Sitzung", "2099-03-18T17:00:00+01:00", at("2027-01-10T12:00"), organization=3)
    with_source(config_dir, f'oparl = "{ris.system_url}"\norganization = "Werkausschuss KGRZ"')
    code = main(["check", "--connect", "--config", str(config_dir)])
    out = capsys.readouterr().out
    assert code == 0
    assert (f'  [ok] Ratsinformationssystem für Werkausschuss "Kommunales Gebietsrechenzentrum Koblenz": '
            f"„Werkausschuss KGRZ“ (Stadt Koblenz) gefunden ({ris.system_url}), 1 anstehende Sitzungen, "
            "die nächste am 17.03.2099") in out


def test_run_syncs_daily_at_sync_time_and_uses_the_new_dates_at_once(
    config_dir: Path, ris: RisServer, world: World
) -> None:
    world.add(1, "1. Sitzung", "2099-03-17T17:00:00+01:00", at("2027-01-10T12:00"))
    with_source(config_dir, f'oparl = "{ris.system_url}"\norganization = "Werkausschuss KGRZ"')
    service = Service(load_config(config_dir), config_dir)
    try:
        service.schedule_jobs()
        job = service.scheduler.get_job("sessions-sync")
        assert str(job.trigger) == "cron[hour='6', minute='0']"
        service.sync()
        assert [s.date.isoformat() for s in service.app.config.sessions] == ["2099-03-17"]
    finally:
        service.app.close()
