"""format=flowed text (RFC 3676) as Thunderbird and K-9 write it: soft breaks joined, quotes and signature kept."""

from __future__ import annotations

from kgrz_mailbot.replies.flowed import unflow
from kgrz_mailbot.replies.mime import parse_mail


def test_soft_line_breaks_are_joined_and_hard_ones_kept() -> None:
    text = "Stand: Die Ausschreibung ist \r\nveröffentlicht.\r\n\r\nZweiter Absatz.\r\n-- \r\nErika"
    assert unflow(text) == "Stand: Die Ausschreibung ist veröffentlicht.\n\nZweiter Absatz.\n-- \nErika"


def test_quoted_lines_are_joined_per_depth_and_keep_their_marks() -> None:
    text = "> Guten Tag, bitte melden Sie \r\n> den Stand.\r\n>> älter \r\n>> noch\r\n>\r\nneu"
    assert unflow(text) == "> Guten Tag, bitte melden Sie den Stand.\n> > älter noch\n> \nneu"


def test_delsp_removes_the_space_of_the_soft_break_and_stuffing_is_undone() -> None:
    assert unflow("Lang\u00adwort \r\n fortgesetzt", delsp=True) == "Lang\u00adwortfortgesetzt"
    assert unflow(" From here") == "From here"


def test_only_a_flowed_part_is_unwrapped() -> None:
    head = b"From: a@koblenz.example\r\nContent-Type: text/plain; charset=utf-8%s\r\n\r\n"
    text = b"Stand: eins \r\nzwei\r\n"
    assert parse_mail(head % b"; format=flowed" + text).plain == "Stand: eins zwei\n"
    assert parse_mail(head % b"" + text).plain == "Stand: eins \nzwei\n"
