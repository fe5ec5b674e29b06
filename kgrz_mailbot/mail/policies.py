"""``email`` policies with a cached header registry: the stdlib builds a new header class on every lookup."""

from __future__ import annotations

from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from functools import lru_cache


class CachedHeaderRegistry(HeaderRegistry):
    """Same classes as the stdlib registry, created once per header name.

    CPython's ``HeaderRegistry.__getitem__`` calls ``type()`` for every header it parses or folds, which
    made header handling the largest single cost of composing and parsing our mails.
    """

    @lru_cache(maxsize=512)  # noqa: B019 - the registry instances live for the whole process anyway
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)


SMTP = policy.SMTP.clone(header_factory=CachedHeaderRegistry())
DEFAULT = policy.default.clone(header_factory=CachedHeaderRegistry())
