"""A reply to a closed session's request: stored, not taken, and the sender is told in a short German mail.

Decision (issue 13, item 4): the text is not taken for a later session either, even if that session's request
is open, because it answers the earlier question. The notice then names the open request, carries its token
and thread, and shows the form as understood: the lead who wants the text to count for the open session replies
to the notice with the form, and that reply is matched to the open request like any other answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import ActionKind, Session, Understanding
from kgrz_mailbot.inbox.closed import closed_reason
from kgrz_mailbot.inbox.limits import queue_answer
from kgrz_mailbot.inbox.matching import open_requests
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.replies.form import render_form
from kgrz_mailbot.storage import mailrows
from kgrz_mailbot.storage.requests import RequestRef

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App


def answer_late(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding, ref: RequestRef,
                sender: str, reason: str) -> None:
    project = app.config.project(ref.project_key)
    assert project is not None  # unheard.refusal checked it
    session = Session(committee=ref.committee, date=ref.session_date)
    later = next((r for r in open_requests(app, db, sender) if r.project_key == ref.project_key
                  and r.session_date > ref.session_date and closed_reason(app, db, r) is None), None)
    context = letters.base_context(app, session) | {
        "greeting_name": letters.greeting_for(app, sender, u.facts.from_name), "project_title": project.title,
        "reason": reason, "later": None, "form": render_form(u.fields),
    }
    if later is not None:
        later_session = Session(committee=later.committee, date=later.session_date)
        context["later"] = {"session_date": later.session_date, "token_tag": f"[{later.token}]",
                            "deadline": letters.due_text(app, later_session, ActionKind.DEADLINE)}
    thread = later or ref
    subject = letters.request_subject("Nicht übernommen: Statusmeldung", project,
                                      Session(committee=thread.committee, date=thread.session_date), app, thread.token)
    mail = letters.build(
        app, business_key=f"inbound/{row.id}/late", kind="late", to=[("", sender)], subject=subject,
        text=app.renderer.render("late.txt.j2", **context), ref=later, session_id=ref.session_id,
        reply_to=u.facts, inbound_id=row.id, expects_answer=later is not None,
    )
    queue_answer(app, db, mail)
