"""What ``status`` shows beyond the projects' answers: late mails of the session, answers held by the rate
limit (text and JSON), and a session its council cancelled (gone from schedule.toml, its record kept)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.errors import UnknownSessionError

if TYPE_CHECKING:
    from kgrz_mailbot.app import App


def status_session(app: App, day: date, committee: str | None) -> Session:
    """The configured session of that day, or one its council cancelled: the answers that came after the
    cancellation are listed in its status (``inbox/late.py``)."""
    try:
        return app.session(day, committee)
    except UnknownSessionError:
        found = [key for key in app.reader.cancelled_sessions() if key[1] == day and committee in (None, key[0])]
        if len(found) != 1:
            raise
        return Session(committee=found[0][0], date=day)


def session_id(app: App, session: Session) -> int:
    """The session's id in the database; 0 when it was not mirrored yet (nothing happened for it)."""
    key = (session.committee, session.date)
    return app.reader.sessions().get(key) or app.reader.cancelled_sessions().get(key, (0, ""))[0]


def cancelled_note(app: App, session: Session) -> str | None:
    """What the sync noted when the council cancelled the session, or None while it is on."""
    found = app.reader.cancelled_sessions().get((session.committee, session.date))
    return found[1] if found else None


def late_mails(app: App, session: Session) -> list[dict[str, Any]]:
    """Replies to this session's requests that came after its record was closed (inbox/late.py): not taken."""
    sid = session_id(app, session)
    return [{"project": m.project_key, "from": m.sender, "received_at": m.received_at.isoformat(),
             "inbound_id": m.inbound_id} for m in app.reader.late_mails(sid)]


def late_text(app: App, late: list[dict[str, Any]]) -> list[str]:
    if not late:
        return []
    lines = [f"\n  {len(late)} verspätete Antwort(en), nicht übernommen (Sitzung vorbei, "
             "Entwurf freigegeben oder Sitzung abgesagt):"]
    for item in late:
        project = app.config.project(item["project"])
        at = datetime.fromisoformat(item["received_at"]).astimezone(app.zone)
        lines.append(f"      {project.title if project else item['project']}: von {item['from']} am "
                     f"{at:%d.%m.%Y %H:%M} (Mail #{item['inbound_id']})")
    return lines


def held_answers(app: App) -> list[dict[str, Any]]:
    """Answers over ``[mail] answers_per_hour``: stored, never sent (inbox/limits.py)."""
    rows = app.reader.outbox("held")
    return [{"to": r.recipients, "kind": r.kind, "subject": r.subject, "created_at": r.created_at.isoformat(),
             "message_id": r.message_id, "inbound_id": r.inbound_mail_id} for r in rows]


def held_text(app: App, held: list[dict[str, Any]]) -> list[str]:
    if not held:
        return []
    per_address: dict[str, int] = {}
    for item in held:
        per_address[item["to"]] = per_address.get(item["to"], 0) + 1
    counts = ", ".join(f"{address}: {n}" for address, n in sorted(per_address.items()))
    return [f"\n  {len(held)} Antwort(en) zurückgehalten, weil ein Absender mehr als "
            f"{app.config.mail.answers_per_hour} Antworten pro Stunde bekommen hätte ({counts}); "
            "gespeichert, nicht versandt."]
