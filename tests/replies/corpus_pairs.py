"""Input/expected pairs of the shared reply corpora (../shared/corpora), read by path; used by tests and bench."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

DISCOURSE_MUST = {f"embedded_email_german_{i}" for i in range(1, 7)} | {f"email_headers_{i}" for i in range(1, 6)}
CRISP_MUST_PREFIX = ("email_german", "email_18", "email_outlook_split_line_from", "email_original_message")

# Our policy where corpora differ (used by tests/replies/test_corpora.py and bench/replies.py).
# Cases where the corpus keeps what our policy removes (DESIGN C2: sign-offs are not part of the text).
SIGNOFF_POLICY = {"email_headers_5", "embedded_email_german_3"}
# Mails that are only a forward or a quote: Discourse keeps them whole, we keep nothing (a forwarded request with
# its empty form must never be read as an answer).
QUOTE_ONLY_POLICY = {"forwarded_message", "quote_only"}
# fiedl asserts strings our policy removes on purpose: sign-offs, and the quote (with its attribution) that an
# interleaved reply answers; the lead's text below that quote is kept and asserted.
FIEDL_EXEMPT = {
    "email_de_1": {"Am 12.06.2016 um 10:00 schrieb Wilhelm G. N",
                   "beim Tübinger Kommers am Freitag sprach mich Cph. H darauf an"},
    "email_de_3": {"Grüßle - Thomas"},
    "email_de_4": {"Grüßle - Thomas"},
    "email_de_8": {"Viele Grüße"},
    "email_de_9": {"Viele Grüße"},
}


@dataclass(frozen=True)
class Pair:
    """One corpus case; `kind` is 'text' or 'html'; `expected` None for include/exclude cases."""

    corpus: str
    name: str
    kind: str
    source: str
    expected: str | None
    must: bool
    compare: str = "collapse"  # 'collapse' (whitespace-collapsed) or 'nospace' (talon HTML: all whitespace removed)
    must_include: tuple[str, ...] = field(default=())
    must_exclude: tuple[str, ...] = field(default=())


def _plain_of_eml(path: Path) -> tuple[str, str]:
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    for wanted in ("plain", "html"):
        part = msg.get_body(preferencelist=(wanted,))
        if part is not None:
            return ("text" if wanted == "plain" else "html"), part.get_content()
    return "text", ""


def discourse(root: Path) -> list[Pair]:
    base = root / "discourse-email_reply_trimmer" / "test"
    pairs = []
    for path in sorted((base / "emails").glob("*.txt")):
        expected = base / "trimmed" / path.name
        if expected.exists():
            pairs.append(Pair("discourse", path.stem, "text", path.read_text(encoding="utf-8"),
                              expected.read_text(encoding="utf-8"), path.stem in DISCOURSE_MUST))
    return pairs


def crisp(root: Path) -> list[Pair]:
    base = root / "crisp-oss-email-reply-parser"
    cases = json.loads((base / "expected.json").read_text(encoding="utf-8"))["cases"]
    pairs = []
    for case in cases:
        path = base / case["input"]
        name = path.stem
        pairs.append(Pair("crisp", f"{name}:{case['test']}", "text", path.read_text(encoding="utf-8"),
                          case["expected"], name.startswith(CRISP_MUST_PREFIX)))
    return pairs


def talon(root: Path) -> list[Pair]:
    base = root / "mailgun-talon"
    cases = json.loads((base / "expected.json").read_text(encoding="utf-8"))["cases"]
    pairs = []
    for case in cases:
        path = base / case["input"]
        name = path.stem
        if path.suffix == ".eml":
            kind, source = _plain_of_eml(path)
            compare = "collapse"
        else:
            kind, source, compare = "html", path.read_text(encoding="utf-8", errors="replace"), "nospace"
        must = name.startswith("ms_outlook") or name == "OLK_SRC_BODY_SECTION"
        pairs.append(Pair("talon", name, kind, source, case["expected"], must, compare))
    return pairs


def fiedl(root: Path) -> list[Pair]:
    base = root / "fiedl-extended_email_reply_parser"
    cases = json.loads((base / "expected.json").read_text(encoding="utf-8"))["cases"]
    pairs = []
    for case in cases:
        path = base / case["input"]
        if path.suffix == ".eml":
            kind, source = _plain_of_eml(path)
        else:
            # Upstream fixtures hold literal \" and \t sequences; unescape them as the Ruby specs read them.
            kind, source = "text", path.read_text(encoding="utf-8").replace('\\"', '"').replace("\\t", "\t")
        pairs.append(Pair("fiedl", path.stem, kind, source, None, True,
                          must_include=tuple(html.unescape(s) for s in case["must_include"]),
                          must_exclude=tuple(html.unescape(s) for s in case["must_exclude"])))
    return pairs


def all_pairs(root: Path) -> list[Pair]:
    return discourse(root) + crisp(root) + talon(root) + fiedl(root)


def normalise(text: str, compare: str) -> str:
    return re.sub(r"\s+", "" if compare == "nospace" else " ", text).strip()
