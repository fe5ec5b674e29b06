"""Render the bot's mails from named templates into outbox entries (no sending here)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kgrz_mailbot.domain.model import ActionKind, MailFacts, Person, Project, Session
from kgrz_mailbot.domain.timeline import weekday_name
from kgrz_mailbot.mail.compose import Attachment, Envelope, compose
from kgrz_mailbot.mail.ids import new_message_id, thread_reference
from kgrz_mailbot.storage.mailrows import Outgoing
from kgrz_mailbot.storage.requests import RequestRef

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

_COMMENT = re.compile(r"\([^()]*\)")


def committee_short(name: str) -> str:
    """``Werkausschuss`` of ``Werkausschuss "Kommunales …"``: for subjects, which must stay short."""
    return name.split('"')[0].strip() or name


def local_text(app: App, instant: datetime, with_time: bool = True) -> str:
    local = instant.astimezone(app.zone)
    text = f"{weekday_name(local.date())}, {local:%d.%m.%Y}"
    return f"{text}, {local:%H:%M} Uhr" if with_time else text


def due_text(app: App, session: Session, kind: ActionKind, with_time: bool = True) -> str:
    action = next(a for a in app.plan(session) if a.kind is kind)
    return local_text(app, action.due, with_time)


def base_context(app: App, session: Session | None = None) -> dict[str, Any]:
    org = app.config.organisation
    context: dict[str, Any] = {"org_short": org.short or org.name, "org_name": org.name}
    if session is not None:
        context |= {
            "committee_name": app.config.committee(session.committee).name,
            "session_date": session.date,
            "deadline_text": due_text(app, session, ActionKind.DEADLINE),
            "draft_text": due_text(app, session, ActionKind.DRAFT, with_time=False),
        }
    return context


def greeting(name: str) -> str:
    """The name to greet; raw 8-bit header bytes (surrogate escapes) are read as UTF-8, never passed on."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace").strip()
    return name or "Projektleitung"


def configured_person(app: App, address: str | None) -> Person | None:
    """The lead or deputy of any configured project with this address (the first one configured)."""
    wanted = (address or "").strip().lower()
    people = (person for project in app.config.projects for person in (project.lead, *project.deputies))
    return next((person for person in people if wanted and person.address == wanted), None)


def greeting_for(app: App, address: str | None, display_name: str = "") -> str:
    """Greet a lead or deputy by the configured name; others by their display name, read as a person would
    say it (``Weber, Elke (Amt 10)`` is ``Elke Weber``)."""
    person = configured_person(app, address)
    return greeting(person.name if person and person.name else spoken_name(display_name))


def spoken_name(display_name: str) -> str:
    """``Nachname, Vorname (Amt 10)`` -> ``Vorname Nachname``; an address is no name."""
    name = _COMMENT.sub(" ", display_name).strip(" \t\"'")
    if "@" in name:
        return ""
    last, comma, first = name.partition(",")
    if comma and last.strip() and first.strip() and "," not in first:
        name = f"{first.strip()} {last.strip()}"
    return " ".join(name.split())


def build(
    app: App,
    *,
    business_key: str,
    kind: str,
    to: Sequence[tuple[str, str]],
    subject: str,
    text: str,
    html: str | None = None,
    cc: Sequence[tuple[str, str]] = (),
    ref: RequestRef | None = None,
    session_id: int | None = None,
    reply_to: MailFacts | None = None,
    inbound_id: int | None = None,
    previous_ids: Sequence[str] = (),
    expects_answer: bool = False,
    attachments: Sequence[Attachment] = (),
) -> Outgoing:
    """One outbox entry with a fresh Message-ID, threaded to the request and to the mail answered."""
    address = app.config.mail.address
    message_id = new_message_id(business_key.replace("/", "-"), address)
    references = list(previous_ids)
    in_reply_to = previous_ids[-1] if previous_ids else None
    if reply_to is not None and reply_to.message_id:
        references = [*reply_to.references, reply_to.message_id]
        in_reply_to = reply_to.message_id
    if ref is not None:
        references.append(thread_reference(ref.token, address))
    envelope = Envelope(
        sender_name=f"{app.config.organisation.short or app.config.organisation.name} Projektstatus",
        sender=address, to=to, cc=cc, subject=subject, message_id=message_id, date=app.clock.now().astimezone(app.zone),
        in_reply_to=in_reply_to, references=references[-10:], expects_answer=expects_answer,
        instance=app.config.instance, attachments=attachments,
    )
    return Outgoing(
        business_key=business_key, message_id=message_id, kind=kind, recipients=envelope.recipients,
        subject=subject, raw=compose(envelope, text, html), session_id=session_id,
        status_request_id=ref.id if ref else None, inbound_mail_id=inbound_id,
    )


def request_subject(prefix: str, project: Project, session: Session, app: App, token: str) -> str:
    committee = committee_short(app.config.committee(session.committee).name)
    return f"{prefix} {project.title} – {committee} {session.date:%d.%m.%Y} [{token}]"


def reply_subject(facts: MailFacts) -> str:
    subject = facts.subject.strip() or "Ihre Nachricht"
    return subject if subject.upper().startswith(("AW:", "RE:")) else f"AW: {subject}"
