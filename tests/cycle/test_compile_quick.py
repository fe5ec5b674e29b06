"""``compile`` without ``--send`` runs on the stdlib SQLite driver: the same draft, version and record as the Store's.

The quick path exists for speed only (issue 15: 500 projects within 2 s, SQLAlchemy's import alone took most of
that), so everything it decides is checked against the Store's path on a copy of the same installation: the
answer in force after a correction, ``unverändert`` resolved against June, the previous report quoted, the
version, its content hash and the files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.drafts import compile_draft
from kgrz_mailbot.jobs.requests import send_requests
from kgrz_mailbot.storage import drafts
from kgrz_mailbot.storage.store import session_id
from tests.cycle.test_draft_versions import BECKER, JUNE, KRAEMER, SCHULZ, SEPTEMBER, answer_request
from tests.support import REPO, at


@pytest.fixture
def history(app: App, clock: FixedClock, config_dir: Path) -> Path:
    """June answered by Krämer and Becker; in September Krämer writes "unverändert", Becker corrects himself
    (the later Date: wins although it arrived first), Schulz answers for the first time."""
    clock.set(at("2018-05-30T08:00"))
    send_requests(app, JUNE)
    answer_request(app, KRAEMER, "Ampel: grün\nStand: Outlook ist in allen Ämtern eingeführt.", "2018-06-04T09:00")
    answer_request(app, BECKER, "Ampel: gelb\nStand: eRechnung in Vorbereitung.", "2018-06-04T10:00")
    clock.set(at("2018-06-05T12:00"))
    process_inbox(app)
    clock.set(at("2018-08-29T08:00"))
    send_requests(app, SEPTEMBER)
    answer_request(app, KRAEMER, "Ampel: grün\nStand: unverändert", "2018-08-30T09:00")
    answer_request(app, BECKER, "Ampel: rot\nStand: eRechnung verzögert sich.", "2018-08-31T09:00")
    answer_request(app, BECKER, "Ampel: gelb\nStand: eRechnung im Test.", "2018-08-30T10:00")
    answer_request(app, SCHULZ, "Fortschritt: 40 %\nStand: Vereinbarung mit zwei Verbandsgemeinden.",
                   "2018-08-30T11:00")  # fmt: skip
    clock.set(at("2018-09-03T12:00"))
    process_inbox(app)
    app.close()
    return config_dir


def compile_command(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``kgrz-mailbot compile`` as its own process; it reports whether SQLAlchemy was loaded."""
    probe = ("import sys\nfrom kgrz_mailbot.cli.main import main\n"
             f"code = main(['compile', '--config', {str(config)!r}, '--session', '2018-09-19', "
             f"'--now', '2018-09-11T09:00', *{list(extra)!r}])\n"
             "print('sqlalchemy' in sys.modules)\nsys.exit(code)")  # fmt: skip
    return subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)


def c5_json(config: Path, version: int) -> dict:  # type: ignore[type-arg]
    path = config / "var/reports/2018-09-19" / f"werkausschuss-2018-09-19-v{version}.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def stored_versions(config: Path) -> list[tuple[int, str, str]]:
    app = build_app(load_config(config), clock=FixedClock(at("2018-09-11T09:00")))
    with app.store.read() as db:
        records = drafts.drafts_of_session(db, session_id(db, SEPTEMBER))
    app.close()
    return [(r.version, r.content_hash, r.content_json) for r in records]


def test_the_quick_path_makes_the_very_draft_the_store_makes(history: Path, tmp_path: Path) -> None:
    other = tmp_path / "store-path"
    shutil.copytree(history, other)

    done = compile_command(history)
    assert done.stdout.splitlines()[0].startswith("Entwurf Version 1 (neu): 3 von 6 Projekten beantwortet")
    assert done.stdout.splitlines()[-1] == "False"  # stdlib sqlite3 only
    app = build_app(load_config(other), clock=FixedClock(at("2018-09-11T09:00")))
    by_store = compile_draft(app, SEPTEMBER)
    app.close()

    assert by_store.new_version and by_store.draft.version == 1
    assert c5_json(history, 1) == c5_json(other, 1)
    assert stored_versions(history) == stored_versions(other)
    sections = {p["key"]: p for p in c5_json(history, 1)["projects"]}
    assert sections["ecollaboration"]["stand"] == "Outlook ist in allen Ämtern eingeführt."  # June's, unverändert
    assert (sections["egovernment"]["ampel"], sections["egovernment"]["stand"]) == ("rot", "eRechnung verzögert sich.")
    assert sections["egovernment"]["previous"]["stand"] == "eRechnung in Vorbereitung."


def test_a_version_made_on_one_path_is_unchanged_on_the_other(history: Path) -> None:
    compile_command(history)
    app = build_app(load_config(history), clock=FixedClock(at("2018-09-12T09:00")))
    again = compile_draft(app, SEPTEMBER)
    app.close()
    assert (again.draft.version, again.new_version) == (1, False)
    assert compile_command(history).stdout.startswith("Entwurf Version 1 (unverändert)")
    assert [v for v, _, _ in stored_versions(history)] == [1]


def test_sending_and_a_database_the_store_must_first_update_go_through_the_store(history: Path) -> None:
    schedule = history / "schedule.toml"
    schedule.write_text(schedule.read_text(encoding="utf-8") + '\n[[session]]\ncommittee = "werkausschuss"\n'
                        'date = 2019-03-27\n', encoding="utf-8")  # fmt: skip
    done = compile_command(history, "--send")
    assert "Versandt an die Werkleitung." in done.stdout and done.stdout.splitlines()[-1] == "True"
    assert compile_command(history).stdout.splitlines()[-1] == "False"  # mirrored now: quick again
    sent = [p.read_bytes() for p in (history / "var/mail/sent/new").iterdir()]
    assert sum(b"Unterrichtungsvorlage" in raw and b"werkleitung@" in raw for raw in sent) == 1



HOLD_LOCK = """import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_the_quick_path_waits_for_a_running_tick_as_every_command_that_writes(history: Path) -> None:
    """The service's tick holds the lock file beside the database (``storage/leader.py``): the quick compile
    waits for it as ``compile --send`` does, and says so."""
    lock = history / "var" / "kgrz-mailbot.sqlite3.tick.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        done = compile_command(history)
    finally:
        holder.wait(timeout=60)
    assert "wartet, bis er fertig ist" in done.stderr
    assert done.stdout.startswith("Entwurf Version 1 (neu)") and done.stdout.splitlines()[-1] == "False"
