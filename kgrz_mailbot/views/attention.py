"""What ``status`` shows beyond the projects' answers: answers held by the rate limit (text and JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kgrz_mailbot.storage import mailrows

if TYPE_CHECKING:
    from kgrz_mailbot.app import App


def held_answers(app: App) -> list[dict[str, Any]]:
    """Answers over ``[mail] answers_per_hour``: stored, never sent (inbox/limits.py)."""
    with app.store.read() as db:
        rows = mailrows.held_answers(db)
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
