"""The Maildir transport (C3): inbox/new → inbox/cur with flag S, failed mail kept, sent mail written once."""

from __future__ import annotations

from pathlib import Path

from kgrz_mailbot.transports.base import Disposition
from kgrz_mailbot.transports.maildir.transport import MaildirMailbox

MAIL = b"From: a@koblenz.example\r\nMessage-ID: <m1@koblenz.example>\r\n\r\nHallo\r\n"


def test_fetch_reads_new_mail_oldest_first_without_moving_it(tmp_path: Path) -> None:
    box = MaildirMailbox(tmp_path)
    (tmp_path / "inbox/new/2.eml").write_bytes(b"second")
    (tmp_path / "inbox/new/1.eml").write_bytes(b"first")
    (tmp_path / "inbox/new/.hidden").write_bytes(b"ignored")
    import os

    os.utime(tmp_path / "inbox/new/2.eml", ns=(2_000_000_000, 2_000_000_000))
    os.utime(tmp_path / "inbox/new/1.eml", ns=(1_000_000_000, 1_000_000_000))
    assert [(m.key, m.raw) for m in box.fetch_new()] == [("1.eml", b"first"), ("2.eml", b"second")]
    assert [m.key for m in box.fetch_new()] == ["1.eml", "2.eml"]


def test_acknowledge_moves_processed_to_cur_with_flag_s_and_failed_aside(tmp_path: Path) -> None:
    box = MaildirMailbox(tmp_path)
    (tmp_path / "inbox/new/ok").write_bytes(MAIL)
    (tmp_path / "inbox/new/bad").write_bytes(b"\x00")
    box.acknowledge("ok", Disposition.PROCESSED)
    box.acknowledge("bad", Disposition.FAILED)
    box.acknowledge("ok", Disposition.PROCESSED)  # idempotent
    assert (tmp_path / "inbox/cur/ok:2,S").read_bytes() == MAIL
    assert (tmp_path / "failed/new/bad").read_bytes() == b"\x00"
    assert list(box.fetch_new()) == []


def test_send_writes_the_complete_message_once_and_was_sent_finds_it(tmp_path: Path) -> None:
    box = MaildirMailbox(tmp_path)
    assert box.was_sent("<m1@koblenz.example>") is False
    box.send(MAIL, message_id="<m1@koblenz.example>", recipients=["a@koblenz.example"])
    box.send(MAIL, message_id="<m1@koblenz.example>", recipients=["a@koblenz.example"])
    files = list((tmp_path / "sent/new").iterdir())
    assert len(files) == 1 and files[0].read_bytes() == MAIL
    assert list((tmp_path / "sent/tmp").iterdir()) == []
    assert box.was_sent("<m1@koblenz.example>") is True
