"""The same code on PostgreSQL; two instances on one database send every mail exactly once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.demo.replies import outlook_reply
from kgrz_mailbot.demo.texts import SEPTEMBER
from kgrz_mailbot.jobs.drafts import compile_draft
from kgrz_mailbot.jobs.tick import tick
from tests.support import REPO, at, deliver, sent_messages, sent_to
from tests.unit.test_mail_savepoint import a_mail_that_fails_midway_is_rolled_back_alone


def test_a_whole_cycle_runs_on_postgresql(pg_config_dir: Path) -> None:
    clock = FixedClock(at("2018-08-29T08:00"))
    app = build_app(load_config(pg_config_dir), clock=clock)
    assert app.store.engine.dialect.name == "postgresql"
    tick(app)
    for project in app.config.active_projects:
        if project.key in SEPTEMBER:
            request = sent_to(app, project.lead.address)[0].as_bytes()
            deliver(app, outlook_reply(request, project.lead.address, project.lead.name, SEPTEMBER[project.key],
                                       at("2018-08-30T09:00")))
    clock.set(at("2018-08-30T10:00"))
    assert tick(app).poll.outcomes == {"accepted": 5}
    clock.set(at("2018-09-11T08:00"))
    tick(app)
    draft = compile_draft(app, app.session(at("2018-09-19T00:00").date())).draft
    assert draft.missing == ["time"]
    assert next(s for s in draft.sections if s.key == "egovernment").fortschritt == 40
    app.close()


DRIVER = textwrap.dedent("""
    import sys
    from kgrz_mailbot.app import build_app
    from kgrz_mailbot.clock import FixedClock
    from kgrz_mailbot.config.load import load_config
    from kgrz_mailbot.inbox.poll import process_inbox
    from kgrz_mailbot.jobs.tick import tick
    from tests.support import at
    clock = FixedClock(at(sys.argv[2]))
    app = build_app(load_config(__import__("pathlib").Path(sys.argv[1])), clock=clock)
    for instant in sys.argv[2:]:
        clock.set(at(instant))
        for _ in range(3):
            tick(app)
            process_inbox(app)  # outside the tick lock: races on inbox rows and the outbox
    app.close()
""")


def race(config_dir: Path, instants: list[str]) -> None:
    """Two processes tick and poll through the same instants against one database and one Maildir."""
    command = [sys.executable, "-c", DRIVER, str(config_dir), *instants]
    runs = [subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err


def test_two_instances_on_one_database_send_every_mail_exactly_once(pg_config_dir: Path) -> None:
    race(pg_config_dir, ["2018-08-29T08:00"])
    app = build_app(load_config(pg_config_dir), clock=FixedClock(at("2018-08-30T09:00")))
    for project in app.config.active_projects:
        if project.key in ("ecollaboration", "egovernment", "telefonie"):
            request = sent_to(app, project.lead.address)[0].as_bytes()
            deliver(app, outlook_reply(request, project.lead.address, project.lead.name, SEPTEMBER[project.key],
                                       at("2018-08-30T09:00")))
    # Both instances share one clock, as two real servers would: each instant is raced by both before the next.
    for instant in ("2018-08-30T10:00", "2018-09-05T08:00", "2018-09-07T08:00", "2018-09-10T08:00",
                    "2018-09-11T08:00"):
        race(pg_config_dir, [instant])
    mails = sent_messages(app)
    ids = Counter(str(m["Message-ID"]) for m in mails)
    assert max(ids.values()) == 1
    kinds = Counter(str(m["Subject"]).split()[0].rstrip(":") for m in mails)
    assert kinds == Counter({"Statusabfrage": 6, "Bestätigung": 3, "Erinnerung": 6, "Fehlende": 1, "Entwurf": 1})
    app.close()


def test_a_mail_that_fails_midway_is_rolled_back_alone_on_postgresql(postgres_url: str) -> None:
    a_mail_that_fails_midway_is_rolled_back_alone(postgres_url)
