"""``session add|move|remove`` and ``sessions sync``: edit schedule.toml in place with tomlkit, keeping comments."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Item, Table, Whitespace

from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.errors import ConfigError, UnknownSessionError

SCHEDULE = "schedule.toml"


@dataclass
class Schedule:
    """schedule.toml as read, edited in memory; ``save`` validates and writes all edits at once."""

    directory: Path
    document: tomlkit.TOMLDocument
    original: str

    @property
    def sessions(self) -> AoT:
        if "session" not in self.document:
            self.document.add(tomlkit.nl())  # a blank line between the last table and the first session
            self.document.append("session", tomlkit.aot())
        sessions = self.document["session"]
        assert isinstance(sessions, AoT)
        return sessions

    def _find(self, day: date, committee: str | None) -> int:
        hits = [i for i, t in enumerate(self.sessions)
                if t.get("date") == day and committee in (None, t.get("committee"))]
        if not hits:
            raise UnknownSessionError(f"{SCHEDULE}: keine Sitzung am {day.isoformat()} eingetragen.")
        if len(hits) > 1:
            raise UnknownSessionError(
                f"{SCHEDULE}: am {day.isoformat()} tagen mehrere Gremien; bitte --committee angeben.")
        return hits[0]

    def add(self, day: date, committee: str | None, source_id: str | None = None) -> None:
        committees = [c["key"] for c in self.document.get("committee", [])]
        key = committee or (committees[0] if len(committees) == 1 else None)
        if key is None:
            raise UnknownSessionError(f"{SCHEDULE}: mehrere Gremien eingetragen; bitte --committee angeben.")
        if any(t.get("date") == day and t.get("committee") == key for t in self.sessions):
            raise UnknownSessionError(f"{SCHEDULE}: die Sitzung am {day.isoformat()} ist bereits eingetragen.")
        table = tomlkit.table()
        table.add("committee", key)
        table.add("date", day)
        if source_id is not None:
            table.add("source_id", source_id)
        _place(self.sessions, table)

    def move(self, day: date, new_day: date, committee: str | None) -> None:
        index = self._find(day, committee)
        entry: Table = self.sessions[index]
        entry["date"] = new_day
        for fixed in ("request", "reminders", "deadline", "draft"):  # fixed dates belonged to the old date
            if fixed in entry:
                del entry[fixed]
        if not _in_order(list(self.sessions)):
            _detach(self.sessions, index)
            _place(self.sessions, entry)

    def remove(self, day: date, committee: str | None) -> None:
        del self.sessions[self._find(day, committee)]

    def text(self) -> str:
        return tomlkit.dumps(self.document)

    def validate(self) -> Config:
        """The configuration as it would be after the edits, or ConfigError; nothing is written."""
        return load_config(self.directory, schedule_text=self.text())

    def save(self) -> Config:
        """Validate, then replace the file atomically; refuse if someone changed it since it was read."""
        config = self.validate()
        path = self.directory / SCHEDULE
        if path.read_text(encoding="utf-8") != self.original:
            raise ConfigError([f"{SCHEDULE}: wurde während der Änderung von anderer Seite bearbeitet; "
                               "nichts geschrieben. Bitte den Befehl wiederholen."])
        _replace(path, self.text())
        return config


def _order(table: Table) -> tuple[date, str]:
    return table.get("date"), str(table.get("committee", ""))


def _in_order(tables: list[Table]) -> bool:
    return all(_order(a) <= _order(b) for a, b in zip(tables, tables[1:], strict=False))


def _tail(table: Table) -> list[Item]:
    """Remove and return what follows the table's last key: comments there belong to the next session."""
    body = table.value.body
    cut = max((i for i, (key, _item) in enumerate(body) if key is not None), default=-1) + 1
    tail = [item for _key, item in body[cut:]]
    del body[cut:]
    return tail


def _detach(sessions: AoT, index: int) -> None:
    """Take a session out, leaving the comments above the session after it where they were."""
    table = sessions[index]
    tail = _tail(table)
    if index > 0:
        before = sessions[index - 1]
        _tail(before)
        for item in tail or [Whitespace("\n")]:
            before.value.append(None, item)
    del sessions[index]


def _place(sessions: AoT, table: Table) -> None:
    """Insert a session where its date belongs, so schedule.toml stays in date order; the comment lines above
    the session it goes before stay above that session."""
    tables = list(sessions)
    index = next((i for i, t in enumerate(tables) if _order(t) > _order(table)), len(tables))
    _tail(table)
    if index == len(tables):
        if tables and not _tail_has_blank_line(tables[-1]):
            tables[-1].value.append(None, Whitespace("\n"))
        sessions.append(table)
        return
    moved = _tail(tables[index - 1]) if index > 0 else []
    if index > 0:
        tables[index - 1].value.append(None, Whitespace("\n"))
    blank, *comments = moved or [Whitespace("\n")]
    table.value.append(None, blank if isinstance(blank, Whitespace) else Whitespace("\n"))
    for item in comments if isinstance(blank, Whitespace) else moved:
        table.value.append(None, item)
    sessions.insert(index, table)


def _tail_has_blank_line(table: Table) -> bool:
    body = table.value.body
    return bool(body) and body[-1][0] is None and isinstance(body[-1][1], Whitespace)


def _replace(path: Path, text: str) -> None:
    """Write beside the file and rename over it: a crash leaves the old or the new file, never half of one."""
    mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # the admin's file keeps its permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_schedule(directory: Path) -> Schedule:
    text = (directory / SCHEDULE).read_text(encoding="utf-8")
    return Schedule(directory=directory, document=tomlkit.parse(text), original=text)


def add_session(directory: Path, day: date, committee: str | None) -> Config:
    schedule = open_schedule(directory)
    schedule.add(day, committee)
    return schedule.save()


def move_session(directory: Path, day: date, new_day: date, committee: str | None) -> Config:
    schedule = open_schedule(directory)
    schedule.move(day, new_day, committee)
    return schedule.save()


def remove_session(directory: Path, day: date, committee: str | None) -> Config:
    schedule = open_schedule(directory)
    schedule.remove(day, committee)
    return schedule.save()
