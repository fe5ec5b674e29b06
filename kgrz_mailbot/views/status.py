"""A session's status as ``status`` prints it: text for admins and the C2 JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kgrz_mailbot.alerts.kinds import KINDS
from kgrz_mailbot.storage.readmodel import DraftVersion, NotTaken, ProblemEntry
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
    not_taken: tuple[NotTaken, ...] = ()  # answers refused from their sender (inbox/unheard.py)


def quarantine_count(app: App) -> int:
    return app.reader.quarantined()


def unverifiable_sends(app: App) -> list[str]:
    """Outbox rows whose send could not be verified after a crash: an admin decides, the bot never resends."""
    return [f"{r.subject} → {r.recipients} ({r.message_id})" for r in app.reader.outbox("unknown")]


def session_status(app: App, session: Session) -> tuple[list[ProjectStatus], list[DraftVersion]]:
    """Per active project what was sent and answered, and the session's draft versions (read only)."""
    reader = app.reader
    sid = attention.session_id(app, session)  # 0: not mirrored yet, nothing happened
    states = reader.requests(sid)
    sent = [s.requested_at for s in states.values() if s.requested_at]
    notices = reader.absences(min(sent)) if sent else []
    refused = reader.not_taken(sid)
    result = []
    for project in app.config.active_projects:
        state = states.get(project.key)
        people = [project.lead.address, *(d.address for d in project.deputies)]
        since = state.requested_at if state else None
        # per person the date the latest notice was written (issue 12), of those that came after the request
        absent = {a: written for a, written, arrived in notices if a in people and since and arrived >= since}
        result.append(ProjectStatus(
            key=project.key, title=project.title, lead=project.lead.formatted(),
            requested=bool(state and state.requested), reminders=state.reminders if state else 0,
            answered=bool(state and state.answered_at), answered_by=state.answered_by if state else None,
            answered_at=state.answered_at if state else None, token=state.token if state else None,
            last_problem=state.last_problem if state else None,
            absences=tuple(f"{address} ({at.astimezone(app.zone):%d.%m.%Y})" for address, at in absent.items()),
            not_taken=tuple(n for n in refused if state and n.status_request_id == state.id),
        ))
    return result, reader.drafts(sid)


def status_json(app: App, session: Session, rows: list[ProjectStatus], versions: list[DraftVersion]) -> dict:
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
            {"key": p.key, "kind": p.kind, "title": KINDS[p.kind].title, "detail": p.detail,
             "since": p.opened_at.astimezone(app.zone).isoformat(),
             "last_seen": p.last_seen_at.astimezone(app.zone).isoformat(),
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


def status_text(app: App, session: Session, rows: list[ProjectStatus], versions: list[DraftVersion]) -> str:
    name = app.config.committee(session.committee).name
    answered = sum(r.answered for r in rows)
    lines = [f"{name} – Sitzung am {session.date:%d.%m.%Y}: {answered} von {len(rows)} Projekten beantwortet", ""]
    if (cancelled := attention.cancelled_note(app, session)) is not None:
        lines.insert(1, f"  Die Sitzung ist abgesagt ({cancelled}); Antworten werden nicht mehr übernommen.")
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


def open_problems(app: App) -> list[ProblemEntry]:
    """The open problems past their threshold (``alerts/api.open_problems``, read without the store)."""
    return [p for p in app.reader.open_problems() if p.kind in KINDS and p.occurrences >= KINDS[p.kind].threshold]


def problems_text(app: App) -> list[str]:
    """The open problems that need a person, for the text view: what, since when, whether the admins were told."""
    found = open_problems(app)
    lines = [f"\n  Offene Probleme ({len(found)}):"] if found else []
    for p in found:
        told = (f"Administratoren benachrichtigt am {p.notified_at.astimezone(app.zone):%d.%m.%Y %H:%M}"
                if p.notified_at else "noch niemand benachrichtigt")
        lines.append(f"  - {KINDS[p.kind].title} – seit {p.opened_at.astimezone(app.zone):%d.%m.%Y %H:%M} ({told})")
        lines += [f"      {line}" for line in p.detail.splitlines()]
    return lines
