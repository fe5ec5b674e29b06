"""What ``status`` shows beyond the projects' answers: late mails of the session and answers held by the rate
limit (text and JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kgrz_mailbot.app import App
    from kgrz_mailbot.domain.model import Session


def late_mails(app: App, session: Session) -> list[dict[str, Any]]:
    """Replies to this session's requests that came after its record was closed (inbox/late.py): not taken."""
    sid = app.reader.sessions().get((session.committee, session.date), 0)
    return [{"project": m.project_key, "from": m.sender, "received_at": m.received_at.isoformat(),
             "inbound_id": m.inbound_id} for m in app.reader.late_mails(sid)]


def late_text(app: App, late: list[dict[str, Any]]) -> list[str]:
    if not late:
        return []
    lines = [f"\n  {len(late)} verspätete Antwort(en), nicht übernommen (Sitzung vorbei oder Entwurf freigegeben):"]
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
