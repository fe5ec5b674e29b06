"""The C4 reply form: labels, parsing a lead's answer into StatusFields with German problems, rendering."""

from __future__ import annotations

import difflib
import re

from kgrz_mailbot.domain.model import Ampel, StatusFields

# key -> label as printed in the request mail, in form order (C4).
LABELS: dict[str, str] = {
    "ampel": "Ampel:",
    "fortschritt": "Fortschritt:",
    "stand": "Stand:",
    "weiteres_vorgehen": "Weiteres Vorgehen:",
    "meilenstein": "Meilenstein:",
    "budget": "Budget:",
    "hinweis": "Hinweis an das KGRZ:",
}
FORM_KEYS: tuple[str, ...] = tuple(LABELS)
_ONE_LINE = frozenset({"ampel", "fortschritt", "meilenstein", "budget"})

_LABEL_PATTERNS = {
    "ampel": r"ampel",
    "fortschritt": r"fortschritt",
    "stand": r"stand",
    "weiteres_vorgehen": r"weiteres\s+vorgehen",
    "meilenstein": r"meilenstein",
    "budget": r"budget",
    "hinweis": r"hinweis\s+an\s+(?:das\s+)?kgrz",
}
_BULLET = r"(?:[-*•·–—▪■►➢\uf0b7\uf0a7]\s*)?"
_MARK = r"[*_]{0,2}"
# A label stands at the start of a line (after bullet/markup) and ends with a colon, or a tab from a table cell.
LABEL_RE = re.compile(
    rf"^[ \t]*{_BULLET}{_MARK}[ \t]*(?P<label>"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in _LABEL_PATTERNS.items())
    + rf")[ \t]*{_MARK}[ \t]*(?::|(?=\t))[ \t]*{_MARK}(?P<rest>.*)$",
    re.IGNORECASE,
)
# One or two words with a colon at the start of a line: may be an attempted label.
_CANDIDATE_RE = re.compile(
    rf"^[ \t]*{_BULLET}{_MARK}(?P<word>[A-ZÄÖÜ][\wäöüßÄÖÜ\-]*(?:[ \t]+[\wäöüßÄÖÜ\-]+)?){_MARK}[ \t]*:(?:[ \t]|$)"
)
_ATTEMPT_WORDS = frozenset(
    "risiken risiko status projektstatus projektstand termin termine zeitplan kosten bemerkung bemerkungen "
    "anmerkung anmerkungen hinweis hinweise vorgehen meilensteine ampelstatus ampelfarbe fortschrittsgrad "
    "fertigstellungsgrad progress milestone sonstiges kommentar".split()
) | {"nächste schritte", "naechste schritte", "next steps", "traffic light", "hinweis kgrz"}

_FUZZY_TARGETS = ("ampel", "fortschritt", "stand", "weiteres vorgehen", "meilenstein", "budget", "hinweis an das kgrz")
_AMPEL = {"grün": Ampel.GRUEN, "gruen": Ampel.GRUEN, "green": Ampel.GRUEN, "grun": Ampel.GRUEN,
          "gelb": Ampel.GELB, "yellow": Ampel.GELB, "rot": Ampel.ROT, "red": Ampel.ROT,
          # The traffic-light emoji, as circles and as squares. 🟠/🟧 count as gelb: the middle light of a traffic
          # light is amber, which German calls "gelb" (StVO § 37: Grün, Gelb, Rot); nobody means a fourth colour.
          "\U0001f7e2": Ampel.GRUEN, "\U0001f7e9": Ampel.GRUEN, "\U0001f7e1": Ampel.GELB, "\U0001f7e8": Ampel.GELB,
          "\U0001f7e0": Ampel.GELB, "\U0001f7e7": Ampel.GELB, "\U0001f534": Ampel.ROT, "\U0001f7e5": Ampel.ROT}
