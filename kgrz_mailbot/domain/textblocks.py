"""Stored reply text (C4) as blocks of paragraphs and bullet lists, shared by every renderer of the draft."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

#: what a list line starts with: the C4 ``- `` plus the marks Outlook and Word put in front of list items
#: when a lead pastes a list from a document (``•``, ``–``, ``*``); all become the same real list.
_BULLET = re.compile(r"^\s*(?:-|•|–|\*|·)\s+(?P<item>.*)$")

#: characters that XML 1.0 forbids (python-docx and lxml refuse them) and that no mail client shows anyway;
#: tab, line feed and carriage return stay, they are ordinary text.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

#: the sentences both renderers print, kept here so the Word file, the HTML mail and the confirmation agree
UNCHANGED_SENTENCE = "Der Stand ist gegenüber der letzten Berichterstattung unverändert."
NO_ANSWER = "[Noch keine Rückmeldung von {lead} – Abschnitt fehlt]"
PREVIOUS_HEADING = "Auszug aus der Berichterstattung vom {label}:"

#: Ampel colours for cell shading (Word) and cell background (HTML), light enough for black text on paper
AMPEL_FARBE = {"gruen": "92D050", "gelb": "FFD966", "rot": "FF6B6B"}


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; its lines are the line breaks the lead typed inside it."""

    lines: tuple[str, ...]
    kind: ClassVar[Literal["paragraph"]] = "paragraph"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class BulletList:
    """Consecutive list lines, one item each."""

    items: tuple[str, ...]
    kind: ClassVar[Literal["list"]] = "list"


Block = Paragraph | BulletList


#: every invisible formatting character (Unicode category Cf, Unicode 14 and the format controls Unicode 15
#: added up to U+1343F) as one class, so the check runs in C: a character-by-character ``unicodedata`` test
#: cost 1.9 s of a 500-project compile. tests/unit/test_textblocks.py compares it with this Python's unicodedata.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def visible(text: str) -> str:
    """Text without invisible formatting characters (Unicode category Cf): bidi embeddings, overrides and
    isolates (U+202A–202E, U+2066–2069, LRM/RLM), zero-width spaces and joiners, the BOM, soft hyphens, tag
    characters. A reversed "‮0001" would print as "1000" in the Vorlage while the stored text says otherwise;
    none of them carries meaning in a German report."""
    if text.isascii():
        return text
    return _FORMAT.sub("", text)


def clean_text(text: str) -> str:
    """Text without the control characters that XML cannot carry, with ``\\n`` line ends only."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_INVALID.sub("", text)


def parse_blocks(text: str | None) -> tuple[Block, ...]:
    """Split stored text into paragraphs and lists.

    A blank line ends a paragraph; a list may follow a paragraph line directly ("Die Services sind:\\n- A");
    an indented line right after a list item continues that item (a long item the mail client wrapped).
    """
    blocks: list[Block] = []
    lines: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(Paragraph(tuple(lines)))
            lines.clear()
        if items:
            blocks.append(BulletList(tuple(items)))
            items.clear()

    for raw in visible(clean_text(text or "")).split("\n"):
        line = raw.rstrip()
        bullet = _BULLET.match(line)
        if not line.strip():
            flush()
        elif bullet:
            # no flush here: flush() emits the pending paragraph before the list, as it was typed
            item = bullet.group("item").strip()
            if item:
                items.append(item)
        elif items and raw[:1] in (" ", "\t"):
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            if items:
                flush()
            lines.append(line.strip())
    flush()
    return tuple(blocks)


def plain_text(blocks: tuple[Block, ...], indent: str = "") -> str:
    """Blocks back as C4 text (``- `` items, blank line between blocks), each line prefixed by ``indent``."""
    chunks = []
    for block in blocks:
        if isinstance(block, BulletList):
            chunks.append("\n".join(f"{indent}- {item}" for item in block.items))
        else:
            chunks.append("\n".join(f"{indent}{line}" for line in block.lines))
    return "\n\n".join(chunks)
