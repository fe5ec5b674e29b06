"""A session's status as ``status`` prints it: text for admins and the C2 JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kgrz_mailbot.alerts.api import open_problems
from kgrz_mailbot.storage import drafts, mailrows, requests
from kgrz_mailbot.storage.store import session_id
from kgrz_mailbot.views import attention

if TYPE_CHECKING:
    from kgrz_mailbot.app import App
    from kgrz_mailbot.domain.model import Session

@dataclass(frozen=True)
class ProjectStatus:
    key: str
    title: str
    lead: str
    requested: bool
    reminders: int
    answered: bool
    answered_by: str | None
    answered_at: datetime | None
    token: str | None
    last_problem: str | None
    absences: tuple[str, ...] = ()  # out-of-office notices from the lead or deputies since the request
    not_taken: tuple[mailrows.NotTaken, ...] = ()  # answers refused from their sender (inbox/unheard.py)


def quarantine_count(app: App) -> int:
    with app.store.read() as db:
        return len(mailrows.quarantined(db))


def unverifiable_sends(app: App) -> list[str]:
    """Outbox rows whose send could not be verified after a crash: an admin decides, the bot never resends."""
    with app.store.read() as db:
        return [f"{r.subject} → {r.recipients} ({r.message_id})" for r in mailrows.outbox_rows(db, "unknown")]


def session_status(app: App, session: Session) -> tuple[list[ProjectStatus], list[drafts.DraftRecord]]:
    with app.store.read() as db:
        sid = session_id(db, session)
        refs = {r.project_key: r for r in requests.requests_of_session(db, sid)}
        answers = requests.answers_of_session(db, sid)
        refused = mailrows.not_taken(db, [r.id for r in refs.values()])
        result = []
        for project in app.config.active_projects:
            ref = refs.get(project.key)
            answer = answers.get(project.key)
            problems = mailrows.last_rejection_problems(db, ref.id) if ref and not answer else []
            since = mailrows.sent_at_of_request(db, ref.id) if ref else None
            people = [project.lead.address, *(d.address for d in project.deputies)]
            absent = mailrows.absences(db, people, since) if since else {}
            result.append(ProjectStatus(
                key=project.key, title=project.title, lead=project.lead.formatted(),
                requested=bool(ref and mailrows.request_was_sent(db, ref.id)),
                reminders=mailrows.reminders_sent(db, ref.id) if ref else 0, answered=answer is not None,
                answered_by=answer.sender if answer else None, answered_at=answer.answered_at if answer else None,
                token=ref.token if ref else None, last_problem=problems[0] if problems else None,
                absences=tuple(f"{address} ({at.astimezone(app.zone):%d.%m.%Y})" for address, at in absent.items()),
                not_taken=tuple(n for n in refused if ref and n.status_request_id == ref.id),
            ))
        return result, drafts.drafts_of_session(db, sid)


def status_json(app: App, session: Session, rows: list[ProjectStatus], versions: list[drafts.DraftRecord]) -> dict:
    return {
        "session": session.date.isoformat(),
        "committee": session.committee,
        "projects": [
            {"key": r.key, "requested": r.requested, "reminders": r.reminders, "answered": r.answered,
             "answered_by": r.answered_by, "answered_at": r.answered_at.isoformat() if r.answered_at else None,
             "token": r.token, "absences": list(r.absences),
             "not_taken": [{"from": n.sender, "date": n.written.astimezone(app.zone).isoformat(), "reason": n.reason}
                           for n in r.not_taken]}
            for r in rows
        ],
        "quarantine": quarantine_count(app),
        "problems": [
            {"key": p.key, "kind": p.kind.name, "title": p.kind.title, "detail": p.detail,
             "since": p.since.astimezone(app.zone).isoformat(),
             "last_seen": p.last_seen.astimezone(app.zone).isoformat(),
             "occurrences": p.occurrences, "transport": p.transport,
             "notified": p.notified_at.astimezone(app.zone).isoformat() if p.notified_at else None}
            for p in open_problems(app)
        ],
        "unverified_sends": unverifiable_sends(app),
        "held_answers": attention.held_answers(app),
        "late_mails": attention.late_mails(app, session),
        "drafts": [
            {"version": d.version, "sent": d.sent_at is not None, "approved": d.approved_at is not None,
             "approved_by": d.approved_by, "docx": d.paths[2]}
            for d in versions
        ],
    }


def status_text(app: App, session: Session, rows: list[ProjectStatus], versions: list[drafts.DraftRecord]) -> str:
    name = app.config.committee(session.committee).name
    answered = sum(r.answered for r in rows)
    lines = [f"{name} – Sitzung am {session.date:%d.%m.%Y}: {answered} von {len(rows)} Projekten beantwortet", ""]
    for r in rows:
        if r.answered and r.answered_at:
            state = f"beantwortet von {r.answered_by} am {r.answered_at.astimezone(app.zone):%d.%m.%Y %H:%M}"
        elif r.requested:
            state = "angefragt, noch keine gültige Antwort" + (f" ({r.last_problem})" if r.last_problem else "")
        else:
            state = "noch nicht angefragt"
        lines.append(f"  {r.title}")
        lines.append(f"      {state}; Erinnerungen: {r.reminders}; Leitung: {r.lead}")
        if r.absences:
            lines.append(f"      Abwesenheitsnotiz: {', '.join(r.absences)}")
        for n in r.not_taken:
            lines.append(f"      Nicht übernommen: Mail von {n.sender or '(ohne Absender)'} vom "
                         f"{n.written.astimezone(app.zone):%d.%m.%Y %H:%M} – {n.reason}")
    for line in unverifiable_sends(app):
        lines.append(f"\n  Versand nicht nachprüfbar (im Postfach „Gesendet“ prüfen, ggf. von Hand senden): {line}")
    lines += attention.late_text(app, attention.late_mails(app, session))
    lines += attention.held_text(app, attention.held_answers(app))
    held = quarantine_count(app)
    if held:
        lines.append(f"\n  {held} Mail(s) in Quarantäne – „kgrz-mailbot quarantine“ zeigt sie mit Grund.")
    lines += problems_text(app)
    for d in versions:
        approval = f", freigegeben von {d.approved_by}" if d.approved_at else ""
        sent = "versandt" if d.sent_at else "nicht versandt"
        lines.append(f"\n  Entwurf Version {d.version}: {sent}{approval}\n      {d.paths[2]}")
    return "\n".join(lines) + "\n"


def problems_text(app: App) -> list[str]:
    """The open problems that need a person, for the text view: what, since when, whether the admins were told."""
    found = open_problems(app)
    lines = [f"\n  Offene Probleme ({len(found)}):"] if found else []
    for p in found:
        told = (f"Administratoren benachrichtigt am {p.notified_at.astimezone(app.zone):%d.%m.%Y %H:%M}"
                if p.notified_at else "noch niemand benachrichtigt")
        lines.append(f"  - {p.kind.title} – seit {p.since.astimezone(app.zone):%d.%m.%Y %H:%M} ({told})")
        lines += [f"      {line}" for line in p.detail.splitlines()]
    return lines
