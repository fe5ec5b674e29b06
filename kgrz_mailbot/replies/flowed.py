"""RFC 3676 ``format=flowed`` text (Thunderbird, Apple Mail, K-9): soft line breaks joined back into paragraphs.

A flowed client wraps every long line at ~72 characters and marks the break with a trailing space. Read as they
come, those breaks would land inside a Stand and be printed in the Vorlage as hard line breaks.
"""

from __future__ import annotations

_SIGNATURE = "-- "


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join soft-broken lines (trailing space, same quote depth); quotes come back as ``> `` per level."""
    out: list[str] = []
    depth_open: int | None = None
    parts: list[str] = []

    def flush() -> None:
        nonlocal depth_open, parts
        if depth_open is not None:
            out.append(("> " * depth_open) + "".join(parts) if depth_open else "".join(parts))
        depth_open, parts = None, []

    for line in text.split("\n"):
        line = line.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing (or the space after the quote marks)
        soft = content.endswith(" ") and content != _SIGNATURE
        if soft and delsp:
            content = content[:-1]
        if depth_open is not None and depth_open != depth:
            flush()
        depth_open = depth
        parts.append(content)
        if not soft:
            flush()
    flush()
    return "\n".join(out)
