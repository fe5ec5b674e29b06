"""Plain-text reply trimming: cut the quoted original, then signatures, footers, sign-offs and disclaimers."""

from __future__ import annotations

import re

from kgrz_mailbot.replies.footers import HINTS, is_footer
from kgrz_mailbot.replies.form import label_key
from kgrz_mailbot.replies.quotes import RULE_RE, find_quote, is_quote_line

_DISCLAIMER_RE = re.compile(
    r"^\s*+(?:Diese[s]? (?:E-?Mail|Nachricht)\b.{0,80}\b(?:vertraulich|Informationen)|"
    r"Der Inhalt dieser (?:E-?Mail|Nachricht).{0,40}vertraulich|"
    r"(?:Wichtiger )?Hinweis: Diese (?:E-?Mail|Nachricht)|Haftungsausschluss|Disclaimer\s*:|"
    r"This (?:e-?mail|message)\b.{0,80}\b(?:confidential|privileged|intended)|"
    r"Bitte denken Sie an die Umwelt|Please consider the environment)",
    re.IGNORECASE,
)
_SIGNOFF_WORDS = (
    r"(?:(?:mit\s+)?(?:den\s+)?(?:(?:besten|beste|freundlichen|freundliche|viele|vielen|liebe|lieben|herzliche|"
    r"herzlichen|schöne|sonnige|kollegiale|kollegialen)\s+)*(?:grüße|grüßen|grüsse|grüssen|gruß|gruss|grüßle)"
    r"(?:\s+aus\s+\S+)?|mfg|vg|lg|(?:best|kind|warm|many)?\s*regards|best|cheers)"
)
_SIGNOFF_RE = re.compile(
    # Possessive runs: a line of a million spaces must not backtrack (fuzz: megabyte_line).
    rf"^\s*+{_SIGNOFF_WORDS}(?:\s*/\s*{_SIGNOFF_WORDS})?"
    r"(?:[\s,.!–-]++[A-ZÄÖÜ][\w.\-]*(?:\s+[A-ZÄÖÜ][\w.\-]*){0,2})?[\s,.!]*+$",
    re.IGNORECASE,
)
_SIGNATURE_MAX_LINES = 30


def _multiline(pattern: re.Pattern[str]) -> re.Pattern[str]:
    r"""A `^`-anchored line pattern as a search over "\n" + "\n".join(lines): the literal "\n" lets the engine jump
    from line start to line start in C, and `[^\S\n]` for `\s` keeps a match on its line."""
    text = pattern.pattern.removeprefix("^").replace(r"[\s,.!–-]", r"(?:[^\S\n]|[,.!–-])")
    text = text.replace(r"[\s,.!]", r"(?:[^\S\n]|[,.!])").replace(r"\s", r"[^\S\n]")
    return re.compile("\n" + text, pattern.flags | re.MULTILINE)


_DISCLAIMER_ML = _multiline(_DISCLAIMER_RE)
_SIGNOFF_ML = _multiline(_SIGNOFF_RE)


def _matching_lines(pattern: re.Pattern[str], line_re: re.Pattern[str], lines: list[str]) -> list[int]:
    """Indexes of the lines line_re matches, found by one scan of the multiline form of it."""
    text = "\n" + "\n".join(lines)
    if text.count("\n") != len(lines):  # a line holding "\n" (not from split): test line by line
        return [i for i, line in enumerate(lines) if line_re.match(line)]
    found = []
    line, last = 0, 0
    for match in pattern.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        found.append(line)
    return found


_MAX_PARTS = 50  # interleaved parts read per mail; a bound, not a limit real replies reach
_WRAP_WIDTH = 60  # a quoted line this long may have been re-wrapped by the replying client
# A line that is neither blank nor a `>` / Supercite quote (quotes.is_quote_line), in "\n" + text.
_NOT_QUOTE_ML = re.compile(r"\n(?![^\S\n]*(?:>|[A-Z]{1,3}>(?:[^\S\n]|$)|$))", re.MULTILINE)
_SHORT_RULE_RE = re.compile(r"^(?:_{2,}|-{3,})$")
# Gmail extensions (Mixmax, Streak) leave this marker alone on a line below the text.
_TRACKER_LINE = "\u1427"
_TRACKER_RE = re.compile(r"^[^\S\n]*\u1427[^\S\n]*$", re.MULTILINE)
# A mailing list's footer (Mailman): `__` rule, `<list> mailing list`, its address and listinfo URL.
_LIST_FOOTER_RE = re.compile(r"^\s*\S.{0,60}\smailing list\s*$", re.IGNORECASE)


def _has_label(lines: list[str]) -> bool:
    return any(label_key(line) for line in lines)


def _cut_signature(lines: list[str]) -> list[str]:
    """`-- ` delimiter, unless our form continues below it."""
    if not any("--" in line for line in lines):
        return lines
    for i, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ") and not _has_label(lines[i + 1 :]):
            return lines[:i]
    return lines


def _cut_disclaimer(lines: list[str]) -> list[str]:
    for i in _matching_lines(_DISCLAIMER_ML, _DISCLAIMER_RE, lines):
        if not _has_label(lines[i + 1 :]):
            start = i
            while start > 0 and (not lines[start - 1].strip() or RULE_RE.match(lines[start - 1])):
                start -= 1
            return lines[:start]
    return lines


