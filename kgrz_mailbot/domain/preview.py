"""Plain-text preview of one Vorlage section, as the confirmation and STATUS mails show it."""

from __future__ import annotations

from kgrz_mailbot.domain.drafting import DraftSection
from kgrz_mailbot.domain.textblocks import NO_ANSWER, PREVIOUS_HEADING, UNCHANGED_SENTENCE

RULE = "─" * 60


def section_preview(section: DraftSection) -> str:
    """The section between two rules: title, text, Weiteres Vorgehen, earlier report, list entry."""
    parts = [RULE, section.title, ""]
    if not section.answered:
        parts.append(NO_ANSWER.format(lead=section.lead_name or section.lead_address))
    else:
        if section.unchanged:
            parts += [UNCHANGED_SENTENCE, ""]
        parts.append(section.stand or "")
        if section.weiteres_vorgehen:
            parts += ["", "Weiteres Vorgehen:", section.weiteres_vorgehen]
    if section.previous:
        previous = section.previous.stand
        if section.previous.weiteres_vorgehen:
            previous += "\n\nWeiteres Vorgehen:\n" + section.previous.weiteres_vorgehen
        parts += ["", PREVIOUS_HEADING.format(label=section.previous.label), "",
                  "\n".join("    " + line if line else "" for line in previous.splitlines())]
    parts += ["", "In der Projektliste: " + projektliste_line(section), RULE]
    return "\n".join(parts)


def projektliste_line(section: DraftSection) -> str:
    values = [
        f"Ampel {section.ampel.label}" if section.ampel else "Ampel –",
        f"Fortschritt {section.fortschritt} %" if section.fortschritt is not None else "Fortschritt –",
        f"Meilenstein: {section.meilenstein}" if section.meilenstein else "Meilenstein –",
        f"Budget: {section.budget}" if section.budget else "Budget –",
    ]
    return " · ".join(values)
