"""The problems that need a person, each with its German title, consequence and advice for the admin mail."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of problem. ``threshold``: occurrences before anyone is told (one failed tick is no news);
    ``daily``: remind every day while open, else only when there is news (a further mail in quarantine)."""

    name: str
    title: str
    consequence: str
    advice: str
    threshold: int = 1
    daily: bool = True


MAILBOX = Kind(
    "mailbox", "Das Postfach des Bots kann nicht geöffnet werden",
    "Solange das so ist, liest der Bot keine Antworten und versendet keine Mails (auch keine Statusabfragen).",
    "Die Meldung oben nennt, was der Server sagt. Meist ist das Kennwort des Dienstkontos abgelaufen, das Konto "
    "gesperrt, das Client-Geheimnis der App-Registrierung abgelaufen oder eine Berechtigung entzogen. Zugang "
    "erneuern (Umgebungsvariablen in /etc/kgrz-mailbot/secrets.env), dann „systemctl restart kgrz-mailbot“. "
    "„kgrz-mailbot check --connect“ zeigt Schritt für Schritt, was funktioniert.")
TICK = Kind(
    "tick", "Der Durchgang des Bots schlägt wiederholt fehl",
    "Der Bot liest und verschickt nichts, bis der Fehler behoben ist; nachgeholt wird danach automatisch.",
    "Im Journal steht der Fehler mit allen Einzelheiten: „journalctl -u kgrz-mailbot -e“. Ist das Postfach "
    "nur vorübergehend nicht erreichbar, löst sich das von selbst; sonst bitte die Meldung oben prüfen.",
    threshold=3)
QUARANTINE = Kind(
    "quarantine", "Mails in Quarantäne",
    "Diese Mails hat der Bot nicht verarbeitet; eine Antwort einer Projektleitung darin fehlt im Entwurf, bis "
    "jemand sie ansieht.",
    "„kgrz-mailbot quarantine“ zeigt jede Mail mit Grund. Nach einer Korrektur verarbeitet "
    "„kgrz-mailbot quarantine retry ID“ sie erneut; eine Antwort lässt sich auch von Hand in den Entwurf übernehmen.",
    daily=False)
UNVERIFIED_SEND = Kind(
    "unverified-send", "Versand nach einem Absturz nicht nachprüfbar",
    "Der Bot sendet diese Mails nicht von selbst erneut, denn doppelt versandt wäre schlimmer als gar nicht.",
    "Im Postfach unter „Gesendete Elemente“ nachsehen, ob die Mail dort ist; wenn nicht, von Hand senden. "
    "„kgrz-mailbot status --session DATUM“ listet sie.",
    daily=False)
OVERDUE = Kind(
    "overdue", "Statusabfragen überfällig und nicht versandt",
    "Die Projektleitungen wissen noch nichts von der Abfrage; die Frist bis zur Sitzung läuft.",
    "„kgrz-mailbot plan“ und „kgrz-mailbot status --session DATUM“ zeigen den Stand, das Journal den Grund. "
    "Wenn der Versand wieder möglich ist, sendet „kgrz-mailbot send-requests --session DATUM“ sie sofort.")

COUNCIL = Kind(  # council/problems.py: one per meeting, resolved when a later sync no longer sees it
    "council", "Sitzungstermin aus dem Ratsinformationssystem braucht eine Entscheidung",
    "Der Abgleich ändert an dieser Sitzung nichts, bis jemand entscheidet; Statusabfragen und Erinnerungen "
    "richten sich weiter nach dem Datum in schedule.toml.",
    "Die Meldung oben nennt Sitzung und Grund. Beim Sitzungsdienst nachfragen, dann schedule.toml anpassen "
    "(„kgrz-mailbot session move|remove“); „kgrz-mailbot sessions sync --dry-run“ zeigt, was der Abgleich jetzt täte.")
COUNCIL_SOURCE = Kind(  # council/problems.py: the committee's source could not be read on two syncs in a row
    "council-source", "Das Ratsinformationssystem lässt sich nicht lesen",
    "Verlegte oder abgesagte Sitzungen werden nicht erkannt; der Bot plant weiter mit den Terminen in "
    "schedule.toml.",
    "Die Meldung oben nennt, was der Server sagt. Adresse in [committee.source] von schedule.toml prüfen "
    "(„kgrz-mailbot check --connect“); ist der Server nur gewartet, löst sich das beim nächsten Abgleich.",
    threshold=2)

KINDS: dict[str, Kind] = {k.name: k for k in (MAILBOX, TICK, QUARANTINE, UNVERIFIED_SEND, OVERDUE, COUNCIL,
                                              COUNCIL_SOURCE)}
