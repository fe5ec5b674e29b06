"""What changed between two versions of a draft, per project, in German lines (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

AMPEL_WORD = {"gruen": "grün", "gelb": "gelb", "rot": "rot", None: "–"}
#: C5 keys of a project whose change the mail names, in the order it names them
CHANGED_NAMES = {
    "stand": "Text",
    "weiteres_vorgehen": "Weiteres Vorgehen",
    "meilenstein": "Meilenstein",
    "budget": "Budget",
    "fortschritt": "Fortschritt",
    "answered_by": "Absender",
    "previous": "Auszug der letzten Berichterstattung",
}


@dataclass(frozen=True)
class EarlierVersion:
    """A stored version of the same session's draft, as far as the change lines need it."""

    version: int
    sent: bool
    approved: bool
    contract: dict[str, Any]


@dataclass(frozen=True)
class VersionChanges:
    """What the mail and files of a version report: the changes since ``since`` (None: the first version)."""

    since: int | None
    lines: tuple[str, ...]


def content_key(contract: dict[str, Any]) -> dict[str, Any]:
    """The part of the C5 data that makes a new version: everything but version and draft date."""
    return {k: v for k, v in contract.items() if k not in ("version", "draft_date")}


def superseded_line(version: int) -> str:
    """The first change line of a version that follows an approved one."""
    return f"Version {version} war freigegeben und ist durch diese Version überholt."


def version_changes(earlier: Sequence[EarlierVersion], new: dict[str, Any]) -> VersionChanges:
    """Changes since the last version the recipients received by mail (else the one before this).

    Comparing with the last *sent* version matters when an admin compiled in between without sending: the
    Werkleitung never saw that version, so its changes must not drop out of the next mail. An approval is
    reported as superseded until a mail has said so, i.e. when no later version was sent after it.
    """
    ordered = sorted(earlier, key=lambda e: e.version)
    if not ordered:
        return VersionChanges(None, ())
    sent = [e for e in ordered if e.sent]
    base = sent[-1] if sent else ordered[-1]
    lines = describe_changes(base.contract, new)
    approved = [e for e in ordered if e.approved and e.version >= base.version]
    if approved:
        lines.insert(0, superseded_line(approved[-1].version))
    return VersionChanges(base.version, tuple(lines))


def describe_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """``eCollaboration: neue Rückmeldung`` … for the mail of version n+1."""
    if old is None:
        return []
    before = {p["key"]: p for p in old.get("projects", [])}
    lines = []
    for project in new["projects"]:
        earlier = before.get(project["key"])
        title = project["title"]
        if earlier is None:
            lines.append(f"{title}: neu in der Vorlage")
            continue
        if project["answered"] and not earlier["answered"]:
            lines.append(f"{title}: neue Rückmeldung")
            continue
        if earlier["answered"] and not project["answered"]:
            lines.append(f"{title}: Rückmeldung entfällt")
            continue
        if project["ampel"] != earlier["ampel"]:
            lines.append(f"{title}: Ampel {AMPEL_WORD[earlier['ampel']]} → {AMPEL_WORD[project['ampel']]}")
        changed = [name for key, name in CHANGED_NAMES.items() if project.get(key) != earlier.get(key)]
        if changed:
            lines.append(f"{title}: geändert ({', '.join(changed)})")
    for key, earlier in before.items():
        if key not in {p["key"] for p in new["projects"]}:
            lines.append(f"{earlier['title']}: nicht mehr in der Vorlage")
    return lines
