"""What we write into In-Reply-To and References stays msg-ids that any mail program can thread on."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

from kgrz_mailbot.mail.compose import Envelope, compose

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
