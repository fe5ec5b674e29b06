"""Answers that cannot be taken still reach a person: the configured address is told why, never the mail's.

A mail matched to a request but not accepted from its sender would otherwise be stored in silence while the
lead believes the report was delivered. Who is told is always an address from the configuration:
- the sender's own configured address, when the mail names a configured lead or deputy but the server did not
  vouch for it, its From is ambiguous, or that person is not allowed for the project the mail belongs to;
- the project's lead, when the sender is not configured at all (a second mailbox, a colleague answering a
  forwarded request, or a forger).
Never Reply-To or any other address from the mail, so a forger gains nothing: the real lead learns that someone
wrote in their name. At most one such notice per recipient and request per hour, like explanations, and all of
them within the one limit on answers (``inbox/limits.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import Person, Session, Understanding
from kgrz_mailbot.inbox.identity import acting_sender
from kgrz_mailbot.inbox.limits import queue_answer
from kgrz_mailbot.outbox import letters
from kgrz_mailbot.storage import mailrows
from kgrz_mailbot.storage.requests import RequestRef
from kgrz_mailbot.trust.sender import strict_from

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

NOTICE_PAUSE = timedelta(hours=1)  # the same pause as between two explanations (decide.EXPLANATION_PAUSE)

# What the recipient of the notice can do, by reason.
_ADVICE = {
    "other-project": (
        "Wenn Sie zu einem anderen Ihrer Projekte antworten wollten: Bitte antworten Sie auf die Statusabfrage "
        "dieses Projekts; das Kennzeichen in eckigen Klammern im Betreff gehört zu genau einem Projekt. Sollen "
        "Sie dieses Projekt vertreten, bitten Sie die Administration des Projektstatus-Postfachs, Sie als "
        "Vertretung einzutragen."),
    "ambiguous-from": (
        "Wenn Sie die Mail geschrieben haben: Bitte antworten Sie direkt aus Ihrem Dienstpostfach (nicht über eine "
        "Weiterleitung, ein Skript oder ein anderes Programm). Wenn nicht, hat jemand in Ihrem Namen geschrieben; "
        "bitte informieren Sie Ihre IT-Sicherheit."),
    "not-verified": (
        "Wenn Sie die Mail geschrieben haben: Bitte antworten Sie direkt aus Ihrem Dienstpostfach im Netz der "
        "Verwaltung (nicht von außerhalb, nicht über eine Weiterleitung). Wenn nicht, hat jemand in Ihrem Namen "
        "geschrieben; bitte informieren Sie Ihre IT-Sicherheit."),
}


@dataclass(frozen=True)
class Refusal:
    """Why a matched mail is not taken, and which configured person is told."""

    code: str  # other-project | ambiguous-from | not-verified | unknown-sender
    reason: str  # German; stored as the mail's error, listed in `status` and the deadline mail
    notify: Person


def refusal(app: App, ref: RequestRef, sender: str | None, row: mailrows.StoredMail) -> Refusal | None:
    """None when the sender may change the project's report (RELIABILITY.md §5.1-5.2), else why not."""
    project = app.config.project(ref.project_key)
    if project is None:
        return None  # a request of a project no longer configured: nobody to tell (stored, never answered)
    person = letters.configured_person(app, sender)
    if not sender:
        return Refusal("unknown-sender", "Die Mail nennt keinen Absender (From).", project.lead)
    if person is None:
        return Refusal("unknown-sender", f"{sender} ist für „{project.title}“ weder als Projektleitung noch als "
                       "Vertretung eingetragen.", project.lead)
    if not project.may_update(person.address):
        return Refusal("other-project", f"{person.address} ist für „{project.title}“ nicht als Projektleitung "
                       "oder Vertretung eingetragen.", person)
    if acting_sender(row) == person.address:
        return None
    if strict_from(row.raw) != person.address:
        return Refusal("ambiguous-from", f"Das Absenderfeld (From) der Mail von {person.address} nennt nicht "
                       "eindeutig eine Adresse.", person)
    return Refusal("not-verified", f"Der Mailserver hat nicht bestätigt, dass die Mail von {person.address} "
                   "aus diesem Postfach kam.", person)


def tell(app: App, db: DbSession, row: mailrows.StoredMail, u: Understanding, ref: RequestRef,
         why: Refusal) -> None:
    """Queue the notice to the configured person, unless one went to them for this request within the hour."""
    now = app.clock.now()
    if mailrows.count_kind(db, kind="unheard", status_request_id=ref.id, recipient=why.notify.address,
                           since=now - NOTICE_PAUSE):
        return
    project = app.config.project(ref.project_key)
    assert project is not None  # refusal() found it
    session = Session(committee=ref.committee, date=ref.session_date)
    context = letters.base_context(app, session) | {
        "greeting_name": letters.greeting(why.notify.name), "project_title": project.title,
        "received": letters.local_text(app, u.facts.date or row.received_at), "reason": why.reason,
        "advice": _ADVICE.get(why.code, ""), "sender": u.facts.from_address or "", "token_tag": f"[{ref.token}]",
    }
    template = "unheard_stranger.txt.j2" if why.code == "unknown-sender" else "unheard_sender.txt.j2"
    mail = letters.build(
        app, business_key=f"inbound/{row.id}/unheard", kind="unheard", to=[(why.notify.name, why.notify.address)],
        subject=letters.request_subject("Nicht übernommen: Statusmeldung", project, session, app, ref.token),
        text=app.renderer.render(template, **context), ref=ref, session_id=ref.session_id, inbound_id=row.id,
        expects_answer=True,
    )
    queue_answer(app, db, mail)

