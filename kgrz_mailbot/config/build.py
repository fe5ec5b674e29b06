"""Turn validated TOML data into a typed Config, checking meaning: addresses, zones, dates, order."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kgrz_mailbot.config.addresses import is_address, parse_person
from kgrz_mailbot.config.graph_section import graph_problems
from kgrz_mailbot.config.relay_section import alert_relay
from kgrz_mailbot.config.settings import (
    Config,
    CouncilSource,
    ExchangeSettings,
    GraphSettings,
    MailSettings,
    OrganisationSettings,
    ReportSettings,
    RetentionSettings,
    TimelinePolicy,
)
from kgrz_mailbot.config.sources import council_source
from kgrz_mailbot.domain.model import Committee, Person, Project, Session
from kgrz_mailbot.errors import ConfigError

TRANSPORTS = ("maildir", "exchange", "graph")
EXCHANGE_AUTH = ("ntlm", "basic", "oauth2")
EXCHANGE_VERSIONS = ("2013", "2016", "2019", "o365")
PROJECT_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEFAULT_STATE = "var"  # [paths] state: everything the service writes; DIR/var keeps a clone self-contained
DEFAULT_DB_FILE = "kgrz-mailbot.sqlite3"


class Problems(list[str]):
    """Every problem found, each ``file, where: what and how to fix``."""

    def add(self, file: str, where: str, message: str) -> None:
        self.append(f"{file}{', ' + where if where else ''}: {message}")


def resolve(directory: Path, value: str) -> Path:
    """Relative paths inside the files resolve against the configuration directory (C1)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else directory / path


