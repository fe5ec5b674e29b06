"""``[committee.source]``: check where a committee's dates come from (an OParl system or an iCal feed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgrz_mailbot.config.settings import CouncilSource

if TYPE_CHECKING:
    from kgrz_mailbot.config.build import Problems

URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")
EXAMPLE_OPARL = 'oparl = "https://ris.koblenz.example/bi/oparl/1.0/system.asp"'


def council_source(directory: Path, key: str, data: dict[str, Any], where: str,
                   problems: Problems) -> CouncilSource | None:
    """The typed source of one committee, or None (with the problems named) when it cannot be used."""
    where = f"{where} [committee.source]"
    before = len(problems)
    if "oparl" in data and "ical" in data:
        problems.add("schedule.toml", where, "nennt „oparl“ und „ical“; bitte nur eine der beiden Quellen angeben.")
    elif "oparl" in data:
        _check_url(data["oparl"], "oparl", where, problems, EXAMPLE_OPARL)
        if not str(data.get("organization", "")).strip():
            problems.add("schedule.toml", where, "„organization“ fehlt: der Name des Gremiums im "
                         "Ratsinformationssystem (z. B. \"Werkausschuss KGRZ\") oder die id-URL der Organization.")
        if "match" in data:
            problems.add("schedule.toml", where, "„match“ gilt nur für ical; bei oparl bitte „organization“ nutzen.")
    elif "ical" in data:
        if URL.match(data["ical"]) is None and "://" in data["ical"]:
            _check_url(data["ical"], "ical", where, problems, 'ical = "https://ris.koblenz.example/termine.ics"')
        if not str(data.get("match", "")).strip():
            problems.add("schedule.toml", where, "„match“ fehlt: ein Text, den der Titel (SUMMARY) jeder Sitzung "
                         "dieses Gremiums enthält, z. B. match = \"Werkausschuss\".")
        if "organization" in data:
            problems.add("schedule.toml", where, "„organization“ gilt nur für oparl; bei ical bitte „match“ nutzen.")
    else:
        problems.add("schedule.toml", where, f"nennt keine Quelle. Bitte {EXAMPLE_OPARL} mit organization = \"…\" "
                     "oder ical = \"…\" mit match = \"…\" angeben.")
    if len(problems) > before:
        return None
    if "oparl" in data:
        return CouncilSource(committee=key, oparl=data["oparl"], organization=data["organization"].strip())
    ical = data["ical"] if URL.match(data["ical"]) else str(_resolve(directory, data["ical"]))
    return CouncilSource(committee=key, ical=ical, match=data["match"].strip())


def _check_url(value: str, key: str, where: str, problems: Problems, example: str) -> None:
    if URL.match(value) is None:
        problems.add("schedule.toml", f"{where} {key}",
                     f"„{value}“ ist keine vollständige http(s)-URL, z. B. {example}.")


def _resolve(directory: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else directory / path
