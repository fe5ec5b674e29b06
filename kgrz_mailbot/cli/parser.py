"""The argument parser of the command line (C2): every command, its options, German help and an example.

Adding a command is one ``commands.add(…)`` call below (then ``add_argument`` on what it returns) and its
handler function, named as "module:function" of ``kgrz_mailbot.cli``: the handler's module is imported only when
its command runs, and only the chosen command's parser is built (``lazyparse.py``), so ``--help`` and usage
errors cost little more than Python's start. ``--config``, ``--now`` and ``-v`` may stand before or after the
command's name.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from datetime import date, datetime

from kgrz_mailbot import __version__
from kgrz_mailbot.cli.german import GermanArgumentParser
from kgrz_mailbot.cli.lazyparse import LazySubcommands, Pending, Target

PROG = "kgrz-mailbot"


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


def _global_options(parser: argparse.ArgumentParser, *, clock: bool, top: bool) -> None:
    """The options every command takes, at the top (with defaults) and after the command's name. After it,
    their default is SUPPRESS, so a value given before the name is not overwritten by the default."""
    default = (lambda value: value) if top else (lambda _value: argparse.SUPPRESS)
    parser.add_argument("--config", metavar="DIR", default=default(None),
                        help="Konfigurationsverzeichnis (Standard: $KGRZ_MAILBOT_CONFIG, sonst ./config)")
    if clock:
        parser.add_argument("--now", type=_iso_datetime, metavar="ZEIT", default=default(None),
                            help="die Uhr ersetzen: ISO-Zeitpunkt in Ortszeit, z. B. 2018-09-05T08:00")
    parser.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="ausführlich protokollieren (mit Einzelheiten zur Fehlersuche)")


def _wrap(text: str) -> str:
    """Descriptions keep their examples' line breaks (RawDescriptionHelpFormatter), so prose is wrapped here."""
    return textwrap.fill(text, width=79)


class Commands:
    """The subcommands of one parser level; ``add`` returns the command's (pending) parser for its own options."""

    def __init__(self, parser: Target, prog: str, dest: str, metavar: str, title: str) -> None:
        self._prog = prog
        self._sub = LazySubcommands(parser, prog, GermanArgumentParser, dest=dest, required=True, metavar=metavar,
                                    title=title)

    def add(self, name: str, handler: str | None, summary: str, description: str, example: str,
            clock: bool = False) -> Pending:
        lines = example.splitlines()
        epilog = ("Beispiel:\n" if len(lines) == 1 else "Beispiele:\n") + "\n".join(f"  {line}" for line in lines)
        heading = f"{summary[0].upper()}{summary[1:]}."
        p = self._sub.add(name, summary, description=f"{heading}\n\n{_wrap(description)}", epilog=epilog)
        p.ops.append(lambda parser: _global_options(parser, clock=clock, top=False))
        p.set_defaults(handler=handler, takes_now=clock)
        return p

    def group(self, name: str, summary: str, description: str, example: str) -> Commands:
        """A command with subcommands of its own (``session add|move|remove``)."""
        return Commands(self.add(name, None, summary, description, example), f"{self._prog} {name}", "action",
                        "AKTION", "Aktionen")


def build_parser() -> argparse.ArgumentParser:
    parser = GermanArgumentParser(
        prog=PROG, description=_wrap("Statusabfragen für den Werkausschuss des KGRZ Koblenz per Mail: Abfragen, "
        "Erinnerungen, Antworten lesen, Entwurf der Unterrichtungsvorlage."),
        epilog="Die Optionen --config, --now und -v dürfen vor oder nach dem Befehl stehen.\n"
               "Hilfe zu einem Befehl: kgrz-mailbot BEFEHL --help\n\n"
               "Beispiele:\n  kgrz-mailbot --config /etc/kgrz-mailbot check\n"
               "  kgrz-mailbot plan --now 2018-09-05T08:00\n  kgrz-mailbot demo")
    _global_options(parser, clock=True, top=True)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}",
                        help="Versionsnummer zeigen und beenden")
    commands = Commands(parser, PROG, "command", "BEFEHL", "Befehle")
    _cycle_commands(commands)
    _admin_commands(commands)
    return parser


def _session_options(p: Pending) -> None:
    p.add_argument("--session", type=_iso_date, required=True, metavar="DATUM",
                   help="Datum der Sitzung wie in schedule.toml, z. B. 2018-09-19")
    p.add_argument("--committee", metavar="KEY", help="Gremium (nur nötig, wenn am selben Tag mehrere tagen)")


def _json_option(p: Pending) -> None:
    p.add_argument("--json", action="store_true", help="maschinenlesbar als JSON ausgeben (DESIGN.md C2)")