def sqlite_url(directory: Path, url: str) -> str:
    """``sqlite:///var/x.sqlite3`` is relative to DIR; ``sqlite:////abs/x`` stays absolute."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite:///:memory:":
        return url
    return prefix + str(resolve(directory, url[len(prefix):]))


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def valid_holiday_region(code: str) -> bool:
    from kgrz_mailbot.config.public_holidays import valid_region  # noqa: PLC0415 - python-holidays is slow to import

    return valid_region(code)


def holiday_region_problem(region: str) -> str:
    return f"unbekannte Feiertagsregion „{region}“. Bitte Land und Bundesland wie „DE-RP“ angeben."


def parse_time_of_day(value: str) -> time | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def build_config(directory: Path, settings: dict[str, Any], schedule: dict[str, Any],
                 projects: dict[str, Any], *, check_holidays: bool = True) -> Config:
    """``check_holidays=False`` leaves the holiday region to its first use (``App.is_closed``): commands that only
    read the database never need it, and loading python-holidays costs more than they may take."""
    problems = Problems()
    organisation = _organisation(settings["organisation"], problems, check_holidays)
    state = resolve(directory, settings.get("paths", {}).get("state", DEFAULT_STATE))
    mail = _mail(directory, state, settings["mail"], problems)
    report = settings.get("report", {})
    timeline = _timeline(schedule.get("timeline", {}), problems)
    committees, sources = _committees(directory, schedule.get("committee", []), problems)
    sessions = _sessions(schedule.get("session", []), {c.key for c in committees}, problems)
    project_list = _projects(projects.get("project", []), problems)
    retention = _retention(settings.get("retention", {}), problems)
    lock_timeout = settings.get("storage", {}).get("lock_timeout_seconds", 30)
    if lock_timeout < 1:
        problems.add("settings.toml", "[storage] lock_timeout_seconds", "muss mindestens 1 Sekunde sein.")
    if problems:
        raise ConfigError(problems)
    return Config(
        directory=directory,
        organisation=organisation,
        mail=mail,
        storage_url=_storage_url(directory, state, settings.get("storage", {})),
        report=ReportSettings(
            output=resolve(directory, report["output"]) if "output" in report else state / "reports",
            vorlage_number=report.get("vorlage_number"),
            unterrichtung=report.get("unterrichtung"),
        ),
        timeline=timeline,
        committees=committees,
        sessions=sessions,
        projects=project_list,
        templates_dir=resolve(directory, report["templates"]) if "templates" in report else None,
        retention=retention,
        sources=sources,
        state_dir=state,
        storage_lock_timeout=lock_timeout,
    )


def _storage_url(directory: Path, state: Path, storage: dict[str, Any]) -> str:
    """An explicit ``[storage] url`` (relative SQLite paths against DIR, C1), else the SQLite file in the state."""
    if "url" in storage:
        return sqlite_url(directory, storage["url"])
    return f"sqlite:///{state / DEFAULT_DB_FILE}"


def _retention(data: dict[str, Any], problems: Problems) -> RetentionSettings:
    defaults = RetentionSettings()
    values = {key: data.get(key, getattr(defaults, key)) for key in ("raw_mail_days", "outbox_body_days")}
    for key, days in values.items():
        if days < 1:
            problems.add("settings.toml", f"[retention] {key}", "muss mindestens 1 Tag sein.")
    clock = parse_time_of_day(data.get("purge_time", "03:00"))
    if clock is None:
        problems.add("settings.toml", "[retention] purge_time", "ist keine Uhrzeit. Bitte im Format „03:00“ angeben.")
    return RetentionSettings(**values, purge_time=clock or defaults.purge_time)


def _organisation(data: dict[str, Any], problems: Problems, check_holidays: bool) -> OrganisationSettings:
    zone = data.get("timezone", "Europe/Berlin")
    if not valid_timezone(zone):
        problems.add("settings.toml", "[organisation] timezone",
                     f"unbekannte Zeitzone „{zone}“. Bitte einen IANA-Namen wie „Europe/Berlin“ angeben.")
    region = data.get("holidays", "DE-RP")
    if check_holidays and not valid_holiday_region(region):
        problems.add("settings.toml", "[organisation] holidays", holiday_region_problem(region))
    return OrganisationSettings(name=data["name"], short=data.get("short", ""), unit=data["unit"],
                                timezone=zone, holidays=region, az=data.get("az", ""))


def _mail(directory: Path, state: Path, data: dict[str, Any], problems: Problems) -> MailSettings:
    transport = data["transport"]
    if transport not in TRANSPORTS:
        problems.add("settings.toml", "[mail] transport",
                     f"„{transport}“ ist kein Transport. Erlaubt: {', '.join(TRANSPORTS)}.")
    if not is_address(data["address"]):
        problems.add("settings.toml", "[mail] address",
                     f"„{data['address']}“ ist keine gültige E-Mail-Adresse des Bot-Postfachs.")
    exchange = None
    if "exchange" in data:
        exchange = _exchange(directory, data["exchange"], problems)
    elif transport == "exchange":
        problems.add("settings.toml", "[mail.exchange]",
                     "fehlt, obwohl transport = \"exchange\" gesetzt ist. Bitte endpoint und auth angeben.")
    graph = None
    if "graph" in data:
        graph = _graph(directory, data["graph"], problems)
    elif transport == "graph":
        problems.add("settings.toml", "[mail.graph]", "fehlt, obwohl transport = \"graph\" gesetzt ist. Bitte "
                     "tenant_id, client_id und client_secret_env oder certificate angeben (siehe docs/graph.md).")
    given = data.get("maildir", {}).get("path")
    path = resolve(directory, given) if given else state / "mail"
    answers = data.get("answers_per_hour", MailSettings.answers_per_hour)
    if answers < 1:
        problems.add("settings.toml", "[mail] answers_per_hour",
                     f"muss mindestens 1 sein (eingetragen: {answers}); Standard ist {MailSettings.answers_per_hour}.")
    lease = data.get("send_lease_seconds", MailSettings.send_lease_seconds)
    if lease < 1:
        problems.add("settings.toml", "[mail] send_lease_seconds",
                     f"muss mindestens 1 Sekunde sein (eingetragen: {lease}); Standard ist "
                     f"{MailSettings.send_lease_seconds}.")
    batch = data.get("poll_batch_mb", MailSettings.poll_batch_mb)
    if not 1 <= batch <= 4096:
        problems.add("settings.toml", "[mail] poll_batch_mb",
                     f"muss zwischen 1 und 4096 (MiB) liegen (eingetragen: {batch}); Standard ist "
                     f"{MailSettings.poll_batch_mb}.")
    return MailSettings(transport=transport, address=data["address"].lower(), maildir_path=path,
                        exchange=exchange, graph=graph,
                        maildir_authserv_id=data.get("maildir", {}).get("authserv_id"), answers_per_hour=answers,
                        admin_to=_admin_to(data.get("admin_to", []), problems), send_lease_seconds=lease,
                        poll_batch_mb=batch, alert_relay=alert_relay(
                            lambda value: resolve(directory, value), data["alert_relay"],
                            lambda where, message: problems.add("settings.toml", where, message),
                        ) if "alert_relay" in data else None)


def _graph(directory: Path, data: dict[str, Any], problems: Problems) -> GraphSettings:
    for where, message in graph_problems(data):
        problems.add("settings.toml", where, message)
    known = set(GraphSettings.__dataclass_fields__) - {"ca_bundle", "certificate"}  # unknown keys: reported by load
    values = {k: v for k, v in data.items() if k in known}
    values["authority"] = str(data.get("authority", GraphSettings.authority)).rstrip("/")
    values["graph_url"] = str(data.get("graph_url", GraphSettings.graph_url)).rstrip("/")
    for key in ("ca_bundle", "certificate"):
        if key in data:
            values[key] = resolve(directory, data[key])
    return GraphSettings(**values)


def _admin_to(value: str | list[Any], problems: Problems) -> tuple[str, ...]:
    """``[mail] admin_to``: one address or a list of them; who is told when something needs a person."""
    addresses = [value] if isinstance(value, str) else value
    for address in addresses:
        if not isinstance(address, str) or not is_address(address):
            problems.add("settings.toml", "[mail] admin_to", f"„{address}“ ist keine gültige E-Mail-Adresse. "
                         "Bitte z. B. admin_to = [\"it-betrieb@koblenz.example\"] angeben.")
    return tuple(a.lower() for a in addresses if isinstance(a, str))


def _exchange(directory: Path, data: dict[str, Any], problems: Problems) -> ExchangeSettings:
    where = "[mail.exchange]"
    if not re.match(r"^https?://[^/\s]+/\S*$", data["endpoint"]):
        problems.add("settings.toml", f"{where} endpoint",
                     "muss eine vollständige URL sein, z. B. https://mail.koblenz.example/EWS/Exchange.asmx.")
    auth = data.get("auth", "ntlm")
    if auth not in EXCHANGE_AUTH:
        problems.add("settings.toml", f"{where} auth", f"„{auth}“ unbekannt. Erlaubt: {', '.join(EXCHANGE_AUTH)}.")
    version = data.get("version")
    if version is not None and version not in EXCHANGE_VERSIONS:
        problems.add("settings.toml", f"{where} version",
                     f"„{version}“ unbekannt. Erlaubt: {', '.join(EXCHANGE_VERSIONS)}.")
    if auth == "oauth2":
        for key in ("tenant_id", "client_id", "client_secret_env"):
            if key not in data:
                problems.add("settings.toml", where, f"für auth = \"oauth2\" fehlt „{key}“.")
    values = {k: v for k, v in data.items() if k != "ca_bundle"}
    if "ca_bundle" in data:
        values["ca_bundle"] = resolve(directory, data["ca_bundle"])
    return ExchangeSettings(**values)


def _timeline(data: dict[str, Any], problems: Problems) -> TimelinePolicy:
    defaults = TimelinePolicy()
    where = "[timeline]"
    clock = parse_time_of_day(data.get("time_of_day", "08:00"))
    if clock is None:
        problems.add("schedule.toml", f"{where} time_of_day",
                     f"„{data['time_of_day']}“ ist keine Uhrzeit. Bitte im Format „08:00“ angeben.")
    reminders = data.get("reminders", list(defaults.reminders))
    if not all(isinstance(r, int) and not isinstance(r, bool) for r in reminders):
        problems.add("schedule.toml", f"{where} reminders", "muss eine Liste ganzer Zahlen sein, z. B. [14, 10].")
        reminders = []
    offsets = [data.get("request", defaults.request), *reminders, data.get("deadline", defaults.deadline)]
    draft = data.get("draft", defaults.draft)
    if any(a <= b for a, b in zip(offsets, offsets[1:], strict=False)) or draft > offsets[-1] or draft < 1:
        problems.add("schedule.toml", where,
                     "Vorlaufzeiten in falscher Reihenfolge: es muss gelten request > reminders (absteigend) "
                     f"> deadline ≥ draft ≥ 1 Tag vor der Sitzung; eingetragen: request={offsets[0]}, "
                     f"reminders={reminders}, deadline={offsets[-1]}, draft={draft}.")
    poll = data.get("poll_minutes", defaults.poll_minutes)
    if poll < 1:
        problems.add("schedule.toml", f"{where} poll_minutes", "muss mindestens 1 sein.")
    sync_time = parse_time_of_day(data.get("sync_time", "06:00"))
    if sync_time is None:
        problems.add("schedule.toml", f"{where} sync_time",
                     f"„{data['sync_time']}“ ist keine Uhrzeit. Bitte im Format „06:00“ angeben.")
    closed = data.get("closed", [])
    if not all(isinstance(d, date) for d in closed):
        problems.add("schedule.toml", f"{where} closed", "muss eine Liste von Daten sein, z. B. [2018-12-24].")
        closed = []
    return TimelinePolicy(request=offsets[0], reminders=tuple(reminders), deadline=offsets[-1], draft=draft,
                          time_of_day=clock or defaults.time_of_day, poll_minutes=poll, closed=tuple(closed),
                          sync_time=sync_time or defaults.sync_time)


def _committees(directory: Path, items: list[dict[str, Any]],
                problems: Problems) -> tuple[tuple[Committee, ...], tuple[CouncilSource, ...]]:
    result, seen, sources = [], set(), []
    for number, item in enumerate(items, 1):
        where = f"[[committee]] Nr. {number}"
        if item["key"] in seen:
            problems.add("schedule.toml", where, f"Schlüssel „{item['key']}“ ist doppelt. Bitte eindeutig wählen.")
        seen.add(item["key"])
        if not item["draft_to"]:
            problems.add("schedule.toml", f"{where} draft_to", "ist leer: dann erhält niemand den Entwurf und die "
                         "Meldung, wer fehlt. Bitte mindestens eine Adresse der Werkleitung eintragen, z. B. "
                         "draft_to = [\"werkleitung@koblenz.example\"].")
        for address in item["draft_to"]:
            if not isinstance(address, str) or not is_address(address):
                problems.add("schedule.toml", f"{where} draft_to",
                             f"„{address}“ ist keine gültige E-Mail-Adresse.")
        result.append(Committee(key=item["key"], name=item["name"],
                                draft_to=tuple(str(a).lower() for a in item["draft_to"])))
        if "source" in item and (source := council_source(directory, item["key"], item["source"], where, problems)):
            sources.append(source)
    return tuple(result), tuple(sources)


def _sessions(items: list[dict[str, Any]], committees: set[str], problems: Problems) -> tuple[Session, ...]:
    result, seen, synced = [], set(), set()
    for number, item in enumerate(items, 1):
        where = f"[[session]] Nr. {number} ({item['date']})"
        if "source_id" in item:
            if (item["committee"], item["source_id"]) in synced:
                problems.add("schedule.toml", f"{where} source_id", f"„{item['source_id']}“ steht schon bei einer "
                             "anderen Sitzung; jede Sitzung des Ratsinformationssystems darf nur einmal vorkommen.")
            synced.add((item["committee"], item["source_id"]))
        if item["committee"] not in committees:
            known = ", ".join(sorted(committees)) or "keins"
            problems.add("schedule.toml", where,
                         f"nennt das unbekannte Gremium „{item['committee']}“. Bekannt: {known}.")
        if (item["committee"], item["date"]) in seen:
            problems.add("schedule.toml", where, "diese Sitzung ist doppelt eingetragen.")
        seen.add((item["committee"], item["date"]))
        overrides = []
        for key in ("request", "deadline", "draft"):
            if key in item:
                if item[key] >= item["date"]:
                    problems.add("schedule.toml", f"{where} {key}", "muss vor dem Sitzungstag liegen.")
                overrides.append((key, item[key]))
        for index, day in enumerate(item.get("reminders", []), 1):
            overrides.append((f"reminder{index}", day))
        result.append(Session(committee=item["committee"], date=item["date"], overrides=tuple(overrides),
                              source_id=item.get("source_id")))
    return tuple(sorted(result, key=lambda s: (s.date, s.committee)))


def _projects(items: list[dict[str, Any]], problems: Problems) -> tuple[Project, ...]:
    result, seen = [], set()
    for number, item in enumerate(items, 1):
        where = f"[[project]] Nr. {number} ({item['key']})"
        if not PROJECT_KEY.match(item["key"]):
            problems.add("projects.toml", where, "key darf nur Kleinbuchstaben, Ziffern und „-“ enthalten.")
        if item["key"] in seen:
            problems.add("projects.toml", where, f"Projektschlüssel „{item['key']}“ ist doppelt vergeben.")
        seen.add(item["key"])
        lead = _person(item["lead"], f"{where} lead", problems)
        deputies = tuple(_person(d, f"{where} deputies", problems) for d in item.get("deputies", []))
        result.append(Project(key=item["key"], title=item["title"], lead=lead,
                              deputies=deputies, active=item.get("active", True)))
    return tuple(result)


def _person(value: Any, where: str, problems: Problems) -> Person:
    person = parse_person(value) if isinstance(value, str) else None
    if person is None:
        problems.add("projects.toml", where, f"„{value}“ ist keine gültige Adresse. "
                     "Bitte als \"Vorname Nachname <vorname.nachname@koblenz.example>\" angeben.")
        return Person(name="", address="")
    return person
