"""The world of the mails in tests/data/mails: Erika Muster leads eCollaboration, its request has the token
KGRZ-7K2QXA (the token the stored mails answer), and optionally our own MTA stamps Authentication-Results."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.jobs import requests as request_job
from kgrz_mailbot.storage import requests
from kgrz_mailbot.storage.store import session_id
from tests.support import at

ERIKA = "erika.muster@koblenz.example"
OWN_MTA = "mx.koblenz.example"
SEPTEMBER = Session(committee="werkausschuss", date=at("2018-09-19T00:00").date())
JUNE = Session(committee="werkausschuss", date=at("2018-06-20T00:00").date())
REQUESTED = "2018-08-29T08:00"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def seeded_app(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, *,
               authserv_id: str | None = None, requested: Sequence[tuple[Session, str]] = ((SEPTEMBER, REQUESTED),),
               ) -> App:
    """Requests of 19.09.2018 sent on 29.08.2018 (or of the sessions given, each at its time), the first
    session's eCollaboration request with the token KGRZ-7K2QXA; the clock then stands at 03.09.2018 10:00."""
    edit(config_dir / "projects.toml", "Sabine Krämer <sabine.kraemer@", "Erika Muster <erika.muster@")
    edit(config_dir / "projects.toml", "Jonas Weber <jonas.weber@", "Max Beispiel <max.beispiel@")
    if authserv_id:
        edit(config_dir / "settings.toml", 'path = "var/mail"', f'path = "var/mail"\nauthserv_id = "{authserv_id}"')
    app = build_app(load_config(config_dir), clock=clock)
    tokens = iter(["KGRZ-7K2QXA", *(f"KGRZ-OTHER{n}" for n in range(20))])
    monkeypatch.setattr(request_job, "new_token", lambda: next(tokens))
    for session, when in requested:
        clock.set(at(when))
        request_job.send_requests(app, session)
    clock.set(at("2018-09-03T10:00"))
    return app


def stand_in_force(app: App, project: str = "ecollaboration", session: Session = SEPTEMBER) -> str | None:
    with app.store.read() as db:
        answers = requests.answers_of_session(db, session_id(db, session))
    return answers[project].fields.stand if project in answers else None
