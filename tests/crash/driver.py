"""Runs the crash scenario in this process from where the world's progress file says; SIGKILL may come any time.

``python -m tests.crash.driver WORLD`` prints ``ready`` once the app is built, then ``step N`` before each step.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.jobs.tick import tick
from tests.crash.ewsworld import ENV, LEASE_SECONDS, world_at
from tests.crash.scenario import STEPS, World, at


def say(line: str) -> None:
    """One ``write`` per line: a kill between ``print``'s two writes would glue lines together."""
    os.write(sys.stdout.fileno(), f"{line}\n".encode())


def _settle_killed_sends(app: App, world: World) -> None:
    """On Exchange, mails a killed run had claimed stay claimed until their lease ends (Exchange may still be
    storing them); the scenario's next replies answer those very requests, so wait the lease out and tick once,
    as a restarted service simply ticks again later."""
    if world.transport != "exchange":
        return
    with app.store.read() as db:
        held = db.execute(sa.text("SELECT COUNT(*) FROM outbound_mail WHERE state = 'sending'")).scalar()
    if held:
        time.sleep(LEASE_SECONDS + 0.5)
        tick(app)


def run(world: World) -> None:
    if world.transport == "exchange":
        os.environ.update(ENV)
    start = world.next_step()
    clock = FixedClock(at(STEPS[min(start, len(STEPS) - 1)].when))
    app = build_app(load_config(world.config), clock=clock)
    say("ready")
    _settle_killed_sends(app, world)
    for index in range(start, len(STEPS)):
        step = STEPS[index]
        say(f"step {index}")
        for name, make in step.mails:
            if not world.delivered(name):  # a restarted step must not drop the same mail twice
                world.deliver(name, make(world))
        clock.set(at(step.when))
        tick(app)
        world.step_done(index)
    # Only if a claim is still held (Sent Items could not be asked above): no sleep otherwise, so the harness's
    # random kills land in the cycle's work rather than in a wait.
    _settle_killed_sends(app, world)
    # One more tick at the last instant: what a restarted service does first, and must be a no-op.
    tick(app)
    app.close()


if __name__ == "__main__":
    run(world_at(Path(sys.argv[1])))
