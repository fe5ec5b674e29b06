"""Handlers of the admin's commands: init, quarantine, purge, export, erase (DSGVO) and backup."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from kgrz_mailbot.app import App
from kgrz_mailbot.cli.common import load, open_app, parse_now, print_json
from kgrz_mailbot.cli.turns import one_at_a_time
from kgrz_mailbot.clock import SystemClock
from kgrz_mailbot.errors import MailbotError


def cmd_init(args: argparse.Namespace) -> int:
    """Create the database on purpose (or adopt an existing one of ours); never over foreign data."""
    from kgrz_mailbot.storage.installation import init_store  # noqa: PLC0415

    config = load(args)
    clock = parse_now(args.now, ZoneInfo(config.organisation.timezone)) or SystemClock()
    result = init_store(config, clock.now())
    where = config.storage_url
    if result.created:
        print(f"Neue Datenbank angelegt: {where} (Installation {result.token}).")
    else:
        print(f"Die Datenbank {where} ist bereits eingerichtet; sie gehört jetzt zu dieser Installation "
              f"(Kennung {result.token}). Nichts neu angelegt.")
    if result.lost:
        print(f"Achtung: diese Installation hatte schon Daten ({'; '.join(result.lost)}). Die neue Datenbank "
              "kennt sie nicht: fällige Statusabfragen gehen mit neuen Kennzeichen erneut hinaus, frühere "
              "Antworten fehlen im Entwurf.", file=sys.stderr)
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from kgrz_mailbot.inbox.poll import process_inbox  # noqa: PLC0415
    from kgrz_mailbot.storage import mailrows  # noqa: PLC0415

    app = open_app(args)
    if args.action == "retry":
        with app.store.write() as db:
            if not mailrows.release_from_quarantine(db, args.id):
                raise MailbotError(f"Mail #{args.id} ist nicht in Quarantäne (siehe „kgrz-mailbot quarantine“).")
        with one_at_a_time(app):
            result = process_inbox(app)
        print(f"Mail #{args.id} wird erneut verarbeitet: {result.summary()}")
        return 0
    with app.store.read() as db:
        rows = mailrows.quarantined(db)
    if not rows:
        print("Keine Mails in Quarantäne.")
    for row in rows:
        received = row.received_at.astimezone(app.zone)
        print(f"#{row.id}  {received:%d.%m.%Y %H:%M}  {row.from_address or '?'}  „{row.subject}“  "
              f"({row.attempts} Versuche)\n      Grund: {row.error}")
    return 0


def _maildir(app: App) -> Path | None:
    return app.config.mail.maildir_path if app.config.mail.transport == "maildir" else None


def cmd_purge(args: argparse.Namespace) -> int:
    from kgrz_mailbot.housekeeping.retention import purge  # noqa: PLC0415

    app = open_app(args)
    policy = app.config.retention
    print(purge(app.store, app.clock.now(), policy.raw_mail_days, policy.outbox_body_days,
                maildir=_maildir(app)).summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kgrz_mailbot.housekeeping.retention import export_person  # noqa: PLC0415

    data = export_person(open_app(args).store, args.person, include_raw=args.raw)
    if not args.output:
        print_json(data)
        return 0
    try:  # a new file, private from its first byte (O_EXCL: an earlier export is never overwritten)
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise MailbotError(f"{args.output} gibt es schon und wird nicht überschrieben; bitte einen neuen "
                           "Dateinamen angeben.") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
    print(f"Auskunft zu {args.person} geschrieben: {args.output}")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    """Show what would change, ask (unless ``--yes``), then change it; ``--dry-run`` only shows."""
    from kgrz_mailbot.housekeeping.erase import erase_person  # noqa: PLC0415

    app = open_app(args)
    names = [p.name for project in app.config.projects for p in (project.lead, *project.deputies)
             if p.address.lower() == args.person.strip().lower()]

    def erase(dry_run: bool) -> str:
        return erase_person(app.store, args.person, app.clock.now(), maildir=_maildir(app), names=names,
                            report_dir=app.config.report.output, dry_run=dry_run,
                            exchange=app.config.mail.transport != "maildir").summary()

    print(erase(dry_run=True))
    if args.dry_run:
        return 0
    if not args.yes and not confirm("Jetzt so pseudonymisieren? Das lässt sich nicht rückgängig machen. [j/N] "):
        print("Abgebrochen; nichts geändert.")
        return 1
    print(erase(dry_run=False))
    return 0


def confirm(question: str) -> bool:
    """A yes from the admin on stdin; no answer (end of input, e.g. in a script) counts as no."""
    print(question, end="", flush=True)
    try:
        answer = input()
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("j", "ja", "y", "yes")


def cmd_backup(args: argparse.Namespace) -> int:
    from kgrz_mailbot.housekeeping.backup import backup_database  # noqa: PLC0415

    print(f"Sicherung geschrieben: {backup_database(load(args).storage_url, Path(args.path), args.overwrite)}")
    return 0
