"""Peer side of bench/replies.py: runs the public reply parsers in their own venv (never the project's).

Runs under the peers venv's interpreter and uses only the standard library plus the peers. Reads JSON from stdin,
{"cases": [{"kind": "text"|"html", "source": str}, ...], "rounds": int}, and writes JSON to stdout:
{"python": str, "email_seconds": float, "peers": {name: {"status": "ok"|"unavailable", "reason": str,
"version": str, "shims": [str], "outputs": [str|null], "errors": [str|null], "seconds": float}}}.
`seconds` and `email_seconds` are the best of `rounds` passes over all cases (extraction only, resp. Python's
`email` parser on the same mails built by `raw_mail`). bench/replies.py imports the timing helpers from here, so
both sides measure the same way.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from email import policy
from email.parser import BytesParser

# What bench/replies.py installs into the peers venv, per peer: pip argument lists run one after another; a list
# starting with "?" is optional (a failure is noted, not fatal). talon 1.4.4 (2017) pins nothing usable today:
# its sdist is installed without dependencies, then the ones `talon.quotations` imports; the ML signature
# extractor (numpy/scipy/scikit-learn, pickled with a 2017 scikit-learn) is left out -- quotations never use it
# and talon.init() skips it when it does not import (talon/__init__.py: ML_ENABLED).
INSTALL: dict[str, list[list[str]]] = {
    "talon": [["--no-deps", "talon==1.4.4"], ["lxml", "regex", "chardet", "cssselect", "six", "html5lib"],
              ["?", "cchardet"]],
    "email-reply-parser": [["email_reply_parser==0.5.12"]],
    "quotequail": [["quotequail==0.5.4"]],
    "mail-parser-reply": [["mail-parser-reply==1.36"]],
}
DISTRIBUTION = {"talon": "talon", "email-reply-parser": "email_reply_parser", "quotequail": "quotequail",
                "mail-parser-reply": "mail-parser-reply"}

Extract = Callable[[str, str], str]  # (kind, source) -> extracted reply (text, or HTML for HTML input)


def raw_mail(kind: str, source: str, n: int) -> bytes:
    """A minimal single-part RFC 5322 mail around one corpus body (what the email-parser baseline parses)."""
    head = (f"From: Lead <lead{n}@example.org>\r\nTo: projektstatus@koblenz.example\r\n"
            f"Subject: AW: Statusabfrage {n}\r\nDate: Wed, 12 Sep 2018 10:15:00 +0200\r\n"
            f"Message-ID: <bench-{n}@example.org>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/{'html' if kind == 'html' else 'plain'}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n")
    return head.encode("ascii") + source.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "replace")


def email_parse(raw: bytes) -> str:
    """The baseline: what Python's email package alone costs to get a mail's body text."""
    body = BytesParser(policy=policy.default).parsebytes(raw).get_body(preferencelist=("plain", "html"))
    return body.get_content() if body is not None else ""


def best_seconds(run: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(max(rounds, 1)):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


# --- peers: each loader returns (extract, shims applied at runtime) or raises --------------------------------------

def _talon() -> tuple[Extract, list[str]]:
    shims = []
    try:
        import cchardet  # noqa: F401
    except ImportError:
        import chardet  # same detect() API; cchardet does not build on every current Python

        sys.modules["cchardet"] = chardet
        shims.append("cchardet -> chardet")
    import talon
    from talon import quotations

    talon.init()  # registers the XPath extensions extract_from_html needs
    if not talon.ML_ENABLED:
        shims.append("ML signature extractor not installed (quotations do not use it)")

    def run(kind: str, source: str) -> str:
        return quotations.extract_from_html(source) if kind == "html" else quotations.extract_from_plain(source)
    return run, shims


def _email_reply_parser() -> tuple[Extract, list[str]]:
    from email_reply_parser import EmailReplyParser

    return (lambda kind, source: EmailReplyParser.parse_reply(source)), []


def _quotequail() -> tuple[Extract, list[str]]:
    import quotequail

    def run(kind: str, source: str) -> str:
        # unwrap() finds a reply/forward header and returns the text above it; otherwise quote() marks the
        # quoted parts (the intro line "On ... wrote:" counted as quote) and the kept parts are joined.
        if kind == "html":
            found = quotequail.unwrap_html(source)
            if found and found.get("html_top") is not None:
                return found["html_top"]
            return "".join(part for keep, part in quotequail.quote_html(source) if keep)
        found = quotequail.unwrap(source)
        if found and found.get("text_top") is not None:
            return found["text_top"]
        return "\n".join(part for keep, part in quotequail.quote(source, quote_intro_line=True) if keep)
    return run, []


def _mail_parser_reply() -> tuple[Extract, list[str]]:
    from mailparser_reply import EmailReplyParser

    parser = EmailReplyParser(languages=["de", "en"])
    return (lambda kind, source: parser.parse_reply(source)), []


LOADERS: dict[str, Callable[[], tuple[Extract, list[str]]]] = {
    "talon": _talon, "email-reply-parser": _email_reply_parser, "quotequail": _quotequail,
    "mail-parser-reply": _mail_parser_reply,
}


def run_peer(name: str, cases: Sequence[dict[str, str]], rounds: int) -> dict[str, object]:
    try:
        extract, shims = LOADERS[name]()
    except Exception as exc:  # noqa: BLE001 - a peer that does not import is reported, not fatal
        return {"status": "unavailable", "reason": f"import failed: {type(exc).__name__}: {exc}"}
    try:
        version = importlib.metadata.version(DISTRIBUTION[name])
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    outputs: list[str | None] = []
    errors: list[str | None] = []
    for case in cases:
        try:
            out = extract(case["kind"], case["source"])
            outputs.append(out if isinstance(out, str) else ("" if out is None else str(out)))
            errors.append(None)
        except Exception as exc:  # noqa: BLE001 - counted per case
            outputs.append(None)
            errors.append(f"{type(exc).__name__}: {exc}"[:200])

    def one_pass() -> None:
        for case in cases:
            try:
                extract(case["kind"], case["source"])
            except Exception:  # noqa: BLE001, S110 - already recorded above; the time of failing still counts
                pass
    return {"status": "ok", "reason": "", "version": version, "shims": shims, "outputs": outputs, "errors": errors,
            "seconds": best_seconds(one_pass, rounds)}


def main() -> None:
    warnings.simplefilter("ignore")  # html5lib's DataLossWarning on every Outlook namespace
    request = json.load(sys.stdin)
    cases, rounds = request["cases"], int(request.get("rounds", 3))
    raws = [raw_mail(c["kind"], c["source"], n) for n, c in enumerate(cases)]
    email_seconds = best_seconds(lambda: [email_parse(raw) for raw in raws], rounds)
    names = request.get("peers") or list(LOADERS)
    result = {"python": sys.version.split()[0], "email_seconds": email_seconds,
              "peers": {name: run_peer(name, cases, rounds) for name in names}}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
