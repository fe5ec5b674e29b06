"""parse_mail(): facts and decoded text of every kind of mail, never an exception."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email import policy

from kgrz_mailbot.replies.mime import _decode_memo, decode_bytes, limit_header_block, parse_mail
from kgrz_mailbot.replies.mimepolicy import _fast_mime_header

from .helpers import mail_bytes


def test_outlook_facts() -> None:
    facts = parse_mail(mail_bytes("outlook2016_html_reply_de")).facts
    assert facts.from_address == "erika.muster@koblenz.example"
    assert facts.from_name == "Muster, Erika"
    assert facts.date == datetime(2018, 9, 3, 7, 12, 44, tzinfo=UTC)
    assert facts.message_id == "<A1B2C3D4E5F6@KGRZEX01.koblenz.example>"
    assert facts.in_reply_to == ("<kgrz.12.request.0.a1b2c3d4e5f6a7b8@mailbot.koblenz.example>",)
    assert facts.references[0] == "<kgrz-req-12@mailbot.koblenz.example>"
    assert facts.subject == "AW: Statusabfrage eCollaboration – Werkausschuss 19.09.2018 [KGRZ-7K2QXA]"
    assert facts.to == ("projektstatus@koblenz.example",)


def test_broken_headers_degrade() -> None:
    mail = parse_mail(mail_bytes("broken_headers_unknown_charset"))
    assert mail.facts.from_address == "erika.muster@koblenz.example"
    assert mail.facts.date is None
    assert mail.facts.message_id == "<no-brackets-id@koblenz.example>"
    assert "[KGRZ-7K2QXA]" in mail.facts.subject
    assert mail.plain is not None and "Ampel:" in mail.plain


def test_charsets() -> None:
    assert "500 T€ „wie geplant“" in (parse_mail(mail_bytes("windows1252_quoted_printable")).plain or "")
    assert "20.000 €" in (parse_mail(mail_bytes("iso8859_15_base64")).plain or "")
    assert decode_bytes("grün €".encode("cp1252"), "iso-8859-1") == "grün €"  # Outlook's latin-1 label is cp1252
    assert decode_bytes(b"gr\xfcn", "utf-8") == "gr\ufffdn"
    # An unknown charset is decoded like an undeclared one: utf-8 if valid, else cp1252; never an exception.
    assert decode_bytes(b"gr\xfcn", "x-unknown") == "gr\u00fcn"
    assert decode_bytes("grün".encode(), "x-unknown") == "grün"
    assert decode_bytes(b"gr\xfcn", None) == "grün"


def test_tnef_body_is_read() -> None:
    mail = parse_mail(mail_bytes("winmail_dat"))
    assert mail.tnef_used
    assert "Ampel: grün" in (mail.plain or "")


def test_html_only_mail() -> None:
    mail = parse_mail(mail_bytes("html_only_token_in_subject"))
    assert mail.plain is None and "MsoNormal" in (mail.html or "")


def test_overlong_header_lines_are_truncated() -> None:
    raw = b"Subject: " + b"x" * 100_000 + b"\r\nFrom: a@b.example\r\n\r\nbody"
    limited, notes = limit_header_block(raw)
    assert len(limited) < 20_000 and notes == ["overlong header line truncated"]
    assert parse_mail(raw).facts.from_address == "a@b.example"


def test_control_characters_are_removed() -> None:
    mail = parse_mail(b"From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA\x00B\x07C\r\n")
    assert mail.plain == "ABC\n"


def test_fast_content_headers_render_like_the_header_registry() -> None:
    """The registry-free path for well-formed Content-* values gives the registry's str(), and declines the rest."""
    rng = random.Random(5)
    heads = ["text/plain", "multipart/alternative", "TEXT/HTML", "inline", "attachment", "x-a/b.c"]
    names = ["charset", "Charset", "boundary", "name", "filename", "format", "CHARSET", "a.b"]
    values = ["utf-8", "UTF-8", "flowed", "a=b", "----=_NextPart_000.1", "a b", " a", "a ", "x?y", "=?x", "=_x",
              "a;b", "a/b", "", "ä", "x'y", "x*y", "x%y", "(c)", 'q"q', "a\\b"]
    spaces = ["", "", " ", "\t", " \t"]
    checked = 0
    for _ in range(3000):
        value = rng.choice(spaces) + rng.choice(heads) + rng.choice(spaces)
        for _ in range(rng.randint(0, 3)):
            raw = rng.choice(values)
            quoted = f'"{raw}"' if rng.random() < 0.5 else raw
            value += f";{rng.choice(spaces)}{rng.choice(names)}{rng.choice(spaces)}={rng.choice(spaces)}{quoted}"
        value += rng.choice(["", ";", " ; "])
        for name in ("content-type", "Content-Disposition"):
            fast = _fast_mime_header(name, value)
            if fast is not None:
                checked += 1
                assert fast == str(policy.default.header_factory(name, value)), (name, value)
    assert checked > 500
    for odd in ['text/plain; charset="utf-8', "text/plain (comment); charset=utf-8", "text/plain; name*=utf-8''x",
                'text/plain; name="=?utf-8?q?x?="', "text/plain; name=\"\\\"\"", "text/pl\udcc3ain", ""]:
        assert _fast_mime_header("content-type", odd) is None
    assert _fast_mime_header("content-transfer-encoding", " base64 ") == " base64 "
    assert _fast_mime_header("subject", "text/plain") is None


def test_headers_are_decoded_on_demand_like_all_at_once() -> None:
    mail = parse_mail(mail_bytes("outlook2016_html_reply_de"))
    for name, value in mail.headers:
        assert mail.header(name) == next(v for k, v in mail.headers if k == name)
        assert value in mail.header_all(name)
    assert mail.header("X-Not-There") is None and mail.header_all("x-not-there") == []


def test_memoised_decoders_skip_long_values() -> None:
    before = _decode_memo.cache_info().currsize
    assert parse_mail(b"Subject: " + b"=?utf-8?q?a?= " * 400 + b"\r\n\r\nx").facts.subject.startswith("a")
    assert _decode_memo.cache_info().currsize == before
