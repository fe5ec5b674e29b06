"""Problems read off the database at every tick: mails in quarantine, sends not verifiable, overdue requests."""

from __future__ import annotations

from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import default
from typing import TYPE_CHECKING

from kgrz_mailbot.alerts.api import problem_key, report_problem, resolve_problem
from kgrz_mailbot.domain.model import ActionKind
from kgrz_mailbot.jobs.tick import session_over
from kgrz_mailbot.outbox.letters import local_text
from kgrz_mailbot.storage import problems, requests
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App
    from kgrz_mailbot.domain.model import Session

DERIVED = ("quarantine", "unverified-send", "overdue")
SHOWN = 5  # mails named in a detail text; the rest is counted


def detect(app: App) -> None:
    """Open what is true now, resolve what no longer is."""
    found: dict[str, tuple[str, str, str, str]] = {}  # key -> kind, subject, detail, mark
    with app.store.read() as db:
        count, held = problems.quarantine_summary(db, SHOWN)
        unknown = problems.unverified_sends(db)
        overdue = [(s, _overdue(app, db, s)) for s in app.config.sessions if not session_over(app, s)]
        still_open = [(r.kind, r.key) for r in problems.open_problems(db) if r.kind in DERIVED]
    if held:
        lines = [f"#{r.id} vom {r.received_at.astimezone(app.zone):%d.%m.%Y %H:%M} {_who_and_what(r)} – Grund: "
                 f"{(r.error or '').splitlines()[0] if r.error else 'unbekannt'}" for r in held]
        found["quarantine"] = ("quarantine", "", _listed(f"{count} Mail(s) in Quarantäne", lines, count),
                               str(held[-1].id))
    if unknown:
        lines = [f"„{subject}“ an {to} ({message_id})" for _, subject, to, message_id in unknown[-SHOWN:]]
        detail = _listed(f"{len(unknown)} Mail(s) mit ungeklärtem Versand", lines, len(unknown))
        found["unverified-send"] = ("unverified-send", "", detail, str(unknown[-1][0]))
    for session, detail in ((s, d) for s, d in overdue if d):
        subject = f"{session.committee}/{session.date.isoformat()}"
        found[problem_key("overdue", subject)] = ("overdue", subject, detail, "")
    for kind, subject, detail, mark in found.values():
        report_problem(app, kind, detail, subject=subject, mark=mark)
    for kind, key in still_open:
        if key not in found:
            resolve_problem(app, kind, subject=key.partition(":")[2])


def _who_and_what(row: problems.HeldMail) -> str:
    """Sender and subject; a mail quarantined before it was understood has them only in its header block."""
    sender, subject = row.from_address, row.subject
    if not sender or not subject:
        head = BytesHeaderParser(policy=default).parsebytes(bytes(row.head)) if row.head else {}
        sender = sender or str(head.get("From", "") or "?")
        subject = subject or str(head.get("Subject", ""))
    return f"von {sender} „{subject}“"


def _listed(head: str, lines: list[str], total: int) -> str:
    more = [f"… und {total - len(lines)} weitere"] if total > len(lines) else []
    return "\n".join([f"{head}:", *(f"- {line}" for line in lines), *more])


def _overdue(app: App, db: DbSession, session: Session) -> str | None:
    """Requests due a while ago (several ticks) that are not created or not sent; None when all is well."""
    now = app.clock.now()
    action = next(a for a in app.plan(session) if a.kind is ActionKind.REQUEST)
    grace = max(timedelta(hours=1), timedelta(minutes=3 * app.config.timeline.poll_minutes))
    if now < action.due + grace:
        return None
    sid = session_id(db, session)
    when = f"Sitzung am {session.date:%d.%m.%Y} ({app.config.committee(session.committee).name})"
    if "request" not in requests.done_actions(db, sid):
        return f"{when}: die Statusabfragen sind seit {local_text(app, action.due)} fällig und noch nicht erstellt."
    unsent = problems.unsent_of_session(db, sid, "request")
    if unsent:
        return f"{when}: {unsent} Statusabfrage(n) seit {local_text(app, action.due)} fällig und noch nicht versandt."
    return None
