"""The draft as the Outlook-safe HTML mail body (overview first) and its plain-text alternative."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import css_inline

from kgrz_mailbot.domain.drafting import Draft, DraftSection
from kgrz_mailbot.domain.model import Ampel
from kgrz_mailbot.domain.textblocks import (
    AMPEL_FARBE,
    NO_ANSWER,
    PREVIOUS_HEADING,
    UNCHANGED_SENTENCE,
    clean_text,
    parse_blocks,
    plain_text,
    visible,
)
from kgrz_mailbot.reports.render import Renderer

HTML_TEMPLATE = "draft.html.j2"
TEXT_TEMPLATE = "draft.txt.j2"

#: Outlook renders mail with Word's engine, which ignores most of a <style> block; css-inline copies every rule
#: into style="" attributes. Remote stylesheets are never fetched: a draft mail loads nothing from anywhere.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False)


@dataclass(frozen=True)
class AmpelChange:
    """A project whose Ampel differs from the one it had in the last session it was reported in."""

    title: str
    lead: str
    before: Ampel
    after: Ampel


def ampel_changes(draft: Draft) -> list[AmpelChange]:
    """Projects whose current Ampel differs from the last reported one, in the Vorlage's order."""
    return [
        AmpelChange(s.title, s.lead_name, s.previous_ampel, s.ampel)
        for s in draft.sections
        if s.ampel is not None and s.previous_ampel is not None and s.ampel != s.previous_ampel
    ]


def _clean_section(section: DraftSection) -> DraftSection:
    # ``type(...) is str``: Ampel is a StrEnum and must stay one
    strings = {f.name: visible(clean_text(v)) for f in dataclasses.fields(section)
               if type(v := getattr(section, f.name)) is str}  # fmt: skip
    return dataclasses.replace(section, **strings)


def clean_draft(draft: Draft) -> Draft:
    """The draft with every reply string free of control characters; escaping is the templates' job."""
    return dataclasses.replace(
        draft,
        committee_name=visible(clean_text(draft.committee_name)),
        sections=tuple(_clean_section(s) for s in draft.sections),
    )


def draft_context(draft: Draft, changes: Sequence[str] = (), since: int | None = None) -> dict[str, Any]:
    """What both templates see: the draft, the overview facts, the shared sentences and the block parser.

    ``changes`` are the lines "what changed since version ``since``" (default: the version before this one).
    """
    draft = clean_draft(draft)
    return {
        "draft": draft,
        "sections": draft.sections,
        "missing": [s for s in draft.sections if not s.answered],
        "ampel_changes": ampel_changes(draft),
        "changes": [visible(clean_text(line)) for line in changes],
        "changes_since": since if since is not None else draft.version - 1,
        "version_label": "Entwurf" if draft.version <= 1 else f"Entwurf, Version {draft.version}",
        "blocks": parse_blocks,
        "plain": lambda text, indent="": plain_text(parse_blocks(text), indent),
        "ampel_farbe": AMPEL_FARBE,
        "no_answer": NO_ANSWER,
        "previous_heading": PREVIOUS_HEADING,
        "unchanged_sentence": UNCHANGED_SENTENCE,
    }


def render_html(draft: Draft, renderer: Renderer, changes: Sequence[str] = (), since: int | None = None) -> str:
    """The HTML body of the draft mail with all CSS inlined; reply text is escaped by the template."""
    return _INLINER.inline(renderer.render(HTML_TEMPLATE, **draft_context(draft, changes, since)))


def render_text(draft: Draft, renderer: Renderer, changes: Sequence[str] = (), since: int | None = None) -> str:
    """The plain-text alternative of the draft mail, same order as the HTML."""
    return renderer.render(TEXT_TEMPLATE, **draft_context(draft, changes, since))
