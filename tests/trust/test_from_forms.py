"""The From check accepts every form real mail programs write for one mailbox, and nothing that could name two.

Each row is a From header as a client, gateway or library writes it (bytes as on the wire, folding included).
"""

from __future__ import annotations

import pytest

from kgrz_mailbot.replies.mime import parse_mail
from kgrz_mailbot.trust.sender import MAX_FROM, strict_from

ONE_MAILBOX: list[tuple[str, bytes, str]] = [
    ("Outlook, Exchange GAL name", b'"Muster, Erika" <erika.muster@koblenz.example>', "erika.muster@koblenz.example"),
    ("Outlook, GAL name with office", b'"Weber, Elke (Amt 10)" <elke.weber@koblenz.example>',
     "elke.weber@koblenz.example"),
    ("Outlook, whole phrase Q-encoded iso-8859-1",
     b"=?iso-8859-1?Q?Kr=E4mer=2C_Sabine?= <sabine.kraemer@koblenz.example>",
     "sabine.kraemer@koblenz.example"),
    ("Outlook 365, whole phrase B-encoded utf-8", b"=?utf-8?B?S3LDpG1lciwgU2FiaW5l?= <sabine.kraemer@koblenz.example>",
     "sabine.kraemer@koblenz.example"),
    ("Outlook, long name split into two encoded words over a fold",
     b"=?utf-8?B?QmVybmQgU2Now6RmZXIt?=\r\n =?utf-8?B?R3Jvw59tYW5u?= <bernd.schaefer@koblenz.example>",
     "bernd.schaefer@koblenz.example"),
    ("Thunderbird, lower-case hex in a Q word", b"=?UTF-8?Q?Sabine_Kr=c3=a4mer?= <sabine.kraemer@koblenz.example>",
     "sabine.kraemer@koblenz.example"),
    ("Apple Mail, Q-encoded utf-8", b"=?utf-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen.mueller@koblenz.example>",
     "juergen.mueller@koblenz.example"),
    ("library, obsolete phrase: title with a period and a partial encoded word",
     b"Dr. Thomas =?utf-8?q?Sch=C3=A4fer?= <thomas.schaefer@koblenz.example>", "thomas.schaefer@koblenz.example"),
    ("obsolete phrase, two titles with periods and a hyphen",
     b"Prof. Dr.-Ing. Hans-Peter Meier <hp.meier@koblenz.example>",
     "hp.meier@koblenz.example"),
    ("obsolete phrase, degree with a comment", b"Dipl.-Verw.-Wirt (FH) Klaus Jung <klaus.jung@koblenz.example>",
     "klaus.jung@koblenz.example"),
    ("obsolete phrase, Dr. before a windows-1252 word", b"Dr. =?windows-1252?Q?J=FCrgen_M=FCller_=96_Amt_12?= "
     b"<juergen.mueller@koblenz.example>", "juergen.mueller@koblenz.example"),
    ("obsolete phrase, St. in a street-like name", b"St. Martin Kita <kita.st-martin@koblenz.example>",
     "kita.st-martin@koblenz.example"),
    ("quoted name with a title", b'"Dr. Weber, Elke" <elke.weber@koblenz.example>', "elke.weber@koblenz.example"),
    ("iso-8859-15 encoded word", b"=?ISO-8859-15?Q?Andr=E9_Schulz?= <andreas.schulz@koblenz.example>",
     "andreas.schulz@koblenz.example"),
    ("iso-8859-1 B-encoded word", b"=?ISO-8859-1?B?SvxyZ2Vu?= Wolf <juergen.wolf@koblenz.example>",
     "juergen.wolf@koblenz.example"),
    ("HCL Notes, encoded word inside quotes",
     b'"=?ISO-8859-1?Q?M=FCller=2C_J=FCrgen?=" <juergen.mueller@koblenz.example>',
     "juergen.mueller@koblenz.example"),
    ("HCL Notes, hierarchical name", b"Elke Weber/KGRZ/Stadt Koblenz <elke.weber@koblenz.example>",
     "elke.weber@koblenz.example"),
    ("GroupWise, quoted name and mixed-case address", b'"Elke Weber" <Elke.Weber@Koblenz.Example>',
     "elke.weber@koblenz.example"),
    ("apostrophe in an atom", b"Peter O'Neill <peter.oneill@koblenz.example>", "peter.oneill@koblenz.example"),
    ("apostrophe in a quoted name", b"\"D'Angelo, Maria\" <maria.dangelo@koblenz.example>",
     "maria.dangelo@koblenz.example"),
    ("bare address", b"erika.muster@koblenz.example", "erika.muster@koblenz.example"),
    ("angle address without a name", b"<erika.muster@koblenz.example>", "erika.muster@koblenz.example"),
    ("old style: name in a comment", b"erika.muster@koblenz.example (Erika Muster)", "erika.muster@koblenz.example"),
    ("comment after the angle address", b"Erika Muster <erika.muster@koblenz.example> (KGRZ)",
     "erika.muster@koblenz.example"),
    ("comment inside the phrase", b"Elke Weber (Amt 10) <elke.weber@koblenz.example>", "elke.weber@koblenz.example"),
    ("Outlook without a name: the address as display name", b'"erika.muster@koblenz.example" '
     b"<erika.muster@koblenz.example>", "erika.muster@koblenz.example"),
    ("RFC 6532 raw UTF-8 name", "Sabine Krämer <sabine.kraemer@koblenz.example>".encode(),
     "sabine.kraemer@koblenz.example"),
    ("old webmailer, raw latin-1 name", b"J\xfcrgen M\xfcller <juergen.mueller@koblenz.example>",
     "juergen.mueller@koblenz.example"),
    ("gateway, unquoted comma", b"Weber, Elke <elke.weber@koblenz.example>", "elke.weber@koblenz.example"),
    ("gateway, unquoted comma and a degree", b"Klein, Frank, M.A. <frank.klein@koblenz.example>",
     "frank.klein@koblenz.example"),
    ("folded before the angle address", b'"Muster, Erika"\r\n\t<erika.muster@koblenz.example>',
     "erika.muster@koblenz.example"),
    ("Gmail, plain name", b"Erika Muster <erika.muster@koblenz.example>", "erika.muster@koblenz.example"),
]

