"""Handlers of the cycle's commands (C2): check, plan, tick, send-requests, poll, compile, status, parse, session,
run, demo. Each parses nothing itself, calls the jobs and prints German results."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from kgrz_mailbot.app import build_app
from kgrz_mailbot.cli.common import load, open_app, parse_now, print_json, refuse_foreign_state
from kgrz_mailbot.cli.turns import one_at_a_time
from kgrz_mailbot.clock import SystemClock
from kgrz_mailbot.config.load import config_dir
from kgrz_mailbot.errors import ConfigError


def cmd_check(args: argparse.Namespace) -> int:
    """What the service will need: valid files, templates that render, folders it can write, a transport."""
    from kgrz_mailbot.config.readiness import readiness_problems  # noqa: PLC0415
    from kgrz_mailbot.reports.render import Renderer  # noqa: PLC0415
    from kgrz_mailbot.transports.check import WARNING, check_connection, problems  # noqa: PLC0415

    config = load(args)
    renderer = Renderer(config.templates_dir)
    templates = renderer.check()
    problems = templates + readiness_problems(config) + problems(config, os.environ)
    if not templates:  # each template filled the way the service fills it (a rehearsal in a temporary folder)
        from kgrz_mailbot.demo.rehearsal import rehearse  # noqa: PLC0415

        problems += rehearse(config, renderer.mail_templates())
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
    if config.mail.alert_relay is not None:  # the admins' second way: EHLO, STARTTLS, AUTH, NOOP; nothing sent
        from kgrz_mailbot.alerts.smtp_relay import probe  # noqa: PLC0415

        results += probe(config.mail.alert_relay, os.environ)
    if config.sources:
        from kgrz_mailbot.council.check import check_sources  # noqa: PLC0415

        results += check_sources(config, SystemClock().now())
    for ok, text in results:
        print(f"  [{'ok' if ok else 'FEHLER'}] {text}")
    return 0 if all(ok for ok, _ in results) else 1


def cmd_plan(args: argparse.Namespace) -> int:
    from kgrz_mailbot.views.plan import plan_json, plan_rows, plan_text  # noqa: PLC0415

    app = open_app(args, open_store=False)
    rows = plan_rows(app)
    if args.json:
        print_json(plan_json(app, rows))
    else:
        print(plan_text(app, rows), end="")
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    from kgrz_mailbot.alerts.watch import watched_tick  # noqa: PLC0415
    from kgrz_mailbot.domain.words import done_label  # noqa: PLC0415

    app = open_app(args)
    with one_at_a_time(app):
        result = watched_tick(app)
    print(f"Postfach: {result.poll.summary()}")
    print("Erledigt: " + (", ".join(done_label(key) for key in result.done) or "nichts fällig"))
    return 0


def cmd_send_requests(args: argparse.Namespace) -> int:
    from kgrz_mailbot.jobs.requests import send_requests  # noqa: PLC0415

    app = open_app(args)
    with one_at_a_time(app):
        result = send_requests(app, app.session(args.session, args.committee))
    print(f"{len(result.queued)} Statusabfragen neu erstellt, {result.sent} versandt"
          + (f": {', '.join(result.queued)}" if result.queued else " (alle waren bereits versandt)."))
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    from kgrz_mailbot.inbox.poll import process_inbox  # noqa: PLC0415

    app = open_app(args)
    with one_at_a_time(app):
        result = process_inbox(app)
    print(result.summary())
    return 0


def cmd_compile(args: argparse.Namespace) -> int:
    from kgrz_mailbot.jobs.drafts import compile_draft  # noqa: PLC0415

    # without --send, a current SQLite file is compiled on the stdlib driver (jobs/drafts.py); else the Store opens
    app = open_app(args, open_store=args.send, check_holidays=False)
    with one_at_a_time(app):
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
    from kgrz_mailbot.views.attention import status_session  # noqa: PLC0415
    from kgrz_mailbot.views.status import session_status, status_json, status_text  # noqa: PLC0415

    app = open_app(args, open_store=False)
    session = status_session(app, args.session, args.committee)
    rows, versions = session_status(app, session)
    if args.json:
        print_json(status_json(app, session, rows, versions))
    else:
        print(status_text(app, session, rows, versions), end="")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from kgrz_mailbot.cli.parse import parse_command  # noqa: PLC0415

    return parse_command(args)


def cmd_session(args: argparse.Namespace) -> int:
    from kgrz_mailbot.config.schedule_edit import add_session  # noqa: PLC0415
    from kgrz_mailbot.jobs.rescheduled import move_by_hand, tell_new_deadlines  # noqa: PLC0415
    from kgrz_mailbot.views.plan import plan_rows, plan_text  # noqa: PLC0415
    from kgrz_mailbot.views.session_advice import session_warnings  # noqa: PLC0415

    directory = config_dir(args.config)
    before = load(args)
    refuse_foreign_state(before)
    if args.action == "add":
        config, day, said = add_session(directory, args.date, args.committee), args.date, "eingetragen"
    elif args.action == "move":
        old = build_app(before, clock=parse_now(args.now, ZoneInfo(before.organisation.timezone)))
        try:  # the session's row moves with it, so nothing already sent is sent again
            config = move_by_hand(old, directory, args.date, args.new_date, args.committee)
        finally:
            old.close()
        day = args.new_date
        said = f"vom {args.date:%d.%m.%Y} verschoben"
    else:
        from kgrz_mailbot.council.notice import remove_by_hand  # noqa: PLC0415

        old = build_app(before, clock=parse_now(args.now, ZoneInfo(before.organisation.timezone)))
        try:  # the leads already asked hear that no answer is needed, and later answers are not taken
            told = remove_by_hand(old, directory, args.date, args.committee)
        finally:
            old.close()
        print(f"Sitzung am {args.date:%d.%m.%Y} aus schedule.toml entfernt; für sie wird nichts mehr versandt."
              + (f" Absage an {told} bereits angefragte Projektleitungen und die Werkleitung versandt." if told
                 else ""))
        return 0
    app = build_app(config, clock=parse_now(args.now, ZoneInfo(config.organisation.timezone)))
    session = app.session(day, args.committee)
    rows = [r for r in plan_rows(app) if r.action.session == session]
    for warning in session_warnings(app, session):
        print(f"Warnung: {warning}", file=sys.stderr)
    print(f"Sitzung am {day:%d.%m.%Y} {said}. Neuer Zeitplan:")
    print(plan_text(app, rows), end="")
    if args.action == "move":
        told = tell_new_deadlines(app)
        if told.queued:
            print(f"Die neue Frist ging an die bereits angefragten Projektleitungen ({len(told.queued)}): "
                  f"{', '.join(told.queued)}.")
    return 0



def cmd_run(args: argparse.Namespace) -> int:
    from kgrz_mailbot.service.scheduler import run_service  # noqa: PLC0415

    config = load(args)
    refuse_foreign_state(config)
    return run_service(config, config_dir(args.config))


def cmd_demo(args: argparse.Namespace) -> int:
    from kgrz_mailbot.demo.cycle import run_demo  # noqa: PLC0415

    return run_demo(Path(args.dir) if args.dir else None)
