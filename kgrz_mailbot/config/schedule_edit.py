"""``session add|move|remove``: edit schedule.toml in place with tomlkit, keeping the admin's comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Table

from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.errors import ConfigError, UnknownSessionError

SCHEDULE = "schedule.toml"


def _sessions(document: tomlkit.TOMLDocument) -> AoT:
    if "session" not in document:
        document.append("session", tomlkit.aot())
    sessions = document["session"]
    assert isinstance(sessions, AoT)
    return sessions


def _find(sessions: AoT, day: date, committee: str | None) -> int:
    hits = [i for i, t in enumerate(sessions) if t.get("date") == day and committee in (None, t.get("committee"))]
    if not hits:
        raise UnknownSessionError(f"{SCHEDULE}: keine Sitzung am {day.isoformat()} eingetragen.")
    if len(hits) > 1:
        raise UnknownSessionError(f"{SCHEDULE}: am {day.isoformat()} tagen mehrere Gremien; bitte --committee angeben.")
    return hits[0]


def _write_validated(directory: Path, document: tomlkit.TOMLDocument) -> Config:
    """Write the edit, validate like ``check``, and put the old file back if the result is invalid."""
    path = directory / SCHEDULE
    before = path.read_text(encoding="utf-8")
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    try:
        return load_config(directory)
    except ConfigError:
        path.write_text(before, encoding="utf-8")
        raise


def _load(directory: Path) -> tomlkit.TOMLDocument:
    return tomlkit.parse((directory / SCHEDULE).read_text(encoding="utf-8"))


def add_session(directory: Path, day: date, committee: str | None) -> Config:
    document = _load(directory)
    committees = [c["key"] for c in document.get("committee", [])]
    key = committee or (committees[0] if len(committees) == 1 else None)
    if key is None:
        raise UnknownSessionError(f"{SCHEDULE}: mehrere Gremien eingetragen; bitte --committee angeben.")
    table = tomlkit.table()
    table.add("committee", key)
    table.add("date", day)
    sessions = _sessions(document)
    if any(t.get("date") == day and t.get("committee") == key for t in sessions):
        raise UnknownSessionError(f"{SCHEDULE}: die Sitzung am {day.isoformat()} ist bereits eingetragen.")
    sessions.append(table)
    return _write_validated(directory, document)


def move_session(directory: Path, day: date, new_day: date, committee: str | None) -> Config:
    document = _load(directory)
    sessions = _sessions(document)
    entry: Table = sessions[_find(sessions, day, committee)]
    entry["date"] = new_day
    for fixed in ("request", "reminders", "deadline", "draft"):  # fixed dates belonged to the old date
        if fixed in entry:
            del entry[fixed]
    return _write_validated(directory, document)


def remove_session(directory: Path, day: date, committee: str | None) -> Config:
    document = _load(directory)
    sessions = _sessions(document)
    del sessions[_find(sessions, day, committee)]
    return _write_validated(directory, document)
