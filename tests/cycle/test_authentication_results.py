"""With ``authserv_id``, only our own server's topmost Authentication-Results vouch for a sender (issue 13, 2).

The mails are delivered into the Maildir the way Postfix with OpenDKIM and OpenDMARC and Dovecot's LMTP write
them: our server's headers on top, everything the sender wrote below its ``Received:`` line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.app import App
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.storage import mailrows
from tests.cycle.seeded import ERIKA, OWN_MTA, edit, seeded_app, stand_in_force
from tests.support import MAILS, deliver, sent_messages

GENUINE = (MAILS / "authres_our_server_says_pass.eml").read_bytes()


@pytest.fixture
def app(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> App:
    return seeded_app(config_dir, clock, monkeypatch, authserv_id=OWN_MTA)


def stamped(top: str) -> bytes:
    """The genuine mail with one more Authentication-Results on top, as a later hop would prepend it."""
    return f"Authentication-Results: {top}\n".encode() + GENUINE


def outcome_of(app: App, raw: bytes) -> dict[str, int]:
    deliver(app, raw)
    return process_inbox(app).outcomes


def test_a_forged_pass_below_our_servers_fail_changes_nothing(app: App) -> None:
    count = len(sent_messages(app))
    raw = (MAILS / "authres_forged_pass_below_our_fail.eml").read_bytes()
    assert outcome_of(app, raw) == {"unauthorised": 1}
    assert stand_in_force(app) is None
    # the spoofer gets nothing back; the real lead, at the address from projects.toml, learns of it
    [notice] = sent_messages(app)[count:]
    assert str(notice["To"]).endswith(f"<{ERIKA}>") and "Nicht übernommen" in str(notice["Subject"])
    with app.store.read() as db:
        row = mailrows.inbound(db, 1)
    assert (row.sender_check, row.verified_sender) == ("unverified", None)


def test_our_servers_pass_on_top_verifies_the_lead(app: App) -> None:
    assert outcome_of(app, GENUINE) == {"accepted": 1}
    assert stand_in_force(app) == "Die Schulungen der Key-User sind abgeschlossen."
    [confirmation] = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Bestätigung")]
    assert str(confirmation["To"]) == ERIKA


@pytest.mark.parametrize("top", [
    # a hop after ours that stamps its own results: then that hop's id belongs in authserv_id
    "mail.koblenz.example; dmarc=pass header.from=koblenz.example",
    # our server, but DKIM passed only for a mailing service's domain
    f"{OWN_MTA}; dkim=pass header.d=mailservice.example; dmarc=none header.from=koblenz.example",
    # an SPF pass says nothing about the From header
    f"{OWN_MTA}; spf=pass smtp.mailfrom=koblenz.example",
    # the result sits inside a quoted property value, not in a result of its own
    f'{OWN_MTA}; spf=pass smtp.mailfrom="dmarc=pass@koblenz.example"; dmarc=fail header.from=koblenz.example',
    # DMARC passed, but for another From domain than the one in the mail
    f"{OWN_MTA}; dmarc=pass header.from=kob1enz.example",
    # unreadable
    f"{OWN_MTA}; dmarc=pass (" + "(" * 300,
])
def test_only_a_pass_for_the_from_domain_in_our_topmost_header_counts(app: App, top: str) -> None:
    assert outcome_of(app, stamped(top)) == {"unauthorised": 1}
    assert stand_in_force(app) is None


def test_a_version_after_the_authserv_id_and_dkim_for_the_from_domain_count(app: App) -> None:
    top = f"{OWN_MTA.upper()} 1; dkim=pass (1024-bit key) header.d=Koblenz.Example header.s=mail2018"
    assert outcome_of(app, stamped(top)) == {"accepted": 1}


def test_check_warns_when_a_maildir_installation_trusts_every_from(
        config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(config_dir)]) == 0
    out = capsys.readouterr().out
    assert "Warnung: settings.toml, [mail.maildir]: authserv_id ist nicht gesetzt" in out
    assert "jede Mail im Maildir gilt als vom Absender im From" in out
    edit(config_dir / "settings.toml", 'path = "var/mail"', f'path = "var/mail"\nauthserv_id = "{OWN_MTA}"')
    assert main(["check", "--config", str(config_dir)]) == 0
    assert "authserv_id" not in capsys.readouterr().out
