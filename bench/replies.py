"""Benchmark (not a test): our reply extractor vs. public peers on the shared corpus pairs; prints a table.

Run: /work/venv/bin/python bench/replies.py [--peers-python /path/to/venv/bin/python]
Peers are imported if installed in this interpreter; missing ones are listed as skipped.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "replies")]

from corpus_pairs import Pair, all_pairs, normalise  # noqa: E402

from kgrz_mailbot.replies import mime  # noqa: E402
from kgrz_mailbot.replies.htmltext import html_to_text  # noqa: E402
from kgrz_mailbot.replies.pipeline import understand  # noqa: E402
from kgrz_mailbot.replies.trim import trim  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
MAILS = ROOT / "tests" / "data" / "mails"
# understand() on tests/data/mails before the speed-up (commit 4c2045f, email policy.default throughout), measured
# alternately with this version on the 2-CPU dev VM: ~560 mails/s then, ~2 200 now (~1 700 with cold memos).
BEFORE_PER_SECOND = 560


def ours(pair: Pair) -> str:
    return trim(html_to_text(pair.source)[0] if pair.kind == "html" else pair.source)


def _peer(module: str, build: Callable[[object], Callable[[Pair], str]]) -> Callable[[Pair], str] | str:
    try:
        return build(importlib.import_module(module))
    except Exception as exc:  # noqa: BLE001 - a peer that does not import is reported, not fatal
        return f"not available ({type(exc).__name__})"


def peers() -> dict[str, Callable[[Pair], str] | str]:
    def erp(mod: object) -> Callable[[Pair], str]:
        return lambda p: mod.EmailReplyParser.parse_reply(p.source)  # type: ignore[attr-defined]

    def quotequail(mod: object) -> Callable[[Pair], str]:
        def run(p: Pair) -> str:
            found = mod.quote_html(p.source) if p.kind == "html" else mod.quote(p.source)  # type: ignore[attr-defined]
            return "\n".join(text for keep, text in found if keep)
        return run

    def mpr(mod: object) -> Callable[[Pair], str]:
        return lambda p: mod.EmailReplyParser(languages=["en", "de"]).parse_reply(p.source)  # type: ignore[attr-defined]

    def talon(mod: object) -> Callable[[Pair], str]:
        quotations = importlib.import_module("talon.quotations")
        return lambda p: (quotations.extract_from_html(p.source) if p.kind == "html"
                          else quotations.extract_from_plain(p.source))

    return {"email-reply-parser": _peer("email_reply_parser", erp), "quotequail": _peer("quotequail", quotequail),
            "mail-parser-reply": _peer("mailparser_reply", mpr), "talon": _peer("talon", talon)}


def score(extract: Callable[[Pair], str], pairs: list[Pair]) -> tuple[int, float, int, int]:
    """(exact matches, mean content-kept x quote-removed score, cut-new-text count, errors)."""
    exact = cut = errors = 0
    total = 0.0
    for pair in pairs:
        try:
            out = extract(pair) or ""
        except Exception:  # noqa: BLE001
            errors += 1
            continue
        if pair.kind == "html" and "<" in out:
            out = html_to_text(out, cut=False)[0]
        expected = pair.expected or ""
        exact += normalise(out, pair.compare) == normalise(expected, pair.compare)
        want = {normalise(line, "collapse") for line in expected.splitlines() if line.strip()}
        got = {normalise(line, "collapse") for line in out.splitlines() if line.strip()}
        kept = len(want & got) / len(want) if want else 1.0
        clean = len(got & want) / len(got) if got else (1.0 if not want else 0.0)
        total += kept * clean
        cut += kept < 1.0
    return exact, total / max(len(pairs), 1), cut, errors


def _clear_memos() -> None:
    for value in list(vars(mime).values()):
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def throughput() -> tuple[float, float, float]:
    """(mails/s, mails/s with mime's header memos cleared before every mail, ratio to the email parser alone)."""
    raws = [path.read_bytes() for path in sorted(MAILS.glob("*.eml"))] * 5
    start = time.perf_counter()
    for raw in raws:
        BytesParser(policy=policy.default).parsebytes(raw).get_body(preferencelist=("plain", "html"))
    email_only = time.perf_counter() - start
    _clear_memos()
    start = time.perf_counter()
    for raw in raws:
        understand(raw, own_address="projektstatus@koblenz.example")
    full = time.perf_counter() - start
    start = time.perf_counter()
    for raw in raws:
        _clear_memos()  # worst case: no header value seen before (the memos help real polls: same leads, same types)
        understand(raw, own_address="projektstatus@koblenz.example")
    cold = time.perf_counter() - start
    return len(raws) / full, len(raws) / cold, full / email_only


def main() -> None:
    pairs = [p for p in all_pairs(CORPORA) if p.expected is not None]
    german = [p for p in pairs if "german" in p.name]
    rows = [("kgrz (ours)", ours)] + list(peers().items())
    print(f"{len(pairs)} exact pairs ({len(german)} German) from {CORPORA}\n")
    print(f"{'extractor':<22}{'exact':>12}{'German':>10}{'kept x clean':>14}{'cut new text':>14}{'errors':>8}")
    for name, extract in rows:
        if isinstance(extract, str):
            print(f"{name:<22}{extract}")
            continue
        exact, mean, cut, errors = score(extract, pairs)
        german_exact = score(extract, german)[0]
        print(f"{name:<22}{exact:>5}/{len(pairs)} {exact / len(pairs):>4.0%}{german_exact:>6}/{len(german)}"
              f"{mean:>14.2f}{cut:>14}{errors:>8}")
    per_second, cold, ratio = throughput()
    print(f"\nunderstand(): {per_second:.0f} mails/s on tests/data/mails ({cold:.0f} with cold header memos), "
          f"{ratio:.1f}x the time of the email parser alone; before the speed-up ~{BEFORE_PER_SECOND} mails/s")


if __name__ == "__main__":
    main()
