"""What a sync cannot decide reaches a person: each report of the plan and a source that cannot be read become
problems for the admins (``alerts.api``), resolved when a later sync no longer sees them.

A report names its meeting (``council:<committee>/<source id>``), so each is one problem with one mail a day
and one all-clear. Only what the read covered can be cleared: an incremental OParl read lists only meetings
changed since, so it clears the reports about those; a full read (weekly, and every iCal read) clears the rest.
A source that fails once is retried by the next sync; it reaches the admins when it fails twice in a row
(the kind's threshold), because until then nothing is missed that a day's delay would hurt.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kgrz_mailbot.alerts.api import open_problems, report_problem, resolve_problem

if TYPE_CHECKING:
    from kgrz_mailbot.app import App
    from kgrz_mailbot.council.sync import CommitteeSync

log = logging.getLogger("kgrz_mailbot.council")

REPORT = "council"
SOURCE = "council-source"


def hand_over(app: App, result: CommitteeSync) -> None:
    """After an applied sync of one committee: report what needs a person, resolve what cleared."""
    source = result.source
    committee = app.config.committee(source.committee).name
    if result.error is not None:
        report_problem(app, SOURCE, f"{committee}: {source.label} – {result.error}", subject=source.committee)
        return
    resolve_problem(app, SOURCE, subject=source.committee)
    if result.plan is None or result.read is None:
        return
    seen: set[str] = set()
    for report in result.plan.reports:
        subject = f"{source.committee}/{report.source_id}"
        seen.add(subject)
        log.warning("Abgleich der Sitzungen von %s: %s", source.committee, report.text)
        report_problem(app, REPORT, f"{committee}: {report.text}", subject=subject)
    covered = {f"{source.committee}/{m.source_id}" for m in result.read.meetings}
    prefix = f"{REPORT}:{source.committee}/"
    for problem in open_problems(app, reported_only=False):
        subject = problem.key.removeprefix(f"{REPORT}:")
        if problem.key.startswith(prefix) and subject not in seen and (result.read.complete or subject in covered):
            resolve_problem(app, REPORT, subject=subject)
