"""The argument parser of the command line (C2): every command, its options and their German help."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime

from kgrz_mailbot.cli import admin, cycle

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

    add("check", cycle.cmd_check, "Konfiguration prüfen").add_argument(
        "--connect", action="store_true", help="auch das Postfach öffnen und prüfen, was funktioniert")
    add("plan", cycle.cmd_plan, "Zeitplan aller Sitzungen zeigen", now=True).add_argument("--json", action="store_true")
    add("tick", cycle.cmd_tick, "Postfach lesen und alles Fällige erledigen", now=True)
    session_args(add("send-requests", cycle.cmd_send_requests, "Statusabfragen einer Sitzung senden", now=True))
    add("poll", cycle.cmd_poll, "Postfach einmal lesen", now=True)
    p = add("compile", cycle.cmd_compile, "Entwurf der Vorlage erstellen", now=True)
    session_args(p)
    p.add_argument("--send", action="store_true", help="Entwurf auch an die Werkleitung senden")
    p = add("status", cycle.cmd_status, "Stand einer Sitzung zeigen", now=True)
    session_args(p)
    p.add_argument("--json", action="store_true")
    p = add("parse", cycle.cmd_parse, "zeigen, wie eine Mail verstanden wird (ohne Wirkung)")
    p.add_argument("file", metavar="FILE.eml")
    p.add_argument("--json", action="store_true")
    add("run", cycle.cmd_run, "Dienst starten (Zeitplan und Postfachabruf)")
    p = add("quarantine", admin.cmd_quarantine, "Mails zeigen, die nicht verarbeitet werden konnten", now=True)
    p.add_argument("action", nargs="?", choices=["list", "retry"], default="list", metavar="list|retry")
    p.add_argument("id", nargs="?", type=int, metavar="ID")
    add("purge", admin.cmd_purge, "Mailtexte nach Ablauf der Löschfristen entfernen (DSGVO)", now=True)
    p = add("export", admin.cmd_export, "alles zu einer Person Gespeicherte ausgeben (Auskunft, Art. 15 DSGVO)")
    p.add_argument("--person", required=True, metavar="ADRESSE")
    p.add_argument("--raw", action="store_true", help="auch die Rohmails ausgeben")
    p = add("erase", admin.cmd_erase, "Daten einer Person pseudonymisieren (Art. 17 DSGVO)", now=True)
    p.add_argument("--person", required=True, metavar="ADRESSE")
    p.add_argument("--dry-run", action="store_true", help="nur zeigen, was geändert würde; nichts ändern")
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage ausführen")
    p = add("backup", admin.cmd_backup, "konsistente Sicherung der SQLite-Datenbank, auch im laufenden Betrieb")
    p.add_argument("path", metavar="PFAD")
    p.add_argument("--overwrite", action="store_true", help="eine vorhandene Sicherungsdatei ersetzen")
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
        p.set_defaults(handler=cycle.cmd_session)
    p = sub.add_parser("demo", help="vollständigen Zyklus in einem Wegwerf-Verzeichnis vorführen")
    p.add_argument("--dir", metavar="DIR", help="neues oder leeres Verzeichnis für die Demo (Standard: ein neues "
                   "temporäres Verzeichnis)")
    p.add_argument("--config", metavar="DIR", help=argparse.SUPPRESS)
    p.set_defaults(handler=cycle.cmd_demo)
    return parser
