"""``email`` policies that remember parsed and folded headers: the stdlib redoes both for every header."""

from __future__ import annotations

import re
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

_MEMO_MAX_CHARS = 512  # only short values are remembered, so the caches stay small whatever arrives
# headers that differ on every mail: a parse tree kept for them would only fill memory (about 13 MB per poll)
_PER_MAIL = frozenset({"message-id", "in-reply-to", "references", "date"})


class MessageIdsHeader(UnstructuredHeader):
    """``In-Reply-To`` and ``References``: msg-ids, folded only between them and never as encoded words.

    The stdlib treats both as unstructured text and writes a msg-id longer than a line (ours for a request reach
    90 characters) as ``=?utf-8?q?=3Ckgrz?= …``: no longer a msg-id, so mail programs cannot thread on it and
    a reply that copies the References carries the mangled form on. RFC 5322 §3.6.4 has them as ``1*msg-id``
    with folding whitespace between; a line may hold 998 characters, so each id goes on a line of its own.
    """

    def fold(self, *, policy: Any) -> str:
        ids = str(self).split()
        if not ids or not all(i.isascii() and i.startswith("<") and i.endswith(">") for i in ids):
            return super().fold(policy=policy)  # not msg-ids (a foreign mail's text): as the stdlib writes it
        return f"{self.name}: " + (policy.linesep + " ").join(ids) + policy.linesep


_MSG_IDS = re.compile(r"<[!-;=?-~]+>(?: <[!-;=?-~]+>)*")  # printable ASCII ids, one space apart
_DATE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                   r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}")  # as email.utils.format_datetime writes it


class VerbatimHeader(str):
    """A per-mail header the bot writes from ASCII parts it made itself (``Message-ID``, ``In-Reply-To``,
    ``References``, ``Date``), folded as the header registry folds it but without its parse: the parse of
    these four was a third of composing a confirmation. ``verbatim`` decides which values qualify."""

    name: str
    defects: tuple[object, ...] = ()

    def __new__(cls, name: str, value: str) -> VerbatimHeader:
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy: Any) -> str:
        ids = self.split()
        if self.name.lower() in ("in-reply-to", "references"):
            return f"{self.name}: " + (policy.linesep + " ").join(ids) + policy.linesep
        line = f"{self.name}: {self}"
        if self.name.lower() == "message-id" and len(line) > policy.max_line_length >= len(self) + 1:
            # as the registry folds a msg-id: onto a line of its own where it fits there, else left as it is
            return f"{self.name}:{policy.linesep} {self}{policy.linesep}"
        return line + policy.linesep


def verbatim(name: str, value: object) -> VerbatimHeader | None:
    """The value as a VerbatimHeader when it is one the bot writes (msg-ids, a date), else None."""
    if type(value) is not str or len(value) > 900:
        return None
    lowered = name.lower()
    if lowered == "date":
        return VerbatimHeader(name, value) if _DATE.fullmatch(value) else None
    if lowered in _PER_MAIL and _MSG_IDS.fullmatch(value) and (lowered != "message-id" or " " not in value):
        return VerbatimHeader(name, value)
    return None


class CachedHeaderRegistry(HeaderRegistry):
    """Same classes as the stdlib registry, created once per header name; msg-id lists as ``MessageIdsHeader``.

    CPython's ``HeaderRegistry.__getitem__`` calls ``type()`` for every header it parses or folds, which
    made header handling the largest single cost of composing and parsing our mails.
    """

    def __init__(self) -> None:
        super().__init__()
        for name in ("in-reply-to", "references"):
            self.map_to_type(name, MessageIdsHeader)

    @lru_cache(maxsize=512)  # noqa: B019 - the registry instances live for the whole process anyway
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)


class _MemoPolicy(EmailPolicy):
    """Parsing and folding a header are pure functions of its name and value; the bot sets and folds the same
    From, To, Subject, Content-Type and Auto-Submitted lines thousands of times per poll."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        # A header object is immutable (a str with its parse tree; changing a header replaces it), so one
        # parsed object may stand in every message that sets the same value. Errors are never cached.
        if type(value) is str and len(value) <= _MEMO_MAX_CHARS and name.lower() not in _PER_MAIL:
            return _store_cached(self, name, value)
        if (header := verbatim(name, value)) is not None:
            return name, header
        return super().header_store_parse(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        if type(value) is VerbatimHeader:
            return value.fold(policy=self).encode("ascii")
        text = str(value)
        if len(text) > _MEMO_MAX_CHARS:
            return super().fold_binary(name, value)
        return _fold(self, name, text, value)


@lru_cache(maxsize=4096)
def _store_cached(policy_: _MemoPolicy, name: str, value: str) -> tuple[str, Any]:
    return EmailPolicy.header_store_parse(policy_, name, value)  # type: ignore[no-any-return]


@lru_cache(maxsize=4096)
def _fold_cached(policy_: _MemoPolicy, name: str, text: str) -> bytes:
    return EmailPolicy.fold_binary(policy_, name, policy_.header_store_parse(name, text)[1])


def _fold(policy_: _MemoPolicy, name: str, text: str, value: Any) -> bytes:
    # Header objects carry their parse tree; a plain string is folded by parsing it first, as the stdlib does.
    return _fold_cached(policy_, name, text) if isinstance(value, (str, BaseHeader)) else \
        EmailPolicy.fold_binary(policy_, name, value)


SMTP = _MemoPolicy(header_factory=CachedHeaderRegistry()).clone(linesep="\r\n")
DEFAULT = policy.default.clone(header_factory=CachedHeaderRegistry())
