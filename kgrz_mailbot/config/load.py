"""Load and validate the configuration directory (C1); every problem is collected, in German."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from kgrz_mailbot.config.build import Problems, build_config
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.errors import ConfigError

FILES = ("settings.toml", "schedule.toml", "projects.toml")
ENV_VAR = "KGRZ_MAILBOT_CONFIG"
INSTALLED = Path("/etc/kgrz-mailbot")  # deploy/install.sh puts the configuration here

# Allowed keys per table; "!" marks a required key. Kept as data so `check` and the README agree.
SCHEMA: dict[str, dict[str, Any]] = {
    "settings.toml": {
        "!organisation": {"!name": str, "short": str, "!unit": str, "timezone": str, "holidays": str, "az": str},
        "!mail": {
            "!transport": str,
            "!address": str,
            "answers_per_hour": int,
            "admin_to": (str, list),
            "send_lease_seconds": int,
            "poll_batch_mb": int,
            "maildir": {"path": str, "authserv_id": str},
            "exchange": {
                "!endpoint": str, "auth": str, "username_env": str, "password_env": str, "version": str,
                "ca_bundle": str, "processed_folder": str, "failed_folder": str, "tenant_id": str,
                "client_id": str, "client_secret_env": str, "token_url": str, "timeout_seconds": int,
                "max_wait_seconds": int,
            },
            "graph": {
                "!tenant_id": str, "!client_id": str, "client_secret_env": str, "certificate": str,
                "certificate_password_env": str, "authority": str, "graph_url": str, "ca_bundle": str,
                "processed_folder": str, "failed_folder": str, "timeout_seconds": int, "max_wait_seconds": int,
            },
            "alert_relay": {
                "!host": str, "port": int, "starttls": bool, "username_env": str, "password_env": str, "from": str,
                "ca_bundle": str, "timeout_seconds": int,
            },
        },
        "paths": {"state": str},
        "storage": {"url": str, "lock_timeout_seconds": int},
        "report": {"output": str, "vorlage_number": str, "unterrichtung": str, "templates": str},
        "retention": {"raw_mail_days": int, "outbox_body_days": int, "purge_time": str},
    },
    "schedule.toml": {
        "timeline": {
            "request": int, "reminders": list, "deadline": int, "draft": int, "time_of_day": str,
            "poll_minutes": int, "closed": list, "sync_time": str,
        },
        "!committee": [{"!key": str, "!name": str, "!draft_to": list,
                        "source": {"oparl": str, "organization": str, "ical": str, "match": str}}],
        "session": [{"!committee": str, "!date": date, "request": date, "reminders": list, "deadline": date,
                     "draft": date, "source_id": str}],
    },
    "projects.toml": {
        "!project": [{"!key": str, "!title": str, "!lead": str, "deputies": list, "active": bool}],
    },
}  # fmt: skip

#: what stands in for a file with a TOML error, so the other files' meaning is still checked
STAND_IN: dict[str, dict[str, Any]] = {
    "settings.toml": {"organisation": {"name": "-", "unit": "-"},
                      "mail": {"transport": "maildir", "address": "probe@example.invalid"}},
    "schedule.toml": {},
    "projects.toml": {},
}

TYPE_NAMES = {str: "Text in Anführungszeichen", int: "ganze Zahl", bool: "true oder false", list: "Liste [ … ]",
              date: "Datum wie 2018-09-19",
              (str, list): "Text in Anführungszeichen oder Liste [ … ]"}  # fmt: skip


def config_dir(explicit: str | os.PathLike[str] | None) -> Path:
    """``--config`` wins, then ``$KGRZ_MAILBOT_CONFIG``, then ``./config`` (C1), then ``/etc/kgrz-mailbot``.

    The last one lets an admin of an installed service type ``kgrz-mailbot plan`` anywhere; a ``./config``
    (a source checkout) still comes first, as C1 says.
    """
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen)
    local = Path("config")
    return local if local.is_dir() or not INSTALLED.is_dir() else INSTALLED


def load_config(directory: Path, schedule_text: str | None = None, *, check_holidays: bool = True) -> Config:
    """Read, validate and type the three TOML files; raise ConfigError listing every problem.

    ``schedule_text`` validates an edit of schedule.toml before it is written (``sessions sync``);
    ``check_holidays``: see ``build_config``."""
    problems = Problems()
    if not directory.is_dir():
        raise ConfigError([f"{directory}: Konfigurationsverzeichnis nicht gefunden. Pfad mit --config oder "
                           f"${ENV_VAR} angeben (installiert: {INSTALLED}, siehe deploy/install.sh)."])
    texts = {"schedule.toml": schedule_text} if schedule_text is not None else {}
    raw = {name: _read_toml(directory / name, problems, texts.get(name)) for name in FILES}
    for name, data in raw.items():
        if data is not None:
            _check_keys(name, "", data, SCHEMA[name], problems)
    if any(v is None for v in raw.values()):
        # One broken file must not hide the problems of the others: check their meaning with a stand-in.
        stand_ins = {name: data if data is not None else STAND_IN[name] for name, data in raw.items()}
        try:
            build_config(directory.resolve(), stand_ins["settings.toml"], stand_ins["schedule.toml"],
                         stand_ins["projects.toml"])
        except ConfigError as exc:
            problems.extend(exc.problems)
        except (KeyError, TypeError, AttributeError, ValueError):
            pass  # a structural problem, already reported above
        raise ConfigError(problems)
    try:
        config = build_config(directory.resolve(), raw["settings.toml"], raw["schedule.toml"], raw["projects.toml"],
                              check_holidays=check_holidays)
    except ConfigError as exc:
        problems.extend(exc.problems)
    except (KeyError, TypeError, AttributeError, ValueError):
        # A structural problem (already reported above) keeps some meaning checks from running.
        if not problems:
            raise
    if problems:
        raise ConfigError(problems)
    return config


def _read_toml(path: Path, problems: Problems, text: str | None = None) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8") if text is None else text)
    except FileNotFoundError:
        problems.add(path.name, "", "Datei fehlt. Bitte aus dem Beispiel config/ im Repository übernehmen.")
    except UnicodeDecodeError:
        problems.add(path.name, "", "Datei ist nicht UTF-8-kodiert. Bitte als UTF-8 speichern.")
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"Zeile {match[1]}, Spalte {match[2]}" if match else ""
        detail = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        line = (text if text is not None else path.read_text(encoding="utf-8")).splitlines()[int(match[1]) - 1] \
            if match else ""
        problems.add(path.name, where, f"TOML-Syntaxfehler ({detail}). " + (
            _date_hint(line) or "Bitte die Zeile korrigieren."))
    return None


GERMAN_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")


def _date_hint(text: str) -> str | None:
    """``19.09.2018`` is how Germans write a date, and TOML does not read it: say how to write it instead."""
    match = GERMAN_DATE.search(text)
    if not match:
        return None
    day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        iso = date(year, month, day).isoformat()
    except ValueError:
        iso = "2018-09-19"
    return (f"Ein Datum wie {match[0]} bitte als {iso} schreiben (Jahr-Monat-Tag, ohne Anführungszeichen), "
            f"z. B. date = {iso}.")


def _check_keys(
    file: str, prefix: str, data: dict[str, Any], spec: dict[str, Any], problems: Problems, label: str = ""
) -> None:
    """Unknown keys, wrong types and missing required keys of one table, recursively."""
    allowed = {k.lstrip("!"): v for k, v in spec.items()}
    loc = label or (f"[{prefix.rstrip('.')}]" if prefix else "")
    for key, value in data.items():
        where = f"{prefix}{key}"
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            fix = f"Meinten Sie „{hint[0]}“?" if hint else "Bitte entfernen."
            problems.add(file, loc, f"unbekannter Schlüssel „{key}“. {fix} Erlaubt: {', '.join(sorted(allowed))}.")
            continue
        expected = allowed[key]
        if isinstance(expected, dict):
            if isinstance(value, dict):
                _check_keys(file, f"{where}.", value, expected, problems)
            else:
                problems.add(file, loc, f"„{key}“ muss eine Tabelle sein, z. B. [{where}].")
        elif isinstance(expected, list):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                problems.add(file, loc, f"„{key}“ muss als [[{key}]]-Block geschrieben werden.")
                continue
            for number, item in enumerate(value, 1):
                _check_keys(file, f"{where}.", item, expected[0], problems, f"[[{key}]] Nr. {number}")
        elif not _is_type(value, expected):
            hint = _date_hint(value) if expected is date and isinstance(value, str) else None
            problems.add(file, loc, f"„{key}“ hat den falschen Typ; erwartet: {TYPE_NAMES[expected]}."
                         + (f" {hint}" if hint else ""))
    for key, expected in spec.items():
        if not key.startswith("!") or key[1:] in data:
            continue
        name = key[1:]
        if isinstance(expected, dict):
            problems.add(file, "", f"Tabelle [{name}] fehlt. Bitte ergänzen (siehe README, Konfiguration).")
        elif isinstance(expected, list):
            problems.add(file, "", f"kein [[{name}]]-Block vorhanden. Bitte mindestens einen eintragen.")
        else:
            problems.add(file, loc, f"Pflichtschlüssel „{name}“ fehlt. Bitte ergänzen.")


def _is_type(value: Any, expected: type | tuple[type, ...]) -> bool:
    if isinstance(expected, tuple):
        return any(_is_type(value, one) for one in expected)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is date:
        return isinstance(value, date)
    return isinstance(value, expected)