def _cycle_commands(commands: Commands) -> None:
    commands.add("check", "cycle:cmd_check", "Konfiguration prüfen",
                 "Prüft settings.toml, schedule.toml, projects.toml und die Mailvorlagen und nennt jeden Fehler "
                 "auf einmal, mit Datei, Schlüssel und Abhilfe.",
                 "kgrz-mailbot --config /etc/kgrz-mailbot check --connect").add_argument(
        "--connect", action="store_true", help="auch das Postfach öffnen und zeigen, was funktioniert")
    _json_option(commands.add("plan", "cycle:cmd_plan", "Zeitplan aller Sitzungen zeigen",
                              "Jede Aktion jeder eingetragenen Sitzung mit Fälligkeit und Zustand (erledigt, fällig, "
                              "geplant, versäumt).", "kgrz-mailbot plan --now 2018-09-05T08:00", clock=True))
    commands.add("tick", "cycle:cmd_tick", "Postfach lesen und alles Fällige erledigen",
                 "Liest das Postfach einmal und führt jede fällige, noch nicht erledigte Aktion aus – das, was "
                 "der Dienst (run) alle paar Minuten tut.", "kgrz-mailbot tick", clock=True)
    _session_options(commands.add("send-requests", "cycle:cmd_send_requests", "Statusabfragen einer Sitzung senden",
                                  "Sendet die Statusabfragen sofort; bereits versandte werden nicht noch einmal "
                                  "versandt.", "kgrz-mailbot send-requests --session 2018-09-19", clock=True))
    commands.add("poll", "cycle:cmd_poll", "Postfach einmal lesen",
                 "Liest jede neue Mail, speichert sie roh, wertet sie aus und beantwortet sie.",
                 "kgrz-mailbot poll", clock=True)
    p = commands.add("compile", "cycle:cmd_compile", "Entwurf der Vorlage erstellen",
                     "Schreibt den Entwurf der Unterrichtungsvorlage als .docx, .html und .json in den "
                     "Ausgabeordner und nennt die Pfade.", "kgrz-mailbot compile --session 2018-09-19 --send",
                     clock=True)
    _session_options(p)
    p.add_argument("--send", action="store_true", help="den Entwurf auch an die Werkleitung (draft_to) senden")
    p = commands.add("status", "cycle:cmd_status", "Stand einer Sitzung zeigen",
                     "Je Projekt: angefragt, Erinnerungen, beantwortet von wem und wann; Entwurfsversionen und "
                     "Freigabe.", "kgrz-mailbot status --session 2018-09-19 --json", clock=True)
    _session_options(p)
    _json_option(p)
    p = commands.add("parse", "cycle:cmd_parse", "zeigen, wie eine Mail verstanden wird",
                     "Wertet eine gespeicherte Mail aus wie der Abruf, ohne etwas zu speichern oder zu senden.",
                     "kgrz-mailbot parse antwort.eml --json")
    p.add_argument("file", metavar="DATEI.eml", help="die Mail als .eml-Datei (so, wie sie gesendet wurde)")
    _json_option(p)
    commands.add("run", "cycle:cmd_run", "Dienst starten",
                 "Ruft das Postfach alle poll_minutes Minuten ab und führt den Zeitplan aus, bis SIGTERM oder "
                 "SIGINT (Strg+C) ihn nach dem laufenden Durchgang beenden.", "kgrz-mailbot --config "
                 "/etc/kgrz-mailbot run")
    session = commands.group("session", "Sitzungen eintragen, verschieben, entfernen",
                             "Ändert schedule.toml (Kommentare bleiben erhalten), prüft das Ergebnis und zeigt den "
                             "neuen Zeitplan.", "kgrz-mailbot session add 2018-12-12")
    for name, summary, description, example in (
        ("add", "Sitzung eintragen", "Trägt eine Sitzung in schedule.toml ein.", "2018-12-12"),
        ("move", "Sitzung verschieben", "Verschiebt eine Sitzung; bereits versandte Abfragen werden nicht "
         "wiederholt, angefragte Projektleitungen erhalten die neue Frist.", "2018-09-19 2018-09-26"),
        ("remove", "Sitzung entfernen", "Entfernt eine Sitzung; für sie wird nichts mehr versandt.", "2018-12-12"),
    ):
        p = session.add(name, "cycle:cmd_session", summary, description, f"kgrz-mailbot session {name} {example}",
                        clock=True)
        p.add_argument("--committee", metavar="KEY", help="Gremium (nötig, wenn mehrere eingetragen sind)")
        p.add_argument("date", type=_iso_date, metavar="DATUM", help="Datum der Sitzung, z. B. 2018-09-19")
        if name == "move":
            p.add_argument("new_date", type=_iso_date, metavar="NEUES_DATUM", help="das neue Datum")
    sessions = commands.group("sessions", "Sitzungstermine mit dem Ratsinformationssystem abgleichen",
                              "Liest die Termine jedes Gremiums mit [committee.source] in schedule.toml (OParl oder "
                              "iCal) und gleicht schedule.toml an; der Dienst tut das täglich um sync_time.",
                              "kgrz-mailbot sessions sync --dry-run")
    p = sessions.add("sync", "sessions:cmd_sessions_sync", "Termine aus dem Ratsinformationssystem übernehmen",
                     "Neue Sitzungen werden eingetragen, verlegte verschoben, abgesagte entfernt (bereits "
                     "angefragte Projektleitungen erhalten eine kurze Absage); verschwundene Sitzungen und "
                     "Konflikte mit Einträgen von Hand werden nur gemeldet.",
                     "kgrz-mailbot sessions sync --dry-run\nkgrz-mailbot sessions sync", clock=True)
    p.add_argument("--committee", metavar="KEY", help="nur dieses Gremium abgleichen")
    p.add_argument("--dry-run", action="store_true", help="nur zeigen, was sich ändern würde; nichts ändern")
    p = commands.add("demo", "cycle:cmd_demo", "vollständigen Zyklus vorführen",
                     "Spielt die Sitzungen Juni und September 2018 mit simulierten Projektleitungen in einem neuen "
                     "Verzeichnis durch und nennt den Pfad des Entwurfs.", "kgrz-mailbot demo --dir /tmp/kgrz-demo")
    p.add_argument("--dir", metavar="DIR", help="neues oder leeres Verzeichnis für die Demo (Standard: ein neues "
                   "temporäres Verzeichnis)")


