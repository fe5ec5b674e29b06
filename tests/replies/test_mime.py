"""parse_mail(): facts and decoded text of every kind of mail, never an exception."""

from __future__ import annotations

from datetime import UTC, datetime

from kgrz_mailbot.replies.mime import decode_bytes, limit_header_block, parse_mail

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
