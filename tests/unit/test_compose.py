"""What we write into In-Reply-To and References stays msg-ids that any mail program can thread on; composing's
shortcuts write what the stdlib writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.utils import format_datetime

from kgrz_mailbot.mail.compose import Attachment, Envelope, compose
from kgrz_mailbot.mail.policies import SMTP, verbatim

REQUEST = "<kgrz.werkausschuss-2018-09-19-interkommunal-request-0.abaaaafbb086d3ff@mailbot.koblenz.example>"
THREAD = "<kgrz-req-kgrz-ms6bg2@mailbot.koblenz.example>"
LEADS_REPLY = "<2e1f91a930e91cce353824ad@koblenz.example>"


def head_of(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii")


def confirmation(references: tuple[str, ...]) -> bytes:
    return compose(Envelope("KGRZ Projektstatus", "projektstatus@koblenz.example",
                            [("Andreas Schulz", "andreas.schulz@koblenz.example")],
                            "Bestätigung: Statusmeldung Interkommunale Zusammenarbeit [KGRZ-MS6BG2]",
                            "<kgrz.inbound-879-confirmation.0e49bd6148e984bc@mailbot.koblenz.example>",
                            datetime(2018, 9, 3, 10, tzinfo=UTC), in_reply_to=LEADS_REPLY, references=references),
                   "Guten Tag Andreas Schulz,")  # fmt: skip


def test_a_msg_id_longer_than_a_line_is_folded_onto_its_own_line_never_encoded() -> None:
    head = head_of(confirmation((THREAD, REQUEST, LEADS_REPLY)))
    assert f"References: {THREAD}\r\n {REQUEST}\r\n {LEADS_REPLY}\r\n" in head
    assert f"In-Reply-To: {LEADS_REPLY}\r\n" in head
    assert "=?" not in head.split("References:")[1].split("\r\nAuto-Submitted")[0]
    assert max(len(line) for line in head.split("\r\n")) <= 998


def test_a_reader_gets_back_exactly_the_ids_written() -> None:
    msg = message_from_bytes(confirmation((THREAD, REQUEST)), policy=policy.default)
    assert str(msg["References"]).split() == [THREAD, REQUEST]
    assert str(msg["In-Reply-To"]) == LEADS_REPLY


# --- the shortcuts of composing (issue 15, item 6): same headers as the registry writes, same text read back ---

def registry_fold(name: str, value: str) -> str:
    """What the header registry itself writes for this value (its parse, then its fold)."""
    return SMTP.header_factory(name, value).fold(policy=SMTP)  # type: ignore[no-any-return]


def test_our_msg_ids_and_dates_are_folded_exactly_as_the_header_registry_folds_them() -> None:
    for length in range(1, 200):
        message_id = f"<kgrz.inbound-{'7' * length}-confirmation@mailbot.koblenz.example>"
        for name, value in (("Message-ID", message_id), ("In-Reply-To", message_id),
                            ("References", f"{THREAD} {message_id} {LEADS_REPLY}")):
            header = verbatim(name, value)
            assert header is not None, (name, value)
            assert header.fold(policy=SMTP) == registry_fold(name, value), (name, value)
    for day in range(1, 29):
        date = format_datetime(datetime(2018, 2, day, 7, 5, 9, tzinfo=timezone(timedelta(hours=1))))
        assert verbatim("Date", date).fold(policy=SMTP) == registry_fold("Date", date)  # type: ignore[union-attr]


def test_anything_else_still_goes_through_the_header_registry() -> None:
    for name, value in (("Message-ID", "<a@b> <c@d>"), ("Message-ID", "ohne Klammern"), ("Date", "03.09.2018"),
                        ("References", "<a@b>  <c@d>"), ("In-Reply-To", "=?utf-8?q?=3Ca=40b=3E?="),
                        ("Subject", "<a@b>"), ("References", "<ä@b>")):
        assert verbatim(name, value) is None, (name, value)


def test_the_text_part_reads_back_exactly_as_written_with_lines_of_at_most_76_characters() -> None:
    text = ("Guten Tag Dr. Jürgen Groß-Schäfer,\n\nvielen Dank – Ihre Statusmeldung zum Projekt „E-Akte“ ist "
            "gespeichert. " * 3 + "\n.\nFrom Koblenz\nZeile mit Leerzeichen am Ende   \n\tEinzug\n=?utf-8?q?x?=")
    raw = compose(Envelope("KGRZ Projektstatus", "projektstatus@koblenz.example",
                           [("", "juergen.gross@koblenz.example")], "Bestätigung", "<kgrz.1@mailbot.koblenz.example>",
                           datetime(2018, 9, 3, 10, tzinfo=UTC)), text)
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg.get_content().replace("\r\n", "\n") == text + "\n"  # the wire's CRLF, as the stdlib reads it
    assert (msg["Content-Type"], msg["Content-Transfer-Encoding"]) == ('text/plain; charset="utf-8"',
                                                                       "quoted-printable")
    head, body = raw.split(b"\r\n\r\n", 1)
    assert head.endswith(b"\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
                         b"Content-Transfer-Encoding: quoted-printable\r\nMIME-Version: 1.0")
    assert max(len(line) for line in body.split(b"\r\n")) <= 76
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_a_mail_with_an_html_alternative_and_an_attachment_keeps_its_structure() -> None:
    raw = compose(Envelope("KGRZ Projektstatus", "projektstatus@koblenz.example", [("", "werkleitung@koblenz.example")],
                           "Entwurf", "<kgrz.2@mailbot.koblenz.example>", datetime(2018, 9, 3, 10, tzinfo=UTC),
                           attachments=(Attachment("vorlage.docx", b"PK\x03\x04"),)),
                  "Guten Tag,\n\nim Anhang der Entwurf.", "<p>Guten Tag,</p>")
    msg = message_from_bytes(raw, policy=policy.default)
    assert [part.get_content_type() for part in msg.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    plain = msg.get_body(("plain",))
    assert plain is not None and plain.get_content() == "Guten Tag,\r\n\r\nim Anhang der Entwurf.\r\n"
    assert msg.get_body(("html",)).get_content() == "<p>Guten Tag,</p>\r\n"  # type: ignore[union-attr]
    assert [a.get_filename() for a in msg.iter_attachments()] == ["vorlage.docx"]
