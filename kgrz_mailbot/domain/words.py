"""German words for the codes the database and the JSON contracts keep in English (``accepted``, ``deputy`` …).

Codes stay English where they are data (DESIGN.md's JSON, the database, logs for developers); whatever a person
reads in German — the admin's terminal, the service journal, an Art. 15 export — shows these words instead. An
unknown code is shown as it is rather than hidden.
"""

from __future__ import annotations

OUTCOMES = {
    "accepted": "angenommen",
    "rejected": "nicht übernommen (Erklärung gesandt)",
    "unauthorised": "Absender nicht berechtigt",
    "unmatched": "keiner Abfrage zuzuordnen",
    "late": "verspätet, nicht übernommen",
    "absence": "Abwesenheitsnotiz",
    "bounce": "Unzustellbarkeitsmeldung",
    "ignored": "ohne Antwort abgelegt",
    "command": "Befehl beantwortet",
    "approved": "Freigabe",
    "quarantine": "in Quarantäne",
    "retry": "wird erneut versucht",
    "duplicate": "doppelt erhalten",
}
ROLES = {"lead": "Projektleitung", "deputy": "Vertretung"}
STATES = {  # of received and of outgoing mails
    "stored": "gespeichert", "processed": "verarbeitet", "quarantine": "in Quarantäne", "duplicate": "doppelt",
    "failed": "fehlgeschlagen", "pending": "wartet auf Versand", "sending": "wird versandt", "sent": "versandt",
    "unknown": "Versand nicht nachprüfbar", "held": "zurückgehalten (Antwortgrenze)", "blanked": "Text gelöscht",
}
CLASSIFICATIONS = {
    "reply": "Antwort", "auto-reply": "automatische Antwort (Abwesenheitsnotiz)", "bounce": "Unzustellbarkeitsmeldung",
    "command": "Befehl", "unknown": "sonstige Mail",
}
KINDS = {  # of outgoing mails
    "request": "Statusabfrage", "reminder": "Erinnerung", "confirmation": "Bestätigung", "rejection": "Erklärung",
    "escalation": "Fristmeldung", "draft": "Entwurf", "approval": "Freigabebestätigung", "command": "Befehlsantwort",
    "unmatched": "Hinweis (nicht zuzuordnen)", "late": "Hinweis (verspätet)", "rescheduled": "neue Frist",
    "cancellation": "Absage", "alert": "Warnmail", "alert-resolved": "Entwarnung",
}


def word(table: dict[str, str], code: str | None) -> str | None:
    """The German word for ``code`` (None stays None, an unknown code stays as it is)."""
    return None if code is None else table.get(code, code)


DONE_LABELS = {"request": "Statusabfragen", "reminder": "{}. Erinnerung", "deadline": "Fristmeldung an die Werkleitung",
               "draft": "Entwurf", "nachtrag": "Nachtrag (Version {})", "rescheduled": "neue Frist mitgeteilt"}


def done_label(key: str) -> str:
    """What ``tick`` did, in German: ``reminder-2`` → „2. Erinnerung“, ``nachtrag-3`` → „Nachtrag (Version 3)“."""
    kind, _, number = key.partition("-")
    return DONE_LABELS.get(kind, key).format(number)
