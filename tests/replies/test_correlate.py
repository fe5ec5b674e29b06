"""The request token and subject prefixes."""

from __future__ import annotations

import pytest

from kgrz_mailbot.replies.correlate import TOKEN_RE, find_token, strip_subject_prefixes


@pytest.mark.parametrize("subject", [
    "Statusabfrage eCollaboration – Werkausschuss 19.09.2018 [KGRZ-7K2QXA]",
    "AW: Statusabfrage [kgrz-7k2qxa]",
    "AW: WG: [ KGRZ-7K2QXA ] Statusabfrage",
])
def test_token_in_subject(subject: str) -> None:
    assert find_token(subject, "") == "KGRZ-7K2QXA"


def test_subject_wins_over_body() -> None:
    assert find_token("AW: x [KGRZ-AAAAAA]", "Betreff: [KGRZ-BBBBBB]") == "KGRZ-AAAAAA"


def test_token_from_quoted_body() -> None:
    body = "Stand: x\n\nVon: KGRZ\nBetreff: Statusabfrage eCollaboration [KGRZ-7K2QXA]\n"
    assert find_token("AW: Statusabfrage eCollaboration", body) == "KGRZ-7K2QXA"
    assert find_token("", "siehe KGRZ-7K2QXA im Betreff") == "KGRZ-7K2QXA"


@pytest.mark.parametrize("text", ["[KGRZ-7K2QX]", "[KGRZ-7K2QXAB]", "[KGRZ-0K2QXA]", "[KGRZ-IK2QXA]", "KGRZ-7K2QXAB",
                                  "[KGRZ #12]"])
def test_not_a_token(text: str) -> None:
    assert find_token(text, text) is None


def test_token_re_is_public() -> None:
    assert TOKEN_RE.search("[KGRZ-7K2QXA]")


@pytest.mark.parametrize(("subject", "expected"), [
    ("AW: Statusabfrage", "Statusabfrage"),
    ("AW: WG: RE: Re: FW: Fwd: Antw: Antwort: Statusabfrage", "Statusabfrage"),
    ("Aw:Statusabfrage", "Statusabfrage"),
    ("RE[2]: Statusabfrage", "Statusabfrage"),
    ("Statusabfrage AW: bleibt", "Statusabfrage AW: bleibt"),
    ("Anfrage: Stand", "Anfrage: Stand"),
])
def test_strip_subject_prefixes(subject: str, expected: str) -> None:
    assert strip_subject_prefixes(subject) == expected
