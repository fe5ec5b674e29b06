"""A parsing policy for the email package that renders well-formed Content-* headers without the registry."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from email.policy import EmailPolicy
from functools import lru_cache

_MAX_PARSED = 4096
_MEMO_SIZE = 1024
_MEMO_MAX_CHARS = 512

# Well-formed Content-* header values, rendered as the header registry renders them (main part as is, then
# `; name="value"` per distinct parameter); checked against the registry on corpus and generated values.
# Anything else (comments, RFC 2231, escapes, encoded words, 8-bit) is still parsed by the registry.
_TOKEN = r"[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+"
_ATTR = r"[!#$&+\-.^_`{|}~0-9A-Za-z]+"  # no * ' %: those make a parameter RFC 2231
_QCONTENT = r"(?:[!#-<>-\[\]-~]|=(?!\?))(?:(?:[ !#-<>-\[\]-~]|=(?!\?))*(?:[!#-<>-\[\]-~]|=(?!\?)))?"
_PARAM = rf'[ \t]*;[ \t]*({_ATTR})[ \t]*=[ \t]*(?:({_ATTR})|"({_QCONTENT})")'
_PARAM_RE = re.compile(_PARAM)
_PARAMS = rf"(?:{_PARAM})*[ \t]*;?[ \t]*"
_WELL_FORMED = {
    "content-type": re.compile(rf"[ \t]*{_TOKEN}/{_TOKEN}[ \t]*{_PARAMS}"),
    "content-disposition": re.compile(rf"[ \t]*{_TOKEN}[ \t]*{_PARAMS}"),
    "content-transfer-encoding": re.compile(rf"[ \t]*{_TOKEN}[ \t]*"),
}


def _fast_mime_header(name: str, value: str) -> str | None:
    """str() of the registry's header for a well-formed Content-* value, or None to ask the registry."""
    lowered = name.lower()
    if lowered not in _WELL_FORMED:
        return None
    return _render_mime_header(lowered, value) if len(value) <= _MEMO_MAX_CHARS else _render(lowered, value)


def _render(lowered: str, value: str) -> str | None:
    pattern = _WELL_FORMED[lowered]
    value = value.replace("\r", "").replace("\n", "")
    if pattern.fullmatch(value) is None:
        return None
    head, semicolon, rest = value.partition(";")
    if lowered == "content-transfer-encoding" or not semicolon:
        return value
    params: dict[str, str] = {}
    for match in _PARAM_RE.finditer(";" + rest):
        params.setdefault(match[1], match[2] if match[2] is not None else match[3])  # first of duplicates wins
    rendered = "; ".join(f'{key}="{val}"' if val else key for key, val in params.items())
    return f"{head}; {rendered}" if rendered else f"{head};"


_render_mime_header = lru_cache(maxsize=_MEMO_SIZE)(_render)


class _Policy(EmailPolicy):
    """policy.default, minus the header registry's cost (a new class and a full parse per get) on the
    well-formed Content-* headers the parser and _collect read again and again; same results."""

    def header_fetch_parse(self, name: str, value: str) -> object:
        if not hasattr(value, "name") and (fast := _fast_mime_header(name, value)) is not None:
            return fast
        if not hasattr(value, "name") and len(value) > _MAX_PARSED and name.lower().startswith("content-"):
            # The registry's parser is super-linear on crafted 100 KiB Content-* values; no real one is this long.
            value = value[:_MAX_PARSED]
        return super().header_fetch_parse(name, value)


PARSER = BytesParser(policy=_Policy(header_factory=policy.default.header_factory))


