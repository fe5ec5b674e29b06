"""A backlog of replies (the bot was stopped over a weekend) is taken in one poll: every reply stored, matched
and confirmed once, the latest ``Date:`` in force, with the next chunk understood by a helper meanwhile."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kgrz_mailbot.app import build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.demo.replies import outlook_reply, thunderbird_reply
from kgrz_mailbot.inbox import ahead
from kgrz_mailbot.inbox.poll import INTERPRET_BATCH, process_inbox
from kgrz_mailbot.jobs.requests import send_requests
from tests.cycle.seeded import SEPTEMBER, edit, stand_in_force
from tests.support import at, deliver, sent_messages

REPLIES = 101  # three chunks of 50, 50 and 1: the helper understands the second and the third


def test_a_hundred_and_one_replies_in_one_poll_are_each_taken_and_confirmed_once(
        config_dir: Path, clock: FixedClock) -> None:
    assert REPLIES > (ahead.MIN_CHUNKS - 1) * INTERPRET_BATCH
    edit(config_dir / "settings.toml", 'address = "projektstatus@koblenz.example"',
         'address = "projektstatus@koblenz.example"\nanswers_per_hour = 100')  # up to seventeen replies per lead
    app = build_app(load_config(config_dir), clock=clock)
    send_requests(app, app.session(SEPTEMBER.date))
    requests = {str(m["To"]): m.as_bytes() for m in sent_messages(app)}
    latest: dict[str, str] = {}
    for n in range(REPLIES):
        project = app.config.active_projects[n % 6]
        request = next(raw for to, raw in requests.items() if project.lead.address in to)
        write = outlook_reply if n % 2 else thunderbird_reply
        stand = f"Die Tests mit dem Fachamt wurden fortgesetzt (Fassung {n})."
        deliver(app, write(request, project.lead.address, project.lead.name, f"Ampel: gelb\nStand:\n{stand}",
                           at("2018-08-30T08:00") + timedelta(minutes=n)), name=f"{n:04d}.eml")
        latest[project.key] = stand
    clock.set(at("2018-09-03T10:00"))

    result = process_inbox(app)

    assert (result.fetched, result.outcomes, result.failed, result.sent) == (REPLIES, {"accepted": REPLIES}, 0,
                                                                              REPLIES)
    confirmations = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Bestätigung")]
    assert len(confirmations) == REPLIES and len({str(m["In-Reply-To"]) for m in confirmations}) == REPLIES
    for key, stand in latest.items():
        assert stand_in_force(app, key) == stand
    assert process_inbox(app).fetched == 0  # all acknowledged on the server
    app.close()
