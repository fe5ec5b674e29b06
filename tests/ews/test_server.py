"""The EWS test server itself, driven by plain exchangelib: the operations the transport does not use yet."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from exchangelib import (
    BASIC,
    DELEGATE,
    Account,
    Build,
    Configuration,
    Credentials,
    EWSTimeZone,
    FileAttachment,
    Folder,
    HTMLBody,
    Mailbox,
    Message,
    Version,
)
from exchangelib.errors import ErrorItemNotFound

from .conftest import mail
from .server import EwsTestServer


@pytest.fixture
def account(ews_server: EwsTestServer) -> Iterator[Account]:
    config = Configuration(service_endpoint=ews_server.url, credentials=Credentials("KGRZ\\svc-mailbot", "geheim"),
                           auth_type=BASIC, version=Version(build=Build(15, 2)))
    yield Account(ews_server.address, config=config, autodiscover=False, access_type=DELEGATE,
                  default_timezone=EWSTimeZone("Europe/Berlin"))


def test_html_mail_with_attachment_from_fields(ews_server: EwsTestServer, account: Account) -> None:
    msg = Message(account=account, folder=account.sent, subject="Entwurf Vorlage",
                  body=HTMLBody("<p>Anbei der Entwurf.</p>"), to_recipients=[Mailbox(email_address="chef@x.de")])
    msg.attach(FileAttachment(name="vorlage.docx", content=b"PK\x03\x04fake",
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    msg.send_and_save()
    (sent,) = ews_server.store.sent
    parsed = message_from_bytes(sent.raw, policy=default_policy)
    assert sent.recipients == ("chef@x.de",)
    assert parsed["Subject"] == "Entwurf Vorlage"
    (att,) = list(parsed.iter_attachments())
    assert att.get_filename() == "vorlage.docx" and att.get_content() == b"PK\x03\x04fake"
    assert len(ews_server.folder_items("sentitems")) == 1


def test_draft_then_send_item(ews_server: EwsTestServer, account: Account) -> None:
    (created,) = account.bulk_create(folder=account.drafts, items=[
        Message(account=account, subject="Entwurf", body="x", to_recipients=["a@x.de"],
                message_id="<draft-1@mailbot>")])
    (fetched,) = account.fetch(ids=[created], only_fields=["message_id"])
    assert fetched.message_id == "<draft-1@mailbot>"
    account.bulk_send(ids=[created], copy_to_folder=account.sent)
    assert ews_server.store.sent[0].message_id == "<draft-1@mailbot>"
    assert ews_server.folder_items("drafts") == [] and len(ews_server.folder_items("sentitems")) == 1


def test_update_is_read_and_delete(ews_server: EwsTestServer, account: Account) -> None:
    ids = [ews_server.deliver(mail(n)) for n in range(3)]
    items = list(account.inbox.filter(is_read=False).order_by("datetime_received"))
    for item in items:
        item.is_read = True
    account.bulk_update([(i, ["is_read"]) for i in items])
    assert all(ews_server.store.item(i).is_read for i in ids)
    assert account.inbox.filter(is_read=False).count() == 0
    account.bulk_delete(ids=[(ids[0], None)])
    assert len(ews_server.folder_items("inbox")) == 2


def test_move_returns_new_ids_and_old_ids_vanish(ews_server: EwsTestServer, account: Account) -> None:
    old = ews_server.deliver(mail(1))
    (new,) = account.bulk_move(ids=[(old, None)], to_folder=account.trash)
    assert new[0] != old
    (gone,) = account.fetch(ids=[(old, None)], only_fields=["subject"])
    assert isinstance(gone, ErrorItemNotFound)


def test_folder_save_walks_the_folder_cache(ews_server: EwsTestServer, account: Account) -> None:
    """Folder.save() first loads exchangelib's folder cache: GetFolder × 31 distinguished ids, FindFolder Deep."""
    Folder(parent=account.inbox, name="Archiv").save()
    assert ews_server.count("CreateFolder") == 1
    assert any(op == "GetFolder" and n > 20 for op, n in ews_server.calls)
    assert (account.inbox // "Archiv").name == "Archiv"
    assert ews_server.store.folder_by_path("inbox", "Archiv").name == "Archiv"


def test_paging_from_the_end(ews_server: EwsTestServer, account: Account) -> None:
    for n in range(5):
        ews_server.deliver(mail(n))
    newest = account.inbox.all().order_by("-datetime_received").only("subject")[:2]
    assert [m.subject for m in newest] == ["AW: Statusabfrage Projekt 4", "AW: Statusabfrage Projekt 3"]
