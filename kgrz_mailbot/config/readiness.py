"""``check`` beyond valid TOML: can the running user write where the service writes, and will anyone hear of it?"""

from __future__ import annotations

import os
from pathlib import Path

from kgrz_mailbot.config.settings import Config

WARNING = "Warnung: "  # the prefix ``check`` prints without failing (transports/ews/problems.py uses the same)


def readiness_problems(config: Config) -> list[str]:
    """Folders the service must write: missing ones must be creatable, existing ones writable by this user."""
    places = [("[paths] state", config.state_dir)]
    database = _sqlite_file(config.storage_url)
    if database is not None:
        places.append(("[storage] url", database.parent))
    if config.mail.transport == "maildir":
        places.append(("[mail.maildir] path", config.mail.maildir_path))
    places.append(("[report] output", config.report.output))
    problems = [f"settings.toml {label}: {path} {problem}" for label, path in places
                if (problem := _not_writable(path))]
    if database is not None and database.exists() and not os.access(database, os.R_OK | os.W_OK):
        problems.append(f"settings.toml [storage] url: die Datenbank {database} ist für {_user()} nicht les- und "
                        "schreibbar. Befehle als Dienstkonto ausführen (kgrz-mailbot, sudo -u kgrz-mailbot …).")
    return problems + _warnings(config, [p for _, p in places])


def _sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    return Path(url.removeprefix("sqlite:///"))


def _user() -> str:
    try:
        import pwd  # noqa: PLC0415 - POSIX only; the name is just for the message

        return f"den Benutzer {pwd.getpwuid(os.geteuid()).pw_name}"
    except (ImportError, KeyError):
        return f"den Benutzer {os.geteuid()}"


def _not_writable(path: Path) -> str | None:
    """Why the running user cannot write into ``path`` (or create it), in German; None when it can."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        return f"kann nicht angelegt werden: {probe} ist eine Datei, kein Ordner. Bitte den Pfad korrigieren."
    if not os.access(probe, os.W_OK | os.X_OK):
        created = "" if probe == path else f" (er würde in {probe} angelegt)"
        return (f"ist für {_user()} nicht beschreibbar{created}. Rechte prüfen oder den Befehl als Dienstkonto "
                "ausführen (kgrz-mailbot, sudo -u kgrz-mailbot …).")
    return None


def _warnings(config: Config, paths: list[Path]) -> list[str]:
    found = []
    if not config.mail.admin_to:
        found.append(f"{WARNING}settings.toml [mail] admin_to fehlt: wenn der Bot Hilfe braucht (Anmeldung "
                     "abgelehnt, Mails in Quarantäne, Abfragen nicht versandt), erfährt es niemand per Mail. "
                     "Bitte z. B. admin_to = [\"it-betrieb@koblenz.example\"] eintragen.")
    if config.state_dir != config.directory / "var":  # [paths] state is set: the rest should live there too
        outside = [p for p in paths if not p.resolve().is_relative_to(config.state_dir.resolve())]
        found += [f"{WARNING}{p} liegt nicht unter [paths] state ({config.state_dir}); der Dienst darf dort "
                  "vermutlich nicht schreiben (systemd: ProtectSystem=strict). Den Eintrag in settings.toml "
                  "weglassen, dann liegt er im Zustandsordner." for p in outside]
    return found