# Words and single symbols of an Ampel value; punctuation, quotes and emoji modifiers around them do not count.
_AMPEL_TOKEN_RE = re.compile(r"[^\W\d_]+|[^\w\s.,;:!?()\[\]{}\"'„“”‚‘’»«*_\-–—/\ufe0f\u200d]")
_PERCENT_RE = re.compile(
    r"^(?:ca\.?|circa|etwa|ungefähr|rund|~)?\s*(\d{1,3})\s*(?:%|prozent|v\.\s*h\.)?\s*[.!]?$", re.I
)
_UNCHANGED_RE = re.compile(r"^[*_]*\s*unver(?:ä|ae|a)ndert\s*[*_]*\s*[.!]?$", re.I)
# A short answer without labels that means "nothing changed": it gets the one-line fix, not the whole form.
_UNCHANGED_LIKE_RE = re.compile(
    r"^\W*(?:es gibt |es hat sich |bei uns |im projekt )?(?:(?:alles|stand|status|sachstand|projektstand|der stand|"
    r"weiterhin|nach wie vor)\s+)?(?:unver(?:ä|ae|a)ndert|keine (?:änderung|veränderung|neuigkeit)(?:en)?|"
    r"nichts (?:neues|geändert|verändert)|wie (?:bisher|gehabt|zuletzt(?: berichtet)?|im letzten bericht))\b",
    re.I)
NO_FORM = ("Im Antworttext wurde kein ausgefülltes Formular gefunden. Bitte das Formular aus der Anfrage in die "
           "Antwort übernehmen und mindestens „Stand:“ ausfüllen.")
NO_FORM_UNCHANGED = ("Im Antworttext wurde kein Formular gefunden. Hat sich seit dem letzten Bericht nichts geändert, "
                     "genügt als Antwort die eine Zeile „Stand: unverändert“.")
# Bullets lead types or Outlook's text rendering produces; all become "- " (C4 stored text).
_BULLET_LINE_RE = re.compile(r"^\s*(?:[•·*–—▪■►➢\uf0b7\uf0a7-]|o(?=[ \t]))[ \t]+(?=\S)")
_LONE_BULLET_RE = re.compile(r"^(?:[•·*–—▪■►➢\uf0b7\uf0a7-]|\d{1,2}[.)])$")
_SPACES_RE = re.compile(r"[ \t\xa0\u2007\u202f]+")


def label_key(line: str) -> str | None:
    """The form key if this line starts with one of our labels."""
    match = LABEL_RE.match(line.replace("\xa0", " "))
    return None if match is None else next(k for k in FORM_KEYS if match.group(k))


def _q(label: str) -> str:
    return f"„{label}“"


def normalize_block(lines: list[str]) -> str | None:
    """C4 stored text: one blank line between paragraphs, `- ` list items, single spaces, no edge blanks."""
    out: list[str] = []
    for line in lines:
        line = _BULLET_LINE_RE.sub("- ", line.replace("\t", " "))
        line = _SPACES_RE.sub(" ", line).strip()
        if _LONE_BULLET_RE.match(line):
            line = ""  # an empty list item (or one a converter emptied) is no content
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) or None


def _one_line(lines: list[str]) -> str | None:
    text = normalize_block(lines)
    return " ".join(part.strip() for part in text.split("\n") if part.strip()) if text else None


def _ampel(value: str | None, problems: list[str]) -> Ampel | None:
    """`grün`, `Grün!`, `„gelb“`, `🔴`, `🟢 grün`: every word or symbol names the same colour."""
    if not value:
        return None
    colours = {_AMPEL.get(token) for token in _AMPEL_TOKEN_RE.findall(value.lower())}
    if len(colours) == 1 and None not in colours:
        return colours.pop()
    problems.append(f"Ampel: {_q(value)} ist kein gültiger Wert. Bitte {_q('grün')}, {_q('gelb')} "
                    f"oder {_q('rot')} eintragen.")
    return None


def _fortschritt(value: str | None, problems: list[str]) -> int | None:
    if not value:
        return None
    match = _PERCENT_RE.match(value.strip(" *_"))
    if match and int(match.group(1)) <= 100:
        return int(match.group(1))
    problems.append(f"Fortschritt: {_q(value)} ist kein gültiger Wert. Bitte eine ganze Zahl von 0 bis 100 "
                    f"eintragen, z. B. {_q('40 %')}.")
    return None


def _says_unchanged(text: str) -> bool:
    lines = [line for line in text.split("\n") if line.strip()]
    return len(text) <= 400 and any(_UNCHANGED_LIKE_RE.match(line.strip()) for line in lines[:6])


