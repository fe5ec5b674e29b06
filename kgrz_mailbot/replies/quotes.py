"""Where the quoted original starts in plain text: separators, header blocks, attributions and `>` quotes."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add

from kgrz_mailbot.replies.form import label_key

# Separator lines that always start quoted or forwarded mail (REPLIES.md §3.3), in the languages the corpora show.
_SEPARATOR_RE = re.compile(
    r"^\s*+[-=_*]*+\s*+(?:Ursprüngliche Nachricht|Original Message|Originalnachricht|Weitergeleitete Nachricht|"
    r"Forwarded message|Antwort Nachricht|Message d'origine|Message transféré|Mensaje original|Mensaje reenviado|"
    r"Mensagem original|Mensagem encaminhada|Messaggio originale|Messaggio inoltrato|Oorspronkelijk bericht|"
    r"Origineel bericht|Doorgestuurd bericht|Oprindelig (?:besked|meddelelse)|Videresendt (?:besked|meddelelse)|"
    r"Opprinnelig melding|Videresendt melding|Ursprungligt meddelande|Originalmeddelande|"
    r"Vidarebefordrat meddelande|Alkuperäinen viesti|Välitetty viesti|Původní zpráva|Přeposlaná zpráva|"
    r"Wiadomość oryginalna|Oryginalna wiadomość|Przekazana wiadomość|Eredeti üzenet|Исходное сообщение|"
    r"Пересылаемое сообщение|Оригінальне повідомлення)\s*+[-=_*]*+\s*+$"
    r"|^\s*+(?:Anfang der weitergeleiteten Nachricht|Begin forwarded message|Début du message réexpédié)\s*+:\s*+$"
    r"|^\s*+-{2,}+\s*+(?:Bitte oberhalb dieser Linie antworten|Reply above this line)\s*+-{2,}+\s*+$",
    re.IGNORECASE,
)
# Header words of German and English clients, plus the neighbours' (the corpora hold them; Outlook localises).
_KEY_CANON = {
    "von": "from", "from": "from", "da": "from", "de": "from", "van": "from", "fra": "from", "från": "from",
    "od": "from", "от": "from", "від": "from", "lähettäjä": "from", "kimden": "from", "feladó": "from",
    "gesendet": "date", "sent": "date", "datum": "date", "date": "date", "data": "date", "inviato": "date",
    "envoyé": "date", "enviado": "date", "enviada": "date", "verzonden": "date", "sendt": "date", "skickat": "date",
    "wysłano": "date", "fecha": "date", "dato": "date", "отправлено": "date", "надіслано": "date",
    "message du": "date", "enviado el": "date", "enviada em": "date", "lähetetty": "date", "odesláno": "date",
    "gönderildi": "date", "elküldve": "date",
    "an": "to", "to": "to", "a": "to", "à": "to", "para": "to", "aan": "to", "til": "to", "till": "to", "do": "to",
    "кому": "to", "vastaanottaja": "to", "komu": "to", "kime": "to", "címzett": "to",
    "cc": "cc", "kopie": "cc", "bcc": "cc", "copie à": "cc",
    "betreff": "subject", "subject": "subject", "oggetto": "subject", "objet": "subject", "asunto": "subject",
    "assunto": "subject", "onderwerp": "subject", "emne": "subject", "ämne": "subject", "temat": "subject",
    "тема": "subject", "sujet": "subject", "aihe": "subject", "předmět": "subject", "konu": "subject",
    "tárgy": "subject",
    "wichtigkeit": "importance", "importance": "importance", "anlagen": "attachments", "attachments": "attachments",
    "reply-to": "reply-to", "antwort an": "reply-to", "risposta": "reply-to",
}
_HEADER_KEY_RE = re.compile(
    r"^\s*[*_]{0,2}(?P<key>" + "|".join(sorted(map(re.escape, _KEY_CANON), key=len, reverse=True))
    + r")(?:\s*\(cc\))?[*_]{0,2}\s*:",
    re.IGNORECASE,
)
_START_KEYS = frozenset({"from", "date"})
RULE_RE = re.compile(r"^\s*(?:_{8,}|-{8,}|\*{8,}|={8,})\s*$")
# A shorter rule still belongs to the header block right below it (French webmail writes `====`).
_HEADER_RULE_RE = re.compile(r"^\s*(?:_{4,}|-{4,}|\*{4,}|={4,})\s*$")

# Runs that cannot hold `@` or `<` keep the engine from backtracking over the whole line at every position.
_EMAIL = (r"(?:<\s*[^<>\s]{1,100}@[^<>\s]{1,100}?\s*>|[^\s@<>()]{1,100}@[^\s@<>()]{1,100}\.\w{1,20}|"
          r"\[mailto:[^\]]{1,200}\])")
_TIME = r"\d{1,2}[:.]\d{2}"
_YEAR = r"(?<!\d)(?:19|20)\d{2}(?!\d)"
# A clock time, not a date: `14:41`, `18.30,` but not `01.10.` or `01.10.2018`.
_CLOCK = r"(?<![\d.])\d{1,2}(?::\d{2}|\.\d{2}(?![.\d]))"
# Reply verbs other than German and English, whose own rules below are stricter (our leads write German).
_VERBS = (r"(?:a\s+écrit|escribió|escribio|schreef|geschreven|ha\s+scritto|scrisse|napisał\(a\)|napisała|napisał|"
          r"написал\(а\)|написала|написал|пишет|пише|skrev|escreveu|kirjoitti|írta|yazdı|napsal|wrote)")
_VERB_WORDS = ("écrit", "escrib", "schreef", "geschreven", "scritto", "scrisse", "napisa", "написал", "пише", "skrev",
               "escreveu", "kirjoitti", "írta", "yazdı", "napsal", "wrote")
# Attributions, matched on a line joined with the lines it was wrapped over.
# Each with the lower-case words one of which it needs (and, after it, more such groups), so a join without them
# skips the pattern.
_SCHRIEB, _WROTE, _ADDRESS = ("schrieb",), ("wrote",), ("@", "mailto")
_ATTRIBUTION_RES = (
    (_SCHRIEB, re.compile(rf"^Am\s.{{3,120}}?(?:{_TIME}|{_EMAIL}).{{0,160}}?\sschrieb\b.{{0,160}}:$", re.I)),
    (_SCHRIEB, re.compile(rf"^Am\s.{{3,120}}?\sschrieb\s.{{0,160}}?(?:{_TIME}|{_EMAIL}).{{0,40}}:$", re.I)),
    (_SCHRIEB, re.compile(r"^.{1,160}\sschrieb am\s.{0,80}\d.{0,60}:$", re.I)),
    (_ADDRESS, re.compile(rf"^.{{0,160}}{_EMAIL}\s*(?:schrieb|wrote)\s*:$", re.I), ("schrieb", "wrote")),
    # Zoho wraps it in dashes; some clients drop the colon.
    (_WROTE, re.compile(
        rf"^(?:-{{2,}}\s*)?On\s.{{3,200}}?(?:{_TIME}|{_EMAIL}|\d{{4}}).{{0,200}}\swrote\s*:?(?:\s*-{{2,}})?$", re.I)),
    # Le/El/Op/Il/Dnia/Den …: a date, time or address, the verb, maybe the sender, a colon.
    (_VERB_WORDS, re.compile(
        rf"^.{{0,200}}?(?:{_TIME}|{_EMAIL}|{_YEAR}).{{0,200}}?(?<!\w){_VERBS}(?!\w)(?:\s.{{0,160}})?\s*:$", re.I)),
    # No verb at all (Yandex, Mail.ru, Apple in some locales): a time, then the sender's address and a colon.
    (_ADDRESS, re.compile(rf"^.{{0,120}}?{_CLOCK}.{{0,160}}{_EMAIL}\s*:$", re.I)),
    # Old Gmail: `2016-03-03 17:21 GMT+01:00 Name` or `2013/7/20 Name <address>`.
    (("gmt", "@", "mailto"), re.compile(
        rf"^\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}\s+(?:{_TIME}\s+GMT[+-]\d{{1,2}}:?\d{{2}}\s+\S.{{0,160}}|"
        rf".{{0,160}}{_EMAIL}\s*:?)$", re.I)),
)
_INTRO_RE = re.compile(r"^(?:-{2,}\s*)?(?:Am|On|Le|El|Op|Il|In data|Em|Den|Dnia|W dniu|At)\s")
# A line that may begin a wrapped attribution: an intro word, a date or time, an address or a dangling `<` / `(`.
_WRAP_HINT_RE = re.compile(rf"{_TIME}|{_YEAR}|@")
# Every match of _WRAP_HINT_RE starts on one of these: a one-class scan finds that start fast in C, while the
# alternation (its lookbehind defeats the engine's first-character scan) is tried at every position of the line.
_WRAP_HINT_START_RE = re.compile(r"[\d@]")
# A word and a full stop end a sentence; a digit and a full stop are a date (`Fr., 28.`) wrapped mid-way.
_SENTENCE_END_RE = re.compile(r"[^\W\d][.!?]$")
_MAX_ATTRIBUTION_LINES = 4  # non-blank lines; Gmail's `<`/`mailto:`/`> wrote:` wrapping needs four
_WINDOW = 6
_MAX_ATTRIBUTION_CHARS = 1000
_FIRST_LINES = 24  # lines scanned first; the quote mostly starts there, the range grows only if it does not
_SUPERCITE_RE = re.compile(r"^[A-Z]{1,3}>(?:\s|$)")


def is_quote_line(line: str) -> bool:
    """A `>` quote, or a Supercite `C>` quote."""
    stripped = line.lstrip()
    return stripped.startswith(">") or (stripped[:1].isupper() and bool(_SUPERCITE_RE.match(stripped)))


def _wrap_hint(text: str) -> bool:
    """_WRAP_HINT_RE.search(text), started at the first digit or `@` (the lookbehind still sees the text before)."""
    start = _WRAP_HINT_START_RE.search(text)
    return start is not None and _WRAP_HINT_RE.search(text, start.start()) is not None


def _may_end(line: str) -> bool:
    """Cheap test whether an attribution can end on this line (all patterns end in one of these shapes)."""
    s = line.rstrip()
    if not s:
        return False
    return s[-1] in ":>-" or s.endswith("wrote") or (s.lstrip()[:1].isdigit() and "GMT" in s)


def _join(lines: list[str]) -> str:
    return " ".join(part.strip() for part in lines if part.strip())


def _holds(low: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    """Each group has a word in the lowered text."""
    for words in groups:
        for word in words:
            if word in low:
                break
        else:
            return False
    return True


def _matches(text: str) -> bool:
    """One of the attribution patterns matches the joined text."""
    if len(text) > _MAX_ATTRIBUTION_CHARS:
        return False  # every pattern is bounded well below this; a megabyte line must not meet the regex engine
    low = text.lower()
    for groups, pattern in _ATTRIBUTION_CHECKS:
        if _holds(low, groups) and pattern.match(text):
            return True
    return False


def attribution_at(lines: list[str], i: int) -> int:
    """Number of lines of an attribution starting at line i (blank lines inside included), or 0."""
    first = lines[i]
    stripped = first.strip()
    if not stripped or is_quote_line(first):
        return 0
    # A joined match must start on line i: an intro word or a date, address or `<`, and no finished sentence.
    may_wrap = bool(_INTRO_RE.match(stripped)) or stripped.endswith(("<", "(")) or (
        _wrap_hint(stripped)
        and not (stripped[-1] in ".!?" and _SENTENCE_END_RE.search(stripped, len(stripped) - 2)))
    if not may_wrap and not _may_end(first):
        return 0
    window = lines[i : i + _WINDOW] if may_wrap else [first]
    ends = [j for j, line in enumerate(window) if _may_end(line)]
    # A line that starts with one of our labels is the lead's answer, whatever else it holds.
    if not ends or label_key(first):
        return 0
    nonblank = [j for j, line in enumerate(window) if line.strip()]
    for j in ends:
        used = [k for k in nonblank if k <= j]
        if len(used) > _MAX_ATTRIBUTION_LINES or (j > 0 and not may_wrap):
            break
        if j > 0 and any(is_quote_line(window[k]) and len(window[k].strip()) > 20 for k in used[1:]):
            break
        if len(used) > 3 and not any(window[k].strip() == "<" for k in used):
            break  # four lines only for Gmail's `<` / `mailto:…` / `> wrote:` wrapping
        if not _matches(_join(window[: j + 1])):
            if window[j].rstrip().endswith(":"):
                break  # an attribution ends at its first colon-ended line; below it is text
            continue
        # A complete attribution that starts further down is the real one; line i is text above it.
        later = [k for k in used[1:] if (window[k].lstrip()[:1].isupper() or window[k].lstrip()[:1].isdigit())
                 and _matches(_join(window[k : j + 1]))]
        return 0 if later else j + 1
    return 0


def _header_block_at(lines: list[str], i: int) -> bool:
    """An Outlook-style header block (Von/Gesendet/An/Betreff in any order) starts at line i."""
    if ":" not in lines[i][:40]:
        return False
    first = _HEADER_KEY_RE.match(lines[i])
    if not first or _KEY_CANON[first.group("key").lower()] not in _START_KEYS:
        return False
    keys: set[str] = set()
    for line in lines[i : i + 9]:
        match = _HEADER_KEY_RE.match(line)
        if match:
            keys.add(_KEY_CANON[match.group("key").lower()])
    # Three distinct keys including the subject or the recipients keep dated lines in the text safe.
    return len(keys) >= 3 and bool(keys & {"subject", "to"})


# Whole-text forms of the line patterns, searched in "\n" + text: the literal "\n" lets the regex engine jump from
# line start to line start, and `[^\S\n]` keeps a match on its line (case-insensitive only where words are).
_SEPARATOR_ML = re.compile(
    "\n(?i:" + _SEPARATOR_RE.pattern.replace("|^", "|").removeprefix("^").replace(r"\s", r"[^\S\n]") + ")",
    re.MULTILINE)
_HEADER_LINE_ML = re.compile(
    r"\n[^\S\n]*[*_]{0,2}(?i:" + "|".join(sorted((re.escape(k) for k, v in _KEY_CANON.items() if v in _START_KEYS),
                                                 key=len, reverse=True)) + r")[*_]{0,2}[^\S\n]*:")
_QUOTE_ML = re.compile(r"\n[^\S\n]*(?:>|[A-Z]{1,3}>(?:[^\S\n]|$))", re.MULTILINE)
# Every attribution pattern holds one of these (lower case): lines far from them are never tried. Searched in the
# lowered text, which is faster than a case-insensitive scan.
_ATTRIBUTION_WORDS = sorted({word for words, *_ in _ATTRIBUTION_RES for word in words})
# (word groups, pattern) for the plain loops of _matches: generator expressions there cost more than the patterns.
_ATTRIBUTION_CHECKS = tuple(((words, *more), pattern) for words, pattern, *more in _ATTRIBUTION_RES)


def _offsets(lines: list[str]) -> list[int]:
    """Offset of the "\n" before each line in "\n" + "\n".join(lines), and one past the end (all in C)."""
    return list(map(add, accumulate(map(len, lines), initial=0), range(len(lines) + 1)))


class _Text:
    """The first lines joined once, so each kind of quote start is found by one regex scan in C, not per line."""

    def __init__(self, lines: list[str], limit: int) -> None:
        self.lines = lines
        self.limit = limit  # only starts above this line count; the joined text reaches a window further
        self.span = 0  # lines of the attribution found
        joined = lines[: limit + _WINDOW]
        self.text = "\n" + "\n".join(joined)  # offsets[i] is the "\n" before line i
        self.offsets = _offsets(joined)

    def line_of(self, pos: int) -> int:
        return bisect_right(self.offsets, pos) - 1

    def first_line(self, pattern: re.Pattern[str], before: int) -> int:
        match = pattern.search(self.text, 0, self.offsets[before])
        return self.limit if match is None else self.line_of(match.start())

    def header_start(self, before: int) -> int:
        for match in _HEADER_LINE_ML.finditer(self.text, 0, self.offsets[before]):
            i = self.line_of(match.start())
            if _header_block_at(self.lines, i):
                return i
        return self.limit

    def _word_lines(self, before: int) -> list[int]:
        """Lines holding a word every attribution pattern needs; most lines hold none and are never tried."""
        offsets = self.offsets
        text = self.text[: offsets[min(before + _WINDOW, len(offsets) - 1)]]
        low = text.lower()
        if len(low) != len(text):  # lowering changed a length (İ); the line breaks stay, so re-measure
            offsets = _offsets(low[1:].split("\n"))
        # str.find per word runs in C at memchr speed; an alternation of words is tried at every position.
        found = []
        for word in _ATTRIBUTION_WORDS:
            pos = low.find(word)
            while pos >= 0:
                found.append(pos)
                pos = low.find(word, pos + 1)
        if not found:
            return []
        return sorted({bisect_right(offsets, pos - 1) - 1 for pos in found})

    def attribution_start(self, before: int) -> int:
        tried: set[int] = set()
        lines = self.lines
        for word_line in self._word_lines(before):
            # The attribution holds the word and ends on or below it within the window.
            end = next((j for j in range(word_line, min(word_line + _WINDOW, len(lines))) if _may_end(lines[j])), -1)
            if end < 0:
                continue
            for i in range(max(0, end - _WINDOW + 1), min(word_line + 1, before)):
                if i not in tried:
                    tried.add(i)
                    span = attribution_at(lines, i)
                    if span:
                        self.span = span
                        return i
        return self.limit


def _first_start(lines: list[str], limit: int) -> tuple[int, str, int] | None:
    """The first quote start above line `limit`, or None."""
    scan = _Text(lines, limit)
    best, kind = limit, ""
    # Each search only looks above the best start so far, the cheapest first (a `>` line is never a separator or a
    # header line); on one line a separator beats a header block.
    for name, find in (("quote", lambda b: scan.first_line(_QUOTE_ML, b)),
                       ("separator", lambda b: scan.first_line(_SEPARATOR_ML, b)), ("header", scan.header_start)):
        found = find(best)
        if found < best:
            best, kind = found, name
    # An attribution wins over the `>` quote it introduces, so it is searched last, up to that quote's line.
    found = scan.attribution_start(best + 1 if kind == "quote" else best)
    if found < best or (found == best and kind == "quote"):
        best, kind = found, "attribution"
    return (best, kind, scan.span if kind == "attribution" else 0) if kind else None


def quote_start(lines: list[str]) -> tuple[int, str] | None:
    """Index of the first line of quoted material and its kind ('header', 'separator', 'attribution', 'quote')."""
    found = find_quote(lines)
    return None if found is None else found[:2]


def find_quote(lines: list[str]) -> tuple[int, str, int] | None:
    """quote_start() and the number of lines of the attribution (0 for other kinds)."""
    # The quote mostly starts within the first lines: scan those first, and grow the range only if needed.
    limit = _FIRST_LINES
    while True:
        found = _first_start(lines, min(limit, len(lines)))
        if found is not None or limit >= len(lines):
            break
        limit *= 4
    if found is None:
        return None
    best, kind, span = found
    if kind == "header":
        previous = best - 1
        while previous >= 0 and not lines[previous].strip():
            previous -= 1
        if previous >= 0 and _HEADER_RULE_RE.match(lines[previous]):
            return previous, kind, 0
    return best, kind, span
