"""Answers typed into the quoted copy of our request: the values under or after its labels (pure).

Outlook users often answer in the quoted request itself, in another colour under each label; Thunderbird and
Apple Mail users type between the quoted ``> Ampel:`` lines. The requests and reminders carry the form with every
label empty (``render_form(None)``), so whatever stands after a label of the first quoted copy of the form, up to
the next label, was typed by the lead. The form ends where our own text goes on below it (a blank line, our
"Zum Nachschlagen" block or the signature): that text, with the previous report and its "Weiteres Vorgehen:",
is never read. Whether the quoted mail is one of those requests is checked against the thread in ``inbox``
(``inbox/quoted.py``): a quoted rejection or FORMULAR answer carries values of ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kgrz_mailbot.replies.form import FORM_KEYS, LABEL_RE, LABELS, label_key
from kgrz_mailbot.replies.trim import strip_noise

_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+")
# Our own text right below the form in requests and reminders (templates/request.txt.j2, reminder.txt.j2).
_OUR_TEXT_BELOW = re.compile(
    r"^\s*(?:Zum Nachschlagen|Hat sich seitdem nichts geändert|Mit freundlichen Grüßen|Projektstatus-Postfach|"
    r"Diese Nachricht wurde automatisch erstellt)", re.IGNORECASE)
_NAMES = "Ampel|Fortschritt|Stand|Weiteres Vorgehen|Meilenstein|Budget|Hinweis an das KGRZ"
# One of our labels inside a line, as printed in the form (case matters: "Projektfortschritt:" is a word of the
# lead's): glued to the text typed in front of it ("grünFortschritt:"), or ending the line after a space
# ("grün Fortschritt:"); a label mid-sentence after a space ("Zum Stand: 31.08.") is the lead's own text.
_INNER_LABEL = re.compile(rf"(?:(?<=[^\W\d_])|(?<=[.,;:!?)%\d]))(?P<glued>{_NAMES}):|\S\s+(?P<last>{_NAMES}):\s*$")
# Outlook's "Kommentare markieren mit" puts the author's name in brackets before each inline answer.
_COMMENT_MARK = re.compile(r"(^|:)[ \t]*\[[^\W\d_](?:[^\W\d_]|[ .,'-]){0,58}\][ \t]*")
_MIN_LABELS = 4  # of the seven in form order: a copy of our form, not a few labels somewhere in a quote


@dataclass(frozen=True)
class QuotedAnswer:
    text: str  # the form as the lead filled it in: our labels with the values typed after them
    problems: tuple[str, ...]  # labels that could not be read, in German


def _unquoted(line: str) -> tuple[str, bool]:
    match = _QUOTE_MARKS.match(line)
    return (line[match.end():], True) if match else (line, False)


def _is_form(found: list[tuple[int, str]]) -> bool:
    return len(found) >= _MIN_LABELS and any(key == "stand" for _, key in found)


def _labels_in_order(lines: list[str]) -> list[tuple[int, str]]:
    """(line index, key) of the first copy of our form: its labels in form order, from `Ampel:` on.

    A run that breaks off early is no form: a wrapped line of our instructions may start with "Ampel: grün, gelb
    oder rot", and the form itself follows a few lines further down.
    """
    found: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        key = label_key(line)
        if key is None:
            continue
        if found and FORM_KEYS.index(key) > FORM_KEYS.index(found[-1][1]):
            found.append((i, key))
            continue
        if _is_form(found):
            break  # the next copy of the form (an earlier mail of the thread) or a label typed twice
        found = [(i, key)] if key == "ampel" else []
    return found if _is_form(found) else []


def _form_end(lines: list[str], quoted: list[bool], last: int) -> int:
    """Index after the value of the last label: our own text, or where the quote goes on below the lead's lines
    (`>` quoting), or the first blank line (unmarked quotes: the form is one paragraph of our mail)."""
    for i in range(last + 1, len(lines)):
        if _OUR_TEXT_BELOW.match(lines[i]) or label_key(lines[i]):
            return i
        if (quoted[i] if quoted[last] else not lines[i].strip()):
            return i
    return len(lines)


def _typed(line: str) -> bool:
    match = LABEL_RE.match(line)
    return bool(match.group("rest").strip(" \t|*_")) if match else bool(line.strip())


def read_quoted_form(full_text: str) -> QuotedAnswer | None:
    """The form rebuilt from what was typed into the first copy of our form in the text, or None when the text
    holds no such copy or nothing was typed into it."""
    pairs = [_unquoted(line) for line in full_text.replace("\r\n", "\n").replace("\xa0", " ").split("\n")]
    lines, quoted = [p[0] for p in pairs], [p[1] for p in pairs]
    labels = _labels_in_order(lines)
    if not labels:
        return None
    kept: list[str] = []
    problems: list[str] = []
    for line in lines[labels[0][0]:_form_end(lines, quoted, labels[-1][0])]:
        line = _COMMENT_MARK.sub(lambda m: m[1] + (" " if m[1] else ""), line)
        match = LABEL_RE.match(line)
        inner = _INNER_LABEL.search(match.group("rest") if match else line)
        if inner is None:
            kept.append(line.rstrip())
            continue
        name = LABELS[label_key((inner["glued"] or inner["last"]) + ":") or "stand"]
        problems.append(f"„{name}“ konnten wir im zitierten Formular nicht lesen: vor dem Feldnamen steht Text "
                        f"(„{line.strip()[:60]}“). Bitte jedes Feld in eine eigene Zeile schreiben und den Wert "
                        "hinter den Doppelpunkt.")
    kept = strip_noise(kept, list_footer=False)  # a sign-off or app footer typed below the last label
    if not problems and not any(_typed(line) for line in kept):
        return None
    return QuotedAnswer("\n".join(kept).strip("\n"), tuple(problems))
