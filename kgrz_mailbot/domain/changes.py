"""What changed between two versions of a draft, per project, in German lines (pure)."""

from __future__ import annotations

from typing import Any

AMPEL_WORD = {"gruen": "grün", "gelb": "gelb", "rot": "rot", None: "–"}
TEXT_KEYS = ("stand", "weiteres_vorgehen", "meilenstein", "budget", "fortschritt")


def content_key(contract: dict[str, Any]) -> dict[str, Any]:
    """The part of the C5 data that makes a new version: everything but version and draft date."""
    return {k: v for k, v in contract.items() if k not in ("version", "draft_date")}


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
        changed = [k for k in TEXT_KEYS if project[k] != earlier[k]]
        if changed:
            names = {"stand": "Text", "weiteres_vorgehen": "Weiteres Vorgehen", "meilenstein": "Meilenstein",
                     "budget": "Budget", "fortschritt": "Fortschritt"}
            lines.append(f"{title}: geändert ({', '.join(names[k] for k in changed)})")
    for key, earlier in before.items():
        if key not in {p["key"] for p in new["projects"]}:
            lines.append(f"{earlier['title']}: nicht mehr in der Vorlage")
    return lines
