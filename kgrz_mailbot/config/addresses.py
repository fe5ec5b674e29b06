"""Mail address parsing shared by config and mail handling: strict, lower-cased, no guessing."""

from __future__ import annotations

import re
from email.utils import parseaddr

from kgrz_mailbot.domain.model import Person

# Deliberately stricter than RFC 5322: config addresses are typed by admins, and a typo such as a
# missing top-level domain should be caught by `check`, not by a bounce weeks later.
ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"  # local part
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"  # domain with a TLD
)


def is_address(value: str) -> bool:
    return bool(ADDRESS.match(value))


def parse_person(value: str) -> Person | None:
    """``Erika Muster <erika.muster@koblenz.example>`` or a bare address; ``None`` if malformed."""
    text = value.strip()
    if text.count("<") != text.count(">") or text.count("<") > 1:
        return None
    name, address = parseaddr(text)
    if not address or not is_address(address):
        return None
    if "<" not in text and text != address:
        return None
    return Person(name=name.strip().strip('"'), address=address.lower())


def format_address(name: str, address: str) -> str:
    """RFC 5322 form with the display name quoted/encoded as needed (umlauts, commas)."""
    from email.headerregistry import Address  # noqa: PLC0415 - only sending needs it; loading a config does not

    local, _, domain = address.partition("@")
    return str(Address(display_name=name, username=local, domain=domain))