def _cut_signoff(lines: list[str]) -> list[str]:
    """A sign-off line followed only by a name or signature block ends the text."""
    for i in _matching_lines(_SIGNOFF_ML, _SIGNOFF_RE, lines):
        rest = [x for x in lines[i + 1 :] if x.strip()]
        if len(rest) <= _SIGNATURE_MAX_LINES and not _has_label(rest):
            return lines[:i]
    return lines


def _strip_footers(lines: list[str]) -> list[str]:
    """A mobile footer ends what the lead typed: the app inserts it right below the new text."""
    for i, line in enumerate(lines):
        if is_footer(line) and not _has_label(lines[i + 1 :]):
            return lines[:i]
    return lines


def _cut_list_footer(lines: list[str]) -> list[str]:
    """A mailing list's footer below the text (Mailman), with the rule above it."""
    for i, line in enumerate(lines):
        if _LIST_FOOTER_RE.match(line) and any("listinfo" in x or "@" in x for x in lines[i + 1 : i + 4]):
            start = i
            while start > 0 and (not lines[start - 1].strip() or _SHORT_RULE_RE.match(lines[start - 1].strip())
                                 ):
                start -= 1
            return lines[:start]
    return lines


def strip_noise(lines: list[str], *, list_footer: bool = True) -> list[str]:
    """Remove what follows the answer in the new text: footers, `-- ` signature, disclaimer, sign-off."""
    if list_footer:
        lines = _cut_list_footer(lines)
    # Most texts hold no footer word at all: one check on the whole text spares three per-line passes.
    low = "\n".join(lines).lower()
    footers = any(word in low for word in HINTS)
    if footers:
        lines = _strip_footers(lines)
    lines = _cut_signature(lines)
    lines = _cut_disclaimer(lines)
    if footers:
        lines = _strip_footers(lines)
    lines = _cut_signoff(lines)
    return _strip_footers(lines) if footers else lines


def _quote_block_end(lines: list[str], start: int, span: int) -> int | None:
    """Index after the `>` block at start (after its attribution of span lines), or None when no `>` line follows."""
    i = start + span
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or not is_quote_line(lines[i]):
        # An attribution over an unquoted original (Outlook for Mac, crisp): all below it is the original.
        return None
    # The first line that is neither blank nor quoted, found by one scan in C (quoted tails are long).
    text = "\n" + "\n".join(lines[i:])
    for match in _NOT_QUOTE_ML.finditer(text):
        line = i + text.count("\n", 0, match.start())
        if not _wrapped_quote_line(lines, line):
            return line
    return len(lines)


def _wrapped_quote_line(lines: list[str], i: int) -> bool:
    """A client re-wrapped a long quoted line: its tail lost the `>` and sits between two quoted lines."""
    before = lines[i - 1].lstrip().lstrip(">").strip()
    return (len(before) >= _WRAP_WIDTH and i + 1 < len(lines) and is_quote_line(lines[i + 1])
            and is_quote_line(lines[i - 1]))


def _signature_below(lines: list[str]) -> bool:
    """Text below a quote that opens with a rule or `-- ` is a signature, not an answer."""
    first = next((line.strip() for line in lines if line.strip()), "")
    return first in ("--", "-- ") or bool(_SHORT_RULE_RE.match(first))


def _nonblank(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip())


def trim_lines(lines: list[str], *, list_footer: bool = True) -> list[str]:
    """New text: the part above the first quote, then each part typed between or below `>` quotes."""
    kept: list[str] = []
    rest = lines
    for _ in range(_MAX_PARTS):
        found = find_quote(rest)
        head = rest if found is None else rest[: found[0]]
        clean = strip_noise(head, list_footer=list_footer)
        if _nonblank(clean):
            # One blank line between the parts, as between paragraphs.
            while kept and not kept[-1].strip():
                kept.pop()
            first = next(i for i, line in enumerate(clean) if line.strip())
            kept += ([""] if kept else []) + clean[first:]
        # Only `>` quotes (with their attribution) can have an answer below them: a header block or a separator
        # starts the unquoted original, and after a sign-off or signature the lead has finished writing.
        if found is None or found[1] not in ("attribution", "quote") or _nonblank(clean) < _nonblank(head):
            break
        end = _quote_block_end(rest, found[0], found[2])
        if end is None and not kept and found[1] == "attribution":
            # Nothing above an attribution that no `>` quote follows: the text below it is the answer, unless it
            # holds our form (then it is our request, quoted without `>`, and its empty form must not be read).
            end = found[0] + found[2]
            if _has_label(rest[end:]):
                break
        if end is None or not _nonblank(rest[end:]) or _signature_below(rest[end:]):
            break
        rest = rest[end:]
    return kept


def trim(text: str) -> str:
    """The new text of a reply: quoted original, signature, footers, disclaimer and sign-off removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    if _TRACKER_LINE in text:
        text = _TRACKER_RE.sub("", text)
    # Whole-text checks in C spare the per-line passes for what most mails do not hold.
    kept = trim_lines(text.split("\n"), list_footer="ailing list" in text)
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(line.rstrip() for line in kept).strip("\n")
