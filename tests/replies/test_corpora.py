"""The shared public corpora (REPLIES.md §5): the must-pass set, compared by each corpus' own policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.replies.htmltext import html_to_text
from kgrz_mailbot.replies.trim import _SIGNOFF_RE, trim

from .corpus_pairs import FIEDL_EXEMPT, QUOTE_ONLY_POLICY, SIGNOFF_POLICY, Pair, all_pairs, normalise
from .helpers import CORPORA_DIR


def _must_pairs() -> list[Pair]:
    return [p for p in all_pairs(CORPORA_DIR) if p.must] if CORPORA_DIR.is_dir() else []


def _extract(pair: Pair) -> str:
    source = html_to_text(pair.source)[0] if pair.kind == "html" else pair.source
    return trim(source)


def _lines(text: str) -> list[str]:
    return [normalise(line, "collapse") for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("pair", _must_pairs(), ids=lambda p: f"{p.corpus}:{p.name}")
def test_must_pass_case(pair: Pair, corpora: Path) -> None:
    ours = _extract(pair)
    if pair.corpus == "fiedl":
        exempt = FIEDL_EXEMPT.get(pair.name, set())
        assert [s for s in pair.must_include if s not in exempt and s not in ours] == []
        assert [s for s in pair.must_exclude if s in ours] == []
    elif pair.name in SIGNOFF_POLICY:
        expected = _lines(pair.expected or "")
        kept = _lines(ours)
        # Every line we keep is new text; what we drop is only the sign-off and the name below it.
        assert set(kept) <= set(expected)
        signoff = next(i for i, line in enumerate(expected) if _SIGNOFF_RE.match(line))
        assert kept == expected[:signoff]
    else:
        assert normalise(ours, pair.compare) == normalise(pair.expected or "", pair.compare)


def test_must_pass_set_is_complete(corpora: Path) -> None:
    pairs = _must_pairs()
    by_corpus = {c: sum(1 for p in pairs if p.corpus == c) for c in ("discourse", "crisp", "talon", "fiedl")}
    assert by_corpus == {"discourse": 11, "crisp": by_corpus["crisp"], "talon": 4, "fiedl": 8}
    assert by_corpus["crisp"] >= 6


def test_no_case_of_any_corpus_loses_all_new_text(corpora: Path) -> None:
    """Informational corpora may differ in policy, but we never cut a reply down to nothing."""
    emptied = [f"{p.corpus}:{p.name}" for p in all_pairs(corpora)
               if p.expected and p.expected.strip() and not _extract(p).strip()
               and p.name not in SIGNOFF_POLICY | QUOTE_ONLY_POLICY]
    assert emptied == []
