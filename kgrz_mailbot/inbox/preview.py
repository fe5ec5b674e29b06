"""The project's section as the Vorlage will print it, for confirmations and the STATUS answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgrz_mailbot.domain.drafting import Answer, build_section, previous_text
from kgrz_mailbot.domain.preview import section_preview
from kgrz_mailbot.storage import requests
from kgrz_mailbot.storage.requests import RequestRef

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def preview_for(app: App, db: DbSession, ref: RequestRef, answer: Answer | None) -> str:
    """The project's section exactly as the Vorlage will print it, with the previous session's text."""
    project = app.config.project(ref.project_key)
    assert project is not None  # the request was made for a configured project
    earlier = requests.previous_answers(db, ref.committee, ref.session_date).get(ref.project_key)
    prev = previous_text(earlier[1], earlier[0]) if earlier else None
    return section_preview(build_section(project, answer, prev))