def _admin_commands(commands: Commands) -> None:
    commands.add("init", "admin:cmd_init", "Datenbank bewusst anlegen oder übernehmen",
                 "Legt die Datenbank an, wo keine (oder eine leere) ist, oder übernimmt eine vorhandene von "
                 "kgrz-mailbot für diese Installation; fremde oder beschädigte Dateien bleiben unberührt. Nur "
                 "nötig nach einem Verlust: die allererste Datenbank einer neuen Installation entsteht von selbst.",
                 "kgrz-mailbot --config /etc/kgrz-mailbot init", clock=True)
    p = commands.add("quarantine", "admin:cmd_quarantine", "nicht verarbeitbare Mails zeigen oder erneut verarbeiten",
                     "Listet die Mails, die dreimal scheiterten oder nicht lesbar sind, mit Grund; „retry ID“ "
                     "verarbeitet eine davon nach einer Korrektur erneut.",
                     "kgrz-mailbot quarantine\nkgrz-mailbot quarantine retry 17", clock=True)
    p.add_argument("action", nargs="?", choices=["list", "retry"], default="list", metavar="list|retry",
                   help="list zeigt (Standard), retry verarbeitet erneut")
    p.add_argument("id", nargs="?", type=int, metavar="ID", help="Nummer der Mail (bei retry)")
    commands.add("purge", "admin:cmd_purge", "Löschfristen jetzt anwenden (DSGVO)",
                 "Entfernt Mailtexte, deren Aufbewahrungsfrist abgelaufen ist ([retention] in settings.toml); "
                 "der Dienst tut das täglich.", "kgrz-mailbot purge", clock=True)
    p = commands.add("export", "admin:cmd_export", "alles zu einer Person Gespeicherte ausgeben (Art. 15 DSGVO)",
                     "Gibt als JSON aus, was über eine Mailadresse gespeichert ist.",
                     "kgrz-mailbot export --person erika.muster@koblenz.example > auskunft.json")
    p.add_argument("--person", required=True, metavar="ADRESSE", help="die Mailadresse der Person")
    p.add_argument("--raw", action="store_true", help="auch die Rohmails ausgeben")
    p.add_argument("--output", metavar="DATEI", help="in diese neue Datei schreiben (nur für das ausführende Konto "
                   "lesbar) statt auf die Standardausgabe")
    p = commands.add("erase", "admin:cmd_erase", "Daten einer Person pseudonymisieren (Art. 17 DSGVO)",
                     "Ersetzt Name und Adresse der Person überall, wo sie gespeichert sind (Datenbank, Rohmails, "
                     "Entwürfe); die Berichtstexte bleiben. Zeigt vorher, was sich ändert, und fragt nach.",
                     "kgrz-mailbot erase --person erika.muster@koblenz.example --dry-run", clock=True)
    p.add_argument("--person", required=True, metavar="ADRESSE", help="die Mailadresse der Person")
    p.add_argument("--dry-run", action="store_true", help="nur zeigen, was geändert würde; nichts ändern")
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage ausführen")
    p = commands.add("backup", "admin:cmd_backup", "Datenbank sichern",
                     "Schreibt eine konsistente Kopie der SQLite-Datenbank, auch während der Dienst läuft.",
                     "kgrz-mailbot backup /var/backups/kgrz-mailbot-2018-09-19.sqlite3")
    p.add_argument("path", metavar="PFAD", help="Datei, in die die Sicherung geschrieben wird")
    p.add_argument("--overwrite", action="store_true", help="eine vorhandene Sicherungsdatei ersetzen")


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse, then the checks argparse cannot express; wrong usage exits with status 2 (C2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.now is not None and not args.takes_now:
        parser.error(f"„{args.command}“ richtet sich nicht nach einer Uhrzeit; --now gilt hier nicht")
    if args.command == "quarantine" and args.action == "retry" and args.id is None:
        parser.error("quarantine retry braucht die Nummer der Mail (ID), z. B. „quarantine retry 17“")
    return args
