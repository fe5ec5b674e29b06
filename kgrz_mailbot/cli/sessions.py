"""``sessions sync [--dry-run]``: committee dates from the council information system, printed and applied."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kgrz_mailbot.cli.common import open_app
from kgrz_mailbot.errors import MailbotError

if TYPE_CHECKING:
    from kgrz_mailbot.council.sync import CommitteeSync


def cmd_sessions_sync(args: argparse.Namespace) -> int:
    from kgrz_mailbot.council.sync import sync_sessions  # noqa: PLC0415 - httpx and icalendar only when needed

    app = open_app(args)
    try:
        keys = [s.committee for s in app.config.sources]
        if not keys:
            raise MailbotError("Kein Gremium in schedule.toml hat eine Quelle. Bitte unter [[committee]] eine "
                               "Tabelle [committee.source] mit oparl und organization (oder ical und match) eintragen.")
        if args.committee and args.committee not in keys:
            raise MailbotError(f"Gremium „{args.committee}“ hat keine Quelle. Mit Quelle: {', '.join(keys)}.")
        results = sync_sessions(app, dry_run=args.dry_run, committee=args.committee)
    finally:
        app.close()
    for result in results:
        print(_describe(app.config.committee(result.source.committee).name, result))
    print("Probelauf (--dry-run): nichts geändert." if args.dry_run else "schedule.toml ist abgeglichen.")
    return 1 if any(r.error for r in results) else 0


def _describe(name: str, result: CommitteeSync) -> str:
    source = result.source
    where = f"OParl {source.oparl}" if source.oparl else f"iCal {source.ical}"
    lines = [f"{name} ({source.committee}) – {where}"]
    if result.error or result.read is None or result.plan is None:
        lines.append(f"  FEHLER: {result.error}")
        return "\n".join(lines)
    read = result.read
    how = "vollständig gelesen" if read.complete else "geänderte Sitzungen gelesen (modified_since)"
    lines.append(f"  {read.source_label}: {how}, {len(read.meetings)} Sitzungen, {read.requests} Abrufe")
    lines += [f"  {line}" for line in result.plan.lines()] or ["  keine Änderungen"]
    lines += result.notes
    return "\n".join(lines)
