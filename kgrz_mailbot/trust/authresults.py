"""What our own mail server's Authentication-Results (RFC 8601) vouch for: only its topmost header counts (pure).

Every server on the way prepends its trace headers, so the header our server added last stands above everything
the sender (or any server before ours) wrote. A sender can put any ``Authentication-Results`` into a mail,
including one that names our server and says ``dmarc=pass``; it always lands *below* our server's real one.
So only the topmost header is read, and only when it carries our authserv-id; every header below it is the
sender's text and changes nothing (RFC 8601 §5: a receiver must not trust headers it did not add itself).

The header is parsed with ``authres`` (the RFC 8601 parser dkimpy and authheaders use) rather than regular
expressions: comments, quoted strings and properties such as ``smtp.mailfrom="dmarc=pass@evil.example"`` are
where hand-written matching goes wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import authres

from kgrz_mailbot.trust.sender import header_values

# Real headers are a few hundred characters; the parser is super-linear on crafted quoting, and a header this long
# is not one our own server wrote.
MAX_HEADER = 4096


@dataclass(frozen=True)
class Verdict:
    """Our server's judgement of one mail, as far as it concerns the From domain."""

    ours: bool  # the topmost Authentication-Results carries our authserv-id
    passed: bool  # DMARC passed, or DKIM passed for the From domain
    reason: str  # why not, in German, for the admin (empty when passed)


def topmost_verdict(raw: bytes, authserv_id: str, from_address: str) -> Verdict:
    """Read the topmost Authentication-Results only; it must be our server's and say pass for the From domain."""
    values = header_values(raw, "authentication-results")
    if not values:
        return Verdict(False, False, "kein Authentication-Results-Kopf unseres Mailservers")
    top = values[0]
    parsed = _parse(top)
    if parsed is None:
        return Verdict(False, False, "oberster Authentication-Results-Kopf nicht lesbar")
    server = str(parsed.authserv_id or "").strip().lower()
    if server != authserv_id.strip().lower():
        return Verdict(False, False, f"oberster Authentication-Results-Kopf stammt von „{server}“, nicht von "
                                     f"„{authserv_id}“")
    domain = from_address.rsplit("@", 1)[-1].lower()
    for result in parsed.results:
        method, outcome = str(result.method).lower(), str(result.result).lower()
        if outcome != "pass":
            continue
        props = {(str(p.type).lower(), str(p.name).lower()): str(p.value).lower() for p in result.properties}
        if method == "dmarc" and props.get(("header", "from"), domain) == domain:
            return Verdict(True, True, "")
        if method == "dkim" and props.get(("header", "d")) == domain:
            return Verdict(True, True, "")
    return Verdict(True, False, f"unser Mailserver bestätigt weder DMARC noch DKIM für „{domain}“")


def authres_verified(raw: bytes, authserv_id: str, from_address: str) -> bool:
    """True when our own server's topmost Authentication-Results say DMARC passed, or DKIM passed for the
    From domain."""
    return topmost_verdict(raw, authserv_id, from_address).passed


def _parse(value: str) -> authres.AuthenticationResultsHeader | None:
    if len(value) > MAX_HEADER:
        return None
    try:
        return authres.AuthenticationResultsHeader.parse_value(value)
    except Exception:  # noqa: BLE001 - SyntaxError, RecursionError on crafted nesting: a header we cannot read
        return None