def _is_attempted_label(word: str, key: str | None) -> bool:
    lowered = re.sub(r"\s+", " ", word.lower())
    if lowered in _ATTEMPT_WORDS or key in _ONE_LINE:
        return True
    return any(difflib.SequenceMatcher(None, lowered, target).ratio() >= 0.8 for target in _FUZZY_TARGETS)


def _split(text: str) -> tuple[dict[str, list[str]], list[str], list[tuple[str, str | None]]]:
    """Group lines under the label they follow; report duplicates and label-looking lines."""
    fields: dict[str, list[str]] = {}
    order: list[str] = []
    candidates: list[tuple[str, str | None]] = []
    current: str | None = None
    for line in text.split("\n"):
        match = LABEL_RE.match(line)
        if match:
            key = next(k for k in FORM_KEYS if match.group(k))
            order.append(key)
            current = key if key not in fields else f"{key}#dup"
            fields[current] = [match.group("rest").lstrip(" \t|*_")]
            continue
        candidate = _CANDIDATE_RE.match(line)
        if candidate:
            candidates.append((candidate.group("word"), current))
        if current is not None:
            fields[current].append(line)
    return fields, order, candidates


def parse_form(text: str) -> tuple[StatusFields, list[str], list[str]]:
    """Parse the reply form out of a lead's new text: (fields, German problems, label keys found)."""
    text = text.replace("\xa0", " ").replace("\r\n", "\n")
    raw, order, candidates = _split(text)
    problems: list[str] = []
    if not order:
        problems.append(NO_FORM_UNCHANGED if _says_unchanged(text) else NO_FORM)
        return StatusFields(), problems, []
    for key in dict.fromkeys(k for k in order if order.count(k) > 1):
        problems.append(f"{_q(LABELS[key])} kommt mehrfach vor. Bitte jedes Feld nur einmal ausfüllen.")
    for word, key in candidates:
        if _is_attempted_label(word, key):
            problems.append(f"{_q(word + ':')} ist kein Feld des Formulars. Bitte den Text unter einem der "
                            f"Felder ({', '.join(LABELS.values())}) eintragen oder den Doppelpunkt entfernen.")
    values = {key: raw.get(key) for key in FORM_KEYS}
    stand = normalize_block(values["stand"] or [])
    unchanged = bool(stand and _UNCHANGED_RE.match(stand))
    if "stand" not in raw:
        problems.append("„Stand:“ fehlt. Bitte unter „Stand:“ den aktuellen Stand des Projekts eintragen "
                        "oder „unverändert“ schreiben.")
    elif not stand:
        problems.append("„Stand:“ ist leer. Bitte den aktuellen Stand des Projekts eintragen "
                        "oder „unverändert“ schreiben.")
    fields = StatusFields(
        stand=None if unchanged else stand,
        ampel=_ampel(_one_line(values["ampel"] or []), problems),
        fortschritt=_fortschritt(_one_line(values["fortschritt"] or []), problems),
        weiteres_vorgehen=normalize_block(values["weiteres_vorgehen"] or []),
        meilenstein=_one_line(values["meilenstein"] or []),
        budget=_one_line(values["budget"] or []),
        hinweis=normalize_block(values["hinweis"] or []),
        unchanged=unchanged,
    )
    return fields, problems, list(dict.fromkeys(order))


def _value_lines(key: str, fields: StatusFields) -> str:
    if key == "ampel":
        return fields.ampel.label if fields.ampel else ""
    if key == "fortschritt":
        return f"{fields.fortschritt} %" if fields.fortschritt is not None else ""
    if key == "stand" and fields.unchanged:
        return "unverändert"
    value = getattr(fields, key)
    return value or ""


def render_form(fields: StatusFields | None) -> str:
    """The plain-text form of the request mail; multi-line values go on the lines below their label."""
    fields = fields or StatusFields()
    out: list[str] = []
    for key in FORM_KEYS:
        value = _value_lines(key, fields)
        if "\n" in value:
            out.extend([LABELS[key], value, ""])
        else:
            out.append(f"{LABELS[key]} {value}".rstrip())
    return "\n".join(out).rstrip("\n") + "\n"
