"""A finished session cycle to apply retention to: requests, three answers, a draft the Werkleitung approved."""

from __future__ import annotations

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.demo.replies import outlook_reply, thunderbird_reply
from kgrz_mailbot.demo.texts import SEPTEMBER
from kgrz_mailbot.jobs.tick import tick
from kgrz_mailbot.storage import drafts
from kgrz_mailbot.storage.store import session_id
from tests.support import at, deliver, sent_to

KRAEMER, BECKER = "sabine.kraemer@koblenz.example", "thomas.becker@koblenz.example"
RICHTER = "julia.richter@koblenz.example"


@pytest.fixture
def cycled(app: App, clock: FixedClock) -> App:
    tick(app)
    deliver(app, outlook_reply(sent_to(app, KRAEMER)[0].as_bytes(), KRAEMER, "Sabine Krämer",
                               SEPTEMBER["ecollaboration"], at("2018-08-30T09:12")))
    deliver(app, thunderbird_reply(sent_to(app, BECKER)[0].as_bytes(), BECKER, "Thomas Becker",
                                   SEPTEMBER["egovernment"], at("2018-08-30T16:40")))
    clock.set(at("2018-08-31T12:00"))
    tick(app)
    clock.set(at("2018-09-11T08:00"))
    tick(app)  # deadline and draft version 1
    # A late answer after the draft went out, before the approval of version 1: part of no approved version.
    # (After an approval it would not be taken at all: the session's record is closed then.)
    deliver(app, outlook_reply(sent_to(app, RICHTER)[-1].as_bytes(), RICHTER, "Julia Richter",
                               "Ampel: gelb\nStand:\nDie Schulung hat stattgefunden.", at("2018-09-11T09:00")))
    clock.set(at("2018-09-11T10:00"))
    tick(app)
    clock.set(at("2018-09-12T10:00"))
    with app.store.write() as db:
        [record] = [d for d in drafts.drafts_of_session(db, session_id(db, app.session(at("2018-09-19T00:00").date())))
                    if d.version == 1]
        drafts.approve_draft(db, record.id, "werkleitung@koblenz.example", clock.now())
    return app