TWO_PEOPLE: list[tuple[str, bytes]] = [
    ("two mailboxes", b"sabine.kraemer@koblenz.example, evil@evil.example"),
    ("the lead's address as the display name", b"sabine.kraemer@koblenz.example <evil@evil.example>"),
    ("the lead's address as a quoted display name", b'"sabine.kraemer@koblenz.example" <evil@evil.example>'),
    ("an encoded word that decodes to the lead's address",
     b"=?utf-8?q?sabine.kraemer=40koblenz.example?= <evil@evil.example>"),
    ("a full-width at sign in the display name", '"sabine.kraemer＠koblenz.example" <evil@evil.example>'.encode()),
    ("another address in a comment", b"sabine.kraemer@koblenz.example (statt <evil@evil.example>)"),
    ("missing closing bracket", b"Sabine <sabine.kraemer@koblenz.example"),
    ("missing opening bracket", b"Sabine sabine.kraemer@koblenz.example>"),
    ("two angle addresses", b'"Sabine" <sabine.kraemer@koblenz.example> <evil@evil.example>'),
    ("a second address after the angle address", b"Sabine <sabine.kraemer@koblenz.example> evil@evil.example"),
    ("no domain", b"Erika Muster <erika.muster>"),
    ("an empty group", b"Undisclosed recipients: ;"),
    ("an unquoted comma and two angle addresses", b"Weber, Elke <elke.weber@koblenz.example>, <evil@evil.example>"),
]


def mail(from_value: bytes) -> bytes:
    return (b"From: " + from_value + b"\r\nTo: projektstatus@koblenz.example\r\nSubject: AW: Statusabfrage\r\n"
            b"Message-ID: <x@koblenz.example>\r\n\r\nStand: l\xc3\xa4uft\r\n")


@pytest.mark.parametrize(("case", "value", "address"), ONE_MAILBOX, ids=[c for c, *_ in ONE_MAILBOX])
def test_one_mailbox_as_a_client_writes_it_is_trusted(case: str, value: bytes, address: str) -> None:
    assert strict_from(mail(value)) == address
    # the lenient reading the rest of the pipeline uses names the same mailbox
    assert parse_mail(mail(value)).facts.from_address == address


@pytest.mark.parametrize(("case", "value"), TWO_PEOPLE, ids=[c for c, _ in TWO_PEOPLE])
def test_what_could_name_two_people_is_not_trusted(case: str, value: bytes) -> None:
    assert strict_from(mail(value)) is None


def test_the_table_covers_at_least_thirty_real_forms() -> None:
    assert len(ONE_MAILBOX) >= 30


def test_two_from_headers_are_not_trusted() -> None:
    raw = mail(b"Erika Muster <erika.muster@koblenz.example>")
    assert strict_from(b"From: Evil <evil@evil.example>\r\n" + raw) is None


def test_a_from_over_the_line_limit_is_not_parsed_at_all() -> None:
    name = b"Dr. " + b"A" * MAX_FROM
    assert strict_from(mail(name + b" <erika.muster@koblenz.example>")) is None
