"""DSGVO: raw mails and outbox bodies go after their period, the report stays; export and erase one person."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import SQLModel, select

from kgrz_mailbot.app import App
from kgrz_mailbot.housekeeping.erase import erase_person
from kgrz_mailbot.housekeeping.retention import export_person, pseudonym, purge
from kgrz_mailbot.jobs.drafts import compile_draft
from kgrz_mailbot.storage.tables import InboundMailRow, OutboundMailRow, StatusUpdateRow
from tests.retention.conftest import BECKER, KRAEMER, RICHTER
from tests.support import at

SESSION = at("2018-09-19T00:00").date()


def raw_sizes(app: App) -> tuple[list[int], dict[str, list[int]]]:
    with app.store.read() as db:
        inbound = [len(r) for r in db.exec(select(InboundMailRow.raw)).all()]
        outbound: dict[str, list[int]] = {}
        for state, raw in db.exec(select(OutboundMailRow.state, OutboundMailRow.raw)).all():
            outbound.setdefault(state, []).append(len(raw))
    return inbound, outbound


def test_purge_keeps_everything_inside_the_periods(cycled: App) -> None:
    # The oldest mail (the requests of 29.08.) is 15 days old: inside both periods.
    result = purge(cycled.store, cycled.clock.now() + timedelta(days=1), raw_mail_days=90, outbox_body_days=30)
    assert (result.inbound_blanked, result.outbound_blanked) == (0, 0)
    inbound, outbound = raw_sizes(cycled)
    assert all(inbound) and all(all(sizes) for sizes in outbound.values())


def test_purge_after_the_periods_blanks_raw_mail_but_the_draft_still_compiles(cycled: App) -> None:
    before = compile_draft(cycled, cycled.session(SESSION)).draft
    maildir = cycled.config.mail.maildir_path
    result = purge(cycled.store, cycled.clock.now() + timedelta(days=365), raw_mail_days=90, outbox_body_days=30,
                   maildir=maildir)
    inbound, outbound = raw_sizes(cycled)
    assert result.inbound_blanked == len(inbound) == 3 and set(inbound) == {0}
    assert set(outbound) == {"sent"} and set(outbound["sent"]) == {0}
    assert result.files_removed == result.inbound_blanked + result.outbound_blanked
    assert not list((maildir / "inbox" / "cur").iterdir()) and not list((maildir / "sent" / "new").iterdir())
    with cycled.store.read() as db:
        texts = {u.sender: u.stand for u in db.exec(select(StatusUpdateRow)).all()}
        subjects = db.exec(select(InboundMailRow.subject)).all()
    assert texts[KRAEMER].startswith("Mit der verwaltungsweiten Umstellung") and all(subjects)
    after = compile_draft(cycled, cycled.session(SESSION))
    assert not after.new_version and after.draft.sections == before.sections
    assert "verwaltungsweiten Umstellung" in "\n".join(s.stand or "" for s in after.draft.sections)
    again = purge(cycled.store, cycled.clock.now() + timedelta(days=365), 90, 30, maildir=maildir)
    assert (again.inbound_blanked, again.outbound_blanked, again.files_removed) == (0, 0, 0)
    assert "Löschfristen angewandt" in result.summary()


def test_export_holds_the_leads_mails_and_answers(cycled: App) -> None:
    data = export_person(cycled.store, "Sabine.Kraemer@koblenz.example")
    json.dumps(data)  # JSON-ready as it is
    assert data["personen"] == [{"projekt": "ecollaboration", "rolle": "Projektleitung", "name": "Sabine Krämer",
                                 "adresse": KRAEMER}]
    # German words for a person to read (issue 15, item 8), not the database's codes
    assert [(m["einordnung"], m["ergebnis"], m["zustand"]) for m in data["eingegangene_mails"]] == [
        ("Antwort", "angenommen", "verarbeitet")]
    assert data["eingegangene_mails"][0]["betreff"].startswith("AW: Statusabfrage eCollaboration")
    assert sorted(m["art"] for m in data["ausgehende_mails"]) == ["Bestätigung", "Statusabfrage"]
    assert data["statusmeldungen"][0]["stand"].startswith("Mit der verwaltungsweiten Umstellung")
    assert data["entwuerfe"] and data["entwuerfe"][0]["freigegeben_von"] == "werkleitung@koblenz.example"
    assert "rohdaten" not in data["eingegangene_mails"][0]
    full = export_person(cycled.store, KRAEMER, include_raw=True)
    assert full["eingegangene_mails"][0]["rohdaten"].startswith("From: Sabine")


def traces(app: App, address: str) -> list[str]:
    """Every column of every row that still mentions the address, in any case, text or raw bytes."""
    found = []
    with app.store.read() as db:
        for table in SQLModel.metadata.sorted_tables:
            for row in db.execute(sa.select(table)).mappings():
                for name, value in row.items():
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    if address in text.lower():
                        found.append(f"{table.name}.{name}")
    return found


def test_erase_leaves_no_trace_but_the_pseudonym_and_keeps_the_approved_report(cycled: App) -> None:
    assert traces(cycled, KRAEMER)
    result = erase_person(cycled.store, KRAEMER, cycled.clock.now(), maildir=cycled.config.mail.maildir_path)
    assert traces(cycled, KRAEMER) == []
    alias = pseudonym(KRAEMER)
    assert alias.startswith("geloescht-") and alias.endswith("@invalid")
    with cycled.store.read() as db:
        kept = db.exec(select(StatusUpdateRow).where(StatusUpdateRow.sender == alias)).all()
        senders = db.exec(select(InboundMailRow.from_address)).all()
    assert len(kept) == 1 and kept[0].stand.startswith("Mit der verwaltungsweiten Umstellung")
    assert alias in senders and BECKER in senders  # others are untouched
    assert (result.updates_kept, result.still_configured) == (1, ["ecollaboration"])
    assert "projects.toml" in result.summary()
    assert not any(KRAEMER.encode() in p.read_bytes().lower()
                   for p in cycled.config.mail.maildir_path.rglob("*") if p.is_file())


def test_erase_keeps_answers_no_approved_draft_contains_yet(cycled: App) -> None:
    # The report text is the organisation's record: the next draft must still quote it, under the pseudonym.
    result = erase_person(cycled.store, RICHTER, cycled.clock.now())
    assert result.updates_kept == 1
    assert traces(cycled, RICHTER) == []
    export = export_person(cycled.store, pseudonym(RICHTER))
    assert [u["stand"] for u in export["statusmeldungen"]] == ["Die Schulung hat stattgefunden."]
    assert export["statusmeldungen"][0]["absender"] == pseudonym(RICHTER) and export["eingegangene_mails"]
