"""Command line (C2): parse arguments, call the jobs, print German results; exit 0, 1 (error) or 2 (usage)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import Clock, FixedClock
from kgrz_mailbot.config.load import config_dir, load_config
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.errors import ConfigError, MailbotError

Handler = Callable[[argparse.Namespace], int]


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"„{value}“ ist kein Datum; bitte im Format 2018-09-19 angeben") from None


def _iso_datetime(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"„{value}“ ist kein Zeitpunkt; bitte im Format 2018-09-19T08:00 angeben") from None
    return value


def parse_now(value: str | None, zone: ZoneInfo) -> Clock | None:
    """``--now`` is local time of the configured zone unless it carries an offset (C2)."""
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    return FixedClock(instant if instant.tzinfo else instant.replace(tzinfo=zone))


def _config(args: argparse.Namespace) -> Config:
    return load_config(config_dir(args.config))


def _app(args: argparse.Namespace) -> App:
    config = _config(args)
    return build_app(config, clock=parse_now(getattr(args, "now", None), ZoneInfo(config.organisation.timezone)))


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_check(args: argparse.Namespace) -> int:
    from kgrz_mailbot.reports.render import Renderer  # noqa: PLC0415
    from kgrz_mailbot.transports.check import WARNING, check_connection, exchange_problems  # noqa: PLC0415

    config = _config(args)
    problems = Renderer(config.templates_dir).check() + exchange_problems(config, os.environ)
    errors = [p for p in problems if not p.startswith(WARNING)]
    if errors:
        raise ConfigError(problems)
    for warning in problems:
        print(warning)
    print(f"Konfiguration in Ordnung: {len(config.projects)} Projekte, {len(config.committees)} Gremien, "
          f"{len(config.sessions)} Sitzungen ({config.directory}).")
    if not args.connect:
        return 0
    results = check_connection(config, os.environ)
    for ok, text in results:
        print(f"  [{'ok' if ok else 'FEHLER'}] {text}")
    return 0 if all(ok for ok, _ in results) else 1


def cmd_plan(args: argparse.Namespace) -> int:
    from kgrz_mailbot.jobs.tick import plan_rows  # noqa: PLC0415
    from kgrz_mailbot.views.status import plan_json, plan_text  # noqa: PLC0415

    app = _app(args)
    rows = plan_rows(app)
    if args.json:
        _print_json(plan_json(app, rows))
    else:
        print(plan_text(app, rows), end="")
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    from kgrz_mailbot.jobs.tick import tick  # noqa: PLC0415

    result = tick(_app(args))
    print(f"Postfach: {result.poll.summary()}")
    print("Erledigt: " + (", ".join(result.done) or "nichts fällig"))
    return 0


def cmd_send_requests(args: argparse.Namespace) -> int:
    from kgrz_mailbot.jobs.requests import send_requests  # noqa: PLC0415

    app = _app(args)
    result = send_requests(app, app.session(args.session, args.committee))
    print(f"{len(result.queued)} Statusabfragen neu erstellt, {result.sent} versandt"
          + (f": {', '.join(result.queued)}" if result.queued else " (alle waren bereits versandt)."))
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    from kgrz_mailbot.inbox.poll import process_inbox  # noqa: PLC0415

    print(process_inbox(_app(args)).summary())
    return 0


def cmd_compile(args: argparse.Namespace) -> int:
    from kgrz_mailbot.jobs.drafts import compile_draft  # noqa: PLC0415

    app = _app(args)
    result = compile_draft(app, app.session(args.session, args.committee), send=args.send)
    draft = result.draft
    print(f"Entwurf Version {draft.version} ({'neu' if result.new_version else 'unverändert'}): "
          f"{draft.answered_count} von {len(draft.sections)} Projekten beantwortet"
          + (f", es fehlen: {', '.join(draft.missing)}" if draft.missing else ""))
    for path in (result.files.docx, result.files.html, result.files.json):
        print(path)
    if args.send:
        print("Versandt an die Werkleitung." if result.sent else "Diese Version wurde bereits versandt.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from kgrz_mailbot.views.status import session_status, status_json, status_text  # noqa: PLC0415

    app = _app(args)
    session = app.session(args.session, args.committee)
    rows, versions = session_status(app, session)
    if args.json:
        _print_json(status_json(app, session, rows, versions))
    else:
        print(status_text(app, session, rows, versions), end="")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from kgrz_mailbot.cli.parse import parse_command  # noqa: PLC0415

    return parse_command(args)


def cmd_session(args: argparse.Namespace) -> int:
    from kgrz_mailbot.config.schedule_edit import add_session, move_session, remove_session  # noqa: PLC0415
    from kgrz_mailbot.jobs.tick import plan_rows  # noqa: PLC0415
    from kgrz_mailbot.views.status import plan_text  # noqa: PLC0415

    directory = config_dir(args.config)
    if args.action == "add":
        config, day, said = add_session(directory, args.date, args.committee), args.date, "eingetragen"
    elif args.action == "move":
        config, day = move_session(directory, args.date, args.new_date, args.committee), args.new_date
        said = f"vom {args.date:%d.%m.%Y} verschoben"
    else:
        remove_session(directory, args.date, args.committee)
        print(f"Sitzung am {args.date:%d.%m.%Y} aus schedule.toml entfernt; für sie wird nichts mehr versandt.")
        return 0
    app = build_app(config, clock=parse_now(args.now, ZoneInfo(config.organisation.timezone)))
    rows = [r for r in plan_rows(app) if r.action.session.date == day]
    print(f"Sitzung am {day:%d.%m.%Y} {said}. Neuer Zeitplan:")
    print(plan_text(app, rows), end="")
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from kgrz_mailbot.inbox.poll import process_inbox  # noqa: PLC0415
    from kgrz_mailbot.storage import mailrows  # noqa: PLC0415

    app = _app(args)
    if args.action == "retry":
        with app.store.write() as db:
            if not mailrows.release_from_quarantine(db, args.id):
                raise MailbotError(f"Mail #{args.id} ist nicht in Quarantäne (siehe „kgrz-mailbot quarantine“).")
        print(f"Mail #{args.id} wird erneut verarbeitet: {process_inbox(app).summary()}")
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

    app = _app(args)
    policy = app.config.retention
    print(purge(app.store, app.clock.now(), policy.raw_mail_days, policy.outbox_body_days,
                maildir=_maildir(app)).summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kgrz_mailbot.housekeeping.retention import export_person  # noqa: PLC0415

    _print_json(export_person(_app(args).store, args.person, include_raw=args.raw))
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from kgrz_mailbot.housekeeping.retention import erase_person  # noqa: PLC0415

    app = _app(args)
    print(erase_person(app.store, args.person, app.clock.now(), maildir=_maildir(app)).summary())
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from kgrz_mailbot.housekeeping.backup import backup_database  # noqa: PLC0415

    print(f"Sicherung geschrieben: {backup_database(_config(args).storage_url, Path(args.path))}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from kgrz_mailbot.service.scheduler import run_service  # noqa: PLC0415

    return run_service(_config(args), config_dir(args.config))


def cmd_demo(args: argparse.Namespace) -> int:
    from kgrz_mailbot.demo.cycle import run_demo  # noqa: PLC0415

    return run_demo(Path(args.dir) if args.dir else None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kgrz-mailbot", description="Statusabfragen für den Werkausschuss per Mail.")
    parser.add_argument("-v", "--verbose", action="store_true", help="Protokoll ausführlich ausgeben")
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    def add(name: str, handler: Handler, help_text: str, now: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--config", metavar="DIR", help="Konfigurationsverzeichnis (Standard: ./config)")
        if now:
            p.add_argument("--now", type=_iso_datetime, metavar="T", help="Uhrzeit ersetzen (ISO, Ortszeit)")
        p.set_defaults(handler=handler)
        return p

    def session_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--session", type=_iso_date, required=True, metavar="DATUM")
        p.add_argument("--committee", metavar="KEY", help="Gremium, falls am selben Tag mehrere tagen")

    add("check", cmd_check, "Konfiguration prüfen").add_argument(
        "--connect", action="store_true", help="auch das Postfach öffnen und prüfen, was funktioniert")
    add("plan", cmd_plan, "Zeitplan aller Sitzungen zeigen", now=True).add_argument("--json", action="store_true")
    add("tick", cmd_tick, "Postfach lesen und alles Fällige erledigen", now=True)
    session_args(add("send-requests", cmd_send_requests, "Statusabfragen einer Sitzung senden", now=True))
    add("poll", cmd_poll, "Postfach einmal lesen", now=True)
    p = add("compile", cmd_compile, "Entwurf der Vorlage erstellen", now=True)
    session_args(p)
    p.add_argument("--send", action="store_true", help="Entwurf auch an die Werkleitung senden")
    p = add("status", cmd_status, "Stand einer Sitzung zeigen", now=True)
    session_args(p)
    p.add_argument("--json", action="store_true")
    p = add("parse", cmd_parse, "zeigen, wie eine Mail verstanden wird (ohne Wirkung)")
    p.add_argument("file", metavar="FILE.eml")
    p.add_argument("--json", action="store_true")
    add("run", cmd_run, "Dienst starten (Zeitplan und Postfachabruf)")
    p = add("quarantine", cmd_quarantine, "Mails zeigen, die nicht verarbeitet werden konnten", now=True)
    p.add_argument("action", nargs="?", choices=["list", "retry"], default="list", metavar="list|retry")
    p.add_argument("id", nargs="?", type=int, metavar="ID")
    add("purge", cmd_purge, "Mailtexte nach Ablauf der Löschfristen entfernen (DSGVO)", now=True)
    p = add("export", cmd_export, "alles zu einer Person Gespeicherte ausgeben (Auskunft, Art. 15 DSGVO)")
    p.add_argument("--person", required=True, metavar="ADRESSE")
    p.add_argument("--raw", action="store_true", help="auch die Rohmails ausgeben")
    p = add("erase", cmd_erase, "Daten einer Person löschen bzw. pseudonymisieren (Art. 17 DSGVO)", now=True)
    p.add_argument("--person", required=True, metavar="ADRESSE")
    p = add("backup", cmd_backup, "konsistente Sicherung der SQLite-Datenbank, auch im laufenden Betrieb")
    p.add_argument("path", metavar="PFAD")
    session = sub.add_parser("session", help="Sitzungen in schedule.toml eintragen, verschieben, entfernen")
    actions = session.add_subparsers(dest="action", required=True, metavar="AKTION")
    for name, help_text in (("add", "Sitzung eintragen"), ("move", "Sitzung verschieben"),
                            ("remove", "Sitzung entfernen")):
        p = actions.add_parser(name, help=help_text)
        p.add_argument("--config", metavar="DIR", help="Konfigurationsverzeichnis (Standard: ./config)")
        p.add_argument("--now", type=_iso_datetime, metavar="T", help="Uhrzeit ersetzen (ISO, Ortszeit)")
        p.add_argument("--committee", metavar="KEY", help="Gremium (nötig, wenn mehrere eingetragen sind)")
        p.add_argument("date", type=_iso_date, metavar="DATUM")
        if name == "move":
            p.add_argument("new_date", type=_iso_date, metavar="NEUES_DATUM")
        p.set_defaults(handler=cmd_session)
    p = sub.add_parser("demo", help="vollständigen Zyklus in einem Wegwerf-Verzeichnis vorführen")
    p.add_argument("--dir", metavar="DIR")
    p.add_argument("--config", metavar="DIR", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "quarantine" and args.action == "retry" and args.id is None:
        parser.error("quarantine retry braucht die Nummer der Mail (ID)")
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "run" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return args.handler(args)
    except ConfigError as exc:
        print("Die Konfiguration hat Fehler:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except MailbotError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
