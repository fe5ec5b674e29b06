"""Replies longer than the size limit: read up to the limit, and say exactly which fields were not read (pure).

The limit (RELIABILITY.md §5.4: the answer text stored in the report) bounds what one answer can put into the
Vorlage. A reply is never cut silently: up to the limit it is parsed whole; over it, the form is read up to the
limit only, and a problem names the fields that start beyond it and the one the limit cuts through, so the
reply is explained to the lead and changes nothing (C4: a reply with a problem changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from kgrz_mailbot.replies.form import LABELS, label_key

MAX_TEXT = 20_000  # characters of the lead's new text (quotes and signature removed)


@dataclass(frozen=True)
class Overlong:
    """Where the limit falls in an over-long reply."""

    length: int
    unread: tuple[str, ...]  # form keys whose label starts beyond the limit
    cut: str | None  # the form key whose text the limit cuts through
    labels: tuple[str, ...]  # every form key found in the whole text, in order of first appearance

    def problem(self, limit: int = MAX_TEXT) -> str:
        parts = [f"Ihre Antwort ist zu lang: {_number(self.length)} Zeichen, gelesen werden höchstens "
                 f"{_number(limit)}."]
        if self.unread:
            parts.append(f"Nicht gelesen: {', '.join(_q(LABELS[k]) for k in self.unread)}.")
        if self.cut:
            parts.append(f"Nur bis zum {_number(limit)}. Zeichen gelesen: {_q(LABELS[self.cut])}.")
        if not self.unread and not self.cut:
            parts.append(f"Nicht gelesen: der Text nach dem {_number(limit)}. Zeichen.")
        parts.append("Es wurde nichts übernommen. Bitte kürzen Sie den Text (für die Vorlage genügt eine knappe "
                     "Zusammenfassung) und senden Sie das vollständige Formular erneut.")
        return " ".join(parts)


def with_overlong(problems: list[str], found: Overlong) -> list[str]:
    """The problems of the part that was read, led by the length problem; a form or a ``Stand:`` "missing" only
    because it lies beyond the limit is reported once, as not read."""
    dropped = []
    if all(key in found.unread for key in found.labels):
        dropped.append("Im Antworttext wurde kein ausgefülltes Formular")
    if "stand" in found.unread:
        dropped.append("„Stand:“ fehlt")
    return [found.problem(), *(p for p in problems if not p.startswith(tuple(dropped)))]


def overlong(text: str, limit: int = MAX_TEXT) -> Overlong | None:
    """None when the text fits; else which fields start beyond the limit and which one it cuts."""
    if len(text) <= limit:
        return None
    starts: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        key = label_key(line)
        if key is not None:
            starts.append((offset, key))
        offset += len(line) + 1
    unread = tuple(dict.fromkeys(k for at, k in starts if at >= limit))
    before = [k for at, k in starts if at < limit]
    cut = before[-1] if before else None  # the last field begun before the limit runs past it
    return Overlong(len(text), unread, cut, tuple(dict.fromkeys(key for _, key in starts)))


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _q(label: str) -> str:
    return f"„{label}“"
